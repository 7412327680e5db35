// Wire input never throws: random bytes through the HTTP response reader, DNS and UDP reply judges, ICMP matcher.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { judgeDnsReply } from '../../src/check/dns-codec.js';
import { extractContentLength, extractStatusCode, HttpResponseReader } from '../../src/check/http-codec.js';
import { isEchoReply } from '../../src/check/probes/ping.js';
import { parseRequireReply, udpReplyMatches } from '../../src/check/probes/udp.js';
import { smtpStatus } from '../../src/check/probes/smtp.js';
import { timing } from './specs.js';

describe('codecs on random input', () => {
  it('20 000 random inputs: every function returns, none throws', () => {
    const udp = { type: 'UDP_CHECK' as const, conn: { connectIp: '127.0.0.1', connectPort: 1, connectTimeoutMs: 1 }, requireReply: parseRequireReply('0102xx'), minReplyLength: 0, maxReplyLength: 255, ...timing() };
    const kinds = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const b = randomBytes(i % 300);
      // Half the inputs look like HTTP so the parser goes past the status line.
      const http = i % 2 ? Buffer.concat([Buffer.from(`HTTP/1.1 ${i % 700} X\r\nContent-Length: ${i % 50}\r\n\r\n`), b]) : b;
      const r = new HttpResponseReader(1_000);
      for (let off = 0; off < http.length; off += 7) r.feed(http.subarray(off, off + 7));
      const s = r.finish();
      kinds.add(s.extracted ? `ok${s.statusCode > 0 ? '-status' : ''}` : 'noheader');
      expect(Number.isInteger(extractStatusCode(b))).toBe(true);
      extractContentLength(b);
      // A third of the DNS inputs carry the query id, so the QR/RCODE logic is reached.
      const dns = Buffer.from(b);
      if (i % 3 === 0 && dns.length >= 2) dns.writeUInt16BE(i & 0xffff, 0);
      kinds.add(`dns-${judgeDnsReply(i & 0xffff, dns).kind}`);
      udpReplyMatches(udp, b);
      isEchoReply(i % 2 === 0, b, 1, 1);
      smtpStatus(b.toString('latin1'));
    }
    expect([...kinds].sort()).toEqual(['dns-error', 'dns-ignore', 'dns-ok', 'noheader', 'ok', 'ok-status']);
  });
});
