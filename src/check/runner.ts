// Thin adapter around the sans-I/O scheduler: real timers, real probes, everything else to a sink
// (the IPVS client, the logger, the script runner, the notify FIFO, the mailer).
import { runProbe as defaultProbe } from './probes/index.js';
import { HttpProbe, nativeHttpUsable } from './probes/http-native.js';
import { TcpProbe } from './probes/tcp.js';
import { CheckScheduler, type SchedulerOptions } from './scheduler.js';
import type { CheckAction, CheckerSpec, ProbeResult, VirtualServerSpec } from './types.js';
import { TimerWheel, type WheelTask } from './wheel.js';

export type SinkAction = Exclude<CheckAction, { type: 'runProbe' } | { type: 'scheduleTimer' }>;

export interface CheckRunnerOptions extends Partial<SchedulerOptions> {
  /** Monotonic milliseconds. */
  now?: () => number;
  probe?: (spec: CheckerSpec, urlIndex?: number, signal?: AbortSignal) => Promise<ProbeResult>;
}

/** A checker's delay_loop / retry timer: one reusable wheel entry per checker; also its TCP_CHECK or native HTTP_GET probe. */
class CheckerTimer implements WheelTask {
  bucket = -1;
  tcp: TcpProbe | undefined;
  http: HttpProbe | undefined;
  constructor(private readonly runner: CheckRunner, readonly id: string) {}
  run(): void {
    this.runner.onTimer(this.id);
  }
}

export class CheckRunner {
  private readonly sched: CheckScheduler;
  private readonly wheel: TimerWheel;
  private readonly timers = new Map<string, CheckerTimer>();
  private readonly inflight = new Set<AbortController>();
  private readonly now: () => number;
  private readonly probe: NonNullable<CheckRunnerOptions['probe']>;
  /** TCP_CHECK (and HTTP_GET where the addon can) go straight to the callback probes unless a probe was injected (tests). */
  private readonly fastTcp: boolean;
  private stopped = false;

  constructor(vss: VirtualServerSpec[], private readonly sink: (a: SinkAction) => void, opts: CheckRunnerOptions = {}) {
    this.sched = new CheckScheduler(vss, {
      random: opts.random ?? Math.random, noCheckerEmails: opts.noCheckerEmails ?? false, rsInitNotifies: opts.rsInitNotifies ?? false,
      ...(opts.carry ? { carry: opts.carry } : {}),
    });
    const t0 = performance.now();
    this.now = opts.now ?? (() => performance.now() - t0);
    this.wheel = new TimerWheel(this.now);
    this.probe = opts.probe ?? defaultProbe;
    this.fastTcp = !opts.probe;
  }

  /**
   * init_services() then register_checkers_thread(). With `programmed`, the first checks are armed only
   * once the promise it returns (the IPVS calls the start queued) resolves, each with its delay from then:
   * keepalived programs the whole table before it registers a checker, and checks started beside the
   * programming share the loop with it (at 10,000 real servers in TCG the table took minutes to fill).
   */
  start(programmed?: () => Promise<unknown>): void {
    const actions = this.sched.start(this.now());
    if (!programmed) {
      this.apply(actions);
      return;
    }
    const timers = actions.filter((a) => a.type === 'scheduleTimer');
    this.apply(actions.filter((a) => a.type !== 'scheduleTimer'));
    const arm = (): void => this.apply(timers);
    programmed().then(arm, arm);
  }

  /** Cancels timers and probes, then applies keepalived's shutdown actions. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.wheel.clear();
    for (const t of this.timers.values()) {
      t.tcp?.cancel();
      t.http?.cancel();
    }
    this.timers.clear();
    for (const c of this.inflight) c.abort();
    this.inflight.clear();
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
    let t = this.timers.get(id);
    if (!t) {
      t = new CheckerTimer(this, id);
      this.timers.set(id, t);
    }
    this.wheel.add(t, delayMs);
  }

  /** A checker's timer fired (CheckerTimer.run). */
  onTimer(id: string): void {
    if (!this.stopped) this.apply(this.sched.handle({ type: 'timer', timerId: id }, this.now()));
  }

  private result(id: string, result: ProbeResult): void {
    if (!this.stopped) this.apply(this.sched.handle({ type: 'probeResult', checkerId: id, result }, this.now()));
  }

  private launch(id: string, spec: CheckerSpec, urlIndex?: number): void {
    if (this.fastTcp && spec.type === 'TCP_CHECK') {
      // The checker's own probe object, made on its first check (its timer entry exists by then).
      const t = this.timers.get(id);
      if (t) {
        t.tcp ??= new TcpProbe(this.wheel, (r) => this.result(id, r));
        t.tcp.start(spec.conn);
        return;
      }
    }
    if (this.fastTcp && spec.type === 'HTTP_GET' && nativeHttpUsable(spec)) {
      const t = this.timers.get(id);
      if (t) {
        t.http ??= new HttpProbe(this.wheel, (r) => this.result(id, r));
        t.http.start(spec, urlIndex ?? 0);
        return;
      }
    }
    const ctl = new AbortController();
    this.inflight.add(ctl);
    this.probe(spec, urlIndex, ctl.signal)
      .catch((err: Error): ProbeResult => ({ ok: false, reason: 'failed', logs: [`${spec.type} probe error: ${err.message}`] }))
      .then((result) => {
        this.inflight.delete(ctl);
        this.result(id, result);
      });
  }
}
