// HTTP_GET over the addon (src/net/native/http_check.c): connect, the request and the bounded read
// run in C in the TCP check's epoll set; the response comes back as Buffers that http-codec.ts parses
// and digests, and probes/http.ts judges (httpVerdict). One reusable HttpProbe per checker, its
// connect_timeout per I/O step a wheel entry (as TCP_CHECK's): no net.Socket, promise,
// AbortController or timers per check. SSL_GET, bindto / bind_port and a node without the addon keep
// the net/tls path (probeHttp).
import net from 'node:net';
import { loadNative } from '../../net/native.js';
import { HttpResponseReader } from '../http-codec.js';
import type { HttpGetSpec, ProbeResult } from '../types.js';
import type { TimerWheel, WheelTask } from '../wheel.js';
import { HARD_BOUND_STEPS } from './connect.js';
import { DEFAULT_MAX_BODY_BYTES, type FetchOutcome, httpVerdict, noUrl, type ReadEnd, REGEX_KEEP_BYTES, urlRequest } from './http.js';
import { NativeSlots, nativeTcp } from './tcp-native.js';

interface HttpCheckAddon {
  httpCheckInit(results: Int32Array, cb: (n: number, data: (Buffer | undefined)[]) => void): void;
  /** 0, or -errno when the connect failed at once. */
  httpCheckStart(slot: number, token: number, ip: string, port: number, v6: boolean, request: Buffer): number;
  /** ms since the slot's last I/O step, -1 when free. */
  httpCheckIdle(slot: number): number;
  /** null while connecting, else the bytes read since the last result; closes the slot. */
  httpCheckCancel(slot: number): Buffer | null | undefined;
  /** tcp_check.c's: takes the slot's step now if its socket is ready (results delivered before it returns); false if not ready. */
  checkPoll?(slot: number, http: boolean): boolean;
}

/** http_check.c's result kinds. */
const CONNECT_FAILED = 1;
const IO_ERROR = 2;
const EOF = 3;
const MORE = 4;
const RESULTS = 256;

interface NativeHttpClient {
  nativeResult(gen: number, kind: number, data: Buffer | undefined): void;
}

class NativeHttp {
  private readonly slots = new NativeSlots<NativeHttpClient>();
  private readonly results = new Int32Array(4 * RESULTS);

  constructor(private readonly addon: HttpCheckAddon) {
    addon.httpCheckInit(this.results, (n, data) => this.done(n, data));
  }

  start(c: NativeHttpClient, gen: number, ip: string, port: number, v6: boolean, request: Buffer): number {
    return this.slots.take(c, gen, (slot, token) => this.addon.httpCheckStart(slot, token, ip, port, v6, request));
  }

  idleMs(slot: number): number {
    return this.addon.httpCheckIdle(slot);
  }

  /** The slot's step taken now if its socket is ready, its result (if it ended) delivered: see checkPoll. */
  poll(slot: number): boolean {
    return this.addon.checkPoll?.(slot, true) ?? false;
  }

  /** Ends the slot's check; what it had read (null: still connecting). */
  cancel(slot: number): Buffer | null {
    const partial = this.addon.httpCheckCancel(slot);
    this.slots.release(slot);
    return partial ?? null;
  }

  private done(n: number, data: (Buffer | undefined)[]): void {
    const r = this.results;
    for (let i = 0; i < n; i++) {
      const slot = r[4 * i]!;
      const c = this.slots.client(slot, r[4 * i + 1]!);
      if (!c) continue;
      const kind = r[4 * i + 2]!;
      const gen = this.slots.gen(slot);
      if (kind !== MORE) this.slots.release(slot);
      c.nativeResult(gen, kind, data[i]);
    }
  }
}

let shared: NativeHttp | null | undefined;

/** The process's NativeHttp; null where the addon is not built or lacks the HTTP check. */
function nativeHttp(): NativeHttp | null {
  if (shared === undefined) {
    try {
      const addon = loadNative() as unknown as Partial<HttpCheckAddon>;
      // The HTTP slots live in the TCP check's epoll set, made by its init.
      shared = typeof addon.httpCheckInit === 'function' && nativeTcp() ? new NativeHttp(addon as HttpCheckAddon) : null;
    } catch {
      shared = null;
    }
  }
  return shared;
}

/** Whether `spec` can take the addon path: plain HTTP, no local address or port to bind. */
export function nativeHttpUsable(spec: HttpGetSpec): boolean {
  return spec.type === 'HTTP_GET' && spec.conn.bindto === undefined && spec.conn.bindPort === undefined && net.isIP(spec.conn.connectIp) !== 0 && nativeHttp() !== null;
}

