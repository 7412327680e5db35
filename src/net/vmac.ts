// use_vmac: a private-mode macvlan `vrrp.<VRID>` on the instance's interface carrying the
// RFC 5798 §7.3 virtual MAC, created over rtnetlink as keepalived's vrrp_vmac.c
// netlink_link_add_vmac() does, with the sysctls of vrrp_if_config.c.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { AttrStream, FlagsNew, ifla, type RtNetlinkSocket, type StreamData } from 'netlink';
import { Addresses } from './addresses.js';
import { macToBuffer } from './inet.js';
import { Links, type LinkInfo } from './links.js';
import { u32 } from './routes.js';
import { kernelErrorText, rtnl, RTNL_TIMEOUT_MS } from './rtnl.js';

const MACVLAN_MODE_PRIVATE = 1;
const AF_INET6 = 10;
const IN6_ADDR_GEN_MODE_NONE = 1;

/** RFC 5798 §7.3: 00-00-5E-00-01-{VRID} for IPv4, 00-00-5E-00-02-{VRID} for IPv6. */
export function vmacAddress(vrid: number, family: 4 | 6): string {
  return `00:00:5e:00:0${family === 4 ? 1 : 2}:${vrid.toString(16).padStart(2, '0')}`;
}

/** keepalived's default VMAC name (vrrp_parser.c: "vrrp.%d"). */
export const vmacName = (vrid: number, configured?: string) => configured ?? `vrrp.${vrid}`;

const toBuffer = (d: StreamData): Buffer => { const s = new AttrStream(); s.emit(d); return Buffer.concat(s.bufs); };

/** IFLA_LINKINFO { IFLA_INFO_KIND "macvlan", IFLA_INFO_DATA { IFLA_MACVLAN_MODE private } }. */
export function macvlanLinkInfo(): Buffer {
  return toBuffer(ifla.formatInfo({ kind: 'macvlan', data: toBuffer(ifla.formatMacvlan({ mode: MACVLAN_MODE_PRIVATE })) }));
}

/** /proc/sys/net/ipv4|ipv6/conf/IF/PARAM of the calling process's network namespace. */
const sysctlPath = (ifname: string, param: string, fam: 'ipv4' | 'ipv6' = 'ipv4') => `/proc/sys/net/${fam}/conf/${ifname}/${param}`;

export function getSysctl(ifname: string, param: string): number | undefined {
  try { return Number.parseInt(readFileSync(sysctlPath(ifname, param), 'utf8'), 10); } catch { return undefined; }
}

export const setSysctl = (ifname: string, param: string, value: number) => setSysctlAt('ipv4', ifname, param, value);

/**
 * IPv4 VMACs need rp_filter 0, which only takes effect with net.ipv4.conf.all.rp_filter 0
 * (vrrp_if_config.c clear_rp_filter()): raise default and every interface below all's value to it,
 * then set all to 0. restoreRpFilter() undoes what is still as we left it. Returns the NOTICE lines.
 */
interface RpSaved { all: number; def?: number; ifs: Map<string, number> }
let rpSaved: RpSaved | undefined;

export function clearRpFilter(): string[] {
  if (rpSaved) return [];
  const all = getSysctl('all', 'rp_filter');
  if (all === undefined) return ['Unable to read sysctl net.ipv4.conf.all.rp_filter'];
  if (all === 0) return [];
  const out: string[] = [];
  const saved: RpSaved = { all, ifs: new Map() };
  const def = getSysctl('default', 'rp_filter');
  if (def !== undefined && def < all) {
    out.push(`NOTICE: setting sysctl net.ipv4.conf.default.rp_filter from ${def} to ${all}`);
    setSysctl('default', 'rp_filter', all);
    saved.def = def;
  }
  let names: string[] = [];
  try { names = readdirSync('/proc/sys/net/ipv4/conf').filter((n) => n !== 'all' && n !== 'default'); } catch { /* none */ }
  for (const n of names) {
    const v = getSysctl(n, 'rp_filter');
    if (v !== undefined && v < all) { saved.ifs.set(n, v); setSysctl(n, 'rp_filter', all); }
  }
  out.push(`NOTICE: setting sysctl net.ipv4.conf.all.rp_filter from ${all} to 0`);
  setSysctl('all', 'rp_filter', 0);
  rpSaved = saved;
  return out;
}

