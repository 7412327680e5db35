// HTTP_GET / SSL_GET probes against real servers on 127.0.0.1, failing in each way keepalived distinguishes.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRequest, extractContentLength, extractStatusCode } from '../../src/check/http-codec.js';
import { probeHttp } from '../../src/check/probes/http.js';
import { HttpProbe, nativeHttpUsable } from '../../src/check/probes/http-native.js';
import type { HttpGetSpec, HttpUrlSpec, ProbeResult } from '../../src/check/types.js';
import { TimerWheel } from '../../src/check/wheel.js';
import { BODY, type Cert, freePort, type HttpLab, makeCert, startHttp } from './servers.js';
import { conn, timing } from './specs.js';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

function spec(port: number, urls: Array<Partial<HttpUrlSpec> & { path: string }>, o: Partial<HttpGetSpec> = {}): HttpGetSpec {
  return {
    type: 'HTTP_GET', conn: conn('127.0.0.1', port, { connectTimeoutMs: 1_500 }), httpProtocol: '1.0', fastRecovery: false, enableSni: false,
    urls: urls.map((u) => ({ statusCodes: [[200, 299]], ...u })), ...timing(), ...o,
  };
}

describe('request bytes and header parsing (check_http.c request_template, lib/html.c)', () => {
  it('builds keepalived\'s request for 1.0, 1.0C, 1.1, IPv6 and virtualhost', () => {
    expect(buildRequest('/a', '1.0', '10.0.0.2', 80)).toBe('GET /a HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: 10.0.0.2:80\r\n\r\n');
    expect(buildRequest('/a', '1.0C', '10.0.0.2', 80)).toBe('GET /a HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: 10.0.0.2:80\r\n\r\n');
    expect(buildRequest('/a', '1.1', 'fd00::2', 8080)).toBe('GET /a HTTP/1.1\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: [fd00::2]:8080\r\n\r\n');
    expect(buildRequest('/a', '1.0', 'fd00::2', 80, 'www.example.com')).toBe('GET /a HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: www.example.com\r\n\r\n');
  });
  it('extracts status codes and Content-Length as keepalived does', () => {
    expect(extractStatusCode(Buffer.from('HTTP/1.1 204 No Content\r\n'))).toBe(204);
    expect(extractStatusCode(Buffer.from('HTTP/1.1 2044 x\r\n'))).toBe(0);
    expect(extractStatusCode(Buffer.from('garbage\r\n'))).toBe(0);
    expect(extractContentLength(Buffer.from('HTTP/1.0 200 OK\r\nContent-Length: 42\r\n\r\n'))).toBe(42);
    expect(extractContentLength(Buffer.from('HTTP/1.0 200 OK\r\ncontent-length: 42\r\n\r\n'))).toBeNull();
    expect(extractContentLength(Buffer.from('HTTP/1.0 200 OK\r\nContent-Length: 4x\r\n\r\n'))).toBeNull();
  });
});

