// Per-instance counters, named as keepalived's vrrp_stats (include/vrrp.h) and its JSON dump.

export interface VrrpStats {
  advert_rcvd: number;
  advert_sent: number;
  become_master: number;
  release_master: number;
  packet_len_err: number;
  advert_interval_err: number;
  ip_ttl_err: number;
  invalid_type_rcvd: number;
  addr_list_err: number;
  invalid_authtype: number;
  authtype_mismatch: number;
  auth_failure: number;
  pri_zero_rcvd: number;
  pri_zero_sent: number;
  /** SNMP-only counters in keepalived (not in the JSON/stats dumps). */
  chk_err: number;
  vers_err: number;
  vrid_err: number;
}

export function newStats(): VrrpStats {
  return {
    advert_rcvd: 0, advert_sent: 0, become_master: 0, release_master: 0, packet_len_err: 0,
    advert_interval_err: 0, ip_ttl_err: 0, invalid_type_rcvd: 0, addr_list_err: 0, invalid_authtype: 0,
    authtype_mismatch: 0, auth_failure: 0, pri_zero_rcvd: 0, pri_zero_sent: 0, chk_err: 0, vers_err: 0, vrid_err: 0,
  };
}

/** The `stats` object of keepalived's JSON dump (vrrp_json.c), same keys in the same order. */
export function statsJson(s: VrrpStats): Record<string, number> {
  return {
    advert_rcvd: s.advert_rcvd, advert_sent: s.advert_sent, become_master: s.become_master,
    release_master: s.release_master, packet_len_err: s.packet_len_err, advert_interval_err: s.advert_interval_err,
    ip_ttl_err: s.ip_ttl_err, invalid_type_rcvd: s.invalid_type_rcvd, addr_list_err: s.addr_list_err,
    invalid_authtype: s.invalid_authtype, authtype_mismatch: s.authtype_mismatch, auth_failure: s.auth_failure,
    pri_zero_rcvd: s.pri_zero_rcvd, pri_zero_sent: s.pri_zero_sent,
  };
}
