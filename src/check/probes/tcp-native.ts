// The native TCP_CHECK connect (src/net/native/tcp_check.c): one private epoll set for every check in
// flight, completions delivered in one call per wakeup. This module owns the slot table: a slot is
// a check in flight, taken at its start and given back when it ends.
import { loadNative } from '../../net/native.js';

interface TcpCheckAddon {
  tcpCheckInit(results: Int32Array, cb: (n: number) => void): void;
  /** 0, or -errno when the check failed at once. */
  tcpCheckStart(slot: number, token: number, ip: string, port: number, v6: boolean): number;
  tcpCheckCancel(slot: number): void;
}

/** What a completion is reported to: `status` is 0 (connected) or -errno. */
export interface NativeTcpClient {
  nativeDone(gen: number, status: number): void;
}

/** Triples [slot, token, status] per delivery (the addon's harvest is 256). */
const RESULTS = 256;

export class NativeTcp {
  private readonly clients: (NativeTcpClient | undefined)[] = [];
  /** The client's gen of each slot's check, and the token NativeTcp gave that start. */
  private readonly gens: number[] = [];
  private readonly tokens: number[] = [];
  /**
   * Tokens are NativeTcp's own, one per start: a client's gen alone could repeat in another client
   * that takes the same slot while a completion of the old check is still in the harvest being
   * delivered (a cancel from an earlier callback of that harvest), and that client would get it.
   */
  private token = 0;
  private readonly free: number[] = [];
  private readonly results = new Int32Array(3 * RESULTS);

  constructor(private readonly addon: TcpCheckAddon) {
    addon.tcpCheckInit(this.results, (n) => this.done(n));
  }

  /** Starts a check for `c`; returns its slot, or -1 (and nothing is in flight) when it failed at once. */
  start(c: NativeTcpClient, gen: number, ip: string, port: number, v6: boolean): number {
    const slot = this.free.pop() ?? this.clients.length;
    const token = (this.token = (this.token + 1) | 0);
    if (this.addon.tcpCheckStart(slot, token, ip, port, v6) < 0) {
      this.free.push(slot);
      return -1;
    }
    this.clients[slot] = c;
    this.gens[slot] = gen;
    this.tokens[slot] = token;
    return slot;
  }

  /** Ends the slot's check without a result. */
  cancel(slot: number): void {
    this.addon.tcpCheckCancel(slot);
    this.release(slot);
  }

  private release(slot: number): void {
    this.clients[slot] = undefined;
    this.free.push(slot);
  }

  private done(n: number): void {
    const r = this.results;
    for (let i = 0; i < 3 * n; i += 3) {
      const slot = r[i]!;
      const c = this.clients[slot];
      if (!c || r[i + 1] !== this.tokens[slot]) continue;
      const gen = this.gens[slot]!;
      this.release(slot);
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
