// Interface addresses over rtnetlink (RTM_NEWADDR / RTM_DELADDR / RTM_GETADDR), the way
// keepalived's vrrp_ipaddress.c netlink_ipaddress() installs VIPs.
import { FlagsNew, type RtNetlinkSocket, type rt } from 'netlink';
import { bytesToIpv4, bytesToIpv6, familyOf, ipToBytes } from '../vrrp/addr.js';
import { kernelErrorText, rtnl, RTNL_TIMEOUT_MS } from './rtnl.js';

const AF_INET = 2;
const AF_INET6 = 10;

/** keepalived `scope` names (vrrp_ipaddress.c, rtnl_rtscope_a2n) and their numbers. */
export const SCOPES = { global: 0, site: 200, link: 253, host: 254, nowhere: 255 } as const;
export type ScopeName = keyof typeof SCOPES;

export interface AddressSpec {
  ip: string;
  prefixLen: number;
  ifindex: number;
  /** For messages only: "cannot add 10.1.0.100/32 to eth0: File exists". */
  ifname: string;
  /** `brd` (IPv4). */
  broadcast?: string;
  scope?: ScopeName | number;
  /** `label` (IPv4 only; the kernel ignores IPv6 labels). */
  label?: string;
  /** IFA flags keepalived can set on VIPs. */
  nodad?: boolean;
  noprefixroute?: boolean;
  home?: boolean;
}

export interface AddressInfo {
  family: 4 | 6;
  ip: string;
  prefixLen: number;
  ifindex: number;
  scope: number;
  label?: string;
  broadcast?: string;
  flags: string[];
}

export type NetResult = { ok: true } | { ok: false; error: string };

function encode(spec: AddressSpec): { data: rt.Address; attrs: rt.AddressAttrs } {
  const fam = familyOf(spec.ip);
  if (!fam) throw new Error(`invalid address ${spec.ip}`);
  const max = fam === 4 ? 32 : 128;
  if (!Number.isInteger(spec.prefixLen) || spec.prefixLen < 0 || spec.prefixLen > max) throw new Error(`invalid prefix length ${spec.prefixLen}`);
  // ifa_flags is a u8; IFA_FLAGS (u32) carries them all, including noprefixroute (0x200).
  const flags: rt.AddressFlags = {};
  if (spec.nodad) flags.nodad = true;
  if (spec.home) flags.homeaddress = true;
  const allFlags: rt.AddressFlags = { ...flags, ...(spec.noprefixroute ? { noprefixroute: true as const } : {}) };
  const scope = typeof spec.scope === 'number' ? spec.scope : SCOPES[spec.scope ?? 'global'];
  const addr = ipToBytes(spec.ip);
  const attrs: rt.AddressAttrs = { local: addr, address: addr, flags: allFlags };
  if (fam === 4 && spec.broadcast) attrs.broadcast = ipToBytes(spec.broadcast);
  if (fam === 4 && spec.label) attrs.label = spec.label;
  return { data: { family: fam === 4 ? AF_INET : AF_INET6, prefixlen: spec.prefixLen, scope, index: spec.ifindex, flags }, attrs };
}

export function describeAddress(a: rt.AddressMessage): AddressInfo | undefined {
  const fam = a.data.family === AF_INET ? 4 : a.data.family === AF_INET6 ? 6 : undefined;
  const raw = a.attrs.local ?? a.attrs.address;
  if (!fam || !raw) return undefined;
  const text = (b: Buffer) => (fam === 4 ? bytesToIpv4(b) : bytesToIpv6(b));
  const flags = Object.entries({ ...a.data.flags, ...a.attrs.flags }).filter(([k, v]) => v === true && k !== '__unknown').map(([k]) => k);
  return {
    family: fam, ip: text(raw), prefixLen: a.data.prefixlen ?? 0, ifindex: a.data.index ?? 0, scope: a.data.scope ?? 0,
    ...(a.attrs.label !== undefined ? { label: a.attrs.label } : {}),
    ...(a.attrs.broadcast ? { broadcast: text(a.attrs.broadcast) } : {}),
    flags,
  };
}

/** Address operations; every kernel refusal comes back as { ok: false, error } naming address and device. */
export class Addresses {
  constructor(private readonly sock: RtNetlinkSocket = rtnl()) {}

  async add(spec: AddressSpec): Promise<NetResult> {
    return this.op('add', spec, (m) => this.sock.newAddress(m.data, m.attrs, { flags: FlagsNew.CREATE | FlagsNew.EXCL, timeout: RTNL_TIMEOUT_MS }));
  }

  async remove(spec: AddressSpec): Promise<NetResult> {
    return this.op('remove', spec, (m) => this.sock.delAddress(m.data, m.attrs, { timeout: RTNL_TIMEOUT_MS }));
  }

  /** All addresses, optionally of one interface and/or family. Kernel errors → { ok: false }. */
  async list(filter: { ifindex?: number; family?: 4 | 6 } = {}): Promise<{ ok: true; addresses: AddressInfo[] } | { ok: false; error: string }> {
    try {
      const msgs = await this.sock.getAddresses(undefined, undefined, { timeout: RTNL_TIMEOUT_MS });
      const addresses = msgs.map(describeAddress).filter((a): a is AddressInfo =>
        !!a && (filter.ifindex === undefined || a.ifindex === filter.ifindex) && (filter.family === undefined || a.family === filter.family));
      return { ok: true, addresses };
    } catch (e) {
      return { ok: false, error: `cannot list addresses: ${kernelErrorText(e)}` };
    }
  }

  private async op(kind: 'add' | 'remove', spec: AddressSpec, send: (m: ReturnType<typeof encode>) => Promise<unknown>): Promise<NetResult> {
    const what = `${spec.ip}/${spec.prefixLen}`;
    const where = kind === 'add' ? `to ${spec.ifname}` : `from ${spec.ifname}`;
    try {
      await send(encode(spec));
      return { ok: true };
    } catch (e) {
      return { ok: false, error: `cannot ${kind} ${what} ${where}: ${kernelErrorText(e)}` };
    }
  }
}
