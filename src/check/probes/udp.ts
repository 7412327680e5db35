// UDP_CHECK (check_udp.c, core/layer4.c udp_socket_state): send the payload on a connected socket.
// No reply before the timeout is success unless require_reply is set; an ICMP error (ECONNREFUSED) fails.
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { ProbeResult, UdpCheckSpec } from '../types.js';
import { deadline, settleOnce } from './connect.js';

/** check_udp_reply(): length bounds, then the first min(len, reply_len) bytes under the mask. */
export function udpReplyMatches(spec: UdpCheckSpec, reply: Buffer): boolean {
  if (reply.length < spec.minReplyLength || reply.length > spec.maxReplyLength) return false;
  const want = spec.requireReply;
  if (!want) return true;
  const n = Math.min(reply.length, want.bytes.length);
  for (let i = 0; i < n; i++) if (((reply[i]! ^ want.bytes[i]!) & ~want.mask[i]! & 0xff) !== 0) return false;
  return true;
}

/** Parses require_reply's hex with `x` wildcards ("0a0bxx0c") into bytes and mask. */
export function parseRequireReply(hex: string): { bytes: Buffer; mask: Buffer } {
  const clean = hex.length % 2 ? `${hex}0` : hex;
  const bytes = Buffer.alloc(clean.length / 2);
  const mask = Buffer.alloc(clean.length / 2);
  for (let i = 0; i < clean.length; i++) {
    const ch = clean[i]!.toLowerCase();
    const shift = i % 2 ? 0 : 4;
    if (ch === 'x') mask[i >> 1]! |= 0xf << shift;
    else bytes[i >> 1]! |= parseInt(ch, 16) << shift;
  }
  return { bytes, mask };
}

export function probeUdp(spec: UdpCheckSpec, signal?: AbortSignal): Promise<ProbeResult> {
  const requireReply = Boolean(spec.requireReply);
  return new Promise((resolve) => {
    const d = deadline(spec.conn.connectTimeoutMs, signal);
    const sock = dgram.createSocket(isIPv6(spec.conn.connectIp) ? 'udp6' : 'udp4');
    const finish = settleOnce(d, sock, resolve, () => requireReply ? { ok: false, reason: 'failed', timedOut: true } : { ok: true });
    sock.on('error', () => finish({ ok: false, reason: 'failed' }));
    sock.on('message', (msg) => {
      if (!requireReply) finish({ ok: true });
      else finish(udpReplyMatches(spec, msg) ? { ok: true } : { ok: false, reason: 'mismatch' });
    });
    // A failed connect (e.g. EHOSTUNREACH) leaves the socket unconnected: never send then.
    const go = () =>
      sock.connect(spec.conn.connectPort, spec.conn.connectIp, (cerr?: Error) => {
        if (cerr) return finish({ ok: false, reason: 'failed' });
        sock.send(spec.payload ?? Buffer.alloc(0), (err) => err && finish({ ok: false, reason: 'failed' }));
      });
    if (spec.conn.bindto || spec.conn.bindPort) sock.bind({ address: spec.conn.bindto, port: spec.conn.bindPort ?? 0 }, go);
    else go();
  });
}
