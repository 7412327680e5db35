// One typed record per IPVS kernel object, each with one encode (to the
// nested attributes the kernel parses) and one decode (from what it dumps).
// Layouts: include/uapi/linux/ip_vs.h; value types: the kernel's
// ip_vs_ctl.c policies and keepalived's check/libipvs.c (v2.2.7).
import { type AddressFamily, addressToBytes, bytesToAddress, ipv4ToNumber } from './addr.js';
import {
  type Attr, type AttrMap, AttrDecodeError, decodeAttrs, type IntValue,
  be16, be32, getBe16, getBe32, getS32, getStr, getU16, getU32, getU64, getU8, str, u16, u32, u32Pair, u8,
} from './attrs.js';
import {
  AF_INET, AF_INET6, CmdAttr, CONN_F_FWD_MASK, ConnFwd, DaemonAttr, DaemonState, DestAttr, InfoAttr,
  IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP, StatsAttr, SvcAttr, SvcFlag, TunFlag, TunType,
} from './constants.js';

export type { AddressFamily } from './addr.js';

/** An address attribute's value: IPv4 as a big-endian u32 (no Buffer), IPv6 as its 16 bytes. */
function addrValue(address: string, family: AddressFamily): Buffer | IntValue {
  const n = family === 'inet' ? ipv4ToNumber(address) : undefined;
  return n === undefined ? addressToBytes(address, family) : be32(n);
}
export type IpvsProtocol = 'tcp' | 'udp' | 'sctp';

/** IP_VS_SVC_F_*; the SCHED bits mean different things per scheduler. */
export interface IpvsServiceFlags {
  persistent: boolean;
  /** Set by the kernel on every service it holds; ignored on add. */
  hashed: boolean;
  /** `ops`: one-packet scheduling (UDP). */
  onePacket: boolean;
  /** IP_VS_SVC_F_SCHED1: sh-fallback with sh, mh-fallback with mh. */
  schedFallback: boolean;
  /** IP_VS_SVC_F_SCHED2: sh-port with sh, mh-port with mh. */
  schedPort: boolean;
  /** IP_VS_SVC_F_SCHED3: no meaning in any 6.x scheduler. */
  sched3: boolean;
}

/** Counters from IPVS_*_ATTR_STATS64 (or STATS on old kernels). Decode only. */
export interface IpvsStats {
  conns: number; inpkts: number; outpkts: number; inbytes: number; outbytes: number;
  cps: number; inpps: number; outpps: number; inbps: number; outbps: number;
}

/** What identifies a virtual server: a firewall mark, or protocol + address + port. */
export type IpvsServiceKey =
  | { family: AddressFamily; fwmark: number; protocol?: undefined; address?: undefined; port?: undefined }
  | { family: AddressFamily; protocol: IpvsProtocol; address: string; port: number; fwmark?: undefined };

export type IpvsService = IpvsServiceKey & {
  /** lb_algo: rr wrr lc wlc lblc lblcr dh sh sed nq fo ovf mh */
  scheduler: string;
  flags: IpvsServiceFlags;
  /** persistence_timeout in seconds (used when flags.persistent). */
  timeoutSec: number;
  /** persistence_granularity: IPv4 mask as a number (0xffffffff = /32), IPv6 prefix length. */
  netmask: number;
  /** Persistence engine (e.g. "sip"); '' for none. */
  peName: string;
  stats?: IpvsStats;
};

export type IpvsFwdMethod = 'masq' | 'local' | 'tunnel' | 'droute' | 'bypass';
export type IpvsTunType = 'ipip' | 'gue' | 'gre';

export interface IpvsDest {
  /** Family of the real server's address (may differ from the service's with tunnel). */
  family: AddressFamily;
  address: string;
  port: number;
  fwdMethod: IpvsFwdMethod;
  weight: number;
  upperThreshold: number;
  lowerThreshold: number;
  /** Tunnel options (fwdMethod 'tunnel'); kernels before 5.3 ignore them. */
  tunType: IpvsTunType;
  tunPort: number;
  tunFlags: { csum: boolean; remcsum: boolean };
  activeConns?: number;
  inactConns?: number;
  persistConns?: number;
  stats?: IpvsStats;
}

export type IpvsDaemonState = 'master' | 'backup';

export interface IpvsDaemon {
  state: IpvsDaemonState;
  /** lvs_sync_daemon interface */
  mcastIfn: string;
  syncId: number;
  /** 0 = kernel default (left out of the request). */
  syncMaxLen: number;
  /** '' = kernel default group (224.0.0.81). */
  mcastGroup: string;
  mcastPort: number;
  mcastTtl: number;
}

