// DNS_CHECK over UDP (check_dns.c): one query, success on a matching response with RCODE 0.
import dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { encodeDnsQuery, judgeDnsReply } from '../dns-codec.js';
import type { DnsCheckSpec, ProbeResult } from '../types.js';
import { deadline, settleOnce } from './connect.js';

/** Linux errno numbers and strerror() texts for what a UDP socket reports (keepalived: "errno %d (%s)"). */
const ERRNO: Record<string, [number, string]> = {
  ECONNREFUSED: [111, 'Connection refused'],
  EHOSTUNREACH: [113, 'No route to host'],
  ENETUNREACH: [101, 'Network is unreachable'],
  EACCES: [13, 'Permission denied'],
  EPERM: [1, 'Operation not permitted'],
};

export function errnoText(e: NodeJS.ErrnoException): string {
  const known = e.code ? ERRNO[e.code] : undefined;
  if (known) return `errno ${known[0]} (${known[1]})`;
  return `errno ${Math.abs(e.errno ?? 0)} (${e.code ?? e.message})`;
}

export function probeDns(spec: DnsCheckSpec, signal?: AbortSignal, id = randomInt(0x10000)): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const d = deadline(spec.conn.connectTimeoutMs, signal);
    const sock = dgram.createSocket(isIPv6(spec.conn.connectIp) ? 'udp6' : 'udp4');
    const finish = settleOnce(d, sock, resolve, () => ({ ok: false, reason: 'read timeout from socket', timedOut: true }));
    sock.on('error', (e: NodeJS.ErrnoException) => finish({ ok: false, reason: `failed to read socket; ${errnoText(e)}` }));
    sock.on('message', (msg) => {
      const v = judgeDnsReply(id, msg);
      if (v.kind === 'error') finish({ ok: false, reason: `read error occurred. (rcode = ${v.rcode})` });
      else if (v.kind === 'ok') finish({ ok: true });
    });
    let query: Buffer;
    try {
      query = encodeDnsQuery(id, spec.dnsName, spec.dnsType);
    } catch (err) {
      finish({ ok: false, reason: (err as Error).message });
      return;
    }
    const go = () =>
      sock.connect(spec.conn.connectPort, spec.conn.connectIp, (cerr?: Error) => {
        if (cerr) return finish({ ok: false, reason: 'connection error.' });
        sock.send(query, (err) => err && finish({ ok: false, reason: 'failed to write socket.' }));
      });
    if (spec.conn.bindto || spec.conn.bindPort) sock.bind({ address: spec.conn.bindto, port: spec.conn.bindPort ?? 0 }, go);
    else go();
  });
}
