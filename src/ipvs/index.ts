// Public face of src/ipvs: the client, its records and the ipvsadm-style views.
export { IpvsClient, type IpvsClientOptions } from './client.js';
export * from './codec.js';
export { IpvsError, NO_IPVS_MESSAGE, type IpvsErrorKind, type IpvsOp } from './errors.js';
export * from './format.js';
export { familyOf } from './addr.js';
