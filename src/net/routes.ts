// virtual_routes / static_routes over rtnetlink (RTM_NEWROUTE / RTM_DELROUTE), encoded as
// keepalived's vrrp_iproute.c netlink_route() builds them: protocol keepalived (18) unless
// given, scope universe unless given, tables above 255 in RTA_TABLE, delete with scope nowhere.
import { readFileSync } from 'node:fs';
import { AttrStream, FlagsNew, rt, type RtNetlinkSocket } from 'netlink';
import type { Route } from '../config/ast.js';
import { ipToBytes } from '../vrrp/addr.js';
import { Links } from './links.js';
import { kernelErrorText, rtnl, RTNL_TIMEOUT_MS } from './rtnl.js';

const AF_INET = 2;
const AF_INET6 = 10;
export const RT_TABLE_MAIN = 254;
const RT_TABLE_UNSPEC = 0;
/** keepalived's own protocol number (RTPROT_KEEPALIVED, /etc/iproute2/rt_protos). */
export const RTPROT_KEEPALIVED = 18;

/** errnos route/rule requests add to those src/net/rtnl.ts names. */
const MORE_STRERROR: Record<string, string> = {
  ENETUNREACH: 'Network is unreachable', ESRCH: 'No such process', EHOSTUNREACH: 'No route to host',
};
export function netErrorText(e: unknown): string {
  const t = kernelErrorText(e);
  return MORE_STRERROR[t] ?? t;
}

/** iproute2 name files (`NUMBER NAME` lines), plus the built-in names. */
function nameTable(file: string, builtin: Record<string, number>): Map<string, number> {
  const m = new Map(Object.entries(builtin));
  for (const f of [`/etc/iproute2/${file}`, `/usr/share/iproute2/${file}`]) {
    let text: string;
    try { text = readFileSync(f, 'utf8'); } catch { continue; }
    for (const line of text.split('\n')) {
      const w = line.replace(/#.*/, '').trim().split(/\s+/);
      if (w.length >= 2 && /^(0x[0-9a-f]+|\d+)$/i.test(w[0]!)) m.set(w[1]!, Number(w[0]));
    }
  }
  return m;
}

let tables: Map<string, number> | undefined;
let protos: Map<string, number> | undefined;
const SCOPE_NAMES: Record<string, number> = { global: 0, universe: 0, site: 200, link: 253, host: 254, nowhere: 255 };

function lookup(kind: string, v: string, names: () => Map<string, number>): number {
  if (/^(0x[0-9a-f]+|\d+)$/i.test(v)) return Number(v);
  const n = names().get(v);
  if (n === undefined) throw new Error(`unknown ${kind} ${v}`);
  return n;
}
/** `table` word → number (rt_tables names: main, local, default, and the file's). */
export const tableNumber = (v: string | undefined) => v === undefined ? RT_TABLE_MAIN
  : lookup('table', v, () => (tables ??= nameTable('rt_tables', { main: 254, local: 255, default: 253, unspec: 0 })));
export const protoNumber = (v: string) => lookup('protocol', v, () => (protos ??= nameTable('rt_protos', {
  redirect: 1, kernel: 2, boot: 3, static: 4, gated: 8, ra: 9, mrt: 10, zebra: 11, bird: 12, dhcp: 16, keepalived: RTPROT_KEEPALIVED,
})));
const scopeNumber = (v: string) => lookup('scope', v, () => new Map(Object.entries(SCOPE_NAMES)));

const TYPES: Record<string, rt.RouteType> = {
  unicast: rt.RouteType.UNICAST, local: rt.RouteType.LOCAL, broadcast: rt.RouteType.BROADCAST, anycast: rt.RouteType.ANYCAST,
  multicast: rt.RouteType.MULTICAST, blackhole: rt.RouteType.BLACKHOLE, unreachable: rt.RouteType.UNREACHABLE,
  prohibit: rt.RouteType.PROHIBIT, throw: rt.RouteType.THROW, nat: rt.RouteType.NAT,
};

/** `ip route`-like text naming the route in messages: "10.9.0.0/24 via 10.1.0.254 dev eth0 table 100". */
export function describeRoute(r: Route): string {
  return [r.type && r.type !== 'unicast' ? `${r.type} ` : '', r.dst, r.via ? ` via ${r.via}` : '', r.dev ? ` dev ${r.dev}` : '',
    r.src ? ` src ${r.src}` : '', r.table ? ` table ${r.table}` : '', r.metric !== undefined ? ` metric ${r.metric}` : ''].join('');
}

function prefix(text: string): { bytes: Buffer; len: number } {
  const [a, l] = text.split('/');
  const bytes = ipToBytes(a!);
  return { bytes, len: l === undefined ? bytes.length * 8 : Number(l) };
}

/** RTA_MULTIPATH: rtnexthop {len u16, flags u8, hops u8, ifindex s32} + RTA_GATEWAY, per hop. */
function multipath(hops: Route['nexthops'], ifindexOf: (dev: string) => number): Buffer {
  return Buffer.concat(hops.map((h) => {
    const s = new AttrStream();
    if (h.via) s.emit(rt.formatRouteAttrs({ gateway: ipToBytes(h.via) }));
    const attrs = Buffer.concat(s.bufs);
    const head = Buffer.alloc(8);
    head.writeUInt16LE(8 + attrs.length, 0);
    head.writeUInt8(h.weight ? h.weight - 1 : 0, 3);
    head.writeInt32LE(h.dev ? ifindexOf(h.dev) : 0, 4);
    return Buffer.concat([head, attrs]);
  }));
}

const RTNH_F_ONLINK = 4;
const RTAX_LOCK_MTU = 1 << 2;
/** A u32 attribute payload in host (little-endian) order. */
export const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n >>> 0); return b; };
/** A word after `key` in the route line (options the AST keeps only as words). */
const wordAfter = (r: Route, key: string) => { const i = r.words.indexOf(key); return i >= 0 ? r.words[i + 1] : undefined; };