/** The deferred timeout (setImmediate): runs after the poll phase of the loop turn the wheel fired in. */
function onTimeout(p: HttpProbe, gen: number): void {
  p.timedOut(gen);
}

/**
 * A checker's HTTP_GET on the addon, reusable: `start()` again after it reported. connect_timeout bounds
 * each step (connect, the write, each read) as in keepalived, HARD_BOUND_STEPS × that the whole
 * exchange (probes/connect.ts), maxBodyBytes the body.
 */
export class HttpProbe implements WheelTask, NativeHttpClient {
  bucket = -1;
  private readonly native = nativeHttp()!;
  private slot = -1;
  private done = true;
  private gen = 0;
  private spec!: HttpGetSpec;
  private urlIndex = 0;
  private reader: HttpResponseReader | undefined;
  private startMs = 0;
  /** Request bytes per url, made once. */
  private readonly requests: Buffer[] = [];

  constructor(private readonly wheel: TimerWheel, private readonly cb: (r: ProbeResult) => void) {}

  start(spec: HttpGetSpec, urlIndex: number): void {
    if (!this.done) this.end(undefined);
    const url = spec.urls[urlIndex];
    if (!url) return this.cb(noUrl(urlIndex));
    if (this.spec !== spec) this.requests.length = 0;
    this.spec = spec;
    this.urlIndex = urlIndex;
    this.done = false;
    this.gen = (this.gen + 1) | 0;
    this.reader = new HttpResponseReader(spec.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, url.regex ? REGEX_KEEP_BYTES : 0);
    this.startMs = performance.now();
    const req = (this.requests[urlIndex] ??= Buffer.from(urlRequest(spec, url), 'latin1'));
    const c = spec.conn;
    this.wheel.add(this, c.connectTimeoutMs);
    this.slot = this.native.start(this, this.gen, c.connectIp, c.connectPort, net.isIP(c.connectIp) === 6, req);
    // A synchronous error (no route, bad address) is a failure, as keepalived's connect() < 0.
    if (this.slot < 0) this.end({ stage: 'connect', reason: 'Connection failed', timedOut: false });
  }

  cancel(): void {
    this.end(undefined);
  }

  nativeResult(gen: number, kind: number, data: Buffer | undefined): void {
    if (gen !== this.gen || this.slot < 0) return;
    if (kind === MORE) {
      if (data && !this.reader!.feed(data)) this.read('bounded');
      return;
    }
    this.slot = -1;
    if (kind === CONNECT_FAILED) return this.end({ stage: 'connect', reason: 'Connection failed', timedOut: false });
    if (data && !this.reader!.feed(data)) return this.read('bounded');
    this.read(kind === EOF ? 'eof' : 'error');
  }

  /** The wheel: connect_timeout since the check started or last re-armed; the verdict waits for this loop turn's poll phase. */
  run(): void {
    if (!this.done) setImmediate(onTimeout, this, this.gen);
  }

  timedOut(gen: number): void {
    if (gen !== this.gen || this.done || this.slot < 0) return;
    // A step whose event waits unharvested in the set (a wakeup takes a bounded harvest) is taken now: a
    // ready socket wins over the expired timer, as in keepalived. It may end the check (then done).
    if (this.native.poll(this.slot) && (gen !== this.gen || this.done || this.slot < 0)) return;
    const stepMs = this.spec.conn.connectTimeoutMs;
    const leftMs = Math.max(stepMs, 1) * HARD_BOUND_STEPS - (performance.now() - this.startMs);
    const idle = this.native.idleMs(this.slot);
    // Progress since the timer was armed: the step's connect_timeout runs from that progress.
    if (idle >= 0 && idle < stepMs && leftMs > 0) return this.wheel.add(this, Math.min(stepMs - idle, leftMs));
    const partial = this.native.cancel(this.slot);
    this.slot = -1;
    if (partial === null) return this.end({ stage: 'connect', reason: 'Timeout connecting', timedOut: true });
    if (partial.length) this.reader!.feed(partial);
    this.read('timeout');
  }

  private read(end: ReadEnd): void {
    this.end({ stage: 'read', end, summary: this.reader!.finish() });
  }

  private end(out: FetchOutcome | undefined): void {
    if (this.done) return;
    this.done = true;
    this.wheel.cancel(this);
    if (this.slot >= 0) {
      this.native.cancel(this.slot);
      this.slot = -1;
    }
    this.reader = undefined;
    if (out) this.cb(httpVerdict(this.spec, this.spec.urls[this.urlIndex]!, out));
  }
}
