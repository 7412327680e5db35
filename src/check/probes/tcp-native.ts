// The native TCP_CHECK connect (src/net/native/tcp_check.c): one private epoll set for every check in
// flight, completions delivered in one call per wakeup. This module owns the slot table (NativeSlots,
// also HTTP_GET's in http-native.ts).
import { loadNative } from '../../net/native.js';

interface TcpCheckAddon {
  tcpCheckInit(results: Int32Array, cb: (n: number) => void): void;
  /** 0, or -errno when the check failed at once. */
  tcpCheckStart(slot: number, token: number, ip: string, port: number, v6: boolean): number;
  tcpCheckCancel(slot: number): void;
  /** Takes the TCP (or HTTP) slot's step now if its socket is ready, its result delivered before it returns; false if not ready. */
  checkPoll?(slot: number, http: boolean): boolean;
}

/** What a completion is reported to: `status` is 0 (connected) or -errno. */
export interface NativeTcpClient {
  nativeDone(gen: number, status: number): void;
}

/** Triples [slot, token, status] per delivery (the addon's harvest is 256). */
const RESULTS = 256;

/**
 * The slot table of a native probe: a slot is a check in flight, taken at its start and given back
 * when it ends. Tokens are the table's own, one per start: a client's gen alone could repeat in another
 * client that takes the same slot while a completion of the old check is still in the harvest being
 * delivered (a cancel from an earlier callback of that harvest), and that client would get it.
 */
export class NativeSlots<C> {
  private readonly clients: (C | undefined)[] = [];
  /** The client's gen of each slot's check, and the token given that start. */
  private readonly gens: number[] = [];
  private readonly tokens: number[] = [];
  private token = 0;
  private readonly free: number[] = [];

  /** Takes a slot for `c`; `begin(slot, token)` starts the check there and returns < 0 when it failed at once (the slot is given back, -1 returned). */
  take(c: C, gen: number, begin: (slot: number, token: number) => number): number {
    const slot = this.free.pop() ?? this.clients.length;
    const token = (this.token = (this.token + 1) | 0);
    if (begin(slot, token) < 0) {
      this.free.push(slot);
      return -1;
    }
    this.clients[slot] = c;
    this.gens[slot] = gen;
    this.tokens[slot] = token;
    return slot;
  }

  release(slot: number): void {
    this.clients[slot] = undefined;
    this.free.push(slot);
  }

  /** The client of a completion [slot, token], else undefined (a stale one); `gen` is its start's gen. */
  client(slot: number, token: number): C | undefined {
    const c = this.clients[slot];
    return c && token === this.tokens[slot] ? c : undefined;
  }

  gen(slot: number): number {
    return this.gens[slot]!;
  }
}

export class NativeTcp {
  private readonly slots = new NativeSlots<NativeTcpClient>();
  private readonly results = new Int32Array(3 * RESULTS);

  constructor(private readonly addon: TcpCheckAddon) {
    addon.tcpCheckInit(this.results, (n) => this.done(n));
  }

  /** Starts a check for `c`; returns its slot, or -1 (and nothing is in flight) when it failed at once. */
  start(c: NativeTcpClient, gen: number, ip: string, port: number, v6: boolean): number {
    return this.slots.take(c, gen, (slot, token) => this.addon.tcpCheckStart(slot, token, ip, port, v6));
  }

  /** Ends the slot's check without a result. */
  cancel(slot: number): void {
    this.addon.tcpCheckCancel(slot);
    this.slots.release(slot);
  }

  /**
   * When the slot's socket is ready, its completion is delivered (nativeDone) before this returns and
   * true returned; false while it is still connecting. For a timeout that expires while the completion
   * waits unharvested in the set (a wakeup takes at most 16 harvests of 256).
   */
  poll(slot: number): boolean {
    return this.addon.checkPoll?.(slot, false) ?? false;
  }

  private done(n: number): void {
    const r = this.results;
    for (let i = 0; i < 3 * n; i += 3) {
      const slot = r[i]!;
      const c = this.slots.client(slot, r[i + 1]!);
      if (!c) continue;
      const gen = this.slots.gen(slot);
      this.slots.release(slot);
      c.nativeDone(gen, r[i + 2]!);
    }
  }
}

let shared: NativeTcp | null | undefined;

/** The process's NativeTcp; null where the addon is not built or lacks the TCP check. */
export function nativeTcp(): NativeTcp | null {
  if (shared === undefined) {
    try {
      const addon = loadNative() as unknown as Partial<TcpCheckAddon>;
      shared = typeof addon.tcpCheckInit === 'function' ? new NativeTcp(addon as TcpCheckAddon) : null;
    } catch {
      shared = null;
    }
  }
  return shared;
}
