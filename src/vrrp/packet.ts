// VRRP advertisement codec: VRRPv2 (RFC 3768 §5) and VRRPv3 (RFC 5798 / RFC 9568 §5), IPv4 and IPv6.
// Pure functions over Buffers; the IP header on send is the kernel's.
import { bytesToIpv4, bytesToIpv6, ipToBytes, type Family } from './addr.js';
import { internetChecksum, onesSum } from './checksum.js';

export const IPPROTO_VRRP = 112;
export const IPPROTO_AH = 51;
export const VRRP_IP_TTL = 255; // RFC 3768 §5.2.3 / RFC 5798 §5.1.1.3
export const VRRP_MCAST_GROUP4 = '224.0.0.18';
export const VRRP_MCAST_GROUP6 = 'ff02::12';
export const VRRP_PKT_ADVERT = 1;
export const VRRP_HEADER_LEN = 8;
export const VRRP_AUTH_LEN = 8; // v2 only (keepalived VRRP_AUTH_LEN)
export const VRRP_MAX_ADDR = 255;
export const VRRP_PRIO_OWNER = 255;
export const VRRP_PRIO_STOP = 0;

/** v2 Auth Type field (RFC 3768 §5.3.6; 1 and 2 deprecated by RFC 3768 but keepalived speaks them). */
export const VRRP_AUTH_NONE = 0;
export const VRRP_AUTH_PASS = 1;
export const VRRP_AUTH_AH = 2;

export interface VrrpAdvert {
  version: 2 | 3;
  type: number; // 1 = ADVERTISEMENT; anything else is rejected by validation
  vrid: number;
  priority: number;
  family: Family;
  /** Addresses carried in the packet, in packet order. */
  addresses: string[];
  /** v2: Adver Int (seconds) × 100; v3: Max Adver Int (centiseconds, 12 bits). */
  advertIntCs: number;
  /** v2 Auth Type; 0 for v3. */
  authType: number;
  /** v2: the 8 authentication bytes; v3: empty. */
  authData: Buffer;
  /** Checksum as on the wire (decode) or as computed (encode output). */
  checksum: number;
}

export interface EncodeOptions {
  /** Source/destination of the IP packet: needed for the v3 pseudo-header (and any IPv6 checksum). */
  srcIp?: string;
  dstIp?: string;
  /** keepalived `v3_checksum_as_v2`: v3 over IPv4 checksummed without the pseudo-header. */
  v3ChecksumAsV2?: boolean;
}

/** Pseudo-header partial sum: RFC 768-style for IPv4, RFC 8200 §8.1 for IPv6. */
export function pseudoHeaderSum(srcIp: string, dstIp: string, length: number): number {
  const src = ipToBytes(srcIp);
  const dst = ipToBytes(dstIp);
  let sum = onesSum(src) + onesSum(dst);
  sum += IPPROTO_VRRP;
  sum += src.length === 16 ? (length >>> 16) + (length & 0xffff) : length;
  return sum;
}

/** Whether the checksum of this advert family/version covers a pseudo-header. */
export function usesPseudoHeader(version: 2 | 3, family: Family, v3ChecksumAsV2 = false): boolean {
  if (family === 6) return true; // IPv6 raw sockets: IPV6_CHECKSUM always includes it
  return version === 3 && !v3ChecksumAsV2;
}

export function advertLength(version: 2 | 3, family: Family, naddr: number): number {
  return VRRP_HEADER_LEN + naddr * (family === 4 ? 4 : 16) + (version === 2 && family === 4 ? VRRP_AUTH_LEN : 0);
}

/**
 * Encode the VRRP payload. The checksum is computed; for a pseudo-header checksum without
 * srcIp/dstIp it is left 0 (the kernel fills it for IPv6 with IPV6_CHECKSUM).
 */
export function encodeAdvert(a: Omit<VrrpAdvert, 'checksum'> & { checksum?: number }, opts: EncodeOptions = {}): Buffer {
  const len = advertLength(a.version, a.family, a.addresses.length);
  const buf = Buffer.alloc(len);
  buf[0] = ((a.version & 0xf) << 4) | (a.type & 0xf);
  buf[1] = a.vrid & 0xff;
  buf[2] = a.priority & 0xff;
  buf[3] = a.addresses.length & 0xff;
  if (a.version === 2) {
    buf[4] = a.authType & 0xff;
    buf[5] = Math.floor(a.advertIntCs / 100) & 0xff;
  } else {
    buf.writeUInt16BE(a.advertIntCs & 0x0fff, 4); // reserved 4 bits zero
  }
  let off = VRRP_HEADER_LEN;
  for (const ip of a.addresses) {
    const b = ipToBytes(ip);
    b.copy(buf, off);
    off += b.length;
  }
  if (a.version === 2 && a.family === 4) a.authData.copy(buf, off, 0, Math.min(VRRP_AUTH_LEN, a.authData.length));
  let checksum = 0;
  if (!usesPseudoHeader(a.version, a.family, opts.v3ChecksumAsV2)) checksum = internetChecksum(buf);
  else if (opts.srcIp && opts.dstIp) checksum = internetChecksum(buf, 0, len, pseudoHeaderSum(opts.srcIp, opts.dstIp, len));
  buf.writeUInt16BE(checksum, 6);
  return buf;
}

