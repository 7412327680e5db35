// Config AST → what the checker daemon runs: engine input (VirtualServerSpec) and the IPVS records
// keepalived programs for it (ipvswrapper.c ipvs_set_srule/ipvs_set_drule, ipvs_group_cmd). Pure.
import type { Checker, KeepalivedConfig, LvsMethod, RealServer, Script, TunnelOpts, VirtualServer, VirtualServerGroup } from '../config/ast.js';
import type { IpvsDest, IpvsFwdMethod, IpvsService, IpvsServiceFlags } from '../ipvs/index.js';
import { miscTimeoutMs, resolveTiming, type TimingKeywords } from './defaults.js';
import { parseRequireReply } from './probes/udp.js';
import { resolveScriptPath } from './script-path.js';
import type { CheckerSpec, ConnOpts, DnsType, RealServerSpec, ServiceProtocol, VirtualServerAddr, VirtualServerSpec } from './types.js';

/** Where one real (or sorry) server goes, minus the weight the engine decides. */
export type LvsDest = Omit<IpvsDest, 'weight' | 'activeConns' | 'inactConns' | 'persistConns' | 'stats'>;

export interface LvsVirtualServer {
  spec: VirtualServerSpec;
  /** One kernel service per address (ip/fwmark VS), one per address and fwmark of a group. */
  services: IpvsService[];
  /** Parallel to spec.realServers. */
  realServers: LvsDest[];
  sorry?: LvsDest;
}

export interface CheckerPlan {
  virtualServers: LvsVirtualServer[];
  /** keepalived's messages for scripts it disables (check_script_secure), in config order. */
  logs: string[];
}

const FWD: Record<LvsMethod, IpvsFwdMethod> = { NAT: 'masq', DR: 'droute', TUN: 'tunnel' };
/** IPVS limits keepalived's group ranges to the last byte (IPv4) or last 16 bits (IPv6); a bound on expansion. */
const MAX_RANGE = 65536;
const SMTP_DEFAULT_HELO = 'smtpchecker.keepalived.org';

/** IP_VS_SVC_F_*: sh-/mh- flags share SCHED1 (fallback) and SCHED2 (port) (check_parser.c). */
function serviceFlags(vs: VirtualServer): IpvsServiceFlags {
  const f = vs.flags;
  return {
    persistent: vs.persistenceTimeoutS > 0,
    hashed: Boolean(f.hashed),
    onePacket: Boolean(f.ops),
    schedFallback: Boolean(f.flag1 || f.shFallback || f.mhFallback),
    schedPort: Boolean(f.flag2 || f.shPort || f.mhPort),
    sched3: Boolean(f.flag3),
  };
}

/** persistence_granularity: IPv4 mask as a host-order number, IPv6 prefix length (pgr_handler). */
export function granularityNetmask(g: string | undefined, family: 'inet' | 'inet6'): number {
  if (family === 'inet6') return g !== undefined && /^\d+$/.test(g) ? Number(g) : 128;
  if (g === undefined || !g.includes('.')) return 0xffffffff;
  return g.split('.').reduce((n, o) => n * 256 + (Number(o) & 255), 0) >>> 0;
}

function baseService(vs: VirtualServer, family: 'inet' | 'inet6'): Omit<IpvsService, 'family' | 'fwmark' | 'protocol' | 'address' | 'port'> {
  const persistent = vs.persistenceTimeoutS > 0;
  return {
    scheduler: vs.lvsSched,
    flags: serviceFlags(vs),
    timeoutSec: persistent ? vs.persistenceTimeoutS : 0,
    netmask: persistent ? granularityNetmask(vs.persistenceGranularity, family) : family === 'inet6' ? 128 : 0xffffffff,
    peName: persistent ? (vs.persistenceEngine ?? '') : '',
  };
}

function lowerProto(p: VirtualServer['protocol']): 'tcp' | 'udp' | 'sctp' {
  return p.toLowerCase() as 'tcp' | 'udp' | 'sctp';
}

