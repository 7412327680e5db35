// Outputs of the sans-I/O VRRP engine: plain objects for the adapters (sockets, netlink, scripts, log).
import { encodeAdvert, type VrrpAdvert } from './packet.js';
import type { TimerName } from './timers.js';

export type GarpReason = 'master' | 'delayed' | 'refresh' | 'lowerPrio' | 'reload';

export type VrrpState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP';

export interface SendAdvertAction {
  type: 'sendAdvert';
  priority: number;
  /** Payload fields; checksum is computed by encodeSendAdvert() once source/destination are known. */
  advert: VrrpAdvert;
  /** v3 IPv4 unicast: pseudo-header destination is the multicast group (keepalived < 1.3.6 peers). */
  oldUnicastChecksum: boolean;
  v3ChecksumAsV2: boolean;
}

export type VrrpAction =
  | SendAdvertAction
  | { type: 'addVips'; vips: string[]; evips: string[] }
  | { type: 'removeVips'; vips: string[]; evips: string[] }
  /** One block of `count` gratuitous ARPs / unsolicited NAs per address. */
  | { type: 'sendGarp'; addresses: string[]; count: number; reason: GarpReason }
  | { type: 'scheduleTimer'; timer: TimerName; atMs: number }
  | { type: 'cancelTimer'; timer: TimerName }
  | { type: 'stateChange'; from: VrrpState; to: VrrpState; reason: string }
  /** `detail`: keepalived prints this line only with -D (LOG_DETAIL). */
  | { type: 'log'; level: 'info' | 'warning' | 'error'; text: string; detail?: true }
  /**
   * notify scripts / FIFO with the priority to report. States run notify_<state> + notify + FIFO;
   * MASTER_RX_LOWER_PRI runs notify_master_rx_lower_pri + FIFO; *_PRIORITY go to the FIFO only.
   */
  | { type: 'notify'; state: NotifyState; priority: number };

export type NotifyState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP' | 'MASTER_RX_LOWER_PRI' | 'MASTER_PRIORITY' | 'BACKUP_PRIORITY';

/** Bytes for one destination (the multicast group, or each unicast peer). */
export function encodeSendAdvert(a: SendAdvertAction, srcIp: string, dstIp: string, mcastGroup4 = '224.0.0.18'): Buffer {
  const pseudoDst = a.oldUnicastChecksum && a.advert.family === 4 && a.advert.version === 3 ? mcastGroup4 : dstIp;
  return encodeAdvert(a.advert, { srcIp, dstIp: pseudoDst, v3ChecksumAsV2: a.v3ChecksumAsV2 });
}
