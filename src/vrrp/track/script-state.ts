// vrrp_script result tracking, sans-I/O (keepalived vrrp_scheduler.c vrrp_script_child_thread()).
// `result` counts between 0 and rise+fall-1: the script is OK while result >= rise. At start it is
// rise-1 (one success is enough, and the first failure already counts), or 0 with init_fail.

/** How one run of the script ended (the runner adapter reports it). */
export type ScriptOutcome =
  | { kind: 'exit'; status: number }
  | { kind: 'signal'; signal: number }
  | { kind: 'timeout' }
  /** The script could not be run at all (missing, not executable): a failure, not a success (keepalived issue #2126). */
  | { kind: 'error'; reason: string };

export interface ScriptStateParams {
  name: string;
  rise: number;
  fall: number;
  initFail: boolean;
}

export interface ScriptUpdate {
  /** The OK/KO state changed (or was decided for the first time). */
  changed: boolean;
  ok: boolean;
  /** First decision after start: weighted trackers apply only what the new state adds. */
  fromInit: boolean;
  logs: string[];
}

export class ScriptState {
  private result: number;
  private initPending: boolean;
  private lastStatus: number | undefined;

  constructor(readonly p: ScriptStateParams) {
    this.result = p.initFail ? 0 : p.rise - 1;
    this.initPending = !p.initFail;
  }

  /** OK now (before any run: OK unless init_fail, as keepalived assumes). */
  get ok(): boolean {
    return this.initPending ? true : this.result >= this.p.rise;
  }

  /** True until the script has exited once (unweighted trackers keep the instance waiting). */
  get initialising(): boolean {
    return this.initPending;
  }

  handle(o: ScriptOutcome): ScriptUpdate {
    const logs: string[] = [];
    let success: boolean;
    let exitType: string;
    let reason: string | undefined;
    switch (o.kind) {
      case 'exit':
        if (o.status !== this.lastStatus) logs.push(`Script \`${this.p.name}\` now returning ${o.status}`);
        this.lastStatus = o.status;
        success = o.status === 0;
        exitType = success ? 'succeeded' : 'failed';
        if (!success) reason = `exited with status ${o.status}`;
        break;
      case 'signal': success = false; exitType = 'failed'; reason = `due to signal ${o.signal}`; break;
      case 'timeout': success = false; exitType = 'timed_out'; break;
      case 'error': success = false; exitType = 'failed'; reason = o.reason; break;
    }
    const { rise, fall } = this.p;
    const fromInit = this.initPending;
    let changed = false;
    let ok = this.result >= rise;
    if (success) {
      if (this.result < rise - 1) this.result++;
      else if (this.result !== rise + fall - 1) {
        if (this.result < rise) { logs.push(`VRRP_Script(${this.p.name}) ${exitType}`); changed = true; ok = true; }
        this.result = rise + fall - 1;
      }
    } else if (this.result > rise) this.result--;
    else {
      if (this.result === rise || fromInit) {
        logs.push(reason ? `VRRP_Script(${this.p.name}) ${exitType} (${reason})` : `VRRP_Script(${this.p.name}) ${exitType}`);
        changed = true;
        ok = false;
      }
      this.result = 0;
    }
    this.initPending = false;
    // keepalived logs the detail line only with -D; callers filter by the prefix
    return { changed, ok: this.result >= rise, fromInit, logs };
  }
}
