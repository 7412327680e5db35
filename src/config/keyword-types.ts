// Value types of keywords: ranges, defaults and keepalived's messages (reference §5, from
// keepalived's handlers). A keyword with no entry here takes any words (`opt`).
import { ConfigErr } from './diagnostics.js';

export type ValueSpec =
  | { t: 'flag' } // keyword alone; words after it are ignored
  | { t: 'bool' } // keyword alone = true, or true|on|yes / false|off|no
  | { t: 'int'; min: number; max: number; invalid?: string }
  | { t: 'timer'; min: number; max: number; invalid?: string } // decimal seconds, µs resolution
  | { t: 'str' } // one word required
  | { t: 'words'; min: number } // at least `min` words
  | { t: 'opt' } // any words, none required
  | { t: 'ip' }
  | { t: 'script' } // quoted script string, optional USER [GROUP]
  | { t: 'enum'; values: readonly string[]; ci?: boolean; invalid?: string }
  | { t: 'values' } // a value block: `{` then one entry per line then `}`
  | { t: 'block' }; // opens a keyword block (sub-level)

export interface KeywordInfo {
  spec: ValueSpec;
  /** Deprecated spelling: keepalived's message and the class it reports it with. */
  deprecated?: { use: string; message: string; err: ConfigErr };
}

const TIMER_MAX = 4294.967295;
const flag: ValueSpec = { t: 'flag' };
const bool: ValueSpec = { t: 'bool' };
const str: ValueSpec = { t: 'str' };
const ip: ValueSpec = { t: 'ip' };
const script: ValueSpec = { t: 'script' };
const values: ValueSpec = { t: 'values' };
const block: ValueSpec = { t: 'block' };
const opt: ValueSpec = { t: 'opt' };
const int = (min: number, max: number, invalid?: string): ValueSpec => ({ t: 'int', min, max, invalid });
const timer = (min: number, max: number, invalid?: string): ValueSpec => ({ t: 'timer', min, max, invalid });
const words = (min: number): ValueSpec => ({ t: 'words', min });
const oneOf = (vals: readonly string[], ci = false, invalid?: string): ValueSpec => ({ t: 'enum', values: vals, ci, invalid });

const INT_MAX = 2147483647;
const UINT_MAX = 4294967295;

/** Keywords installed with install_keyword_quoted(): split by the script tokeniser. */
export const SCRIPT_KEYWORDS = new Set([
  'notify', 'notify_master', 'notify_backup', 'notify_fault', 'notify_stop', 'notify_deleted',
  'notify_master_rx_lower_pri', 'script', 'misc_path', 'quorum_up', 'quorum_down', 'startup_script',
  'shutdown_script', 'notify_fifo_script', 'vrrp_notify_fifo_script', 'lvs_notify_fifo_script', 'notify_up', 'notify_down',
]);