/** Connection timeouts in seconds; 0 on set = leave unchanged (kernel rule). */
export interface IpvsTimeouts {
  tcpSec: number;
  tcpFinSec: number;
  udpSec: number;
}

export interface IpvsInfo {
  /** "1.2.1" */
  version: string;
  versionCode: number;
  connTabSize: number;
}

// ---------- small maps ----------
const PROTO_NUM: Record<IpvsProtocol, number> = { tcp: IPPROTO_TCP, udp: IPPROTO_UDP, sctp: IPPROTO_SCTP };
const FWD_NUM: Record<IpvsFwdMethod, number> = {
  masq: ConnFwd.MASQ, local: ConnFwd.LOCALNODE, tunnel: ConnFwd.TUNNEL, droute: ConnFwd.DROUTE, bypass: ConnFwd.BYPASS,
};
const TUN_NUM: Record<IpvsTunType, number> = { ipip: TunType.IPIP, gue: TunType.GUE, gre: TunType.GRE };

function invert<K extends string>(m: Record<K, number>): Map<number, K> {
  return new Map(Object.entries(m).map(([k, v]) => [v as number, k as K]));
}
const PROTO_NAME = invert(PROTO_NUM);
const FWD_NAME = invert(FWD_NUM);
const TUN_NAME = invert(TUN_NUM);

const afNum = (f: AddressFamily) => (f === 'inet' ? AF_INET : AF_INET6);
function afName(n: number, what: string): AddressFamily {
  if (n === AF_INET) return 'inet';
  if (n === AF_INET6) return 'inet6';
  throw new AttrDecodeError(`${what}: unknown address family ${n}`);
}

function required(m: AttrMap, type: number, what: string): Buffer {
  const b = m.get(type);
  if (!b) throw new AttrDecodeError(`${what}: missing attribute ${type}`);
  return b;
}

// ---------- stats ----------
const STATS_FIELDS: [number, keyof IpvsStats][] = [
  [StatsAttr.CONNS, 'conns'], [StatsAttr.INPKTS, 'inpkts'], [StatsAttr.OUTPKTS, 'outpkts'],
  [StatsAttr.INBYTES, 'inbytes'], [StatsAttr.OUTBYTES, 'outbytes'], [StatsAttr.CPS, 'cps'],
  [StatsAttr.INPPS, 'inpps'], [StatsAttr.OUTPPS, 'outpps'], [StatsAttr.INBPS, 'inbps'], [StatsAttr.OUTBPS, 'outbps'],
];

/** STATS64 carries u64 everywhere; old STATS has u32 except the byte counters. */
export function decodeStats(buf: Buffer, wide: boolean, where: string): IpvsStats {
  const m = decodeAttrs(buf, where);
  const s = {} as IpvsStats;
  for (const [type, key] of STATS_FIELDS) {
    const b = m.get(type);
    const is64 = wide || type === StatsAttr.INBYTES || type === StatsAttr.OUTBYTES;
    s[key] = b ? (is64 ? getU64(b, `${where} ${key}`) : getU32(b, `${where} ${key}`)) : 0;
  }
  return s;
}

function statsOf(m: AttrMap, a64: number, a32: number, where: string): IpvsStats | undefined {
  const b64 = m.get(a64);
  if (b64) return decodeStats(b64, true, `${where} stats64`);
  const b32 = m.get(a32);
  return b32 ? decodeStats(b32, false, `${where} stats`) : undefined;
}

// ---------- service ----------
function flagsToNumber(f: IpvsServiceFlags): number {
  return (f.persistent ? SvcFlag.PERSISTENT : 0) | (f.hashed ? SvcFlag.HASHED : 0) | (f.onePacket ? SvcFlag.ONEPACKET : 0) |
    (f.schedFallback ? SvcFlag.SCHED1 : 0) | (f.schedPort ? SvcFlag.SCHED2 : 0) | (f.sched3 ? SvcFlag.SCHED3 : 0);
}

export function flagsFromNumber(n: number): IpvsServiceFlags {
  return {
    persistent: (n & SvcFlag.PERSISTENT) !== 0, hashed: (n & SvcFlag.HASHED) !== 0, onePacket: (n & SvcFlag.ONEPACKET) !== 0,
    schedFallback: (n & SvcFlag.SCHED1) !== 0, schedPort: (n & SvcFlag.SCHED2) !== 0, sched3: (n & SvcFlag.SCHED3) !== 0,
  };
}