describe('HTTP_GET against a live server', () => {
  let lab: HttpLab;
  beforeAll(async () => {
    lab = await startHttp();
  });
  afterAll(async () => {
    await lab.close();
  });

  it('succeeds on status and sends exactly keepalived\'s bytes', async () => {
    const r = await probeHttp(spec(lab.port, [{ path: '/ok' }], { virtualhost: 'www.example.com', httpProtocol: '1.1' }));
    expect(r).toEqual({ ok: true, detail: 'HTTP status code' });
    expect(lab.requests.at(-1)).toBe('GET /ok HTTP/1.1\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: www.example.com\r\n\r\n');
  });

  it('checks the MD5 digest of the body, truncated at Content-Length', async () => {
    expect(await probeHttp(spec(lab.port, [{ path: '/ok', digest: md5(BODY) }]))).toEqual({ ok: true, detail: 'MD5 digest' });
    expect(await probeHttp(spec(lab.port, [{ path: '/nolen', digest: md5(BODY) }]))).toEqual({ ok: true, detail: 'MD5 digest' });
    // 30 bytes sent for Content-Length 10: the digest covers 10, and the mismatch is reported for the log.
    expect(await probeHttp(spec(lab.port, [{ path: '/extra', digest: md5(Buffer.from('0123456789')) }]))).toEqual({
      ok: true, detail: 'MD5 digest', lengthMismatch: { contentLength: 10, rxBytes: 30 },
    });
    expect(await probeHttp(spec(lab.port, [{ path: '/ok', digest: md5(Buffer.from('other')) }]))).toMatchObject({ ok: false, reason: 'MD5 digest error to' });
  });

  it('fails on a wrong status and honours status_code ranges', async () => {
    expect(await probeHttp(spec(lab.port, [{ path: '/404' }]))).toMatchObject({ ok: false, reason: 'HTTP status code error to' });
    expect(await probeHttp(spec(lab.port, [{ path: '/404', statusCodes: [[200, 200], [400, 404]] }]))).toMatchObject({ ok: true });
  });

  it('regex (JS RegExp standing in for PCRE2) and regex_no_match', async () => {
    expect(await probeHttp(spec(lab.port, [{ path: '/regex', regex: 'status: (green|yellow)' }]))).toEqual({ ok: true, detail: 'Regex match' });
    expect(await probeHttp(spec(lab.port, [{ path: '/regex', regex: 'status: red' }]))).toMatchObject({ ok: false, reason: 'Regex match failed' });
    expect(await probeHttp(spec(lab.port, [{ path: '/regex', regex: 'status: red', regexNoMatch: true }]))).toMatchObject({ ok: true });
  });

  it('garbage, a header without end, and huge headers are failures', async () => {
    expect(await probeHttp(spec(lab.port, [{ path: '/garbage' }]))).toMatchObject({ ok: false, reason: 'HTTP status code error to' });
    expect(await probeHttp(spec(lab.port, [{ path: '/noblank' }]))).toMatchObject({ ok: false, reason: 'Read, no data received from' });
    expect(await probeHttp(spec(lab.port, [{ path: '/hugeheaders' }]))).toMatchObject({ ok: false });
  });

  it('a slow server fails at connect_timeout, not later', async () => {
    const t0 = performance.now();
    const r = await probeHttp(spec(lab.port, [{ path: '/slow' }]));
    const took = performance.now() - t0;
    expect(r).toMatchObject({ ok: false, timedOut: true });
    expect(took).toBeGreaterThanOrEqual(1_400);
    expect(took).toBeLessThan(2_500);
  });

  it('connect_timeout bounds each read (keepalived), and 4 × connect_timeout the whole probe', async () => {
    const t0 = performance.now();
    // One byte every 200 ms never trips the 500 ms per-read timeout; the hard bound (2 s) does.
    const r = await probeHttp(spec(lab.port, [{ path: '/trickle' }], { conn: { connectIp: '127.0.0.1', connectPort: lab.port, connectTimeoutMs: 500 } }));
    const took = performance.now() - t0;
    expect(r).toMatchObject({ ok: false, reason: 'Timeout HTTP read', timedOut: true });
    expect(took).toBeGreaterThanOrEqual(1_950);
    expect(took).toBeLessThan(3_000);
  });

  it('a never-ending body is cut at maxBodyBytes and fails', async () => {
    const cap = 2 * 1024 * 1024;
    const before = process.memoryUsage().rss;
    const r = await probeHttp(spec(lab.port, [{ path: '/endless', digest: md5(BODY) }], { maxBodyBytes: cap }));
    expect(r).toMatchObject({ ok: false, reason: `Read, body over ${cap} bytes from` });
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('a refused connection fails at once', async () => {
    const port = await freePort();
    const t0 = performance.now();
    expect(await probeHttp(spec(port, [{ path: '/ok' }]))).toMatchObject({ ok: false, reason: 'Connection failed' });
    expect(performance.now() - t0).toBeLessThan(1_000);
  });
});

describe('SSL_GET against a live TLS server', () => {
  let lab: HttpLab;
  let cert: Cert;
  beforeAll(async () => {
    cert = makeCert();
    lab = await startHttp({ cert: cert.cert, key: cert.key });
  }, 30_000);
  afterAll(async () => {
    await lab.close();
    cert.cleanup();
  });

  it('succeeds with digest, sends SNI only with enable_sni', async () => {
    const base = spec(lab.port, [{ path: '/ok', digest: md5(BODY) }], { type: 'SSL_GET', virtualhost: 'www.example.com' });
    expect(await probeHttp(base)).toEqual({ ok: true, detail: 'MD5 digest' });
    expect(lab.servernames).toEqual([]);
    expect(await probeHttp({ ...base, enableSni: true })).toEqual({ ok: true, detail: 'MD5 digest' });
    expect(lab.servernames).toEqual(['www.example.com']);
  });

  it('does not verify the server certificate even with a ca, as keepalived (no SSL_VERIFY_PEER)', async () => {
    const other = makeCert('other');
    try {
      expect(await probeHttp(spec(lab.port, [{ path: '/ok' }], { type: 'SSL_GET', tls: { ca: other.cert } }))).toMatchObject({ ok: true });
    } finally {
      other.cleanup();
    }
  });

  it('client certificate: accepted when configured, handshake failure without it', async () => {
    const client = makeCert('client');
    const strict = await startHttp({ cert: cert.cert, key: cert.key, clientCa: client.cert });
    try {
      const base = spec(strict.port, [{ path: '/ok' }], { type: 'SSL_GET' });
      expect(await probeHttp({ ...base, tls: { certificate: client.cert, key: client.key } })).toEqual({ ok: true, detail: 'HTTP status code' });
      const r = await probeHttp(base);
      expect(r.ok).toBe(false);
      expect(['SSL handshake/communication error', 'SSL read error from']).toContain((r as { reason: string }).reason);
    } finally {
      await strict.close();
      client.cleanup();
    }
  });

  it('HTTP_GET spoken to a TLS port fails (garbage reply or timeout)', async () => {
    const r = await probeHttp(spec(lab.port, [{ path: '/ok' }]));
    expect(r.ok).toBe(false);
  });
});

describe('HTTP_GET on the addon (HttpProbe) as the net path (probeHttp)', () => {
  let lab: HttpLab;
  const wheel = new TimerWheel(() => performance.now());
  const native = (s: HttpGetSpec, urlIndex = 0) => new Promise<ProbeResult>((r) => { new HttpProbe(wheel, r).start(s, urlIndex); });
  beforeAll(async () => {
    lab = await startHttp();
  });
  afterAll(async () => {
    await lab.close();
  });

  it('the same verdict for each way a server answers, and exactly keepalived\'s bytes', async () => {
    expect(nativeHttpUsable(spec(lab.port, [{ path: '/ok' }]))).toBe(true);
    const cases: Array<Array<Partial<HttpUrlSpec> & { path: string }>> = [
      [{ path: '/ok', digest: md5(BODY) }], [{ path: '/nolen', digest: md5(BODY) }], [{ path: '/extra', digest: md5(Buffer.from('0123456789')) }],
      [{ path: '/ok', digest: md5(Buffer.from('other')) }], [{ path: '/404' }], [{ path: '/regex', regex: 'status: (green|yellow)' }],
      [{ path: '/regex', regex: 'status: red' }], [{ path: '/garbage' }], [{ path: '/noblank' }], [{ path: '/hugeheaders' }],
    ];
    for (const urls of cases) {
      const s = spec(lab.port, urls, { virtualhost: 'www.example.com', httpProtocol: '1.1' });
      const viaNet = await probeHttp(s);
      const netReq = lab.requests.at(-1);
      expect(await native(s), urls[0]!.path).toEqual(viaNet);
      expect(lab.requests.at(-1)).toBe(netReq);
    }
    expect(await native(spec(lab.port, [{ path: '/ok' }]), 1)).toEqual(await probeHttp(spec(lab.port, [{ path: '/ok' }]), 1));
  });

  it('connect_timeout per step, 4 x connect_timeout the whole exchange, maxBodyBytes the body, refused at once', async () => {
    let t0 = performance.now();
    expect(await native(spec(lab.port, [{ path: '/slow' }], { conn: conn('127.0.0.1', lab.port, { connectTimeoutMs: 300 }) }))).toEqual({ ok: false, reason: 'Timeout WEB read', timedOut: true });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(295);
    t0 = performance.now();
    const r = await native(spec(lab.port, [{ path: '/trickle' }], { conn: conn('127.0.0.1', lab.port, { connectTimeoutMs: 500 }) }));
    expect(r).toEqual({ ok: false, reason: 'Timeout HTTP read', timedOut: true });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(1_950);
    expect(performance.now() - t0).toBeLessThan(3_000);
    const cap = 2 * 1024 * 1024;
    expect(await native(spec(lab.port, [{ path: '/endless', digest: md5(BODY) }], { maxBodyBytes: cap }))).toEqual({ ok: false, reason: `Read, body over ${cap} bytes from` });
    const port = await freePort();
    expect(await native(spec(port, [{ path: '/ok' }]))).toEqual({ ok: false, reason: 'Connection failed', timedOut: false });
    expect(nativeHttpUsable(spec(port, [{ path: '/ok' }], { conn: conn('127.0.0.1', port, { bindto: '127.0.0.1' }) }))).toBe(false);
    expect(nativeHttpUsable(spec(port, [{ path: '/ok' }], { type: 'SSL_GET' }))).toBe(false);
  });

  it('a connect that completed while the loop was busy past connect_timeout goes on to a success (keepalived takes the ready fd over its timer)', async () => {
    const s = spec(lab.port, [{ path: '/ok' }], { conn: conn('127.0.0.1', lab.port, { connectTimeoutMs: 40 }) });
    const results: ProbeResult[] = [];
    let wake: () => void = () => undefined;
    const p = new HttpProbe(wheel, (r) => { results.push(r); wake(); });
    for (let i = 0; i < 3; i++) {
      const got = new Promise<void>((r) => { wake = r; });
      p.start(s, 0);
      // Busy past connect_timeout while the kernel completes the connect: the timer and the ready socket
      // are both due in the next loop turn, and the exchange goes on from there.
      const until = performance.now() + 120;
      while (performance.now() < until) { /* spin */ }
      await got;
    }
    expect(results).toEqual([{ ok: true, detail: 'HTTP status code' }, { ok: true, detail: 'HTTP status code' }, { ok: true, detail: 'HTTP status code' }]);
  });

  it('a step timeout that runs while the connect still waits unharvested in the addon\'s set takes the step (no timeout), and the check goes on', async () => {
    const s = spec(lab.port, [{ path: '/ok' }], { conn: conn('127.0.0.1', lab.port, { connectTimeoutMs: 200 }) });
    const results: ProbeResult[] = [];
    let wake: () => void = () => undefined;
    const got = new Promise<void>((r) => { wake = r; });
    const p = new HttpProbe(wheel, (r) => { results.push(r); wake(); });
    p.start(s, 0);
    // Past connect_timeout with no loop turn: the connect is done in the kernel, its event not harvested.
    const until = performance.now() + 300;
    while (performance.now() < until) { /* spin */ }
    p.timedOut((p as unknown as { gen: number }).gen);
    expect(results).toEqual([]);
    await got;
    expect(results).toEqual([{ ok: true, detail: 'HTTP status code' }]);
  });
});
