// Linux socket option numbers and option structs (linux/in.h, linux/in6.h, asm-generic/socket.h)
// that neither Node nor raw-socket export.
import { endianness } from 'node:os';
import { ipv4ToBytes, ipv6ToBytes } from '../vrrp/addr.js';

export const SOL_SOCKET = 1;
export const SO_RCVBUF = 8;
export const SO_BINDTODEVICE = 25;

export const IPPROTO_IP = 0;
export const IP_TOS = 1;
export const IP_HDRINCL = 3;
export const IP_MULTICAST_IF = 32;
export const IP_MULTICAST_LOOP = 34;
export const IP_ADD_MEMBERSHIP = 35;
export const IP_MULTICAST_ALL = 49;

export const IPPROTO_IPV6 = 41;
export const IPV6_CHECKSUM = 7;
export const IPV6_UNICAST_HOPS = 16;
export const IPV6_MULTICAST_IF = 17;
export const IPV6_MULTICAST_HOPS = 18;
export const IPV6_MULTICAST_LOOP = 19;
export const IPV6_ADD_MEMBERSHIP = 20;
export const IPV6_MULTICAST_ALL = 29;
export const IPV6_RECVPKTINFO = 49;
export const IPV6_RECVHOPLIMIT = 51;
export const IPV6_TCLASS = 67;

/** struct ip_mreqn { in_addr multiaddr; in_addr address; int ifindex } (ifindex in host order). */
export function ipMreqn(group: string | null, ifindex: number): Buffer {
  const b = Buffer.alloc(12);
  if (group) ipv4ToBytes(group).copy(b, 0);
  intOpt(ifindex).copy(b, 8);
  return b;
}

/** struct ipv6_mreq { in6_addr multiaddr; int ifindex }. */
export function ipv6Mreq(group: string, ifindex: number): Buffer {
  const b = Buffer.alloc(20);
  ipv6ToBytes(group).copy(b, 0);
  intOpt(ifindex).copy(b, 16);
  return b;
}

/** A C int in host byte order. */
export function intOpt(v: number): Buffer {
  const b = Buffer.alloc(4);
  if (endianness() === 'LE') b.writeInt32LE(v, 0);
  else b.writeInt32BE(v, 0);
  return b;
}

/** SO_BINDTODEVICE takes a NUL-terminated interface name. */
export function ifnameOpt(ifname: string): Buffer {
  return Buffer.from(`${ifname}\0`, 'latin1');
}
