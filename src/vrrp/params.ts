// The engine's own configuration input. Plain data; field names follow keepalived keywords
// (vrrp_instance block, keepalived.conf(5)) with the unit in the name. A config mapper fills it.
import type { Family } from './addr.js';
import type { UnicastPeer } from './validate.js';

export type VrrpAuth = { type: 'none' } | { type: 'PASS'; pass: string } | { type: 'AH' };

export interface VrrpInstanceParams {
  /** vrrp_instance NAME (keepalived iname, used in every log line). */
  iname: string;
  /** `interface`. */
  interface: string;
  /** virtual_router_id 1..255. */
  vrid: number;
  /** `version` (or global vrrp_version). */
  version: 2 | 3;
  family: Family;
  /** `priority` (base priority) 1..255; 255 = address owner. */
  priority: number;
  /** `state`: MASTER only shortens the first wait (or, with priority 255, takes over at once). */
  state: 'MASTER' | 'BACKUP';
  /** advert_int in centiseconds (v2: whole seconds × 100). */
  advertIntCs: number;
  nopreempt: boolean;
  /** preempt_delay in ms. */
  preemptDelayMs: number;
  /** virtual_ipaddress addresses (no prefix), advertised in this order. */
  vips: string[];
  /** virtual_ipaddress_excluded addresses. */
  evips: string[];
  /** authentication { auth_type; auth_pass } (v2 only). */
  auth: VrrpAuth;
  /** unicast_src_ip, or null for the interface's primary address. */
  unicastSrcIp: string | null;
  unicastPeers: UnicastPeer[];
  /** check_unicast_src (or the global). */
  checkUnicastSrc: boolean;
  /** Our advert source address: unicast_src_ip / mcast_src_ip or the interface primary (equal-priority tie-break). */
  primaryIp: string;
  /** global vrrp_mcast_group4 (pseudo-header destination of the old unicast checksum). */
  mcastGroup4: string;
  garpMasterDelayMs: number; // garp_master_delay (0 = no second block)
  garpMasterRepeat: number; // garp_master_repeat
  garpMasterRefreshMs: number; // garp_master_refresh (0 = none)
  garpMasterRefreshRepeat: number; // garp_master_refresh_repeat
  garpLowerPrioDelayMs: number; // garp_lower_prio_delay
  garpLowerPrioRepeat: number; // garp_lower_prio_repeat
  lowerPrioNoAdvert: boolean; // lower_prio_no_advert
  higherPrioSendAdvert: boolean; // higher_prio_send_advert
  skipCheckAdvAddr: boolean; // skip_check_adv_addr
  downTimerAdverts: number; // down_timer_adverts 1..100
  strict: boolean; // strict_mode / vrrp_strict (already applied by the mapper; informational)
  v3ChecksumAsV2: boolean; // v3_checksum_as_v2
  /** old_unicast_checksum: absent = 'auto' (switch when a peer uses it), `never`, or configured = 'always'. */
  oldUnicastChecksum: 'auto' | 'never' | 'always';
  /** global log_unknown_vrids. */
  logUnknownVrids: boolean;
  /** notify_priority_changes: FIFO MASTER_PRIORITY / BACKUP_PRIORITY lines. */
  notifyPriorityChanges: boolean;
}

/** keepalived defaults (vrrp_data.c alloc_vrrp, global_data.c) for everything but identity fields. */
export function vrrpParams(p: Pick<VrrpInstanceParams, 'iname' | 'interface' | 'vrid' | 'primaryIp' | 'vips'> & Partial<VrrpInstanceParams>): VrrpInstanceParams {
  const garpMasterDelayMs = p.garpMasterDelayMs ?? 5000;
  const garpMasterRepeat = p.garpMasterRepeat ?? 5;
  return {
    version: 2, family: p.vips[0]?.includes(':') ? 6 : 4, priority: 100, state: 'BACKUP', advertIntCs: 100,
    nopreempt: false, preemptDelayMs: 0, evips: [], auth: { type: 'none' }, unicastSrcIp: null, unicastPeers: [],
    checkUnicastSrc: false, mcastGroup4: '224.0.0.18', garpMasterDelayMs, garpMasterRepeat, garpMasterRefreshMs: 0,
    garpMasterRefreshRepeat: 1, garpLowerPrioDelayMs: garpMasterDelayMs, garpLowerPrioRepeat: garpMasterRepeat,
    lowerPrioNoAdvert: false, higherPrioSendAdvert: false, skipCheckAdvAddr: false, downTimerAdverts: 3, strict: false,
    v3ChecksumAsV2: false, oldUnicastChecksum: 'auto', logUnknownVrids: false, notifyPriorityChanges: false,
    ...p,
  };
}
