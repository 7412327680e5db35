// Sans-I/O health-check scheduler: events and the current time in, actions out.
// Timing and state follow keepalived check/check_api.c (register_checkers_thread), check_data.c
// (alpha, initial retry_it) and ipwrapper.c (update_svr_checker_state); see pool.ts and epilog.ts.
import { type CheckerState, type EpilogCtx, type EpilogOutcome, httpResult, miscResult, smtpResult, tcpEpilog, upRetryResult } from './epilog.js';
import { formatPair, formatRs, formatVs } from './format.js';
import { IPVS_WEIGHT_LIMIT, type RsState, VsPool } from './pool.js';
import type { CheckAction, CheckerCarry, CheckEvent, CheckerSpec, FileCheckSpec, ProbeResult, RsCarry, VirtualServerSpec } from './types.js';

/** BOOTSTRAP_DELAY (lib/scheduler.h): checkers start 1 s after start-up, plus their warmup share. */
export const BOOTSTRAP_DELAY_MS = 1000;

export interface SchedulerOptions {
  /** Uniform in [0, 1): keepalived's random()/RAND_MAX for the warmup spread. */
  random: () => number;
  /** global_defs no_checker_emails. */
  noCheckerEmails?: boolean;
  /** global_defs rs_init_notifies. */
  rsInitNotifies?: boolean;
  /** On a reload: the old engine's state of the real servers the new config keeps, by rsKey(vs, rs). */
  carry?: ReadonlyMap<string, RsCarry>;
}

interface Entry {
  c: CheckerState;
  pool: VsPool;
  rs: RsState;
  running: boolean;
  /** checker->enabled: false while ha_suspend holds it. */
  enabled: boolean;
}

/**
 * The epilog hooks. One object per scheduler, pointed at the entry whose result is being handled: an
 * epilog runs synchronously and keeps no reference to its ctx. So a checker costs no closures and no
 * formatted names until it logs (closures, their contexts and names kept per checker were ~0.5 KB each,
 * ~5 MiB at 11,000 real servers).
 */
class EpilogHooks implements EpilogCtx {
  nowMs = 0;
  private e: Entry | undefined;
  private fmtRs: string | undefined;
  private fmtOfVs: string | undefined;

  constructor(private readonly out: CheckAction[], private readonly onUpdate: (e: Entry, up: boolean) => void, private readonly noCheckerEmails: boolean) {}

  at(e: Entry, nowMs: number): this {
    this.e = e;
    this.nowMs = nowMs;
    this.fmtRs = this.fmtOfVs = undefined;
    return this;
  }

  private get entry(): Entry {
    if (!this.e) throw new Error('epilog hooks used outside an epilog');
    return this.e;
  }

  get fmt(): string {
    return (this.fmtRs ??= formatRs(this.entry.rs.spec, this.entry.pool.spec));
  }

  get fmtVs(): string {
    return (this.fmtOfVs ??= formatVs(this.entry.pool.spec));
  }

  get rsBaseWeight(): number {
    return this.entry.rs.spec.weight;
  }

  log(text: string): void {
    this.out.push({ type: 'log', text });
  }

  update(up: boolean, body: string): void {
    const e = this.entry;
    const wasUp = e.c.isUp;
    const rsWasAlive = e.rs.alive;
    this.onUpdate(e, up);
    const changed = up ? !wasUp : wasUp;
    if (e.rs.spec.smtpAlert && changed && (rsWasAlive !== e.rs.alive || !this.noCheckerEmails)) {
      this.out.push({ type: 'smtpAlert', subject: `Realserver ${this.fmt} of virtual server ${this.fmtVs} - ${e.rs.alive ? 'UP' : 'DOWN'}`, body });
    }
  }

  addRsWeight(delta: number): void {
    const e = this.entry;
    if (delta) e.pool.updateSvrWeight(e.rs, e.rs.effectiveWeight + delta);
  }

  adjustRsWeightSilently(delta: number): void {
    this.entry.rs.effectiveWeight += delta;
  }
}