/** The rtmsg and attributes netlink_route() sends; throws on a name it cannot resolve. */
export function encodeRoute(r: Route, del: boolean, ifindexOf: (dev: string) => number): { data: rt.Route; attrs: rt.RouteAttrs } {
  const table = tableNumber(r.table);
  const dst = prefix(r.dst);
  const data: rt.Route = {
    family: r.family === 'inet6' ? AF_INET6 : AF_INET,
    table: table < 256 ? table : RT_TABLE_UNSPEC,
    dstLen: dst.len,
    protocol: r.protocol !== undefined ? protoNumber(r.protocol) : RTPROT_KEEPALIVED,
    scope: r.scope !== undefined ? scopeNumber(r.scope) : del ? rt.RouteScope.NOWHERE : rt.RouteScope.UNIVERSE,
  };
  if (!del || r.type) data.type = TYPES[r.type ?? 'unicast'];
  const attrs: rt.RouteAttrs = {};
  if (table >= 256) attrs.table = table;
  if (dst.len > 0) attrs.dst = dst.bytes;
  if (r.src) attrs.prefsrc = ipToBytes(r.src);
  if (r.via) attrs.gateway = ipToBytes(r.via);
  if (r.dev) attrs.oif = ifindexOf(r.dev);
  if (r.metric !== undefined) attrs.priority = r.metric;
  if (r.nexthops.length > 0) attrs.multipath = multipath(r.nexthops, ifindexOf);
  // Options typed only as words: `from` (source prefix), `tos`, `onlink`, `mtu [lock] N`.
  const from = wordAfter(r, 'from');
  if (from) { const p = prefix(from); data.srcLen = p.len; attrs.src = p.bytes; }
  const tos = wordAfter(r, 'tos') ?? wordAfter(r, 'dsfield');
  if (tos !== undefined) data.tos = Number(tos);
  if (r.words.includes('onlink')) data.flags = { __unknown: RTNH_F_ONLINK };
  const mtuAt = r.words.indexOf('mtu');
  if (mtuAt >= 0) {
    const locked = r.words[mtuAt + 1] === 'lock';
    attrs.metrics = { mtu: u32(Number(r.words[mtuAt + (locked ? 2 : 1)])), ...(locked ? { lock: u32(RTAX_LOCK_MTU) } : {}) };
  }
  return { data, attrs };
}

export type RouteResult = { ok: true } | { ok: false; error: string };

export class Routes {
  private readonly links: Links;
  constructor(private readonly sock: RtNetlinkSocket = rtnl()) { this.links = new Links(sock); }

  /** RTM_NEWROUTE with CREATE|EXCL: an existing identical route is the kernel's "File exists". */
  add(r: Route): Promise<RouteResult> { return this.op('add', r); }

  remove(r: Route): Promise<RouteResult> { return this.op('delete', r); }

  private async op(kind: 'add' | 'delete', r: Route): Promise<RouteResult> {
    const what = `cannot ${kind} route ${describeRoute(r)}`;
    let msg: ReturnType<typeof encodeRoute>;
    try {
      const ifindex = await this.ifindexMap(r);
      msg = encodeRoute(r, kind === 'delete', (dev) => {
        const i = ifindex.get(dev);
        if (i === undefined) throw new Error(`no interface ${dev}`);
        return i;
      });
    } catch (e) {
      return { ok: false, error: `${what}: ${(e as Error).message}` };
    }
    try {
      if (kind === 'add') await this.sock.newRoute(msg.data, msg.attrs, { flags: FlagsNew.CREATE | FlagsNew.EXCL, timeout: RTNL_TIMEOUT_MS });
      else await this.sock.delRoute(msg.data, msg.attrs, { timeout: RTNL_TIMEOUT_MS });
      return { ok: true };
    } catch (e) {
      return { ok: false, error: `${what}: ${netErrorText(e)}` };
    }
  }

  private async ifindexMap(r: Route): Promise<Map<string, number>> {
    if (!r.dev && !r.nexthops.some((h) => h.dev)) return new Map();
    const l = await this.links.list();
    if (!l.ok) throw new Error(l.error);
    return new Map(l.links.map((x) => [x.ifname, x.ifindex]));
  }
}
