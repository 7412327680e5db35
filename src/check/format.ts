// keepalived's FMT_RS / FMT_VS texts (check_data.c format_vs/format_rs, lib/utils.c inet_sockaddrtotrio_r).
import { isIPv6 } from 'node:net';
import type { ServiceProtocol, VirtualServerSpec } from './types.js';

/** "[ip]:proto:port" — the IPv6 address is bracketed the same way as IPv4. */
export function formatTrio(ip: string, protocol: ServiceProtocol, port: number): string {
  return `[${ip}]:${protocol}:${port}`;
}

export function formatRs(rs: { ip: string; port: number }, vs: VirtualServerSpec): string {
  return formatTrio(rs.ip, vs.protocol, rs.port);
}

export function formatVs(vs: VirtualServerSpec): string {
  const a = vs.addr;
  if (a.kind === 'group') return `[${a.name}]:${a.port}`;
  if (a.kind === 'fwmark') return `FWM ${a.fwmark}`;
  return formatTrio(a.ip, vs.protocol, a.port);
}

/** inet_sockaddrtopair: "[ip]:port". */
export function formatPair(ip: string, port: number): string {
  return `[${ip}]:${port}`;
}

/** Host header value for an address without virtualhost (RFC 2732 brackets for IPv6). */
export function hostHeader(ip: string, port: number): string {
  return isIPv6(ip) ? `[${ip}]:${port}` : `${ip}:${port}`;
}
