// Public surface of the sans-I/O VRRP core. Wiring, per instance:
//   const inst = new VrrpInstance(params);            // params: VrrpInstanceParams (vrrpParams() fills defaults)
//   run(inst.handle({ type: 'start' }, now()));       // then every socket packet, timer, link/tracker change:
//   demux.dispatch({ family, ...vrrpReceived }, now()) // src/net VrrpReceived (or { family: 4, packet }) → actions
// and perform each returned VrrpAction in order (sendAdvert → encodeSendAdvert() per destination,
// scheduleTimer/cancelTimer → one timer per name that calls handle({ type: 'timerFired', timer }), …).
export { VrrpInstance } from './instance.js';
export { VrrpDemux, type DispatchResult } from './demux.js';
export { vrrpParams, type VrrpInstanceParams, type VrrpAuth } from './params.js';
export type { VrrpEvent } from './events.js';
export { encodeSendAdvert, type VrrpAction, type SendAdvertAction, type VrrpState, type GarpReason, type NotifyState } from './actions.js';
export type { TimerName } from './timers.js';
export { skewTimeUs, masterDownUs } from './timers.js';
export {
  encodeAdvert, decodeAdvert, decodeIpv4Packet, buildIpv4Packet, peekVrid, checksumOk,
  IPPROTO_VRRP, VRRP_MCAST_GROUP4, VRRP_MCAST_GROUP6, VRRP_IP_TTL, type VrrpAdvert, type Ipv4Packet,
} from './packet.js';
export {
  checkPacket, sourceOf, REJECT_REASONS, REJECT_COUNTER,
  type ReceivedPacket, type RejectReason, type UnicastPeer, type CheckConfig, type CheckResult,
} from './validate.js';
export { newStats, statsJson, type VrrpStats } from './stats.js';