/** Per-keyword specs by name; `block/keyword` entries override the plain name in that block. */
const BY_NAME: Record<string, ValueSpec> = {
  // --- root ---
  global_defs: block, vrrp_instance: block, vrrp_script: block, vrrp_sync_group: block, virtual_server: block,
  virtual_server_group: values, static_ipaddress: values, static_routes: values, static_rules: values,
  track_file: block, vrrp_track_file: block, vrrp_track_process: block, SSL: block, bfd_instance: block, garp_group: block,
  track_group: block, linkbeat_interfaces: values, interface_up_down_delays: values,
  net_namespace: str, net_namespace_ipvs: opt, namespace_with_ipsets: flag, instance: str, use_pid_dir: flag,
  child_wait_time: int(0, UINT_MAX), linkbeat_use_polling: flag,
  // --- global_defs ---
  router_id: str, notification_email: values, notification_email_from: str, smtp_server: words(1),
  smtp_helo_name: str, smtp_connect_timeout: int(0, 4294), smtp_alert: bool, smtp_alert_vrrp: bool, smtp_alert_checker: bool,
  no_email_faults: flag, no_checker_emails: flag, checker_log_all_failures: bool,
  script_user: words(1), enable_script_security: flag,
  vrrp_skip_check_adv_addr: bool, vrrp_strict: bool, vrrp_check_unicast_src: flag,
  vrrp_garp_interval: timer(0.000001, TIMER_MAX, "vrrp_garp_interval '%s' is invalid"),
  vrrp_gna_interval: timer(0.000001, TIMER_MAX, "vrrp_gna_interval '%s' is invalid"),
  vrrp_mcast_group4: ip, vrrp_mcast_group6: ip,
  vrrp_version: int(2, 3, 'VRRP Error: Version must be either 2 or 3'),
  vrrp_garp_master_delay: int(0, 4294), vrrp_garp_master_repeat: int(0, INT_MAX), vrrp_garp_master_refresh: int(0, 4294),
  vrrp_garp_master_refresh_repeat: int(0, INT_MAX), vrrp_garp_lower_prio_delay: int(0, 4294), vrrp_garp_lower_prio_repeat: int(0, INT_MAX),
  vrrp_min_garp: bool, vrrp_garp_extra_if: words(1), vrrp_vmac_garp_intvl: words(1), vrrp_down_timer_adverts: int(1, 100),
  vrrp_lower_prio_no_advert: bool, vrrp_higher_prio_send_advert: bool, v3_checksum_as_v2: bool,
  vrrp_iptables: opt, vrrp_ipsets: opt, nftables: opt, nftables_priority: int(-INT_MAX, INT_MAX), nftables_counters: flag,
  nftables_ifindex: flag, nftables_ipvs: opt, nftables_ipvs_priority: int(-INT_MAX, INT_MAX), nftables_ipvs_start_fwmark: int(0, UINT_MAX),
  vrrp_notify_priority_changes: bool, notify_fifo: words(1), vrrp_notify_fifo: words(1), lvs_notify_fifo: words(1),
  notify_fifo_script: script, vrrp_notify_fifo_script: script, lvs_notify_fifo_script: script,
  fifo_write_vrrp_states_on_reload: flag, dynamic_interfaces: opt, default_interface: str, disable_local_igmp: flag,
  lvs_flush: flag, lvs_flush_on_stop: opt, lvs_flush_onstop: opt, lvs_timeouts: words(1), lvs_sync_daemon: words(1),
  vrrp_priority: int(-20, 19), checker_priority: int(-20, 19), bfd_priority: int(-20, 19),
  vrrp_rt_priority: int(1, 99), checker_rt_priority: int(1, 99), bfd_rt_priority: int(1, 99),
  vrrp_no_swap: flag, checker_no_swap: flag, bfd_no_swap: flag,
  vrrp_cpu_affinity: words(1), checker_cpu_affinity: words(1), bfd_cpu_affinity: words(1),
  vrrp_rlimit_rttime: int(1, UINT_MAX), checker_rlimit_rttime: int(1, UINT_MAX), bfd_rlimit_rttime: int(1, UINT_MAX),
  vrrp_rlimit_rtime: int(1, UINT_MAX), checker_rlimit_rtime: int(1, UINT_MAX), bfd_rlimit_rtime: int(1, UINT_MAX),
  max_auto_priority: opt, min_auto_priority_delay: int(1, 10000000),
  snmp_socket: str, enable_snmp_vrrp: flag, enable_snmp_keepalived: flag, enable_snmp_checker: flag, enable_snmp_rfc: flag,
  enable_snmp_rfcv2: flag, enable_snmp_rfcv3: flag, enable_traps: flag, enable_dbus: flag, dbus_service_name: str,
  dbus_no_interface_name: flag, snmp_vs_stats_update_interval: timer(0.001, 30), snmp_rs_stats_update_interval: timer(0.001, 30),
  process_names: flag, process_name: opt, vrrp_process_name: opt, checker_process_name: opt, lvs_process_name: opt, bfd_process_name: opt,
  startup_script: script, shutdown_script: script, startup_script_timeout: int(1, 1000), shutdown_script_timeout: int(1, 1000),
  vrrp_netlink_cmd_rcv_bufs: int(0, UINT_MAX), vrrp_netlink_cmd_rcv_bufs_force: bool, vrrp_netlink_monitor_rcv_bufs: int(0, UINT_MAX),
  vrrp_netlink_monitor_rcv_bufs_force: bool, lvs_netlink_cmd_rcv_bufs: int(0, UINT_MAX), lvs_netlink_cmd_rcv_bufs_force: bool,
  lvs_netlink_monitor_rcv_bufs: int(0, UINT_MAX), lvs_netlink_monitor_rcv_bufs_force: bool, process_monitor_rcv_bufs: int(0, UINT_MAX),
  process_monitor_rcv_bufs_force: bool, vrrp_rx_bufs_policy: words(1), vrrp_rx_bufs_multiplier: int(1, UINT_MAX),
  rs_init_notifies: flag, vrrp_startup_delay: timer(0.001, TIMER_MAX), vrrp_delay_after_boot: timer(0, TIMER_MAX),
  log_unknown_vrids: flag, vrrp_owner_ignore_adverts: bool, vmac_prefix: str, vmac_addr_prefix: str, umask: words(1),
  random_seed: int(0, UINT_MAX), reload_check_config: opt, reload_time_file: str, reload_repeat: flag, reload_file: opt,
  include_check: opt, config_save_dir: str, tmp_config_directory: str, data_use_instance: bool, json_version: int(1, 2),
  state_dump_file: str, stats_dump_file: str, json_dump_file: str, iproute_usr_dir: str, iproute_etc_dir: str,
  use_symlink_paths: bool, set_supplementary_groups: bool,
  // --- vrrp_script ---
  'vrrp_script/script': script, 'vrrp_script/interval': timer(0, TIMER_MAX), 'vrrp_script/timeout': timer(0, TIMER_MAX),
  'vrrp_script/weight': words(1), 'vrrp_script/rise': int(1, INT_MAX), 'vrrp_script/fall': int(1, INT_MAX),
  'vrrp_script/user': words(1), 'vrrp_script/init_fail': flag,
  // --- vrrp_track_process ---
  'vrrp_track_process/process': words(1), param_match: opt, 'vrrp_track_process/weight': words(1),
  'vrrp_track_process/quorum': int(1, 65535), quorum_max: int(0, 65535), 'vrrp_track_process/delay': timer(0.000001, 3600),
  terminate_delay: timer(0.000001, 3600), fork_delay: timer(0.000001, 3600), full_command: flag,
  // --- track_file ---
  'track_file/file': str, 'vrrp_track_file/file': str, 'track_file/weight': words(1), 'vrrp_track_file/weight': words(1), init_file: opt,
  // --- garp_group ---
  garp_interval: timer(0, TIMER_MAX), gna_interval: timer(0, TIMER_MAX), 'garp_group/interface': str, interfaces: values,
  'track_group/group': values,
  // --- vrrp_sync_group ---
  'vrrp_sync_group/group': values, global_tracking: flag, sync_group_tracking_weight: flag, notify_priority_changes: bool,
  // --- vrrp_instance ---
  state: str, interface: str, virtual_router_id: str, priority: str, advert_int: str,
  virtual_ipaddress: values, virtual_ipaddress_excluded: values, no_virtual_ipaddress: flag, virtual_routes: values, virtual_rules: values,
  authentication: block, auth_type: str, auth_pass: str, auth_hmac: block, key: words(1), active_key: words(1), anti_replay: str,
  time_window: int(1, 300), mode: str,
  unicast_src_ip: ip, unicast_peer: values, unicast_fault_no_peer: flag, unicast_ttl: int(0, 255), check_unicast_src: flag,
  old_unicast_checksum: opt, mcast_src_ip: ip, mcast_dst_ip: ip, track_src_ip: flag, version: str, native_ipv6: flag,
  dont_track_primary: flag, track_interface: values, track_script: values, track_process: values, track_bfd: values,
  'vrrp_instance/track_file': values, 'vrrp_sync_group/track_file': values,
  nopreempt: flag, preempt: flag, preempt_delay: timer(0, 1000),
  notify_master: script, notify_backup: script, notify_fault: script, notify_stop: script, notify: script,
  notify_deleted: opt, notify_master_rx_lower_pri: script, use_vmac: opt, use_vmac_addr: flag, vmac_xmit_base: flag, use_ipvlan: opt,
  garp_master_delay: int(0, 4294), garp_master_repeat: int(0, INT_MAX), garp_master_refresh: int(0, 4294),
  garp_master_refresh_repeat: int(0, INT_MAX), garp_lower_prio_delay: int(0, 4294), garp_lower_prio_repeat: int(0, INT_MAX),
  garp_extra_if: words(1), vmac_garp_intvl: words(1), promote_secondaries: flag, accept: flag, no_accept: flag, strict_mode: bool,
  skip_check_adv_addr: bool, lower_prio_no_advert: bool, higher_prio_send_advert: bool, down_timer_adverts: int(1, 100),
  debug: opt, kernel_rx_buf_size: int(0, UINT_MAX), lvs_sync_daemon_interface: str, vrf: str,
  timer_expired_backup: opt, thread_timer_expired: opt, owner_ignore_adverts: bool,
  // --- SSL ---
  password: str, ca: str, certificate: str, 'SSL/key': str,
  // --- virtual_server ---
  ip_family: oneOf(['inet', 'inet6']), retry: int(1, UINT_MAX), delay_before_retry: timer(0, TIMER_MAX),
  warmup: timer(0, TIMER_MAX), connect_timeout: timer(0, TIMER_MAX), delay_loop: timer(0.000001, TIMER_MAX),
  inhibit_on_failure: bool, lb_algo: str, lvs_sched: str, hashed: flag, ops: flag, 'flag-1': flag, 'flag-2': flag, 'flag-3': flag,
  'sh-port': flag, 'sh-fallback': flag, 'mh-port': flag, 'mh-fallback': flag, lb_kind: words(1), lvs_method: words(1),
  persistence_engine: str, persistence_timeout: opt, persistence_granularity: str, protocol: str, ha_suspend: flag,
  virtualhost: str, snmp_name: str, alpha: bool, omega: flag, quorum_up: script, quorum_down: script, quorum: int(1, UINT_MAX),
  hysteresis: int(0, UINT_MAX), 'virtual_server/weight': int(1, INT_MAX), sorry_server: words(1), sorry_server_inhibit: flag,
  sorry_server_lvs_method: words(1), real_server: block,
  // --- real_server ---
  'real_server/weight': int(0, INT_MAX), uthreshold: int(0, UINT_MAX), lthreshold: int(0, UINT_MAX),
  notify_up: script, notify_down: script, smtp_alert_rs: bool,
  // --- checkers ---
  HTTP_GET: block, SSL_GET: block, TCP_CHECK: block, MISC_CHECK: block, SMTP_CHECK: block, DNS_CHECK: block,
  UDP_CHECK: block, PING_CHECK: block, FILE_CHECK: block, BFD_CHECK: block, url: block, host: block,
  connect_ip: ip, connect_port: int(1, 65535), bindto: ip, bind_port: int(1, 65535), bind_if: str, fwmark: int(0, UINT_MAX),
  log_all_failures: bool, nb_get_retry: int(1, UINT_MAX), http_protocol: oneOf(['1.0', '1.0C', '1.1']), enable_sni: bool,
  fast_recovery: bool, tls_compliant: bool, sni_name: str,
  path: str, digest: str, status_code: words(1), regex: str, regex_no_match: flag, regex_options: words(1),
  regex_min_offset: int(0, UINT_MAX), regex_max_offset: int(0, UINT_MAX), regex_stack: words(1),
  misc_path: script, misc_timeout: int(0, UINT_MAX), misc_dynamic: flag, 'MISC_CHECK/user': words(1),
  helo_name: str, type: str, name: str, payload: str, require_reply: str, min_reply_length: int(0, 65535),
  max_reply_length: int(0, 65535), 'FILE_CHECK/track_file': str, 'FILE_CHECK/weight': words(1), dynamic: flag,
  'BFD_CHECK/name': str,
  // --- bfd_instance ---
  source_ip: ip, neighbor_ip: ip, neighbour_ip: ip, min_rx: int(1, UINT_MAX), min_tx: int(1, UINT_MAX),
  idle_tx: int(1000, UINT_MAX), multiplier: int(1, 255), passive: flag, ttl: int(1, 255), hoplimit: int(1, 255),
  max_hops: int(-1, 255), multihop: bool, 'bfd_instance/weight': words(1), vrrp: flag, checker: flag,
};

