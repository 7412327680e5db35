// Reload carry-over (keepalived migrate_checkers): an engine started with the old engine's state of the
// real servers a reload keeps says nothing about states that did not change: no first-result log, no
// notify_down or FIFO line for a server already down, no notify_up for one already up. Fake clock.
import { describe, expect, it } from 'vitest';
import type { CheckerPlan, LvsVirtualServer } from '../../src/check/config-map.js';
import { migrateCheckers } from '../../src/check/lvs/migrate.js';
import { CheckScheduler, rsKey } from '../../src/check/scheduler.js';
import type { CheckerSpec, ProbeResult, RsCarry, VirtualServerSpec } from '../../src/check/types.js';
import { SimLoop } from './sim.js';
import { rs, tcpCheck, timing, vs } from './specs.js';

const OK: ProbeResult = { ok: true };
const FAIL: ProbeResult = { ok: false, reason: 'failed' };
const VS = '[10.0.0.1]:tcp:80';

/** 10.0.0.2 answers, 10.0.0.3 is dead until `reviveAt`. */
const probe = (reviveAt = Infinity) => (s: CheckerSpec, _u: number | undefined, now: number) => {
  const ip = 'conn' in s ? s.conn.connectIp : '';
  return { result: ip === '10.0.0.3' && now < reviveAt ? FAIL : OK, durationMs: 5 };
};

const t = { delayLoopMs: 2_000, delayBeforeRetryMs: 1_000, retry: 2 };
const config = (o: { alpha?: boolean; retry?: number } = {}): VirtualServerSpec => vs('10.0.0.1', 80, [
  rs('10.0.0.2', 80, [tcpCheck('10.0.0.2', 80, { ...t, ...o })], { notifyUp: ['/up', '2'], notifyDown: ['/down', '2'] }),
  rs('10.0.0.3', 80, [tcpCheck('10.0.0.3', 80, { ...t, ...o })], { notifyUp: ['/up', '3'], notifyDown: ['/down', '3'] }),
]);
const planOf = (...v: VirtualServerSpec[]): CheckerPlan => ({ virtualServers: v.map((spec) => ({ spec }) as LvsVirtualServer), logs: [] });

/** Everything an operator sees: logs, scripts, FIFO lines (times dropped). */
function said(sim: SimLoop): string[] {
  return sim.actions.flatMap(({ a }) => {
    if (a.type === 'log') return [a.text];
    if (a.type === 'runScript') return [`${a.why} ${a.argv.join(' ')}`];
    if (a.type === 'notifyFifo') return [`fifo ${a.line.trim()}`];
    return [];
  });
}

/** Runs the old engine for 20 s, then a new engine on `next` seeded through migrateCheckers. */
function reload(next: VirtualServerSpec, o: { first?: VirtualServerSpec; reviveAt?: number; rsInitNotifies?: boolean } = {}) {
  const first = o.first ?? config();
  const s1 = new SimLoop(new CheckScheduler([first], { random: () => 0 }), probe());
  s1.start();
  s1.run(20_000);
  const { carry } = migrateCheckers(planOf(first), s1.sched.snapshot(), planOf(next));
  const s2 = new SimLoop(new CheckScheduler([next], { random: () => 0, carry, rsInitNotifies: o.rsInitNotifies ?? false }), probe(o.reviveAt));
  s2.start();
  s2.run(20_000);
  return { s1, s2, carry };
}

describe('reload carry-over (migrate_checkers)', () => {
  it('before the reload the dead server was announced once (the baseline the carry must not repeat)', () => {
    const { s1 } = reload(config());
    const out = said(s1);
    expect(out).toContain('TCP_CHECK on service [10.0.0.3]:tcp:80 failed.');
    expect(out).toContain('notify_down /down 3');
    expect(out).toContain(`fifo RS [10.0.0.3]:tcp:80 ${VS} DOWN`);
    expect(out).toContain('TCP connection to [10.0.0.2]:tcp:80 success.');
  });

  it('kept checkers neither re-log their first result nor re-fire notify_down/FIFO for a server already down', () => {
    const { s2, carry } = reload(config());
    expect(carry.get(rsKey(0, 1))?.alive).toBe(false);
    const out = said(s2);
    // Only the start-up lines: no result of a kept checker is news.
    expect(out.filter((l) => !/^(A|Dea)ctivating healthchecker/.test(l) && !/quorum|^fifo VS /.test(l))).toEqual([]);
    // The dead server stays out, the live one stays in (re-added for the sync layer's claim, silently).
    expect(s2.ipvs().map(([, x]) => x)).toEqual(['add 10.0.0.2:80 w1']);
    // Its checker kept probing at delay_loop + retries, as before the reload.
    expect(s2.probeTimes('0/1/0').length).toBeGreaterThan(5);
  });

  it('a server down across the reload that recovers is announced once, with its notify_up', () => {
    const { s2 } = reload(config(), { reviveAt: 6_000 });
    const out = said(s2);
    expect(out).toContain('TCP connection to [10.0.0.3]:tcp:80 success.');
    expect(out).toContain(`Adding service [10.0.0.3]:tcp:80 to VS ${VS}`);
    expect(out.filter((l) => l.startsWith('notify_'))).toEqual(['notify_up /up 3']);
    expect(out.filter((l) => l.startsWith('fifo RS'))).toEqual([`fifo RS [10.0.0.3]:tcp:80 ${VS} UP`]);
  });

  it('alpha checkers carried: an up server stays up (no success line), a down one stays down silently', () => {
    const { s2 } = reload(config({ alpha: true }), { first: config({ alpha: true }) });
    const out = said(s2);
    expect(out.some((l) => l.includes('success') || l.includes('failed') || l.startsWith('notify_'))).toBe(false);
    expect(s2.ipvs().map(([, x]) => x)).toEqual(['add 10.0.0.2:80 w1']);
  });

  it('rs_init_notifies: a kept live server gets no second notify_up', () => {
    const { s2 } = reload(config(), { rsInitNotifies: true });
    expect(said(s2).filter((l) => l.startsWith('notify_') || l.startsWith('fifo RS'))).toEqual([]);
  });

  it('a new real server on reload is checked from scratch (its first result is logged)', () => {
    const next = config();
    next.realServers.push(rs('10.0.0.4', 80, [tcpCheck('10.0.0.4', 80, t)]));
    const { s2, carry } = reload(next);
    expect(carry.has(rsKey(0, 2))).toBe(false);
    expect(said(s2)).toContain('TCP connection to [10.0.0.4]:tcp:80 success.');
  });

  it('a changed checker (other connect_port) is not carried: it starts fresh and logs its first result', () => {
    const next = config();
    next.realServers[0]!.checkers[0] = tcpCheck('10.0.0.2', 81, t);
    const { s2, carry } = reload(next);
    expect(carry.get(rsKey(0, 0))?.checkers).toEqual([undefined]);
    expect(said(s2)).toContain('TCP connection to [10.0.0.2]:tcp:80 success.');
  });
});

