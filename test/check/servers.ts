// Real servers on 127.0.0.1 for probe tests: a byte-exact HTTP(S) responder, SMTP, DNS, UDP echo.
// Each returns its port and a close(); tests close them in afterAll/finally.
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';

export interface Running {
  port: number;
  close(): Promise<void>;
}

export const BODY = Buffer.from('<html><body>keepalived-ts health check page</body></html>\n');

export interface Cert {
  dir: string;
  cert: string;
  key: string;
  cleanup(): void;
}

/** A self-signed certificate made with openssl for this test run. */
export function makeCert(cn = 'localhost'): Cert {
  const dir = mkdtempSync(join(tmpdir(), 'chk-cert-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', `/CN=${cn}`], { stdio: 'ignore', timeout: 30_000 });
  return { dir, cert, key, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function listen(server: net.Server, sockets: Set<net.Socket>): Promise<Running> {
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        port,
        close: () => new Promise((r) => {
          for (const s of sockets) s.destroy();
          server.close(() => r());
        }),
      });
    });
  });
}

export interface HttpLab extends Running {
  /** Raw request bytes received, in order. */
  requests: string[];
  /** SNI names seen (TLS only). */
  servernames: string[];
  /** Bytes written by the /endless route before the client went away. */
  endlessWritten: () => number;
}

/**
 * Routes: /ok (200 + BODY), /nolen (200, no Content-Length), /extra (Content-Length 10, 30 bytes sent),
 * /404, /slow (never answers), /garbage, /noblank (no header end), /hugeheaders (8 KiB header),
 * /endless (200 then bytes until the client closes), /trickle (one byte every 200 ms), /regex (200 + "status: green").
 */
export async function startHttp(tlsOpts?: { cert: string; key: string; clientCa?: string }): Promise<HttpLab> {
  const requests: string[] = [];
  const servernames: string[] = [];
  let endless = 0;
  const sockets = new Set<net.Socket>();
  const handle = (s: net.Socket) => {
    let buf = '';
    s.on('error', () => undefined);
    s.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      requests.push(buf.slice(0, end + 4));
      const path = buf.split(' ')[1] ?? '';
      buf = '';
      respond(s, path);
    });
  };
  const respond = (s: net.Socket, path: string) => {
    const ok = (body: Buffer, extra = '') => s.end(Buffer.concat([Buffer.from(`HTTP/1.0 200 OK\r\nServer: chk\r\n${extra}\r\n`), body]));
    switch (path) {
      case '/ok': return ok(BODY, `Content-Length: ${BODY.length}\r\n`);
      case '/nolen': return ok(BODY);
      case '/extra': return ok(Buffer.from('0123456789abcdefghijklmnopqrst'), 'Content-Length: 10\r\n');
      case '/regex': return ok(Buffer.from('service status: green\n'));
      case '/404': return s.end('HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      case '/slow': return;
      case '/garbage': return s.end('garbage without a status line\r\n\r\nbody');
      case '/noblank': return s.end('HTTP/1.0 200 OK\r\nX: y\r\n');
      case '/hugeheaders': return s.end(`HTTP/1.0 200 OK\r\nX-Big: ${'a'.repeat(8192)}\r\n\r\nbody`);
      case '/trickle': {
        s.write('HTTP/1.0 200 OK\r\n\r\n');
        const t = setInterval(() => (s.destroyed ? clearInterval(t) : s.write('x')), 200);
        s.on('close', () => clearInterval(t));
        return;
      }
      case '/endless': {
        s.write('HTTP/1.0 200 OK\r\n\r\n');
        const chunk = Buffer.alloc(64 * 1024, 0x61);
        const pump = () => {
          while (!s.destroyed && endless < 1024 * 1024 * 1024) {
            endless += chunk.length;
            if (!s.write(chunk)) return void s.once('drain', pump);
          }
        };
        return pump();
      }
      default: return s.end('HTTP/1.0 500 Internal\r\n\r\n');
    }
  };
  const server = tlsOpts
    ? tls.createServer({
      cert: readFileSync(tlsOpts.cert), key: readFileSync(tlsOpts.key),
      ...(tlsOpts.clientCa ? { requestCert: true, rejectUnauthorized: true, ca: readFileSync(tlsOpts.clientCa) } : {}),
      SNICallback: (name, cb) => {
      servernames.push(name);
      cb(null, tls.createSecureContext({ cert: readFileSync(tlsOpts.cert), key: readFileSync(tlsOpts.key) }));
    } }, handle)
    : net.createServer(handle);
  if (tlsOpts) server.on('tlsClientError', () => undefined);
  const r = await listen(server, sockets);
  return { ...r, requests, servernames, endlessWritten: () => endless };
}

/** A TCP listener that accepts and closes. */
export async function startTcp(): Promise<Running> {
  return listen(net.createServer((s) => s.end()), new Set());
}

/** A port nobody listens on (bound then closed). */
export async function freePort(): Promise<number> {
  const r = await listen(net.createServer(), new Set());
  await r.close();
  return r.port;
}

/** SMTP responder: banner and HELO reply configurable to make it fail. */
export async function startSmtp(o: { banner?: string; heloReply?: string } = {}): Promise<Running & { helos: string[] }> {
  const helos: string[] = [];
  const r = await listen(net.createServer((s) => {
    s.on('error', () => undefined);
    s.write(`${o.banner ?? '220 chk.example ESMTP'}\r\n`);
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).replace(/\r$/, '');
        buf = buf.slice(nl + 1);
        if (line.startsWith('HELO')) {
          helos.push(line);
          s.write(`${o.heloReply ?? '250 chk.example'}\r\n`);
        } else if (line === 'QUIT') s.end('221 bye\r\n');
      }
    });
  }), new Set());
  return { ...r, helos };
}

/** UDP server; `reply(msg)` returns the answer or null for silence. */
export function startUdp(reply: (msg: Buffer) => Buffer | null): Promise<Running & { seen: Buffer[] }> {
  const seen: Buffer[] = [];
  const sock = dgram.createSocket('udp4');
  sock.on('message', (msg, rinfo) => {
    seen.push(msg);
    const out = reply(msg);
    if (out) sock.send(out, rinfo.port, rinfo.address);
  });
  return new Promise((resolve) => {
    sock.bind(0, '127.0.0.1', () => resolve({ port: sock.address().port, seen, close: () => new Promise((r) => sock.close(() => r())) }));
  });
}

/** Tiny DNS responder: echoes the id and question with QR set and the given RCODE (or a wrong id). */
export function dnsAnswer(rcode: number, wrongId = false) {
  return (q: Buffer): Buffer => {
    const a = Buffer.from(q);
    if (wrongId) a.writeUInt16BE((q.readUInt16BE(0) + 1) & 0xffff, 0);
    a.writeUInt16BE(0x8180 | rcode, 2);
    return a;
  };
}