/** Deprecated spellings and keepalived's messages (reference §5.14). */
const DEPRECATED: Record<string, KeywordInfo['deprecated']> = {
  'HTTP_GET/nb_get_retry': { use: 'retry', message: "nb_get_retry is deprecated - please use 'retry'", err: ConfigErr.GENERAL_ERROR },
  'SSL_GET/nb_get_retry': { use: 'retry', message: "nb_get_retry is deprecated - please use 'retry'", err: ConfigErr.GENERAL_ERROR },
  vrrp_track_file: { use: 'track_file', message: '"vrrp_track_file" is deprecated, please use "track_file"', err: ConfigErr.OK },
  vrrp_vmac_garp_intvl: { use: 'vrrp_garp_extra_if', message: "'vrrp_vmac_garp_intvl' is deprecated - please use 'vrrp_garp_extra_if'", err: ConfigErr.DEPRECATED },
  vmac_garp_intvl: { use: 'garp_extra_if', message: "'vmac_garp_intvl' is deprecated - please use 'garp_extra_if'", err: ConfigErr.DEPRECATED },
  lvs_flush_onstop: { use: 'lvs_flush_on_stop', message: "'lvs_flush_onstop' is deprecated - please use 'lvs_flush_on_stop'", err: ConfigErr.OK },
  lvs_process_name: { use: 'checker_process_name', message: 'lvs_process_name is deprecated - please use checker_process_name', err: ConfigErr.OK },
  vrrp_rlimit_rtime: { use: 'vrrp_rlimit_rttime', message: 'vrrp_rlimit_rtime is deprecated - please use vrrp_rlimit_rttime', err: ConfigErr.OK },
  checker_rlimit_rtime: { use: 'checker_rlimit_rttime', message: 'checker_rlimit_rtime is deprecated - please use checker_rlimit_rttime', err: ConfigErr.OK },
  bfd_rlimit_rtime: { use: 'bfd_rlimit_rttime', message: 'bfd_rlimit_rtime is deprecated - please use bfd_rlimit_rttime', err: ConfigErr.OK },
  enable_snmp_keepalived: { use: 'enable_snmp_vrrp', message: 'enable_snmp_keepalived is deprecated - please use enable_snmp_vrrp', err: ConfigErr.OK },
  global_tracking: { use: 'track_interface/track_script/track_file on the sync group', message: '(%s) global_tracking is deprecated. Use track_interface/script/file on the sync group', err: ConfigErr.GENERAL_ERROR },
  'vrrp_instance/linkbeat_use_polling': { use: 'linkbeat_interfaces', message: '(%s) linkbeat_use_polling is deprecated - please use linkbeat_interfaces', err: ConfigErr.GENERAL_ERROR },
  thread_timer_expired: { use: 'timer_expired_backup', message: "(%s) 'thread_timer_expired' is deprecated - please use 'timer_expired_backup'", err: ConfigErr.GENERAL_ERROR },
  native_ipv6: { use: '(address family from the VIPs)', message: '', err: ConfigErr.OK },
  lb_algo: { use: 'lvs_sched', message: '', err: ConfigErr.OK },
  lb_kind: { use: 'lvs_method', message: '', err: ConfigErr.OK },
};