export function checkerId(vs: number, rs: number, checker: number): string {
  return `${vs}/${rs}/${checker}`;
}

/** Key of a real server in SchedulerOptions.carry. */
export function rsKey(vs: number, rs: number): string {
  return `${vs}/${rs}`;
}

/**
 * migrate_checkers() on the new engine's side: kept checkers take their old is_up, has_run and retry_it
 * (bounded by the new retry), so their next result is logged and notified only if it changes something;
 * MISC keeps its last exit code (misc_dynamic weight), FILE its weight contribution. When the server
 * has a failed checker, or was down with no checker run yet, its checkers that never ran start as a
 * fresh alpha/non-alpha checker does.
 */
function carryIn(rs: RsState, cs: CheckerState[], carry: RsCarry): void {
  rs.reloaded = true;
  rs.alive = carry.alive;
  cs.forEach((c, ci) => {
    const k: CheckerCarry | undefined = carry.checkers[ci];
    c.retryIt = 0;
    if (!k) return;
    c.hasRun = k.hasRun;
    if (k.hasRun) c.isUp = k.isUp;
    if (k.retryIt && c.spec.retry) c.retryIt = Math.min(k.retryIt, c.spec.retry - 1);
    if (c.spec.type === 'MISC_CHECK' && k.lastExitCode !== undefined) {
      c.lastExitCode = k.lastExitCode;
      if (c.spec.miscDynamic && k.lastExitCode >= 2) c.curWeight = k.lastExitCode - 2 - rs.spec.weight;
    }
    if (c.spec.type === 'FILE_CHECK' && k.curWeight !== undefined) c.curWeight = k.curWeight;
  });
  rs.numFailedCheckers = cs.filter((c) => c.hasRun && !c.isUp).length;
  if (rs.numFailedCheckers || (!carry.alive && !cs.some((c) => c.hasRun))) {
    for (const c of cs) {
      if (c.hasRun) continue;
      if (c.spec.alpha && c.isUp) {
        c.isUp = false;
        rs.numFailedCheckers++;
      }
      c.retryIt = c.spec.retry;
    }
  }
  rs.effectiveWeight = rs.spec.weight + cs.reduce((sum, c) => sum + c.curWeight, 0);
}

export class CheckScheduler {
  private readonly pools: VsPool[] = [];
  private readonly entries = new Map<string, Entry>();
  /** ha_suspend_addr_count per pool index. */
  private readonly haAddrCount: number[] = [];
  private readonly out: CheckAction[] = [];
  private readonly hooks: EpilogHooks;
  private stopped = false;
  private started = false;

  constructor(readonly virtualServers: VirtualServerSpec[], private readonly opts: SchedulerOptions) {
    this.hooks = new EpilogHooks(this.out, (e, up) => this.updateSvrCheckerState(e, up), opts.noCheckerEmails ?? false);
    virtualServers.forEach((vs, vi) => {
      const pool = new VsPool(vs, this.out, opts.rsInitNotifies ?? false);
      this.pools.push(pool);
      vs.realServers.forEach((rsSpec, ri) => {
        const rs = pool.rs[ri]!;
        const carry = opts.carry?.get(rsKey(vi, ri));
        const states: CheckerState[] = [];
        rsSpec.checkers.forEach((spec, ci) => {
          const id = checkerId(vi, ri, ci);
          const c: CheckerState = {
            id, spec, isUp: true, hasRun: false,
            // check_data.c: "For non alpha mode, one failure is enough initially."
            retryIt: spec.retry, curWeight: 0, lastExitCode: 0,
            urlIt: spec.type === 'HTTP_GET' || spec.type === 'SSL_GET' ? 0 : null, failedUrl: null, lastRanMs: 0,
          };
          if (spec.alpha && !carry) {
            c.isUp = false;
            rs.numFailedCheckers++;
          }
          states.push(c);
          this.entries.set(id, { c, pool, rs, running: false, enabled: true });
        });
        if (carry) carryIn(rs, states, carry);
      });
    });
  }

