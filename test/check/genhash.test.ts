// genhash-ts vs Debian's real genhash (/usr/bin/genhash → keepalived 2.2.7) on the same URLs, byte for byte.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpBuffer, genhashMain } from '../../src/check/genhash.js';
import { requireCommand } from '../support/root.js';
import { type Cert, makeCert } from './servers.js';

const GENHASH = '/usr/bin/genhash';
const PAGE = readFileSync(new URL('../../fixtures/check/page.html', import.meta.url));
const BIG = Buffer.alloc(300_000, 'keepalived-ts genhash large body\n');

function real(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(GENHASH, args, { timeout: 20_000, encoding: 'latin1' }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

async function ours(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await genhashMain([GENHASH, ...args], { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) });
  return { code, stdout, stderr };
}

const stripTiming = (s: string) => s.replace(/= \d+ usecs/, '= N usecs');

function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  if (req.url === '/page.html') res.writeHead(200, { 'Content-Length': PAGE.length, 'Content-Type': 'text/html' }).end(PAGE);
  else if (req.url === '/big') res.writeHead(200, { 'Content-Length': BIG.length }).end(BIG);
  else if (req.url === '/chunked') {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.write('part one\n');
    res.end('part two\n');
  } else res.writeHead(404, { 'Content-Length': 9 }).end('not here\n');
}

describe('genhash-ts against /usr/bin/genhash', () => {
  let httpSrv: http.Server;
  let httpsSrv: https.Server;
  let cert: Cert;
  let hp: number;
  let sp: number;

  beforeAll(async () => {
    requireCommand(GENHASH, 'Debian keepalived package ships genhash');
    cert = makeCert();
    httpSrv = http.createServer(handler);
    httpsSrv = https.createServer({ cert: readFileSync(cert.cert), key: readFileSync(cert.key) }, handler);
    await new Promise<void>((r) => httpSrv.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => httpsSrv.listen(0, '127.0.0.1', r));
    hp = (httpSrv.address() as AddressInfo).port;
    sp = (httpsSrv.address() as AddressInfo).port;
  }, 30_000);

  afterAll(async () => {
    httpSrv?.closeAllConnections();
    httpsSrv?.closeAllConnections();
    await Promise.all([new Promise((r) => httpSrv?.close(r)), new Promise((r) => httpsSrv?.close(r))]);
    cert?.cleanup();
  });

  const cases: Array<[string, () => string[]]> = [
    ['http page', () => ['-s', '127.0.0.1', '-p', String(hp), '-u', '/page.html']],
    ['http large body', () => ['-s', '127.0.0.1', '-p', String(hp), '-u', '/big']],
    ['http chunked body (hashed raw, as genhash does)', () => ['-s', '127.0.0.1', '-p', String(hp), '-u', '/chunked', '-P', '1.1']],
    ['http 404 body, vhost, 1.0C', () => ['--server', '127.0.0.1', '--port', String(hp), '--url', '/missing', '-V', 'www.example.com', '-P', '1.0C']],
    ['https page', () => ['-S', '-s', '127.0.0.1', '-p', String(sp), '-u', '/page.html']],
    ['https page with SNI', () => ['-S', '-I', '-V', 'localhost', '-s', '127.0.0.1', '-p', String(sp), '-u', '/page.html']],
    ['http verbose', () => ['-v', '-s', '127.0.0.1', '-p', String(hp), '-u', '/page.html']],
  ];

  for (const [name, args] of cases) {
    it(`same stdout, stderr and exit code: ${name}`, async () => {
      const [a, b] = [await real(args()), await ours(args())];
      expect(stripTiming(b.stdout)).toBe(stripTiming(a.stdout));
      expect(b.stderr).toBe(a.stderr);
      expect(b.code).toBe(a.code);
      if (!args().includes('-v')) expect(a.stdout).toMatch(/^[0-9a-f]{32}\n$/);
    });
  }

  it('same output for a refused connection', async () => {
    const srv = http.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as AddressInfo).port;
    await new Promise((r) => srv.close(r));
    const args = ['-s', '127.0.0.1', '-p', String(port), '-u', '/', '-t', '2'];
    expect(await ours(args)).toEqual(await real(args));
  });

  const bad: string[][] = [
    [], ['-s', '127.0.0.1'], ['-s', 'foo', '-p', '1', '-u', '/'], ['-s', '127.0.0.1', '-p', '0', '-u', '/'],
    ['-s', '127.0.0.1', '-p', '80', '-u', '/', '-x'], ['-s', '127.0.0.1', '-p', '80', '-u'], ['-s', '127.0.0.1', '-p', '80', '-u', '/', '-P', '2.0'],
    ['-s', '127.0.0.1', '-p', '80', '-u', '/', 'extra'], ['-h', '-s', '127.0.0.1'], ['--port'],
  ];
  for (const args of bad) {
    it(`same usage errors: ${JSON.stringify(args)}`, async () => {
      expect(await ours(args)).toEqual(await real(args));
    });
  }

  it('dump_buffer layout', () => {
    expect(dumpBuffer(Buffer.from('hello genhash\n'))).toBe('0000  68 65 6c 6c 6f 20 67 65 - 6e 68 61 73 68 0a         hello genhash.  \n');
  });
});
