// Text views of IPVS state laid out exactly as ipvsadm 1.31 prints them
// (`ipvsadm -Ln`, `-Ln --timeout`, `-L --daemon`), so tests diff our view of
// the kernel against the real tool's, and logs name servers the usual way.
import type { IpvsDaemon, IpvsDest, IpvsInfo, IpvsService, IpvsServiceKey, IpvsTimeouts } from './codec.js';
import { addressToBytes } from './addr.js';

const PROTO_TEXT = { tcp: 'TCP', udp: 'UDP', sctp: 'SCTP' } as const;

/** "10.0.0.2:80" or "[2001:db8::2]:80" */
export function destLabel(d: { family: 'inet' | 'inet6'; address: string; port: number }): string {
  return d.family === 'inet6' ? `[${d.address}]:${d.port}` : `${d.address}:${d.port}`;
}

/** "TCP 10.0.0.1:80", "UDP [2001:db8::1]:53", "FWM 5", "FWM 5 IPv6" */
export function serviceLabel(k: IpvsServiceKey): string {
  if (k.fwmark !== undefined) return `FWM ${k.fwmark}${k.family === 'inet6' ? ' IPv6' : ''}`;
  return `${PROTO_TEXT[k.protocol]} ${destLabel(k)}`;
}

/** keepalived's FMT_VS (check_data.c format_vs): "[10.0.0.1]:tcp:80", "[2001:db8::1]:udp:53", "FWM 9". */
export function keepalivedVsName(k: IpvsServiceKey): string {
  return k.fwmark !== undefined ? `FWM ${k.fwmark}` : `[${k.address}]:${k.protocol}:${k.port}`;
}

/** keepalived's FMT_RS (inet_sockaddrtotrio): "[10.0.0.2]:tcp:80"; the protocol is "none" under a fwmark service. */
export function keepalivedRsName(k: IpvsServiceKey, d: { address: string; port: number }): string {
  return `[${d.address}]:${k.protocol ?? 'none'}:${d.port}`;
}

const pad = (s: string | number, n: number) => String(s).padEnd(n);

function schedFlagsText(s: IpvsService): string {
  const f = s.flags;
  const names = s.scheduler === 'sh' || s.scheduler === 'mh'
    ? [f.schedFallback && `${s.scheduler}-fallback`, f.schedPort && `${s.scheduler}-port`]
    : [f.schedFallback && 'flag-1', f.schedPort && 'flag-2', f.sched3 && 'flag-3'];
  return names.filter(Boolean).join(',');
}

function netmaskText(n: number): string {
  return [24, 16, 8, 0].map((sh) => (n >>> sh) & 0xff).join('.');
}

/** The service line of `ipvsadm -Ln`. */
export function formatServiceLine(s: IpvsService): string {
  let name: string;
  if (s.fwmark !== undefined) name = `FWM  ${s.fwmark}${s.family === 'inet6' ? ' IPv6' : ''}`;
  else {
    name = `${pad(PROTO_TEXT[s.protocol], 4)} ${destLabel(s)}`;
    if (s.family !== 'inet6') name = name.slice(0, 33);
  }
  let line = `${name} ${s.scheduler}`;
  const sf = schedFlagsText(s);
  if (sf) line += ` (${sf})`;
  if (s.flags.persistent) {
    line += ` persistent ${s.timeoutSec}`;
    if (s.family === 'inet' && s.netmask !== 0xffffffff) line += ` mask ${netmaskText(s.netmask)}`;
    if (s.family === 'inet6' && s.netmask !== 128) line += ` mask ${s.netmask}`;
    if (s.peName) line += ` pe ${s.peName}`;
  }
  if (s.flags.onePacket) line += ' ops';
  return line;
}

const FWD_TEXT = { masq: 'Masq', local: 'Local', tunnel: 'Tunnel', droute: 'Route', bypass: 'Bypass' } as const;

