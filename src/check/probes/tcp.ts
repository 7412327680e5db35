// TCP_CHECK: connect, then close (check_tcp.c). Timeout and refusal are both failures.
// The check is the hottest path of a large checker (10,000 real servers at delay_loop 1 is 10,000 of
// them a second), so it goes to the addon's batched connect (tcp-native.ts) where it is built, else to
// a callback on the bare libuv TCP handle: no stream, no promise, no AbortController, and its
// connect_timeout a reusable entry of the runner's timer wheel. bindto / bind_port use the handle.
import net from 'node:net';
import type { ConnOpts, ProbeResult, TcpCheckSpec } from '../types.js';
import { TimerWheel, type WheelTask } from '../wheel.js';
import { type NativeTcp, type NativeTcpClient, nativeTcp } from './tcp-native.js';

const OK: ProbeResult = Object.freeze({ ok: true });
const FAILED: ProbeResult = Object.freeze({ ok: false, reason: 'failed', timedOut: false });
const TIMEOUT: ProbeResult = Object.freeze({ ok: false, reason: 'timeout', timedOut: true });

interface TcpHandle {
  bind(ip: string, port: number): number;
  bind6(ip: string, port: number, flags: number): number;
  connect(req: ConnectReq, ip: string, port: number): number;
  connect6(req: ConnectReq, ip: string, port: number): number;
  close(): void;
}
interface ConnectReq { oncomplete: ((status: number) => void) | null }
interface TcpWrap {
  TCP: new (type: number) => TcpHandle;
  TCPConnectWrap: new () => ConnectReq;
  constants: { SOCKET: number };
}

/** node's own TCP binding (what net.Socket wraps); undefined where this node does not expose it. */
const tcpWrap: TcpWrap | undefined = (() => {
  try {
    const b = (process as unknown as { binding(name: string): TcpWrap }).binding('tcp_wrap');
    return typeof b?.TCP === 'function' && typeof b.TCPConnectWrap === 'function' ? b : undefined;
  } catch {
    return undefined;
  }
})();

/** One TCP check in flight; `cancel()` ends it without a result. */
export interface TcpAttempt {
  cancel(): void;
}

interface OwnedReq extends ConnectReq { probe?: TcpProbe; gen?: number }

/** req.oncomplete, shared: node calls it with the request as `this` (no closure per check). */
function onConnect(this: OwnedReq, status: number): void {
  this.probe?.connected(this, status);
}

/** The deferred timeout (setImmediate): runs after the poll phase of the loop turn the wheel fired in. */
function onTimeout(p: TcpProbe, gen: number): void {
  p.timedOut(gen);
}

/**
 * A checker's TCP_CHECK, reusable: one object per checker, `start()` again after it reported (a
 * checker has at most one check in flight). The handle and the connect request are new each check
 * (libuv's), everything else is kept: the address family is parsed once per address, and the
 * completion callback is shared.
 */
export class TcpProbe implements WheelTask, TcpAttempt, NativeTcpClient {
  bucket = -1;
  private native: NativeTcp | null | undefined;
  /** The native check's slot while one is in flight, else -1. */
  private slot = -1;
  private handle: TcpHandle | undefined;
  private req: OwnedReq | undefined;
  private sock: net.Socket | undefined;
  private done = true;
  /** Counts checks, so a late timeout or completion of an earlier one is ignored. */
  private gen = 0;
  private ip = '';
  private family = 0;

  constructor(private readonly wheel: TimerWheel, private readonly cb: (r: ProbeResult) => void) {}

  /** False while a check is in flight. */
  get idle(): boolean {
    return this.done;
  }

  start(conn: ConnOpts): void {
    if (!this.done) this.finish(undefined);
    this.done = false;
    this.gen = (this.gen + 1) | 0;
    if (conn.connectIp !== this.ip) {
      this.ip = conn.connectIp;
      this.family = net.isIP(conn.connectIp);
    }
    this.wheel.add(this, conn.connectTimeoutMs);
    if (this.family && conn.bindto === undefined && conn.bindPort === undefined && (this.native ??= nativeTcp())) {
      this.slot = this.native.start(this, this.gen, conn.connectIp, conn.connectPort, this.family === 6);
      // A synchronous error (no route, bad address) is a failure, as keepalived's connect() < 0.
      if (this.slot < 0) this.finish(FAILED);
    } else if (tcpWrap && this.family) this.startBare(conn, this.family === 6);
    else this.startSocket(conn);
  }

