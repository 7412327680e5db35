// TCP, MISC, UDP, DNS, SMTP, PING, FILE and BFD probes against real processes and sockets on loopback.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeDnsQuery, judgeDnsReply } from '../../src/check/dns-codec.js';
import { BFD_NOT_SUPPORTED, runProbe } from '../../src/check/probes/index.js';
import { probeMisc } from '../../src/check/probes/misc.js';
import { buildEcho, inetChecksum, isEchoReply } from '../../src/check/probes/ping.js';
import { parseRequireReply, udpReplyMatches } from '../../src/check/probes/udp.js';
import type { CheckerSpec, DnsCheckSpec, MiscCheckSpec, UdpCheckSpec } from '../../src/check/types.js';
import { dnsAnswer, freePort, startSmtp, startTcp, startUdp } from './servers.js';
import { conn, tcpCheck, timing } from './specs.js';
import { requireRoot } from '../support/root.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'chk-misc-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}

const misc = (argv: string[], o: Partial<MiscCheckSpec> = {}): MiscCheckSpec => ({ type: 'MISC_CHECK', miscPath: argv, miscTimeoutMs: 2_000, miscDynamic: false, ...timing(), ...o });

describe('TCP_CHECK', () => {
  it('connects to a listener, fails on a closed port', async () => {
    const srv = await startTcp();
    try {
      expect(await runProbe(tcpCheck('127.0.0.1', srv.port))).toEqual({ ok: true });
    } finally {
      await srv.close();
    }
    expect(await runProbe(tcpCheck('127.0.0.1', await freePort()))).toMatchObject({ ok: false, reason: 'failed' });
  });
});

describe('MISC_CHECK', () => {
  it('exit 0 ok, 1 fail, dynamic 2..255 ok with the status, argv passed as given', async () => {
    const s = script('st.sh', 'exit "$1"');
    expect(await probeMisc(misc([s, '0']))).toEqual({ ok: true, exitStatus: 0 });
    expect(await probeMisc(misc([s, '1']))).toMatchObject({ ok: false, exitStatus: 1 });
    expect(await probeMisc(misc([s, '7']))).toMatchObject({ ok: false, exitStatus: 7 });
    expect(await probeMisc(misc([s, '7'], { miscDynamic: true }))).toEqual({ ok: true, exitStatus: 7 });
  });

  it('misc_timeout kills the whole process group, children included', async () => {
    const pidFile = join(dir, 'child.pid');
    const s = script('hang.sh', `sleep 30 & echo $! > ${pidFile}\nwait`);
    const t0 = performance.now();
    const r = await probeMisc(misc([s], { miscTimeoutMs: 500 }));
    expect(r).toMatchObject({ ok: false, timedOut: true });
    expect(performance.now() - t0).toBeLessThan(3_000);
    const { readFileSync } = await import('node:fs');
    const childPid = Number(readFileSync(pidFile, 'utf8').trim());
    // The grandchild got SIGKILL with the group (a zombie awaiting its reaper counts as dead).
    const state = () => {
      try {
        return readFileSync(`/proc/${childPid}/stat`, 'utf8').split(') ')[1]?.[0] ?? 'gone';
      } catch {
        return 'gone';
      }
    };
    let alive = true;
    for (let i = 0; i < 40 && alive; i++) {
      const st = state();
      alive = st !== 'gone' && st !== 'Z';
      if (alive) await new Promise((r) => setTimeout(r, 50));
    }
    expect(alive).toBe(false);
  });

  it('a missing script fails with the errno logged (issue #2126)', async () => {
    const r = await probeMisc(misc([join(dir, 'nope.sh')]));
    expect(r.ok).toBe(false);
    expect(r.logs?.[0]).toMatch(/nope\.sh could not be run: ENOENT/);
  });

  it('megabytes of output are drained without growing memory', async () => {
    const s = script('noisy.sh', 'head -c 50000000 /dev/zero; exit 0');
    const before = process.memoryUsage().rss;
    expect(await probeMisc(misc([s], { miscTimeoutMs: 10_000 }))).toEqual({ ok: true, exitStatus: 0 });
    expect(process.memoryUsage().rss - before).toBeLessThan(40 * 1024 * 1024);
  });
});

describe('UDP_CHECK', () => {
  const udp = (port: number, o: Partial<UdpCheckSpec> = {}): UdpCheckSpec => ({
    type: 'UDP_CHECK', conn: conn('127.0.0.1', port, { connectTimeoutMs: 500 }), minReplyLength: 0, maxReplyLength: 255, ...timing(), ...o,
  });

  it('require_reply with x wildcards, min/max length', () => {
    const rr = parseRequireReply('0a0bxx0c');
    expect([...rr.bytes]).toEqual([0x0a, 0x0b, 0x00, 0x0c]);
    expect([...rr.mask]).toEqual([0, 0, 0xff, 0]);
    const s = udp(1, { requireReply: rr });
    expect(udpReplyMatches(s, Buffer.from([0x0a, 0x0b, 0x77, 0x0c]))).toBe(true);
    expect(udpReplyMatches(s, Buffer.from([0x0a, 0x0c, 0x77, 0x0c]))).toBe(false);
    expect(udpReplyMatches({ ...s, minReplyLength: 5 }, Buffer.from([0x0a, 0x0b, 0x77, 0x0c]))).toBe(false);
  });

  it('echo server: reply matches → ok; wrong reply → mismatch; silence ok only without require_reply', async () => {
    const echo = await startUdp((m) => m);
    const silent = await startUdp(() => null);
    try {
      const payload = Buffer.from('ping');
      expect(await runProbe(udp(echo.port, { payload, requireReply: parseRequireReply('7069xx67') }))).toEqual({ ok: true });
      expect(echo.seen.at(-1)).toEqual(payload);
      expect(await runProbe(udp(echo.port, { payload, requireReply: parseRequireReply('00') }))).toMatchObject({ ok: false, reason: 'mismatch' });
      expect(await runProbe(udp(silent.port, { payload }))).toEqual({ ok: true });
      expect(await runProbe(udp(silent.port, { payload, requireReply: parseRequireReply('70') }))).toMatchObject({ ok: false, timedOut: true });
    } finally {
      await echo.close();
      await silent.close();
    }
  });

  it('ICMP port unreachable from a closed port fails', async () => {
    const port = await freePort();
    expect(await runProbe(udp(port, { payload: Buffer.from('x') }))).toMatchObject({ ok: false, reason: 'failed' });
  });
});