/** A real server line of `ipvsadm -Ln`. */
export function formatDestLine(d: IpvsDest): string {
  let name = destLabel(d);
  if (d.family !== 'inet6') name = name.slice(0, 28);
  return `  -> ${pad(name, 28)} ${pad(FWD_TEXT[d.fwdMethod], 7)} ${pad(d.weight, 6)} ${pad(d.activeConns ?? 0, 10)} ${pad(d.inactConns ?? 0, 10)}`;
}

// ipvsadm sorts with C int subtraction of the host-order words (libipvs ipvs_cmp_services / ipvs_cmp_dests).
const cmpInt = (a: number, b: number) => (a - b) | 0;
function addrWords(address: string, family: 'inet' | 'inet6'): number[] {
  const b = addressToBytes(address, family);
  return Array.from({ length: b.length / 4 }, (_, i) => b.readUInt32BE(i * 4));
}
function cmpAddr(a: string, b: string, family: 'inet' | 'inet6'): number {
  const wa = addrWords(a, family);
  const wb = addrWords(b, family);
  for (let i = 0; i < wa.length; i++) {
    const r = cmpInt(wa[i]!, wb[i]!);
    if (r !== 0) return r;
  }
  return 0;
}
const AF_ORDER = { inet: 2, inet6: 10 } as const;
const PROTO_ORDER = { tcp: 6, udp: 17, sctp: 132 } as const;

export function compareServices(a: IpvsService, b: IpvsService): number {
  return cmpInt(a.fwmark ?? 0, b.fwmark ?? 0) || AF_ORDER[a.family] - AF_ORDER[b.family] ||
    (a.protocol ? PROTO_ORDER[a.protocol] : 0) - (b.protocol ? PROTO_ORDER[b.protocol] : 0) ||
    (a.address !== undefined && b.address !== undefined ? cmpAddr(a.address, b.address, a.family) : 0) ||
    (a.port ?? 0) - (b.port ?? 0);
}

export function compareDests(a: IpvsDest, b: IpvsDest): number {
  return (a.family === b.family ? cmpAddr(a.address, b.address, a.family) : AF_ORDER[a.family] - AF_ORDER[b.family]) || a.port - b.port;
}

export interface IpvsTable {
  info: IpvsInfo;
  services: { service: IpvsService; dests: IpvsDest[] }[];
}

/** The whole of `ipvsadm -Ln`, trailing newline included. */
export function formatIpvsadmList(t: IpvsTable): string {
  const lines = [
    `IP Virtual Server version ${t.info.version} (size=${t.info.connTabSize})`,
    'Prot LocalAddress:Port Scheduler Flags',
    '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
  ];
  for (const { service, dests } of [...t.services].sort((x, y) => compareServices(x.service, y.service))) {
    lines.push(formatServiceLine(service));
    for (const d of [...dests].sort(compareDests)) lines.push(formatDestLine(d));
  }
  return lines.join('\n') + '\n';
}

/** `ipvsadm -Ln --timeout` */
export function formatTimeouts(t: IpvsTimeouts): string {
  return `Timeout (tcp tcpfin udp): ${t.tcpSec} ${t.tcpFinSec} ${t.udpSec}\n`;
}

/** `ipvsadm -L --daemon`: master first, then backup. */
export function formatDaemons(daemons: IpvsDaemon[]): string {
  const order = ['master', 'backup'] as const;
  return order.flatMap((state) => daemons.filter((d) => d.state === state).map((d) => {
    let line = `${state} sync daemon (mcast=${d.mcastIfn}, syncid=${d.syncId}`;
    if (d.syncMaxLen) line += `, maxlen=${d.syncMaxLen}`;
    if (d.mcastGroup) line += `, group=${d.mcastGroup}`;
    if (d.mcastPort) line += `, port=${d.mcastPort}`;
    if (d.mcastTtl) line += `, ttl=${d.mcastTtl}`;
    return line + ')\n';
  })).join('');
}
