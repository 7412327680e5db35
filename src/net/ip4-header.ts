// IPv4 header codec for VRRP's raw IP_HDRINCL socket (keepalived vrrp_build_ip4()).
import { bytesToIpv4, ipv4ToBytes } from '../vrrp/addr.js';
import { internetChecksum } from '../vrrp/checksum.js';

export const IPPROTO_VRRP = 112;
export const IPPROTO_AH = 51;
/** IPTOS_PREC_INTERNETCONTROL, as keepalived sets on adverts. */
export const VRRP_TOS = 0xc0;

export interface Ip4Header {
  tos: number;
  ttl: number;
  protocol: number;
  srcIp: string;
  dstIp: string;
  /** Header length in bytes (IHL × 4). */
  headerLen: number;
  totalLen: number;
}

/** 20-byte header, no options, ID 0 (the kernel fills it in), checksum computed. */
export function encodeIp4Header(h: { srcIp: string; dstIp: string; ttl: number; protocol?: number; tos?: number }, payloadLen: number): Buffer {
  const b = Buffer.alloc(20);
  b[0] = 0x45;
  b[1] = h.tos ?? VRRP_TOS;
  b.writeUInt16BE(20 + payloadLen, 2);
  b[8] = h.ttl;
  b[9] = h.protocol ?? IPPROTO_VRRP;
  ipv4ToBytes(h.srcIp).copy(b, 12);
  ipv4ToBytes(h.dstIp).copy(b, 16);
  b.writeUInt16BE(internetChecksum(b), 10);
  return b;
}

export type Ip4Decoded = { ok: true; header: Ip4Header; payload: Buffer } | { ok: false; error: string };

/**
 * Splits what an IPv4 raw socket returns into header and payload. The payload ends at
 * total length, so Ethernet padding on short frames is dropped (keepalived tolerates it too).
 */
export function decodeIp4(packet: Buffer): Ip4Decoded {
  if (packet.length < 20) return { ok: false, error: `packet too short for an IPv4 header (${packet.length} bytes)` };
  const version = packet[0]! >> 4;
  const headerLen = (packet[0]! & 0x0f) * 4;
  if (version !== 4) return { ok: false, error: `not IPv4 (version ${version})` };
  if (headerLen < 20 || headerLen > packet.length) return { ok: false, error: `bad IPv4 header length ${headerLen}` };
  const totalLen = packet.readUInt16BE(2);
  const header: Ip4Header = {
    tos: packet[1]!, ttl: packet[8]!, protocol: packet[9]!,
    srcIp: bytesToIpv4(packet, 12), dstIp: bytesToIpv4(packet, 16), headerLen, totalLen,
  };
  if (totalLen < headerLen || totalLen > packet.length) {
    return { ok: false, error: `bad IPv4 total length ${totalLen} (received ${packet.length} bytes)` };
  }
  return { ok: true, header, payload: packet.subarray(headerLen, totalLen) };
}