describe('DNS_CHECK', () => {
  const dns = (port: number, o: Partial<DnsCheckSpec> = {}): DnsCheckSpec => ({
    type: 'DNS_CHECK', conn: conn('127.0.0.1', port, { connectTimeoutMs: 500 }), dnsType: 'SOA', dnsName: '.', ...timing(), ...o,
  });

  it('encodes the query as keepalived (RD, one IN question; "." is the root)', () => {
    const q = encodeDnsQuery(0x1234, 'www.example.com', 'AAAA');
    expect(q.toString('hex')).toBe('123401000001000000000000' + '03777777076578616d706c6503636f6d00' + '001c0001');
    expect(encodeDnsQuery(1, '.', 'SOA').subarray(12).toString('hex')).toBe('0000060001');
    expect(judgeDnsReply(1, Buffer.alloc(4))).toMatchObject({ kind: 'ignore' });
  });

  it('answered with RCODE 0 → ok; SERVFAIL → fail; wrong id → timeout', async () => {
    const good = await startUdp(dnsAnswer(0));
    const bad = await startUdp(dnsAnswer(2));
    const wrong = await startUdp(dnsAnswer(0, true));
    try {
      expect(await runProbe(dns(good.port, { dnsType: 'A', dnsName: 'example.com' }))).toEqual({ ok: true });
      expect(good.seen[0]!.subarray(12).toString('hex')).toBe('076578616d706c6503636f6d0000010001');
      expect(await runProbe(dns(bad.port))).toMatchObject({ ok: false, reason: 'read error occurred. (rcode = 2)' });
      expect(await runProbe(dns(wrong.port))).toMatchObject({ ok: false, reason: 'read timeout from socket' });
    } finally {
      await Promise.all([good.close(), bad.close(), wrong.close()]);
    }
  });
});

describe('SMTP_CHECK', () => {
  const smtp = (port: number): CheckerSpec => ({ type: 'SMTP_CHECK', conn: conn('127.0.0.1', port, { connectTimeoutMs: 1_000 }), heloName: 'smtpchecker.keepalived.org', ...timing() });

  it('banner 220, HELO, 250, QUIT → ok; bad banner and bad HELO reply fail with keepalived\'s texts', async () => {
    const good = await startSmtp();
    const badBanner = await startSmtp({ banner: '554 go away' });
    const badHelo = await startSmtp({ heloReply: '501 nope' });
    try {
      expect(await runProbe(smtp(good.port))).toEqual({ ok: true });
      expect(good.helos).toEqual(['HELO smtpchecker.keepalived.org']);
      expect(await runProbe(smtp(badBanner.port))).toMatchObject({ ok: false, reason: `Bad greeting banner from server [127.0.0.1]:${badBanner.port}` });
      expect(await runProbe(smtp(badHelo.port))).toMatchObject({ ok: false, reason: `Bad HELO response from server [127.0.0.1]:${badHelo.port}` });
    } finally {
      await Promise.all([good.close(), badBanner.close(), badHelo.close()]);
    }
    expect(await runProbe(smtp(await freePort()))).toMatchObject({ ok: false });
  });
});

describe('PING_CHECK (raw ICMP sockets: needs root)', () => {
  it('echo packets and checksum', () => {
    const p = buildEcho(false, 0x1234, 7, Buffer.from('ab'));
    expect(inetChecksum(p)).toBe(0);
    const reply = Buffer.concat([Buffer.from([0x45, 0, 0, 30, 0, 0, 0, 0, 64, 1, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1]), p]);
    reply[20] = 0;
    expect(isEchoReply(false, reply, 0x1234, 7)).toBe(true);
    expect(isEchoReply(false, reply, 0x1234, 8)).toBe(false);
  });

  it('127.0.0.1 and ::1 answer', async () => {
    requireRoot('PING_CHECK raw ICMP socket');
    const ping = (ip: string): CheckerSpec => ({ type: 'PING_CHECK', conn: conn(ip, 0, { connectTimeoutMs: 1_000 }), ...timing() });
    expect(await runProbe(ping('127.0.0.1'))).toEqual({ ok: true });
    expect(await runProbe(ping('::1'))).toEqual({ ok: true });
  });
});

describe('FILE_CHECK and BFD_CHECK', () => {
  it('reads the number from the track file; unreadable counts as 0', async () => {
    const f = join(dir, 'track');
    writeFileSync(f, '  -12 trailing\n');
    const spec: CheckerSpec = { type: 'FILE_CHECK', trackFileName: 'tf', filePath: f, weight: 1, reverse: false, ...timing() };
    expect(await runProbe(spec)).toEqual({ ok: true, weight: -12 });
    const missing = await runProbe({ ...spec, filePath: join(dir, 'nofile') });
    expect(missing).toMatchObject({ ok: true, weight: 0 });
  });

  it('BFD_CHECK reports not supported', async () => {
    expect(await runProbe({ type: 'BFD_CHECK', name: 'b', ...timing() })).toEqual({ ok: false, reason: BFD_NOT_SUPPORTED });
  });
});
