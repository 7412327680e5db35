// IpvsSync against a recording fake kernel: what a stop sends (clear_services).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CheckerPlan, mapConfig } from '../../src/check/config-map.js';
import { IpvsSync, type IpvsOps } from '../../src/check/ipvs-sync.js';
import { CheckRunner } from '../../src/check/runner.js';
import { loadConfig } from '../../src/config/load.js';

function recorder(): { ops: IpvsOps; calls: string[] } {
  const calls: string[] = [];
  const rec = (name: string) => async () => { calls.push(name); };
  const ops = {
    addService: rec('addService'), editService: rec('editService'), delService: rec('delService'),
    addDest: rec('addDest'), editDest: rec('editDest'), delDest: rec('delDest'), flush: rec('flush'),
    getTimeouts: async () => ({ tcpSec: 900, tcpFinSec: 120, udpSec: 300 }), setTimeouts: rec('setTimeouts'),
    addDaemon: rec('addDaemon'), delDaemon: rec('delDaemon'),
  } satisfies IpvsOps;
  return { ops, calls };
}

function planOf(text: string): CheckerPlan {
  const dir = mkdtempSync(join(tmpdir(), 'kts-sync-'));
  try {
    writeFileSync(join(dir, 'k.conf'), text);
    return mapConfig(loadConfig({ file: join(dir, 'k.conf') }).config);
  } finally {
    rmSync(dir, { recursive: true });
  }
}

const count = (calls: string[]) => calls.reduce<Record<string, number>>((m, c) => ({ ...m, [c]: (m[c] ?? 0) + 1 }), {});

describe('IpvsSync stop', () => {
  it('deletes each service once and no real server one by one: the kernel drops them with their service', async () => {
    // No checkers: every real server goes in at start (alpha off), as in bench/ipvs-program.ts.
    const text = Array.from({ length: 3 }, (_, i) => `virtual_server 10.1.0.${i + 1} 80 {\n  lb_kind NAT\n  protocol TCP\n${
      Array.from({ length: 4 }, (_, j) => `  real_server 10.2.0.${i * 10 + j + 1} 80 {\n  }\n`).join('')}}\n`).join('');
    const plan = planOf(text);
    const { ops, calls } = recorder();
    const logs: string[] = [];
    const sync = new IpvsSync(ops, { info: (t) => logs.push(t), err: (t) => logs.push(t) }, plan);
    const runner = new CheckRunner(plan.virtualServers.map((v) => v.spec), (a) => {
      if (a.type === 'log') logs.push(a.text);
      else if (a.type !== 'runScript' && a.type !== 'notifyFifo' && a.type !== 'smtpAlert') sync.apply(a);
    });
    runner.start();
    await sync.idle();
    expect(count(calls)).toEqual({ addService: 3, addDest: 12 });
    calls.length = 0;
    await sync.clearServices();
    runner.stop();
    await sync.stop(false);
    expect(calls).toEqual(['delService', 'delService', 'delService']);
    expect(sync.table.size).toBe(0);
    // keepalived's lines for each real server are still logged.
    expect(logs.filter((l) => l.startsWith('Shutting down service')).length).toBe(12);
  });

  it('clears after the calls already queued for a service, and ignores the engine once stopping', async () => {
    const plan = planOf('virtual_server 10.1.0.1 80 {\n  lb_kind NAT\n  protocol TCP\n  real_server 10.2.0.1 80 {\n  }\n}\n');
    const { ops, calls } = recorder();
    const sync = new IpvsSync(ops, { info: () => undefined, err: () => undefined }, plan);
    const vs = plan.virtualServers[0]!.spec;
    sync.apply({ type: 'addVirtualServer', vs });
    sync.apply({ type: 'addRealServer', vs, rs: vs.realServers[0]!, weight: 1 });
    const cleared = sync.clearServices();
    sync.apply({ type: 'addVirtualServer', vs });
    await cleared;
    expect(calls).toEqual(['addService', 'addDest', 'delService']);
    expect(sync.table.size).toBe(0);
  });
});
