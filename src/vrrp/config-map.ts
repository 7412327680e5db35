// keepalived.conf AST (defaults already resolved by src/config) + interface facts → the VRRP core's params.
// Pure: the runtime gathers the facts (netlink) and calls this at start-up and on reload.
import type { KeepalivedConfig, VrrpInstance as ConfInstance } from '../config/ast.js';
import { vrrpParams, type VrrpInstanceParams } from './params.js';

/** What keepalived learns from the kernel about an interface before it starts an instance. */
export interface InterfaceFacts {
  ifindex: number;
  mac?: string;
  up: boolean;
  /** IPv4 addresses in kernel order: the first is keepalived's primary address (ifp->sin_addr). */
  ipv4: string[];
  /** IPv6 link-local address (ifp->sin6_addr), the source of IPv6 adverts. */
  ipv6LinkLocal?: string;
}

export type MappedInstance =
  | { ok: true; params: VrrpInstanceParams; conf: ConfInstance }
  | { ok: false; name: string; error: string };

const famOf = (f: string): 4 | 6 => (f === 'inet6' ? 6 : 4);

/** Source address of our adverts: unicast_src_ip, mcast_src_ip, else the interface's primary address. */
export function advertSource(v: ConfInstance, facts: InterfaceFacts | undefined): string | undefined {
  if (v.unicastSrcIp) return v.unicastSrcIp;
  if (v.mcastSrcIp) return v.mcastSrcIp;
  return famOf(v.family) === 4 ? facts?.ipv4[0] : facts?.ipv6LinkLocal;
}

export function mapInstance(cfg: KeepalivedConfig, v: ConfInstance, facts: ReadonlyMap<string, InterfaceFacts>): MappedInstance {
  const g = cfg.global;
  const ifname = v.interface ?? g.defaultInterface;
  const f = facts.get(ifname);
  if (!f) return { ok: false, name: v.name, error: `(${v.name}) interface ${ifname} does not exist` };
  if (v.vrid === undefined) return { ok: false, name: v.name, error: `(${v.name}) the virtual router id must be set` };
  const src = advertSource(v, f);
  if (!src) return { ok: false, name: v.name, error: `(${v.name}) Cannot find an IP address to use for interface ${ifname}` };
  const family = famOf(v.family);
  const oldCsum = v.other['old_unicast_checksum'];
  const params = vrrpParams({
    iname: v.name,
    interface: ifname,
    vrid: v.vrid,
    version: v.version,
    family,
    priority: v.priority,
    state: v.state,
    // v2 carries whole seconds; the AST keeps what was written (keepalived rounds v2 to seconds).
    advertIntCs: v.version === 2 ? Math.max(1, Math.round(v.advertIntMs / 1000)) * 100 : Math.max(1, Math.round(v.advertIntMs / 10)),
    nopreempt: v.nopreempt,
    preemptDelayMs: v.preemptDelayMs,
    vips: v.vips.map((a) => a.address),
    evips: v.evips.map((a) => a.address),
    auth: v.auth?.type === 'PASS' ? { type: 'PASS', pass: v.auth.pass ?? '' } : v.auth?.type === 'AH' ? { type: 'AH' } : { type: 'none' },
    unicastSrcIp: v.unicast ? src : null,
    unicastPeers: v.unicast
      ? v.unicastPeers.map((p) => ({ ip: p.address, minTtl: p.minTtl ?? 0, maxTtl: p.maxTtl ?? 255 }))
      : [],
    checkUnicastSrc: v.checkUnicastSrc,
    primaryIp: src,
    mcastGroup4: g.vrrpMcastGroup4,
    garpMasterDelayMs: v.garp.masterDelayS * 1000,
    garpMasterRepeat: v.garp.masterRepeat,
    garpMasterRefreshMs: v.garp.masterRefreshS * 1000,
    garpMasterRefreshRepeat: v.garp.masterRefreshRepeat,
    garpLowerPrioDelayMs: v.garp.lowerPrioDelayS * 1000,
    garpLowerPrioRepeat: v.garp.lowerPrioRepeat,
    lowerPrioNoAdvert: v.lowerPrioNoAdvert,
    higherPrioSendAdvert: v.higherPrioSendAdvert,
    skipCheckAdvAddr: v.skipCheckAdvAddr,
    downTimerAdverts: v.downTimerAdverts,
    strict: v.strict,
    v3ChecksumAsV2: 'v3_checksum_as_v2' in v.other,
    oldUnicastChecksum: oldCsum === undefined ? 'auto' : oldCsum[0] === 'never' ? 'never' : 'always',
    logUnknownVrids: 'log_unknown_vrids' in g.other,
    notifyPriorityChanges: v.notifyPriorityChanges,
  });
  return { ok: true, params, conf: v };
}

export function mapInstances(cfg: KeepalivedConfig, facts: ReadonlyMap<string, InterfaceFacts>): MappedInstance[] {
  return cfg.vrrpInstances.map((v) => mapInstance(cfg, v, facts));
}

/**
 * keepalived reload matches an old instance to a new one by name; a changed VRID, family, interface or
 * unicast/multicast mode makes it a different instance (clear_diff_vrrp / vrrp_exist()).
 */
export function instanceKey(p: VrrpInstanceParams): string {
  return `${p.iname}|${p.vrid}|${p.family}|${p.interface}|${p.unicastPeers.length ? `u:${p.unicastSrcIp}` : 'm'}`;
}
