// Thin adapter around the sans-I/O scheduler: real timers, real probes, everything else to a sink
// (the IPVS client, the logger, the script runner, the notify FIFO, the mailer).
import { runProbe as defaultProbe } from './probes/index.js';
import { CheckScheduler, type SchedulerOptions } from './scheduler.js';
import type { CheckAction, CheckerSpec, ProbeResult, VirtualServerSpec } from './types.js';

export type SinkAction = Exclude<CheckAction, { type: 'runProbe' } | { type: 'scheduleTimer' }>;

export interface CheckRunnerOptions extends Partial<SchedulerOptions> {
  /** Monotonic milliseconds. */
  now?: () => number;
  probe?: (spec: CheckerSpec, urlIndex?: number, signal?: AbortSignal) => Promise<ProbeResult>;
}

export class CheckRunner {
  private readonly sched: CheckScheduler;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inflight = new Set<AbortController>();
  private readonly now: () => number;
  private readonly probe: NonNullable<CheckRunnerOptions['probe']>;
  private stopped = false;

  constructor(vss: VirtualServerSpec[], private readonly sink: (a: SinkAction) => void, opts: CheckRunnerOptions = {}) {
    this.sched = new CheckScheduler(vss, {
      random: opts.random ?? Math.random, noCheckerEmails: opts.noCheckerEmails ?? false, rsInitNotifies: opts.rsInitNotifies ?? false,
      ...(opts.carry ? { carry: opts.carry } : {}),
    });
    const t0 = performance.now();
    this.now = opts.now ?? (() => performance.now() - t0);
    this.probe = opts.probe ?? defaultProbe;
  }

  start(): void {
    this.apply(this.sched.start(this.now()));
  }

  /** Cancels timers and probes, then applies keepalived's shutdown actions. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const c of this.inflight) c.abort();
    this.apply(this.sched.stop());
  }

  /** Feed netlink address events here for ha_suspend. */
  addressChanged(ip: string, present: boolean): void {
    if (!this.stopped) this.apply(this.sched.handle({ type: 'address', ip, present }, this.now()));
  }

  snapshot(): ReturnType<CheckScheduler['snapshot']> {
    return this.sched.snapshot();
  }

  private apply(actions: CheckAction[]): void {
    for (const a of actions) {
      if (a.type === 'scheduleTimer') this.arm(a.timerId, a.delayMs);
      else if (a.type === 'runProbe') this.launch(a.checkerId, a.spec, a.urlIndex);
      else this.sink(a);
    }
  }

  private arm(id: string, delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timers.get(id));
    this.timers.set(id, setTimeout(() => {
      this.timers.delete(id);
      if (!this.stopped) this.apply(this.sched.handle({ type: 'timer', timerId: id }, this.now()));
    }, delayMs));
  }

  private launch(id: string, spec: CheckerSpec, urlIndex?: number): void {
    const ctl = new AbortController();
    this.inflight.add(ctl);
    this.probe(spec, urlIndex, ctl.signal)
      .catch((err: Error): ProbeResult => ({ ok: false, reason: 'failed', logs: [`${spec.type} probe error: ${err.message}`] }))
      .then((result) => {
        this.inflight.delete(ctl);
        if (!this.stopped) this.apply(this.sched.handle({ type: 'probeResult', checkerId: id, result }, this.now()));
      });
  }
}
