// Runs INSIDE the IPVS VM: prints our client's `ipvsadm -Ln` view of the
// kernel table and the decoded records, as JSON. Used to read back what
// Debian's keepalived programmed.
import { resolve } from 'node:path';

const { IpvsClient, formatIpvsadmList } = await import(`${resolve(process.argv[2] ?? 'dist')}/src/ipvs/index.js`);
const c = await IpvsClient.open();
const table = await c.listAll();
c.close();
process.stdout.write(JSON.stringify({ list: formatIpvsadmList(table), services: table.services }));
