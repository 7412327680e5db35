// TCP/TLS connection set-up shared by the stream probes, bounded by a deadline and an AbortSignal.
// Failure names follow keepalived's tcp_socket_state(): connect timeout, refused/unreachable = failure.
import net from 'node:net';
import tls from 'node:tls';
import type { ConnOpts, ProbeResult, TlsClientOpts } from '../types.js';
import { readFileSync } from 'node:fs';

export type ConnectFailure = { kind: 'timeout' | 'fail' | 'error'; message: string };

export interface Deadline {
  signal: AbortSignal;
  /** Progress was made (data arrived): restart the per-step timer. */
  touch(): void;
}

/** keepalived bounds each I/O step (connect, each read) by connect_timeout, not the whole exchange. */
export const HARD_BOUND_STEPS = 4;

/**
 * Aborts when one step takes longer than `stepMs`, or the whole probe longer than
 * HARD_BOUND_STEPS × stepMs (keepalived has no such bound: a trickling server would hold its checker
 * forever), or when `outer` aborts.
 */
export function deadline(stepMs: number, outer?: AbortSignal, hardMs = stepMs * HARD_BOUND_STEPS): Deadline & { dispose(): void } {
  const ctl = new AbortController();
  const abort = () => ctl.abort(new Error('timeout'));
  let step = setTimeout(abort, stepMs);
  const hard = setTimeout(abort, Math.max(hardMs, stepMs));
  const onOuter = () => ctl.abort(new Error('aborted'));
  outer?.addEventListener('abort', onOuter, { once: true });
  if (outer?.aborted) ctl.abort(new Error('aborted'));
  return {
    signal: ctl.signal,
    touch: () => {
      if (ctl.signal.aborted) return;
      clearTimeout(step);
      step = setTimeout(abort, stepMs);
    },
    dispose: () => {
      clearTimeout(step);
      clearTimeout(hard);
      outer?.removeEventListener('abort', onOuter);
    },
  };
}

/**
 * One-shot completion for a datagram/raw-socket probe: the first result wins, then the deadline
 * and the socket are released. The deadline's abort settles with `onTimeout()`.
 */
export function settleOnce(
  d: { signal: AbortSignal; dispose(): void },
  sock: { close(): void },
  resolve: (r: ProbeResult) => void,
  onTimeout: () => ProbeResult,
): (r: ProbeResult) => void {
  let done = false;
  const finish = (r: ProbeResult) => {
    if (done) return;
    done = true;
    d.dispose();
    sock.close();
    resolve(r);
  };
  d.signal.addEventListener('abort', () => finish(onTimeout()), { once: true });
  return finish;
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
    sock.once(tlsParams ? 'secureConnect' : 'connect', () => {
      d.touch();
      finish(sock);
    });
  });
}

/** Ends a socket without waiting for the peer (keepalived just close()s). */
export function closeStream(s: net.Socket): void {
  s.removeAllListeners('data');
  s.on('error', () => undefined);
  s.destroy();
}