export function restoreRpFilter(): string[] {
  const saved = rpSaved;
  rpSaved = undefined;
  if (!saved) return [];
  const out: string[] = [];
  if (getSysctl('all', 'rp_filter') === 0) {
    out.push(`NOTICE: resetting sysctl net.ipv4.conf.all.rp_filter to ${saved.all}`);
    setSysctl('all', 'rp_filter', saved.all);
  }
  if (saved.def !== undefined && getSysctl('default', 'rp_filter') === saved.all) {
    out.push(`NOTICE: resetting sysctl net.ipv4.conf.default.rp_filter to ${saved.def}`);
    setSysctl('default', 'rp_filter', saved.def);
  }
  for (const [n, v] of saved.ifs) if (getSysctl(n, 'rp_filter') === saved.all) setSysctl(n, 'rp_filter', v);
  return out;
}

function setSysctlAt(fam: 'ipv4' | 'ipv6', ifname: string, param: string, value: number): string | undefined {
  try { writeFileSync(sysctlPath(ifname, param, fam), `${value}\n`); return undefined; } catch (e) {
    return `cannot set net.${fam}.conf.${ifname}.${param}=${value}: ${(e as Error).message}`;
  }
}

export interface VmacSpec {
  /** vrrp_instance name, for keepalived's `(VI_1): …` messages. */
  iname: string;
  vrid: number;
  family: 4 | 6;
  /** The instance's `interface` (the macvlan's parent). */
  parent: string;
  /** use_vmac NAME (default vrrp.VRID). */
  name?: string;
  /** use_vmac_addr / a configured MAC overrides the RFC address. */
  mac?: string;
  /**
   * IPv6: the VMAC's link-local source (RFC 5798 §7.4: adverts from a non-VIP address):
   * unicast_src_ip, else the parent's link-local (set_link_local_address()).
   */
  linkLocal?: string;
}

export type VmacResult = { ok: true; link: LinkInfo; warnings: string[] } | { ok: false; error: string };

/**
 * Parent arp_ignore/arp_filter saved by the first VMAC on it and restored when the last one
 * goes (keepalived's reset_arp_config counter on the base interface).
 */
const parentSaved = new Map<string, { users: number; arpIgnore?: number; arpFilter?: number }>();

export class Vmacs {
  private readonly links: Links;
  private readonly addrs: Addresses;
  constructor(private readonly sock: RtNetlinkSocket = rtnl()) { this.links = new Links(sock); this.addrs = new Addresses(sock); }

  async create(spec: VmacSpec): Promise<VmacResult> {
    const name = vmacName(spec.vrid, spec.name);
    const mac = spec.mac ?? vmacAddress(spec.vrid, spec.family);
    const parent = await this.links.byName(spec.parent);
    if (!parent) return { ok: false, error: `(${spec.iname}): Unable to create VMAC interface ${name} (no interface ${spec.parent})` };
    const existing = await this.links.byName(name);
    if (existing) {
      if (existing.parentIfindex !== parent.ifindex) return { ok: false, error: `VMAC ${name} conflicts with existing interface` };
      if (existing.mac === mac) return this.finish(spec, name, existing, false);
      // Wrong MAC: keepalived updates it in place; we recreate it.
      const del = await this.removeLink(spec.iname, name, existing.ifindex);
      if (del) return { ok: false, error: del };
    }
    const fail = (why: string): VmacResult => ({ ok: false, error: `(${spec.iname}): Unable to create VMAC interface ${name} (${why})` });
    try {
      await this.sock.newLink(
        {},
        { ifname: name, link: u32(parent.ifindex), address: macToBuffer(mac), linkinfo: macvlanLinkInfo() },
        { flags: FlagsNew.CREATE | FlagsNew.EXCL, timeout: RTNL_TIMEOUT_MS },
      );
    } catch (e) {
      return fail(kernelErrorText(e));
    }
    const created = await this.links.byName(name);
    if (!created) return fail('not found after creation');
    const warnings: string[] = [];
    // RFC 5798 §7.4: no EUI-64 link-local from the virtual MAC. The kernel ignores IFLA_AF_SPEC
    // at creation, so keepalived sets addr_gen_mode in a second message, before link up.
    try {
      await this.sock.newLink({ index: created.ifindex }, { afSpec: new Map([[AF_INET6, toBuffer(ifla.formatLinkProtocolInfoInet6({ addrGenMode: IN6_ADDR_GEN_MODE_NONE }))]]) }, { timeout: RTNL_TIMEOUT_MS });
    } catch {
      warnings.push(`(${spec.iname}) Error setting ADDR_GEN_MODE to NONE on ${name}`);
    }
    // An IPv4 instance's VMAC runs without IPv6 (link_set_ipv6(ifp, false)).
    if (spec.family === 4) {
      const e = setSysctlAt('ipv6', name, 'disable_ipv6', 1);
      if (e) warnings.push(e);
    }
    try {
      await this.sock.newLink({ index: created.ifindex, flags: { up: true }, change: { up: true } }, {}, { timeout: RTNL_TIMEOUT_MS });
    } catch (e) {
      return fail(`link up: ${kernelErrorText(e)}`);
    }
    if (spec.family === 6) {
      const ll = spec.linkLocal ?? await this.parentLinkLocal(parent.ifindex);
      const r = ll ? await this.addrs.add({ ip: ll, prefixLen: 64, ifindex: created.ifindex, ifname: name }) : { ok: false as const, error: 'no link-local address on the parent' };
      if (!r.ok) warnings.push(`(${spec.iname}) adding link-local address to ${name} failed: ${r.error}`);
    }
    const link = (await this.links.byName(name)) ?? created;
    const done = this.finish(spec, name, link, true);
    if (done.ok) done.warnings.unshift(...warnings);
    return done;
  }

