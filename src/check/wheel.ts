// One timer for thousands of checkers (keepalived's scheduler keeps one timer tree and one timerfd):
// tasks sit in buckets of RES ms and a single setTimeout is armed for the earliest bucket. Re-arming a
// task is a push to an array; cancelling it is a flag (a stale entry is skipped when its bucket fires).

/** A reusable timer entry: arm it again after it ran or was cancelled. */
export interface WheelTask {
  /** The bucket it waits in; -1 when not armed. */
  bucket: number;
  run(): void;
}

export class TimerWheel {
  private readonly buckets = new Map<number, WheelTask[]>();
  /** Bucket numbers with tasks, ascending. */
  private readonly ticks: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private armedTick = Infinity;
  private firing = false;

  constructor(private readonly now: () => number, private readonly resMs = 2) {}

  /** Runs `task` once, `delayMs` from now (never early; at most resMs late). Re-arming moves it. */
  add(task: WheelTask, delayMs: number): void {
    const tick = Math.ceil((this.now() + Math.max(0, delayMs)) / this.resMs);
    task.bucket = tick;
    let b = this.buckets.get(tick);
    if (!b) {
      b = [];
      this.buckets.set(tick, b);
      this.insertTick(tick);
    }
    b.push(task);
    if (!this.firing && tick < this.armedTick) this.arm();
  }

  cancel(task: WheelTask): void {
    task.bucket = -1;
  }

  /** Drops every task and the timer. */
  clear(): void {
    for (const b of this.buckets.values()) for (const t of b) t.bucket = -1;
    this.buckets.clear();
    this.ticks.length = 0;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedTick = Infinity;
  }

  private insertTick(tick: number): void {
    const a = this.ticks;
    let lo = 0;
    let hi = a.length;
    // Most inserts are the latest tick (same delay_loop everywhere): check the end first.
    if (hi && a[hi - 1]! < tick) lo = hi;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid]! < tick) lo = mid + 1;
      else hi = mid;
    }
    a.splice(lo, 0, tick);
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedTick = Infinity;
    const first = this.ticks[0];
    if (first === undefined) return;
    this.armedTick = first;
    this.timer = setTimeout(() => this.fire(), Math.max(0, first * this.resMs - this.now()));
  }

  private fire(): void {
    this.timer = undefined;
    this.armedTick = Infinity;
    this.firing = true;
    try {
      const nowTick = Math.floor(this.now() / this.resMs);
      let done = 0;
      // Tasks a run adds for an already-due bucket run in this same pass (bounded: they are new ticks or later).
      while (this.ticks.length > done && this.ticks[done]! <= nowTick) {
        const tick = this.ticks[done++]!;
        const b = this.buckets.get(tick);
        this.buckets.delete(tick);
        if (!b) continue;
        for (const task of b) {
          if (task.bucket !== tick) continue;
          task.bucket = -1;
          task.run();
        }
        if (done > 64) {
          this.ticks.splice(0, done);
          done = 0;
        }
      }
      this.ticks.splice(0, done);
    } finally {
      this.firing = false;
      this.arm();
    }
  }
}