export const NO_SERVICE_FLAGS: IpvsServiceFlags = flagsFromNumber(0);

/** The identifying attributes only: what DEL_SERVICE and the dest commands need. */
export function encodeServiceKey(k: IpvsServiceKey): Attr[] {
  const attrs: Attr[] = [{ type: SvcAttr.AF, value: u16(afNum(k.family)) }];
  if (k.fwmark !== undefined) {
    attrs.push({ type: SvcAttr.FWMARK, value: u32(k.fwmark) });
  } else {
    attrs.push(
      { type: SvcAttr.PROTOCOL, value: u16(PROTO_NUM[k.protocol]) },
      { type: SvcAttr.ADDR, value: addrValue(k.address, k.family) },
      { type: SvcAttr.PORT, value: be16(k.port) },
    );
  }
  return attrs;
}

/** Full service (NEW_SERVICE / SET_SERVICE need all of sched, flags, timeout, netmask). */
export function encodeService(s: IpvsService): Attr[] {
  const flags = u32Pair(flagsToNumber(s.flags), 0xffffffff); // struct ip_vs_flags {flags, mask}
  const attrs = encodeServiceKey(s);
  attrs.push({ type: SvcAttr.SCHED_NAME, value: str(s.scheduler) });
  if (s.peName) attrs.push({ type: SvcAttr.PE_NAME, value: str(s.peName) });
  attrs.push(
    { type: SvcAttr.FLAGS, value: flags },
    { type: SvcAttr.TIMEOUT, value: u32(s.timeoutSec) },
    // IPv4: the mask in network order (nla_put_be32); IPv6: the prefix length as a plain u32.
    { type: SvcAttr.NETMASK, value: s.family === 'inet' ? be32(s.netmask) : u32(s.netmask) },
  );
  return attrs;
}

/** Decodes the contents of IPVS_CMD_ATTR_SERVICE. */
export function decodeService(buf: Buffer): IpvsService {
  const where = 'service';
  const m = decodeAttrs(buf, where);
  const family = afName(getU16(required(m, SvcAttr.AF, where), 'service af'), where);
  const fwmarkB = m.get(SvcAttr.FWMARK);
  const fwmark = fwmarkB ? getU32(fwmarkB, 'service fwmark') : 0;
  let key: IpvsServiceKey;
  if (fwmark !== 0) {
    key = { family, fwmark };
  } else {
    const protoNum = getU16(required(m, SvcAttr.PROTOCOL, where), 'service protocol');
    const protocol = PROTO_NAME.get(protoNum);
    if (!protocol) throw new AttrDecodeError(`service: unknown protocol ${protoNum}`);
    const address = bytesToAddress(required(m, SvcAttr.ADDR, where), family);
    key = { family, protocol, address, port: getBe16(required(m, SvcAttr.PORT, where), 'service port') };
  }
  const label = key.fwmark !== undefined ? `FWM ${key.fwmark}` : `${key.protocol} ${key.address}:${key.port}`;
  const flagsB = required(m, SvcAttr.FLAGS, label);
  const netmaskB = required(m, SvcAttr.NETMASK, label);
  const svc: IpvsService = {
    ...key,
    scheduler: getStr(required(m, SvcAttr.SCHED_NAME, label)),
    flags: flagsFromNumber(getU32(flagsB, `${label} flags`)),
    timeoutSec: getU32(required(m, SvcAttr.TIMEOUT, label), `${label} timeout`),
    netmask: family === 'inet' ? getBe32(netmaskB, `${label} netmask`) : getU32(netmaskB, `${label} netmask`),
    peName: m.has(SvcAttr.PE_NAME) ? getStr(m.get(SvcAttr.PE_NAME)!) : '',
  };
  const stats = statsOf(m, SvcAttr.STATS64, SvcAttr.STATS, label);
  if (stats) svc.stats = stats;
  return svc;
}

// ---------- destination ----------
/** Address + port (+ family): what DEL_DEST needs. */
export function encodeDestKey(d: Pick<IpvsDest, 'family' | 'address' | 'port'>): Attr[] {
  return [
    { type: DestAttr.ADDR_FAMILY, value: u16(afNum(d.family)) },
    { type: DestAttr.ADDR, value: addrValue(d.address, d.family) },
    { type: DestAttr.PORT, value: be16(d.port) },
  ];
}

