// TCP/TLS connection set-up shared by the stream probes, bounded by a deadline and an AbortSignal.
// Failure names follow keepalived's tcp_socket_state(): connect timeout, refused/unreachable = failure.
import net from 'node:net';
import tls from 'node:tls';
import type { ConnOpts, TlsClientOpts } from '../types.js';
import { readFileSync } from 'node:fs';

export type ConnectFailure = { kind: 'timeout' | 'fail' | 'error'; message: string };

export interface Deadline {
  /** Milliseconds left, never negative. */
  left(): number;
  signal: AbortSignal;
}

export function deadline(ms: number, outer?: AbortSignal): Deadline & { dispose(): void } {
  const end = Date.now() + ms;
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(new Error('timeout')), ms);
  const onOuter = () => ctl.abort(new Error('aborted'));
  outer?.addEventListener('abort', onOuter, { once: true });
  if (outer?.aborted) ctl.abort(new Error('aborted'));
  return {
    left: () => Math.max(0, end - Date.now()),
    signal: ctl.signal,
    dispose: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuter);
    },
  };
}

export interface TlsParams {
  servername?: string;
  opts?: TlsClientOpts;
}

/**
 * keepalived loads `ca` (SSL_CTX_load_verify_locations) but never sets SSL_VERIFY_PEER (check_ssl.c),
 * so the server certificate is not verified; we match that.
 */
function tlsOptions(p: TlsParams): tls.ConnectionOptions {
  const o: tls.ConnectionOptions = { rejectUnauthorized: false };
  if (p.servername && !net.isIP(p.servername)) o.servername = p.servername;
  if (p.opts?.ca) o.ca = readFileSync(p.opts.ca);
  if (p.opts?.certificate) o.cert = readFileSync(p.opts.certificate);
  if (p.opts?.key) o.key = readFileSync(p.opts.key);
  if (p.opts?.password) o.passphrase = p.opts.password;
  return o;
}

/** Connects (and completes the TLS handshake when `tlsParams` is given) before the deadline. */
export function connectStream(conn: ConnOpts, d: Deadline, tlsParams?: TlsParams): Promise<net.Socket | ConnectFailure> {
  return new Promise((resolve) => {
    let settled = false;
    const base: net.TcpNetConnectOpts = { host: conn.connectIp, port: conn.connectPort };
    if (conn.bindto) base.localAddress = conn.bindto;
    if (conn.bindPort) base.localPort = conn.bindPort;
    let sock: net.Socket;
    try {
      sock = tlsParams ? tls.connect({ ...base, ...tlsOptions(tlsParams) }) : net.connect(base);
    } catch (err) {
      resolve({ kind: 'error', message: (err as Error).message });
      return;
    }
    const finish = (v: net.Socket | ConnectFailure) => {
      if (settled) return;
      settled = true;
      d.signal.removeEventListener('abort', onAbort);
      sock.removeListener('error', onError);
      if (!(v instanceof net.Socket)) sock.destroy();
      resolve(v);
    };
    const onAbort = () => finish({ kind: 'timeout', message: 'timeout' });
    const onError = (err: NodeJS.ErrnoException) =>
      finish({ kind: tlsParams && sock.connecting === false ? 'error' : 'fail', message: err.code ?? err.message });
    d.signal.addEventListener('abort', onAbort, { once: true });
    if (d.signal.aborted) onAbort();
    sock.once('error', onError);
    sock.once(tlsParams ? 'secureConnect' : 'connect', () => finish(sock));
  });
}

/** Ends a socket without waiting for the peer (keepalived just close()s). */
export function closeStream(s: net.Socket): void {
  s.removeAllListeners('data');
  s.on('error', () => undefined);
  s.destroy();
}