/** Verify the checksum of a received VRRP payload; `dstIp` is the pseudo-header destination. */
export function checksumOk(payload: Buffer, version: 2 | 3, family: Family, srcIp: string, dstIp: string, v3ChecksumAsV2 = false): boolean {
  const acc = usesPseudoHeader(version, family, v3ChecksumAsV2) ? pseudoHeaderSum(srcIp, dstIp, payload.length) : 0;
  return internetChecksum(payload, 0, payload.length, acc) === 0;
}

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; detail: string };

/** Structural decode of a VRRP payload whose length was already validated by the caller. */
export function decodeAdvert(payload: Buffer, family: Family): DecodeResult<VrrpAdvert> {
  if (payload.length < VRRP_HEADER_LEN) return { ok: false, detail: `VRRP packet too short - ${payload.length} bytes` };
  const version = payload[0]! >> 4;
  if (version !== 2 && version !== 3) return { ok: false, detail: `unsupported VRRP version ${version}` };
  const naddr = payload[3]!;
  const need = advertLength(version, family, naddr);
  if (payload.length < need) return { ok: false, detail: `VRRP packet too short - ${payload.length} bytes, need ${need}` };
  const addresses: string[] = [];
  const step = family === 4 ? 4 : 16;
  for (let i = 0, off = VRRP_HEADER_LEN; i < naddr; i++, off += step) {
    addresses.push(family === 4 ? bytesToIpv4(payload, off) : bytesToIpv6(payload, off));
  }
  const authEnd = VRRP_HEADER_LEN + naddr * step;
  return {
    ok: true,
    value: {
      version,
      type: payload[0]! & 0xf,
      vrid: payload[1]!,
      priority: payload[2]!,
      family,
      addresses,
      advertIntCs: version === 2 ? payload[5]! * 100 : payload.readUInt16BE(4) & 0x0fff,
      authType: version === 2 ? payload[4]! : 0,
      authData: version === 2 && family === 4 ? Buffer.from(payload.subarray(authEnd, authEnd + VRRP_AUTH_LEN)) : Buffer.alloc(0),
      checksum: payload.readUInt16BE(6),
    },
  };
}

export interface Ipv4Packet {
  srcIp: string;
  dstIp: string;
  ttl: number;
  protocol: number;
  /** IP header length in bytes. */
  ihl: number;
  /** Total Length field. */
  totalLength: number;
  /** Bytes after the IP header, trimmed to Total Length (Ethernet padding dropped). */
  payload: Buffer;
}

/** Decode a full IPv4 datagram as a raw IPv4 socket delivers it. */
export function decodeIpv4Packet(buf: Buffer): DecodeResult<Ipv4Packet> {
  if (buf.length < 20) return { ok: false, detail: `IPv4 VRRP packet too short - ${buf.length} bytes` };
  if (buf[0]! >> 4 !== 4) return { ok: false, detail: `not an IPv4 packet (version ${buf[0]! >> 4})` };
  const ihl = (buf[0]! & 0xf) << 2;
  if (ihl < 20 || buf.length < ihl) return { ok: false, detail: `IPv4 header length ${ihl} invalid for ${buf.length} bytes` };
  const totalLength = buf.readUInt16BE(2);
  // Trailing link-layer padding (short frames) is tolerated: Total Length is authoritative when smaller.
  const end = totalLength >= ihl && totalLength < buf.length ? totalLength : buf.length;
  return {
    ok: true,
    value: {
      srcIp: bytesToIpv4(buf, 12),
      dstIp: bytesToIpv4(buf, 16),
      ttl: buf[8]!,
      protocol: buf[9]!,
      ihl,
      totalLength,
      payload: buf.subarray(ihl, end),
    },
  };
}

/** Build an IPv4 header around a payload (tests, pcaps; the daemon lets the kernel do this). */
export function buildIpv4Packet(payload: Buffer, srcIp: string, dstIp: string, ttl = VRRP_IP_TTL, protocol = IPPROTO_VRRP): Buffer {
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h[1] = 0xc0; // DSCP CS6, as keepalived sets IPTOS_PREC_INTERNETCONTROL
  h.writeUInt16BE(20 + payload.length, 2);
  h[8] = ttl;
  h[9] = protocol;
  ipToBytes(srcIp).copy(h, 12);
  ipToBytes(dstIp).copy(h, 16);
  h.writeUInt16BE(internetChecksum(h), 10);
  return Buffer.concat([h, payload]);
}

/** VRID of a received packet without validating anything else (socket demux); null when too short. */
export function peekVrid(buf: Buffer, withIpv4Header: boolean): number | null {
  if (!withIpv4Header) return buf.length >= VRRP_HEADER_LEN ? buf[1]! : null;
  if (buf.length < 20) return null;
  let off = (buf[0]! & 0xf) << 2;
  if (buf[9] === IPPROTO_AH) off += 24; // keepalived's ipsec_ah_t is 24 bytes
  return buf.length >= off + VRRP_HEADER_LEN ? buf[off + 1]! : null;
}
