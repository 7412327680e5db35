// Inputs to the sans-I/O VRRP engine. Time is not in the event: it is passed to handle() as `nowMs`.
import type { VrrpInstanceParams } from './params.js';
import type { TimerName } from './timers.js';
import type { ReceivedPacket } from './validate.js';

export type VrrpEvent =
  /**
   * `vipsPresent`: every VIP of the instance is still on its interface, left there by a VRRP process that died
   * (a respawned child): the instance keeps them and claims mastership after one advert interval unless a
   * master is heard, instead of dropping them for a whole Master_Down_Interval.
   */
  | { type: 'start'; vipsPresent?: boolean }
  | { type: 'packetReceived'; rx: ReceivedPacket }
  | { type: 'timerFired'; timer: TimerName }
  /** `interface`, a VIP's dev or a track_interface without weight went up/down. */
  | { type: 'interfaceUp'; ifname: string }
  | { type: 'interfaceDown'; ifname: string }
  /** base priority + tracker weights, computed by the tracking layer (clamped to 1..254 here). */
  | { type: 'priorityChanged'; effective: number }
  /** An unweighted tracker (script, file, process, bfd) failed / recovered. */
  | { type: 'trackerFault'; name: string }
  | { type: 'trackerClear'; name: string }
  /** Sync group (vrrp_sync_master / vrrp_sync_backup): another member moved the group to MASTER / BACKUP. */
  | { type: 'syncMaster'; group: string }
  | { type: 'syncBackup'; group: string }
  | { type: 'stop' }
  /** SIGHUP with this instance matched in the new config (same VRID, family, interface, unicast source). */
  | { type: 'reload'; params: VrrpInstanceParams };