/** Every address of `first-last` (keepalived's `10.0.0.3-10` already widened by the parser). */
export function expandRange(first: string, last: string, family: 'inet' | 'inet6'): string[] {
  const toBig = (a: string): bigint => {
    if (family === 'inet') return a.split('.').reduce((n, o) => (n << 8n) | BigInt(Number(o)), 0n);
    const [head, tail] = a.includes('::') ? a.split('::') as [string, string] : [a, undefined];
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
    return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
  };
  const fromBig = (n: bigint): string => {
    if (family === 'inet') return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join('.');
    const g = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((s) => ((n >> s) & 0xffffn).toString(16));
    // Same canonical text as node prints (longest zero run compressed).
    return new URL(`http://[${g.join(':')}]`).hostname.slice(1, -1);
  };
  const a = toBig(first);
  const b = toBig(last);
  const out: string[] = [];
  for (let n = a; n <= b && out.length < MAX_RANGE; n++) out.push(fromBig(n));
  return out;
}

/** The kernel services of one virtual_server (ipvs_group_cmd visits ranges, then fwmarks). */
function servicesOf(vs: VirtualServer, groups: Map<string, VirtualServerGroup>): IpvsService[] {
  const a = vs.addr;
  if (a.kind === 'ip') return [{ ...baseService(vs, a.family), family: a.family, protocol: lowerProto(vs.protocol), address: a.address, port: a.port }];
  if (a.kind === 'fwmark') return [{ ...baseService(vs, a.family), family: a.family, fwmark: a.fwmark }];
  const g = groups.get(a.group);
  if (!g) return [];
  const out: IpvsService[] = [];
  for (const e of g.entries) {
    if (e.kind !== 'range') continue;
    for (const address of expandRange(e.first, e.last, e.family)) {
      out.push({ ...baseService(vs, e.family), family: e.family, protocol: lowerProto(vs.protocol), address, port: e.port });
    }
  }
  for (const e of g.entries) {
    if (e.kind !== 'fwmark') continue;
    const family = e.family ?? vs.ipFamily ?? 'inet';
    out.push({ ...baseService(vs, family), family, fwmark: e.fwmark });
  }
  return out;
}

function lvsDest(address: string, port: number, family: 'inet' | 'inet6', method: LvsMethod, tunnel: TunnelOpts | undefined, uthreshold = 0, lthreshold = 0): LvsDest {
  return {
    family, address, port, fwdMethod: FWD[method], upperThreshold: uthreshold, lowerThreshold: lthreshold,
    tunType: tunnel?.type ?? 'ipip', tunPort: tunnel?.port ?? 0,
    tunFlags: { csum: tunnel?.csum === 'csum', remcsum: tunnel?.csum === 'remcsum' },
  };
}

/** The destination record for one service: group members take the service's port unless NAT (ipvs_group_cmd). */
export function destFor(svc: IpvsService, vs: LvsVirtualServer, d: LvsDest, weight: number): IpvsDest {
  const port = vs.spec.addr.kind === 'group' && d.fwdMethod !== 'masq' ? (svc.port ?? 0) : d.port;
  // Fields spelt out: an object spread per call was a visible cost of 11,000 start-up calls.
  return {
    family: d.family, address: d.address, port, fwdMethod: d.fwdMethod, weight, upperThreshold: d.upperThreshold,
    lowerThreshold: d.lowerThreshold, tunType: d.tunType, tunPort: d.tunPort, tunFlags: d.tunFlags,
  };
}

/** A script's argv with argv[0] resolved as check_script_secure does; undefined (logged) when unusable. */
function scriptArgv(s: Script | undefined, logs: string[]): string[] | undefined {
  if (!s || s.argv.length === 0) return undefined;
  const r = resolveScriptPath(s.argv[0]!);
  logs.push(...r.logs);
  return r.ok ? [r.path, ...s.argv.slice(1)] : undefined;
}

const DNS_TYPES: readonly DnsType[] = ['A', 'NS', 'CNAME', 'SOA', 'MX', 'TXT', 'AAAA'];