export function encodeDest(d: IpvsDest): Attr[] {
  const attrs = encodeDestKey(d);
  attrs.push(
    { type: DestAttr.FWD_METHOD, value: u32(FWD_NUM[d.fwdMethod]) },
    { type: DestAttr.WEIGHT, value: u32(d.weight) },
    { type: DestAttr.U_THRESH, value: u32(d.upperThreshold) },
    { type: DestAttr.L_THRESH, value: u32(d.lowerThreshold) },
  );
  // keepalived sends the tunnel attributes only for tunnel dests (libipvs.c); so do we.
  if (d.fwdMethod === 'tunnel') {
    attrs.push({ type: DestAttr.TUN_TYPE, value: u8(TUN_NUM[d.tunType]) });
    if (d.tunType === 'gue') attrs.push({ type: DestAttr.TUN_PORT, value: be16(d.tunPort) });
    if (d.tunType !== 'ipip') {
      attrs.push({ type: DestAttr.TUN_FLAGS, value: u16((d.tunFlags.csum ? TunFlag.CSUM : 0) | (d.tunFlags.remcsum ? TunFlag.REMCSUM : 0)) });
    }
  }
  return attrs;
}

/** Decodes the contents of IPVS_CMD_ATTR_DEST; `serviceFamily` is used when the kernel omits ADDR_FAMILY (< 4.x). */
export function decodeDest(buf: Buffer, serviceFamily: AddressFamily): IpvsDest {
  const where = 'real server';
  const m = decodeAttrs(buf, where);
  const afB = m.get(DestAttr.ADDR_FAMILY);
  const family = afB ? afName(getU16(afB, 'real server af'), where) : serviceFamily;
  const address = bytesToAddress(required(m, DestAttr.ADDR, where), family);
  const port = getBe16(required(m, DestAttr.PORT, where), 'real server port');
  const label = `real server ${family === 'inet6' ? `[${address}]` : address}:${port}`;
  const fwdNum = getU32(required(m, DestAttr.FWD_METHOD, label), `${label} forwarding method`) & CONN_F_FWD_MASK;
  const fwdMethod = FWD_NAME.get(fwdNum);
  if (!fwdMethod) throw new AttrDecodeError(`${label}: unknown forwarding method ${fwdNum}`);
  const tunTypeNum = m.has(DestAttr.TUN_TYPE) ? getU8(m.get(DestAttr.TUN_TYPE)!, `${label} tun_type`) : TunType.IPIP;
  const tunType = TUN_NAME.get(tunTypeNum);
  if (!tunType) throw new AttrDecodeError(`${label}: unknown tunnel type ${tunTypeNum}`);
  const tunFlags = m.has(DestAttr.TUN_FLAGS) ? getU16(m.get(DestAttr.TUN_FLAGS)!, `${label} tun_flags`) : 0;
  const d: IpvsDest = {
    family, address, port, fwdMethod,
    weight: getS32(required(m, DestAttr.WEIGHT, label), `${label} weight`),
    upperThreshold: getU32(required(m, DestAttr.U_THRESH, label), `${label} u_threshold`),
    lowerThreshold: getU32(required(m, DestAttr.L_THRESH, label), `${label} l_threshold`),
    tunType,
    tunPort: m.has(DestAttr.TUN_PORT) ? getBe16(m.get(DestAttr.TUN_PORT)!, `${label} tun_port`) : 0,
    tunFlags: { csum: (tunFlags & TunFlag.CSUM) !== 0, remcsum: (tunFlags & TunFlag.REMCSUM) !== 0 },
  };
  const counters: [number, 'activeConns' | 'inactConns' | 'persistConns'][] = [
    [DestAttr.ACTIVE_CONNS, 'activeConns'], [DestAttr.INACT_CONNS, 'inactConns'], [DestAttr.PERSIST_CONNS, 'persistConns'],
  ];
  for (const [type, key] of counters) {
    const b = m.get(type);
    if (b) d[key] = getU32(b, `${label} ${key}`);
  }
  const stats = statsOf(m, DestAttr.STATS64, DestAttr.STATS, label);
  if (stats) d.stats = stats;
  return d;
}

