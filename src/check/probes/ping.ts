// PING_CHECK (check_ping.c): one ICMP/ICMPv6 echo request over a raw socket, success on the matching reply.
// Uses raw-socket (needs CAP_NET_RAW); keepalived prefers an unprivileged ping socket, same wire packets.
import { createRequire } from 'node:module';
import { isIPv6 } from 'node:net';
import type { PingCheckSpec, ProbeResult } from '../types.js';
import { deadline, settleOnce } from './connect.js';

interface RawSocket {
  on(ev: 'message', cb: (buf: Buffer, source: string) => void): void;
  on(ev: 'error', cb: (err: Error) => void): void;
  send(buf: Buffer, offset: number, length: number, address: string, cb: (err: Error | null, bytes: number) => void): void;
  close(): void;
}
interface RawSocketModule {
  createSocket(o: { addressFamily?: number; protocol?: number }): RawSocket;
  AddressFamily: { IPv4: number; IPv6: number };
  Protocol: { ICMP: number; ICMPv6: number };
}
const raw = createRequire(import.meta.url)('raw-socket') as RawSocketModule;

export const ICMP_ECHO = 8;
export const ICMP_ECHOREPLY = 0;
export const ICMP6_ECHO_REQUEST = 128;
export const ICMP6_ECHO_REPLY = 129;

/** RFC 1071 Internet checksum. */
export function inetChecksum(b: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 1 < b.length; i += 2) sum += b.readUInt16BE(i);
  if (b.length % 2) sum += b[b.length - 1]! << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return ~sum & 0xffff;
}

/** Echo request; the ICMPv6 checksum is left to the kernel (RFC 3542 §3.1). */
export function buildEcho(v6: boolean, id: number, seq: number, payload: Buffer): Buffer {
  const b = Buffer.alloc(8 + payload.length);
  b[0] = v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
  b.writeUInt16BE(id & 0xffff, 4);
  b.writeUInt16BE(seq & 0xffff, 6);
  payload.copy(b, 8);
  if (!v6) b.writeUInt16BE(inetChecksum(b), 2);
  return b;
}

/** Finds our echo reply in a received datagram (IPv4 raw sockets deliver the IP header too). */
export function isEchoReply(v6: boolean, msg: Buffer, id: number, seq: number): boolean {
  const off = v6 ? 0 : (msg[0]! & 0x0f) * 4;
  if (msg.length < off + 8) return false;
  if (msg[off] !== (v6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY)) return false;
  return msg.readUInt16BE(off + 4) === (id & 0xffff) && msg.readUInt16BE(off + 6) === (seq & 0xffff);
}

let seqCounter = 0;

export function probePing(spec: PingCheckSpec, signal?: AbortSignal): Promise<ProbeResult> {
  const v6 = isIPv6(spec.conn.connectIp);
  return new Promise((resolve) => {
    const d = deadline(spec.conn.connectTimeoutMs, signal);
    let sock: RawSocket;
    try {
      sock = raw.createSocket(v6 ? { addressFamily: raw.AddressFamily.IPv6, protocol: raw.Protocol.ICMPv6 } : { protocol: raw.Protocol.ICMP });
    } catch (err) {
      d.dispose();
      resolve({ ok: false, reason: 'failed', logs: [`PING_CHECK cannot open raw socket: ${(err as Error).message}`] });
      return;
    }
    const id = process.pid & 0xffff;
    const seq = ++seqCounter & 0xffff;
    const finish = settleOnce(d, sock, resolve, () => ({ ok: false, reason: 'timeout', timedOut: true }));
    sock.on('error', (e) => finish({ ok: false, reason: 'failed', logs: [`send ICMP packet fail: ${e.message}`] }));
    sock.on('message', (msg, source) => {
      if (source === spec.conn.connectIp && isEchoReply(v6, msg, id, seq)) finish({ ok: true });
    });
    const pkt = buildEcho(v6, id, seq, Buffer.from('keepalived-ts ping check'));
    sock.send(pkt, 0, pkt.length, spec.conn.connectIp, (err) => {
      if (err) finish({ ok: false, reason: 'failed', logs: [`send ICMP packet fail: ${err.message}`] });
    });
  });
}