function checkerSpec(c: Checker, rs: RealServer, vs: VirtualServer, cfg: KeepalivedConfig, logs: string[]): CheckerSpec | undefined {
  const rsKw: TimingKeywords = rs;
  const vsKw: TimingKeywords = vs;
  const { connectTimeoutMs, ...timing } = resolveTiming(c.type, c, rsKw, vsKw, cfg.global.checkerLogAllFailures);
  const conn: ConnOpts = {
    connectIp: c.connectIp ?? rs.address,
    connectPort: c.connectPort ?? rs.port,
    connectTimeoutMs,
    ...(c.bindto !== undefined ? { bindto: c.bindto } : {}),
    ...(c.bindPort !== undefined ? { bindPort: c.bindPort } : {}),
    ...(c.bindIf !== undefined ? { bindIf: c.bindIf } : {}),
    ...(c.fwmark !== undefined ? { fwmark: c.fwmark } : {}),
  };
  switch (c.type) {
    case 'HTTP_GET':
    case 'SSL_GET': {
      const virtualhost = c.virtualhost ?? rs.virtualhost ?? vs.virtualhost;
      const tls = c.type === 'SSL_GET' && cfg.ssl ? { tls: { ...cfg.ssl } } : {};
      return {
        type: c.type, conn, ...timing, httpProtocol: c.httpProtocol, fastRecovery: c.fastRecovery, enableSni: c.enableSni, ...tls,
        ...(virtualhost !== undefined ? { virtualhost } : {}),
        urls: c.urls.map((u) => ({
          path: u.path ?? '/', statusCodes: u.statusCodes.length ? u.statusCodes : [[200, 299]],
          ...(u.digest !== undefined ? { digest: u.digest.toLowerCase() } : {}),
          ...(u.virtualhost !== undefined ? { virtualhost: u.virtualhost } : {}),
          ...(u.regex !== undefined ? { regex: u.regex, regexNoMatch: u.regexNoMatch } : {}),
        })),
      };
    }
    case 'TCP_CHECK':
    case 'PING_CHECK':
      return { type: c.type, conn, ...timing };
    case 'SMTP_CHECK':
      return { type: 'SMTP_CHECK', conn, ...timing, heloName: c.heloName ?? cfg.global.smtpHeloName ?? SMTP_DEFAULT_HELO };
    case 'DNS_CHECK': {
      const t = c.queryType.toUpperCase() as DnsType;
      return { type: 'DNS_CHECK', conn, ...timing, dnsType: DNS_TYPES.includes(t) ? t : 'SOA', dnsName: c.name };
    }
    case 'UDP_CHECK':
      return {
        type: 'UDP_CHECK', conn, ...timing, minReplyLength: c.minReplyLength, maxReplyLength: c.maxReplyLength,
        ...(c.payload !== undefined ? { payload: Buffer.from(c.payload.replace(/\s+/g, ''), 'hex') } : {}),
        ...(c.requireReply !== undefined ? { requireReply: parseRequireReply(c.requireReply) } : {}),
      };
    case 'MISC_CHECK': {
      const argv = scriptArgv(c.miscPath, logs);
      if (!argv) return undefined;
      const uid = c.user !== undefined && /^\d+$/.test(c.user) ? { uid: Number(c.user) } : {};
      const gid = c.group !== undefined && /^\d+$/.test(c.group) ? { gid: Number(c.group) } : {};
      return { type: 'MISC_CHECK', ...timing, miscPath: argv, miscTimeoutMs: miscTimeoutMs(c.miscTimeoutS, { delayLoopMs: timing.delayLoopMs }), miscDynamic: c.miscDynamic, ...uid, ...gid };
    }
    case 'FILE_CHECK': {
      const tf = cfg.trackFiles.find((t) => t.name === c.trackFile);
      if (!tf?.file) return undefined;
      return { type: 'FILE_CHECK', ...timing, trackFileName: tf.name, filePath: tf.file, weight: c.weight ?? tf.weight, reverse: c.weightReverse || tf.weightReverse };
    }
    case 'BFD_CHECK':
      return { type: 'BFD_CHECK', ...timing, name: c.name ?? '' };
  }
}