  /** The native check of this start completed (NativeTcp has taken its slot back). */
  nativeDone(gen: number, status: number): void {
    if (gen !== this.gen || this.slot < 0) return;
    this.slot = -1;
    this.finish(status < 0 ? FAILED : OK);
  }

  private startBare(conn: ConnOpts, v6: boolean): void {
    const h = new tcpWrap!.TCP(tcpWrap!.constants.SOCKET);
    this.handle = h;
    if (conn.bindto !== undefined || conn.bindPort !== undefined) {
      const local = conn.bindto ?? (v6 ? '::' : '0.0.0.0');
      const err = net.isIP(local) === 6 ? h.bind6(local, conn.bindPort ?? 0, 0) : h.bind(local, conn.bindPort ?? 0);
      if (err) return this.finish(FAILED);
    }
    const req: OwnedReq = new tcpWrap!.TCPConnectWrap();
    req.probe = this;
    req.oncomplete = onConnect;
    this.req = req;
    const err = v6 ? h.connect6(req, conn.connectIp, conn.connectPort) : h.connect(req, conn.connectIp, conn.connectPort);
    // A synchronous error (no route, bad address) is a failure, as keepalived's connect() < 0.
    if (err) this.finish(FAILED);
  }

  private startSocket(conn: ConnOpts): void {
    const o: net.TcpNetConnectOpts = { host: conn.connectIp, port: conn.connectPort };
    if (conn.bindto) o.localAddress = conn.bindto;
    if (conn.bindPort) o.localPort = conn.bindPort;
    const gen = this.gen;
    try {
      const s = net.connect(o);
      this.sock = s;
      s.on('error', () => {
        if (gen === this.gen) this.finish(FAILED);
      });
      s.once('connect', () => {
        if (gen === this.gen) this.finish(OK);
      });
    } catch {
      this.finish(FAILED);
    }
  }

  /** onConnect: the request of the current check completed. */
  connected(req: OwnedReq, status: number): void {
    if (req === this.req) this.finish(status < 0 ? FAILED : OK);
  }

  /**
   * connect_timeout passed (the wheel calls this). The failure waits for the poll phase of this loop
   * turn: a connect that completed while the loop was busy (a late timer) is reported as a success, as
   * keepalived's scheduler takes a ready fd over its expired timer in the same fetch.
   */
  run(): void {
    if (!this.done) setImmediate(onTimeout, this, this.gen);
  }

  timedOut(gen: number): void {
    if (gen !== this.gen || this.done) return;
    // A completion waiting unharvested in the native set wins over the expired timer (nativeDone runs first).
    if (this.slot >= 0 && this.native!.poll(this.slot) && (gen !== this.gen || this.done)) return;
    this.finish(TIMEOUT);
  }

  cancel(): void {
    this.finish(undefined);
  }

  private finish(r: ProbeResult | undefined): void {
    if (this.done) return;
    this.done = true;
    this.wheel.cancel(this);
    if (this.slot >= 0) {
      this.native!.cancel(this.slot);
      this.slot = -1;
    }
    if (this.req) {
      this.req.probe = undefined;
      this.req = undefined;
    }
    this.handle?.close();
    this.handle = undefined;
    this.sock?.destroy();
    this.sock = undefined;
    if (r) this.cb(r);
  }
}

/** Starts a TCP check; `done` is called once (unless cancelled), within connect_timeout (+ the wheel's resolution and one loop turn). */
export function tcpCheck(conn: ConnOpts, wheel: TimerWheel, done: (r: ProbeResult) => void): TcpAttempt {
  const a = new TcpProbe(wheel, done);
  a.start(conn);
  return a;
}

let sharedWheel: TimerWheel | undefined;

/** The promise form (runProbe, tests): one check on a module-wide timer wheel. */
export function probeTcp(spec: TcpCheckSpec, signal?: AbortSignal): Promise<ProbeResult> {
  sharedWheel ??= new TimerWheel(() => performance.now());
  const wheel = sharedWheel;
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(FAILED);
    const onAbort = () => {
      a.cancel();
      resolve(FAILED);
    };
    const a = tcpCheck(spec.conn, wheel, (r) => {
      signal?.removeEventListener('abort', onAbort);
      resolve(r);
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
