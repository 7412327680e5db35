// SIGRTMIN+2 keepalived.json, SIGUSR2 keepalived.stats and a SIGUSR1 keepalived.data topology section,
// in keepalived 2.2.7's formats (vrrp_json.c, vrrp_print.c, vrrp_data.c); samples in shared/reference.
import type { IpAddress, VrrpInstance as ConfInstance } from '../../config/ast.js';
import type { VrrpInstance } from '../instance.js';
import { statsJson } from '../stats.js';

export interface DumpEntry { inst: VrrpInstance; conf: ConfInstance; lastTransitionS: number }

/** keepalived's format_ipaddress(): `IP/PFX [brd B] dev IF scope S [label L] [set]`. */
export function vipText(a: IpAddress, defaultDev: string, set: boolean): string {
  const parts = [`${a.address}/${a.prefixLen}`];
  if (a.broadcast) parts.push(`brd ${a.broadcast}`);
  parts.push(`dev ${a.dev ?? defaultDev}`, `scope ${a.scope ?? 'global'}`);
  if (a.label) parts.push(`label ${a.label}`);
  if (set) parts.push('set');
  return parts.join(' ');
}

export function dumpJson(entries: readonly DumpEntry[]): string {
  const out = entries.map(({ inst, conf, lastTransitionS }) => {
    const s = inst.snapshot();
    const p = inst.params;
    const set = s['vipset'] === true;
    const data: Record<string, unknown> = {
      iname: p.iname, dont_track_primary: conf.dontTrackPrimary ? 1 : 0, skip_check_adv_addr: s['skip_check_adv_addr'],
      strict_mode: p.strict ? 1 : 0, vmac_ifname: conf.useVmac?.name ?? '', ifp_ifname: p.interface,
      master_priority: s['master_priority'], last_transition: lastTransitionS,
      garp_delay: p.garpMasterDelayMs / 1000, garp_refresh: p.garpMasterRefreshMs / 1000, garp_rep: p.garpMasterRepeat,
      garp_refresh_rep: p.garpMasterRefreshRepeat, garp_lower_prio_delay: p.garpLowerPrioDelayMs / 1000,
      garp_lower_prio_rep: p.garpLowerPrioRepeat, lower_prio_no_advert: s['lower_prio_no_advert'],
      higher_prio_send_advert: s['higher_prio_send_advert'], vrid: p.vrid, base_priority: s['base_priority'],
      effective_priority: s['effective_priority'], vipset: set, promote_secondaries: conf.promoteSecondaries,
      adver_int: s['adver_int'], master_adver_int: s['master_adver_int'], accept: conf.accept ? 1 : 0,
      nopreempt: p.nopreempt, preempt_delay: s['preempt_delay'], state: s['state'], wantstate: s['wantstate'],
      version: p.version, smtp_alert: conf.smtpAlert, notify_deleted: conf.notify.deleted !== undefined,
      vips: conf.vips.map((a) => vipText(a, p.interface, set)),
    };
    if (conf.evips.length) data['evips'] = conf.evips.map((a) => vipText(a, p.interface, set));
    data['auth_type'] = s['auth_type'];
    return { data, stats: statsJson(inst.stats) };
  });
  // keepalived's json writer escapes '/' as '\/'.
  return JSON.stringify(out).replaceAll('/', '\\/');
}

export function dumpStats(entries: readonly DumpEntry[]): string {
  return entries.map(({ inst }) => {
    const s = inst.stats;
    return [
      `VRRP Instance: ${inst.params.iname}`, '  Advertisements:', `    Received: ${s.advert_rcvd}`, `    Sent: ${s.advert_sent}`,
      `  Became master: ${s.become_master}`, `  Released master: ${s.release_master}`, '  Packet Errors:',
      `    Length: ${s.packet_len_err}`, `    TTL: ${s.ip_ttl_err}`, `    Invalid Type: ${s.invalid_type_rcvd}`,
      `    Advertisement Interval: ${s.advert_interval_err}`, `    Address List: ${s.addr_list_err}`,
      '  Authentication Errors:', `    Invalid Type: ${s.invalid_authtype}`, `    Type Mismatch: ${s.authtype_mismatch}`,
      `    Failure: ${s.auth_failure}`, '  Priority Zero:', `    Received: ${s.pri_zero_rcvd}`, `    Sent: ${s.pri_zero_sent}`,
    ].join('\n') + '\n';
  }).join('');
}

/** The VRRP Topology part of keepalived.data (the global part is the parent's). */
export function dumpData(entries: readonly DumpEntry[]): string {
  const lines = ['------< VRRP Topology >------'];
  for (const { inst, conf } of entries) {
    const p = inst.params;
    const s = inst.snapshot();
    lines.push(` VRRP Instance = ${p.iname}`, `   VRRP Version = ${p.version}`, `   State = ${inst.state}`,
      `   Wantstate = ${({ 1: 'BACKUP', 2: 'MASTER', 3: 'FAULT' } as Record<number, string>)[s['wantstate'] as number] ?? 'BACKUP'}`,
      `   Interface = ${p.interface}`, `   Using src_ip = ${p.primaryIp}`, `   Virtual Router ID = ${p.vrid}`,
      `   Priority = ${s['base_priority']}`, `   Effective priority = ${s['effective_priority']}`,
      `   Advert interval = ${p.version === 2 ? `${p.advertIntCs / 100} sec` : `${p.advertIntCs * 10} milli-sec`}`,
      `   Preempt = ${p.nopreempt ? 'disabled' : 'enabled'}`, `   Preempt delay = ${p.preemptDelayMs / 1000} secs`,
      `   Virtual IP (${conf.vips.length}):`, ...conf.vips.map((a) => `     ${vipText(a, p.interface, s['vipset'] === true)}`));
    if (p.unicastPeers.length) lines.push(`   Unicast Peer (${p.unicastPeers.length}):`, ...p.unicastPeers.map((x) => `     ${x.ip}`));
  }
  return lines.join('\n') + '\n';
}