function engineAddr(vs: VirtualServer): VirtualServerAddr {
  const a = vs.addr;
  if (a.kind === 'ip') return { kind: 'ip', ip: a.address, port: a.port };
  if (a.kind === 'fwmark') return { kind: 'fwmark', fwmark: a.fwmark };
  // format_vs prints the group with vs->addr's port, which a group VS never sets.
  return { kind: 'group', name: a.group, port: 0 };
}

function realServerSpec(rs: RealServer, vs: VirtualServer, cfg: KeepalivedConfig, logs: string[]): RealServerSpec {
  const notifyUp = scriptArgv(rs.notifyUp, logs);
  const notifyDown = scriptArgv(rs.notifyDown, logs);
  const checkers: CheckerSpec[] = [];
  for (const c of rs.checkers) {
    const s = checkerSpec(c, rs, vs, cfg, logs);
    if (s) checkers.push(s);
  }
  return {
    ip: rs.address, port: rs.port, weight: rs.weight, inhibitOnFailure: rs.inhibitOnFailure, smtpAlert: rs.smtpAlert, checkers,
    ...(notifyUp ? { notifyUp } : {}), ...(notifyDown ? { notifyDown } : {}),
  };
}

function mapVirtualServer(vs: VirtualServer, cfg: KeepalivedConfig, groups: Map<string, VirtualServerGroup>, logs: string[]): LvsVirtualServer {
  const quorumUp = scriptArgv(vs.quorumUp, logs);
  const quorumDown = scriptArgv(vs.quorumDown, logs);
  // keepalived names a fwmark service's real servers `[ip]:none:port` (no protocol in effect)
  const protocol: ServiceProtocol = vs.protocolSet || vs.addr.kind !== 'fwmark' ? lowerProto(vs.protocol) : 'none';
  const spec: VirtualServerSpec = {
    addr: engineAddr(vs), protocol, quorum: vs.quorum, hysteresis: vs.hysteresis, omega: vs.omega, smtpAlert: vs.smtpAlert,
    haSuspend: vs.haSuspend,
    realServers: vs.realServers.map((rs) => realServerSpec(rs, vs, cfg, logs)),
    ...(quorumUp ? { quorumUp } : {}), ...(quorumDown ? { quorumDown } : {}),
    ...(vs.sorryServer ? { sorryServer: { ip: vs.sorryServer.address, port: vs.sorryServer.port, inhibit: vs.sorryServerInhibit } } : {}),
  };
  const out: LvsVirtualServer = {
    spec,
    services: servicesOf(vs, groups),
    realServers: vs.realServers.map((rs) => lvsDest(rs.address, rs.port, rs.family, rs.lvsMethod, rs.tunnel, rs.uthreshold, rs.lthreshold)),
  };
  const s = vs.sorryServer;
  if (s) out.sorry = lvsDest(s.address, s.port, s.family, vs.sorryServerLvsMethod ?? vs.lvsMethod, vs.tunnel);
  return out;
}

/** The whole checker side of a config. */
export function mapConfig(cfg: KeepalivedConfig): CheckerPlan {
  const groups = new Map(cfg.virtualServerGroups.map((g) => [g.name, g]));
  const logs: string[] = [];
  const virtualServers = cfg.virtualServers.map((vs) => mapVirtualServer(vs, cfg, groups, logs));
  return { virtualServers, logs };
}

/** Stable identity of a kernel service (what IPVS matches on). */
export function serviceKey(s: Pick<IpvsService, 'family' | 'fwmark' | 'protocol' | 'address' | 'port'>): string {
  return s.fwmark !== undefined ? `fwm:${s.family}:${s.fwmark}` : `${s.protocol}:[${s.address}]:${s.port}`;
}

export function destKey(d: Pick<IpvsDest, 'address' | 'port'>): string {
  return `[${d.address}]:${d.port}`;
}