  private async parentLinkLocal(ifindex: number): Promise<string | undefined> {
    const r = await this.addrs.list({ ifindex, family: 6 });
    return r.ok ? r.addresses.find((a) => a.ip.toLowerCase().startsWith('fe80:'))?.ip : undefined;
  }

  /** vrrp_if_config.c set_interface_parameters_sysctl(): IPv4 VMACs only, as keepalived. */
  private finish(spec: VmacSpec, name: string, link: LinkInfo, created: boolean): VmacResult {
    const warnings: string[] = [];
    if (spec.family !== 4 || !created) return { ok: true, link, warnings };
    const w = (e: string | undefined) => { if (e) warnings.push(e); };
    w(setSysctl(name, 'arp_ignore', 1));
    w(setSysctl(name, 'accept_local', 1));
    w(setSysctl(name, 'rp_filter', 0));
    w(setSysctl(name, 'promote_secondaries', 1));
    let saved = parentSaved.get(spec.parent);
    if (!saved) {
      const arpIgnore = getSysctl(spec.parent, 'arp_ignore');
      const arpFilter = getSysctl(spec.parent, 'arp_filter');
      saved = { users: 0, ...(arpIgnore !== undefined ? { arpIgnore } : {}), ...(arpFilter !== undefined ? { arpFilter } : {}) };
      parentSaved.set(spec.parent, saved);
      if (arpIgnore !== undefined && arpIgnore !== 1) w(setSysctl(spec.parent, 'arp_ignore', 1));
      if (arpFilter !== undefined && arpFilter !== 1) w(setSysctl(spec.parent, 'arp_filter', 1));
    }
    saved.users++;
    return { ok: true, link, warnings };
  }

  /** Deletes the VMAC; the last one on a parent restores the parent's arp_ignore/arp_filter. */
  async remove(spec: VmacSpec): Promise<{ ok: true } | { ok: false; error: string }> {
    const name = vmacName(spec.vrid, spec.name);
    const link = await this.links.byName(name);
    const err = link ? await this.removeLink(spec.iname, name, link.ifindex) : undefined;
    const saved = parentSaved.get(spec.parent);
    if (saved && spec.family === 4 && --saved.users <= 0) {
      parentSaved.delete(spec.parent);
      if (saved.arpIgnore !== undefined) setSysctl(spec.parent, 'arp_ignore', saved.arpIgnore);
      if (saved.arpFilter !== undefined) setSysctl(spec.parent, 'arp_filter', saved.arpFilter);
    }
    return err ? { ok: false, error: err } : { ok: true };
  }

  private async removeLink(iname: string, name: string, ifindex: number): Promise<string | undefined> {
    try {
      await this.sock.delLink({ index: ifindex }, {}, { timeout: RTNL_TIMEOUT_MS });
      return undefined;
    } catch (e) {
      return `(${iname}) Error removing VMAC interface ${name} (${kernelErrorText(e)})`;
    }
  }
}
