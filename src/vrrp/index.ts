// Public surface of the sans-I/O VRRP core.
export { VrrpInstance } from './instance.js';
export { VrrpDemux, type DispatchResult } from './demux.js';
export { vrrpParams, type VrrpInstanceParams, type VrrpAuth } from './params.js';
export type { VrrpEvent } from './events.js';
export { encodeSendAdvert, type VrrpAction, type SendAdvertAction, type VrrpState } from './actions.js';
export type { TimerName } from './timers.js';
export { skewTimeUs, masterDownUs } from './timers.js';
export {
  encodeAdvert, decodeAdvert, decodeIpv4Packet, buildIpv4Packet, peekVrid, checksumOk,
  IPPROTO_VRRP, VRRP_MCAST_GROUP4, VRRP_MCAST_GROUP6, VRRP_IP_TTL, type VrrpAdvert, type Ipv4Packet,
} from './packet.js';
export { checkPacket, REJECT_REASONS, type ReceivedPacket, type RejectReason, type UnicastPeer, type CheckConfig } from './validate.js';
export { newStats, statsJson, type VrrpStats } from './stats.js';
