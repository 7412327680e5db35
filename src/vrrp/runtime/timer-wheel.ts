// One setTimeout per (instance, timer name) on an injected monotonic clock: the core schedules absolute
// times, we arm the difference. Late firings are measured so the runtime can warn like keepalived's
// scheduler ("A thread timer expired ... seconds ago") when the event loop lags.

export type Clock = () => number;

export interface TimerWheelOptions {
  now: Clock;
  /** Called for each firing with how late it fired (ms); the callback runs after this. */
  onLag?: (lateMs: number, key: string) => void;
}

export class TimerWheel {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly o: TimerWheelOptions) {}

  /** (Re)arms `key` to call `fire` at clock time `atMs`; an earlier arming of the same key is replaced. */
  set(key: string, atMs: number, fire: () => void): void {
    this.cancel(key);
    const t = setTimeout(() => {
      this.timers.delete(key);
      this.o.onLag?.(this.o.now() - atMs, key);
      fire();
    }, Math.max(0, Math.ceil(atMs - this.o.now())));
    this.timers.set(key, t);
  }

  cancel(key: string): void {
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
  }

  /** Cancels every key starting with `prefix` (an instance's timers). */
  cancelPrefix(prefix: string): void {
    for (const k of [...this.timers.keys()]) if (k.startsWith(prefix)) this.cancel(k);
  }

  has(key: string): boolean {
    return this.timers.has(key);
  }

  clear(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}

/** keepalived's "%ld.%6.6ld" seconds rendering. */
export function secondsText(ms: number): string {
  const us = Math.max(0, Math.round(ms * 1000));
  return `${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')}`;
}