// ---------- sync daemon ----------
export function encodeDaemon(d: IpvsDaemon): Attr[] {
  const attrs: Attr[] = [
    { type: DaemonAttr.STATE, value: u32(d.state === 'master' ? DaemonState.MASTER : DaemonState.BACKUP) },
    { type: DaemonAttr.MCAST_IFN, value: str(d.mcastIfn) },
    { type: DaemonAttr.SYNC_ID, value: u32(d.syncId) },
  ];
  // Optional ones only when set, as keepalived does: 0 / '' means the kernel default.
  if (d.syncMaxLen) attrs.push({ type: DaemonAttr.SYNC_MAXLEN, value: u16(d.syncMaxLen) });
  if (d.mcastGroup) {
    attrs.push(d.mcastGroup.includes(':')
      ? { type: DaemonAttr.MCAST_GROUP6, value: addressToBytes(d.mcastGroup, 'inet6') }
      : { type: DaemonAttr.MCAST_GROUP, value: addressToBytes(d.mcastGroup, 'inet') });
  }
  if (d.mcastPort) attrs.push({ type: DaemonAttr.MCAST_PORT, value: u16(d.mcastPort) });
  if (d.mcastTtl) attrs.push({ type: DaemonAttr.MCAST_TTL, value: u8(d.mcastTtl) });
  return attrs;
}

/** DEL_DAEMON needs the state only. */
export function encodeDaemonKey(state: IpvsDaemonState): Attr[] {
  return [{ type: DaemonAttr.STATE, value: u32(state === 'master' ? DaemonState.MASTER : DaemonState.BACKUP) }];
}

export function decodeDaemon(buf: Buffer): IpvsDaemon {
  const where = 'sync daemon';
  const m = decodeAttrs(buf, where);
  const stateNum = getU32(required(m, DaemonAttr.STATE, where), 'sync daemon state');
  const state: IpvsDaemonState | undefined = stateNum === DaemonState.MASTER ? 'master' : stateNum === DaemonState.BACKUP ? 'backup' : undefined;
  if (!state) throw new AttrDecodeError(`sync daemon: unknown state ${stateNum}`);
  const g4 = m.get(DaemonAttr.MCAST_GROUP);
  const g6 = m.get(DaemonAttr.MCAST_GROUP6);
  return {
    state,
    mcastIfn: getStr(required(m, DaemonAttr.MCAST_IFN, where)),
    syncId: getU32(required(m, DaemonAttr.SYNC_ID, where), 'sync daemon syncid'),
    syncMaxLen: m.has(DaemonAttr.SYNC_MAXLEN) ? getU16(m.get(DaemonAttr.SYNC_MAXLEN)!, 'sync daemon maxlen') : 0,
    mcastGroup: g6 ? bytesToAddress(g6, 'inet6') : g4 ? bytesToAddress(g4, 'inet') : '',
    mcastPort: m.has(DaemonAttr.MCAST_PORT) ? getU16(m.get(DaemonAttr.MCAST_PORT)!, 'sync daemon port') : 0,
    mcastTtl: m.has(DaemonAttr.MCAST_TTL) ? getU8(m.get(DaemonAttr.MCAST_TTL)!, 'sync daemon ttl') : 0,
  };
}

// ---------- timeouts (top-level attributes of SET_CONFIG / GET_CONFIG) ----------
export function encodeTimeouts(t: IpvsTimeouts): Attr[] {
  return [
    { type: CmdAttr.TIMEOUT_TCP, value: u32(t.tcpSec) },
    { type: CmdAttr.TIMEOUT_TCP_FIN, value: u32(t.tcpFinSec) },
    { type: CmdAttr.TIMEOUT_UDP, value: u32(t.udpSec) },
  ];
}

export function decodeTimeouts(buf: Buffer): IpvsTimeouts {
  const m = decodeAttrs(buf, 'timeouts');
  const get = (t: number, what: string) => getU32(required(m, t, 'timeouts'), `timeout ${what}`);
  return { tcpSec: get(CmdAttr.TIMEOUT_TCP, 'tcp'), tcpFinSec: get(CmdAttr.TIMEOUT_TCP_FIN, 'tcpfin'), udpSec: get(CmdAttr.TIMEOUT_UDP, 'udp') };
}

// ---------- info (top-level attributes of the GET_INFO reply) ----------
export function encodeInfo(i: IpvsInfo): Attr[] {
  return [
    { type: InfoAttr.VERSION, value: u32(i.versionCode) },
    { type: InfoAttr.CONN_TAB_SIZE, value: u32(i.connTabSize) },
  ];
}

export function decodeInfo(buf: Buffer): IpvsInfo {
  const m = decodeAttrs(buf, 'info');
  const code = getU32(required(m, InfoAttr.VERSION, 'info'), 'info version');
  return {
    version: `${(code >> 16) & 0xff}.${(code >> 8) & 0xff}.${code & 0xff}`,
    versionCode: code,
    connTabSize: getU32(required(m, InfoAttr.CONN_TAB_SIZE, 'info'), 'info conn_tab_size'),
  };
}