const infoCache = new Map<string, Map<string, KeywordInfo>>();

export function keywordInfo(blockName: string, keyword: string): KeywordInfo {
  let block = infoCache.get(blockName);
  if (!block) infoCache.set(blockName, (block = new Map()));
  let info = block.get(keyword);
  if (!info) {
    const key = `${blockName}/${keyword}`;
    info = { spec: BY_NAME[key] ?? BY_NAME[keyword] ?? opt, deprecated: DEPRECATED[key] ?? DEPRECATED[keyword] };
    block.set(keyword, info);
  }
  return info;
}

/**
 * Handlers that check for their value themselves, and so report and go on instead of aborting
 * the whole parse with exit 2 as keepalived's null_strvec() does for the others.
 */
export const MISSING_VALUE_MESSAGE: Record<string, string> = {
  router_id: 'routerid name missing - ignoring',
  notification_email_from: 'emailfrom missing - ignoring',
  min_auto_priority_delay: 'min_auto_priority_delay requires delay time',
  default_interface: 'default_interface requires interface name',
  lvs_sync_daemon: 'lvs_sync_daemon requires interface',
  snmp_socket: 'SNMP error : snmp socket name missing',
  net_namespace: 'net_namespace name missing - ignoring',
  dbus_service_name: 'dbus_service_name missing - ignoring',
  instance: 'instance name missing - ignoring',
  script_user: 'No script username specified',
  vrrp_rx_bufs_policy: 'vrrp_rx_bufs_policy missing',
  'track_file/file': 'track file file name missing',
  'vrrp_track_file/file': 'track file file name missing',
  'SMTP_CHECK/helo_name': 'SMTP_CHECK helo name missing',
  'UDP_CHECK/payload': 'UDP_CHECK payload requires a payload',
  'FILE_CHECK/weight': 'track file weight missing',
};
