// Reload planning without a kernel: clear_diff_services as a pure diff over the IPVS table we created,
// and state migration across a reload driven through the real scheduler (simulated clock and probes),
// on the same two configs the VM test applies (fixtures/checkd/vm.conf → vm-reload.conf).
import { describe, expect, it } from 'vitest';
import { type CheckerPlan, destFor, destKey, mapConfig, serviceKey } from '../../src/check/config-map.js';
import { diffReload, type Table } from '../../src/check/ipvs-sync.js';
import { dropRepeatedQuorum, migrateCheckers } from '../../src/check/lvs/migrate.js';
import type { SinkAction } from '../../src/check/runner.js';
import { CheckScheduler } from '../../src/check/scheduler.js';
import type { CheckAction } from '../../src/check/types.js';
import { loadConfig } from '../../src/config/load.js';
import { SimLoop } from '../check/sim.js';

const plan = (file: string): CheckerPlan => mapConfig(loadConfig({ file: `fixtures/checkd/${file}` }).config);

/** The table after every real server went in (what init_services does with all checkers up). */
function fullTable(p: CheckerPlan): Table {
  const t: Table = new Map();
  for (const vs of p.virtualServers) {
    for (const svc of vs.services) {
      const dests = new Map(vs.realServers.map((d, i) => {
        const rec = destFor(svc, vs, d, vs.spec.realServers[i]!.weight);
        return [destKey(rec), rec];
      }));
      t.set(serviceKey(svc), { service: svc, dests });
    }
  }
  return t;
}

const sink = (as: CheckAction[]): SinkAction[] => as.filter((a): a is SinkAction => a.type !== 'runProbe' && a.type !== 'scheduleTimer');

describe('diffReload (clear_diff_services)', () => {
  it('removes only the real server the new config dropped, edits nothing else', () => {
    const before = plan('vm.conf');
    // Every real server alive before the reload.
    const alive = before.virtualServers.map((v) => ({ rs: v.spec.realServers.map(() => ({ alive: true })) }));
    const d = diffReload(fullTable(before), before, plan('vm-reload.conf'), alive);
    expect(d.delServices).toEqual([]);
    expect(d.editServices).toEqual([]);
    expect(d.delDests.map((x) => `${serviceKey(x.service)} ${destKey(x.dest)}`)).toEqual(['tcp:[10.9.0.1]:80 [10.9.0.3]:8080']);
    expect(d.logs).toEqual(['service [10.9.0.3]:tcp:8080 no longer exist', 'Removing service [10.9.0.3]:tcp:8080 from VS [10.9.0.1]:tcp:80']);
    // It was up: its notify_down runs.
    expect(d.goneAlive.map((g) => `${g.rs.ip}:${g.rs.port}`)).toEqual(['10.9.0.3:8080']);
  });

  it('a virtual server gone is removed with its log line; a scheduler change is an edit', () => {
    const before = plan('vm.conf');
    const after = plan('vm.conf');
    const gone = after.virtualServers.findIndex((v) => v.spec.addr.kind === 'fwmark');
    after.virtualServers.splice(gone, 1);
    for (const s of after.virtualServers[0]!.services) s.scheduler = 'rr';
    const d = diffReload(fullTable(before), before, after);
    expect(d.delServices.map(serviceKey)).toEqual(['fwm:inet:7']);
    expect(d.editServices.map((s) => `${serviceKey(s)} ${s.scheduler}`)).toEqual(['tcp:[10.9.0.1]:80 rr']);
    expect(d.logs[0]).toBe('Removing Virtual Server FWM 7');
    expect(d.logs.slice(1)).toEqual([expect.stringMatching(/^Removing service \[10\.9\.0\.5\]:\w+:0 from VS FWM 7$/)]);
    // Without the old engine's state nothing counts as alive: no notify_down.
    expect(d.goneAlive).toEqual([]);
  });
});

describe('state across a reload (migrate_checkers)', () => {
  // 10.9.0.4:8081 is dead, everything else answers; probes take 10 ms.
  const probe = (spec: { type: string; conn?: { connectIp: string } }) => ({
    result: spec.conn?.connectIp === '10.9.0.4' ? { ok: false as const, reason: 'failed' } : { ok: true as const },
    durationMs: 10,
  });

  it('a dead server stays out, kept quorum states are not re-announced, the new server goes in', () => {
    const p1 = plan('vm.conf');
    const s1 = new SimLoop(new CheckScheduler(p1.virtualServers.map((v) => v.spec), { random: () => 0 }), probe);
    s1.start();
    s1.run(20_000);
    expect(s1.ipvs().map(([, x]) => x)).toContain('del 10.9.0.4:8081');
    expect(s1.ipvs().map(([, x]) => x)).toContain('add-sorry 10.9.0.6:8080 w1');

    const p2 = plan('vm-reload.conf');
    const { kept, carry } = migrateCheckers(p1, s1.sched.snapshot(), p2);
    expect([...kept.keys()].sort()).toEqual(['FWM 7', '[10.9.0.1]:tcp:80', '[10.9.0.1]:tcp:81', '[10.9.0.1]:tcp:82', '[KTS_VSG]:0']);
    const sched2 = new CheckScheduler(p2.virtualServers.map((v) => v.spec), { random: () => 0, carry });
    const s2 = new SimLoop(sched2, probe);
    s2.start();
    const startup = dropRepeatedQuorum(sink(s2.actions.map(({ a }) => a)), kept, sched2.snapshot(), p2);
    const text = startup.map((a) => (a.type === 'log' ? a.text : a.type === 'notifyFifo' ? a.line.trim() : `${a.type} ${'rs' in a ? `${a.rs.ip}:${a.rs.port}` : ''}`));
    expect(text.filter((l) => /quorum|sorry server|^VS /.test(l))).toEqual([]);
    expect(text).toContain('addRealServer 10.9.0.5:8080');
    expect(text).not.toContain('addRealServer 10.9.0.4:8081');
    // The sorry server is still what the engine wants in IPVS (the sync layer sees it is already there).
    expect(text).toContain('addSorryServer 10.9.0.6:8080');
    s2.run(20_000);
    expect(s2.ipvs().map(([, x]) => x).filter((x) => x.includes('10.9.0.4'))).toEqual([]);
    // Kept checkers carry their state: the dead server's failure and the live servers' success are not
    // logged again, and no notify_down or FIFO line repeats for 10.9.0.4 (it had both before the reload).
    const before = sink(s1.actions.map(({ a }) => a));
    const after = sink(s2.actions.map(({ a }) => a));
    const news = (as: SinkAction[]) => as.flatMap((a) => (a.type === 'log' && /success\.|failed\.$/.test(a.text) ? [a.text] : a.type === 'runScript' ? [a.why] : a.type === 'notifyFifo' && a.line.startsWith('RS ') ? [a.line.trim()] : []));
    expect(news(before)).toContain('TCP_CHECK on service [10.9.0.4]:tcp:8081 failed.');
    expect(news(before)).toContain('notify_down');
    expect(news(after)).toEqual(['TCP connection to [10.9.0.5]:tcp:8080 success.']);
  });
});