describe('carry input rules (scheduler)', () => {
  const one = (o: Partial<typeof t> & { alpha?: boolean } = {}) => vs('10.0.0.1', 80, [rs('10.0.0.3', 80, [tcpCheck('10.0.0.3', 80, { ...t, ...o })], { notifyDown: ['/down'] })]);
  const start = (spec: VirtualServerSpec, carry: RsCarry) => {
    const sim = new SimLoop(new CheckScheduler([spec], { random: () => 0, carry: new Map([[rsKey(0, 0), carry]]) }), probe());
    sim.start();
    return sim;
  };

  it('retry_it is kept but bounded by the new retry: one more failure than the new budget allows takes it down', () => {
    // Up, two failures into a retry budget of 3; the new config has retry 1: retry_it becomes 0, so two failures (1 retry) remove it.
    const sim = start(one({ retry: 1 }), { alive: true, checkers: [{ isUp: true, hasRun: true, retryIt: 2 }] });
    sim.run(10_000);
    const down = sim.logs().find(([, l]) => l === 'TCP_CHECK on service [10.0.0.3]:tcp:80 failed after 1 retries.');
    expect(down?.[0]).toBe(1_000 + 5 + 1_000 + 5);
  });

  it('a down server whose failed checker the reload removed comes up at once: Adding service + notify_up', () => {
    const spec = vs('10.0.0.1', 80, [rs('10.0.0.3', 80, [], { notifyUp: ['/up'] })]);
    const sim = start(spec, { alive: false, checkers: [] });
    expect(said(sim)).toEqual([`Adding service [10.0.0.3]:tcp:80 to VS ${VS}`, 'notify_up /up', `fifo RS [10.0.0.3]:tcp:80 ${VS} UP`, expect.stringMatching(/^Gained quorum/), `fifo VS ${VS} UP`]);
  });

  it('inhibit_on_failure: a server down across the reload goes back in at weight 0, silently', () => {
    const spec = one();
    spec.realServers[0]!.inhibitOnFailure = true;
    const sim = start(spec, { alive: false, checkers: [{ isUp: false, hasRun: true, retryIt: 0 }] });
    sim.run(10_000);
    expect(sim.ipvs().map(([, x]) => x)).toEqual(['add 10.0.0.3:80 w0']);
    expect(said(sim).filter((l) => /success|failed|Disabling|notify_|^fifo RS/.test(l))).toEqual([]);
  });

  it('MISC_CHECK misc_dynamic: the carried exit code keeps the weight, no "Changing weight" line', () => {
    const misc: CheckerSpec = { type: 'MISC_CHECK', miscPath: ['/bin/check'], miscTimeoutMs: 1_000, miscDynamic: true, ...timing({ delayLoopMs: 2_000 }) };
    const spec = vs('10.0.0.1', 80, [rs('10.0.0.3', 80, [misc])]);
    const sim = new SimLoop(new CheckScheduler([spec], { random: () => 0, carry: new Map([[rsKey(0, 0), { alive: true, checkers: [{ isUp: true, hasRun: true, retryIt: 0, lastExitCode: 7 }] }]]) }),
      () => ({ result: { ok: true, exitStatus: 7 } }));
    sim.start();
    sim.run(10_000);
    expect(sim.ipvs().map(([, x]) => x)).toEqual(['add 10.0.0.3:80 w5']);
    expect(said(sim).filter((l) => /Changing weight|succeeded/.test(l))).toEqual([]);
  });
});