  private flush(): CheckAction[] {
    const a = this.out.splice(0, this.out.length);
    return a;
  }

  /** init_services() then register_checkers_thread(). */
  start(_nowMs: number): CheckAction[] {
    if (this.started) return [];
    this.started = true;
    for (const p of this.pools) {
      this.out.push({ type: 'addVirtualServer', vs: p.spec });
      p.init();
    }
    for (const e of this.entries.values()) {
      if (e.pool.spec.haSuspend && !this.haAddrCount[this.pools.indexOf(e.pool)]) e.enabled = false;
      this.out.push({ type: 'log', text: `${e.enabled ? 'A' : 'Dea'}ctivating healthchecker for service ${formatRs(e.rs.spec, e.pool.spec)} for VS ${formatVs(e.pool.spec)}` });
      const warmup = e.c.spec.warmupMs ? e.c.spec.warmupMs * this.opts.random() : 0;
      this.out.push({ type: 'scheduleTimer', timerId: e.c.id, delayMs: BOOTSTRAP_DELAY_MS + warmup });
    }
    return this.flush();
  }

  handle(ev: CheckEvent, nowMs: number): CheckAction[] {
    if (ev.type === 'stop') return this.stop();
    if (this.stopped) return [];
    if (ev.type === 'address') this.onAddress(ev.ip, ev.present);
    else if (ev.type === 'timer') this.onTimer(ev.timerId, nowMs);
    else this.onResult(ev.checkerId, ev.result, nowMs);
    return this.flush();
  }

  /** clear_services(): remove what we installed; omega runs the down notifies. */
  stop(): CheckAction[] {
    if (this.stopped) return [];
    this.stopped = true;
    for (const p of this.pools) p.shutdown();
    return this.flush();
  }

  /** update_checker_activity(): ha_suspend counts the VS address and (de)activates its checkers. */
  private onAddress(ip: string, present: boolean): void {
    this.pools.forEach((p, i) => {
      const a = p.spec.addr;
      if (!p.spec.haSuspend || a.kind !== 'ip' || a.ip !== ip) return;
      this.haAddrCount[i] = Math.max(0, (this.haAddrCount[i] ?? 0) + (present ? 1 : -1));
      if (!this.started) return;
      for (const e of this.entries.values()) {
        if (e.pool !== p || e.enabled === present || (!present && this.haAddrCount[i])) continue;
        this.out.push({ type: 'log', text: `${present ? 'Activat' : 'Suspend'}ing healthchecker for service ${formatRs(e.rs.spec, p.spec)} for VS ${formatVs(p.spec)}` });
        e.enabled = present;
      }
    });
  }

  private onTimer(id: string, nowMs: number): void {
    const e = this.entries.get(id);
    if (!e || e.running) return;
    // A suspended checker just re-arms (tcp_connect_thread and friends: `if (!checker->enabled)`).
    if (!e.enabled) {
      this.out.push({ type: 'scheduleTimer', timerId: id, delayMs: e.c.spec.delayLoopMs });
      return;
    }
    e.running = true;
    e.c.lastRanMs = nowMs;
    const action: CheckAction = { type: 'runProbe', checkerId: id, spec: e.c.spec };
    if (e.c.urlIt !== null) action.urlIndex = e.c.urlIt;
    this.out.push(action);
  }

  private onResult(id: string, result: ProbeResult, nowMs: number): void {
    const e = this.entries.get(id);
    if (!e || !e.running) {
      this.out.push({ type: 'log', text: `Ignoring result for checker ${id} that is not running` });
      return;
    }
    e.running = false;
    for (const text of result.logs ?? []) this.out.push({ type: 'log', text });
    const outcome = this.epilog(e, result, nowMs);
    this.out.push({ type: 'scheduleTimer', timerId: id, delayMs: outcome.delayMs });
  }

  private epilog(e: Entry, r: ProbeResult, nowMs: number): EpilogOutcome {
    const ctx = this.hooks.at(e, nowMs);
    const spec: CheckerSpec = e.c.spec;
    switch (spec.type) {
      case 'TCP_CHECK':
      case 'UDP_CHECK':
      case 'PING_CHECK':
        return tcpEpilog(e.c, r, ctx);
      case 'HTTP_GET':
      case 'SSL_GET':
        return httpResult(e.c, r, ctx);
      case 'MISC_CHECK':
        return miscResult(e.c, r, ctx);
      case 'DNS_CHECK':
        return upRetryResult(e.c, r, ctx, { prefix: `DNS_CHECK (${ctx.fmt}) `, smtp: 'DNS_CHECK: ' });
      case 'SMTP_CHECK':
        return smtpResult(e.c, r, ctx);
      case 'FILE_CHECK':
        return this.fileResult(e, spec, r, ctx);
      case 'BFD_CHECK':
        return upRetryResult(e.c, r, ctx, { prefix: `BFD_CHECK (${ctx.fmt}) `, smtp: 'BFD CHECK ' });
    }
  }

  /** track_file semantics (check_file.c / track_file.c): weight × value, fault at ≤ -IPVS weight limit; weight 0 = down on non-zero. */
  private fileResult(e: Entry, spec: FileCheckSpec, r: ProbeResult, ctx: EpilogCtx): EpilogOutcome {
    const value = r.ok ? (r.weight ?? 0) : null;
    let up: boolean;
    if (value === null) up = false;
    else if (spec.weight) {
      const contrib = value * spec.weight * (spec.reverse ? -1 : 1);
      up = contrib > -IPVS_WEIGHT_LIMIT;
      if (up && contrib !== e.c.curWeight) {
        const old = e.c.curWeight;
        e.c.curWeight = contrib;
        ctx.addRsWeight(contrib - old);
      }
    } else up = value === 0;
    if (!r.ok && (e.c.isUp || !e.c.hasRun)) ctx.log(`FILE_CHECK (${ctx.fmt}) ${r.reason}`);
    if (up !== e.c.isUp || !e.c.hasRun) ctx.update(up, `=> FILE CHECK ${up ? 'succeed' : 'failed'} on service <=`);
    e.c.hasRun = true;
    return { delayMs: spec.delayLoopMs };
  }

  /** update_svr_checker_state() + set_checker_state(). */
  private updateSvrCheckerState(e: Entry, alive: boolean): void {
    const { c, rs, pool } = e;
    if (c.isUp === alive) {
      if (!c.hasRun) {
        if (c.spec.alpha || !alive) pool.doRsNotifies(rs);
        c.hasRun = true;
      }
      return;
    }
    c.hasRun = true;
    if (alive) {
      if (rs.numFailedCheckers <= 1) pool.performSvrState(rs, true);
    } else if (rs.numFailedCheckers === 0) pool.performSvrState(rs, false);
    c.isUp = alive;
    if (!alive) rs.numFailedCheckers++;
    else if (rs.numFailedCheckers) rs.numFailedCheckers--;
  }

  /** Read-only view for tests and dumps. */
  snapshot(): Array<{ vs: string; quorumUp: boolean; rs: Array<{ rs: string; alive: boolean; set: boolean; weight: number; checkersUp: boolean[]; checkers: CheckerCarry[] }> }> {
    return this.pools.map((p, vi) => ({
      vs: formatVs(p.spec),
      quorumUp: p.quorumStateUp,
      rs: p.rs.map((r, ri) => {
        const cs = r.spec.checkers.map((_, ci) => this.entries.get(checkerId(vi, ri, ci))!.c);
        return {
          rs: formatRs(r.spec, p.spec),
          alive: r.alive,
          set: r.set,
          weight: r.effectiveWeight,
          checkersUp: cs.map((c) => c.isUp),
          checkers: cs.map((c) => ({ isUp: c.isUp, hasRun: c.hasRun, retryIt: c.retryIt, lastExitCode: c.lastExitCode, curWeight: c.curWeight })),
        };
      }),
    }));
  }
}
