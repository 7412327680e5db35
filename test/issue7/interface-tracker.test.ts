// track_interface from real netlink link events in a lab namespace (ip link set down/up).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InterfaceTracker, interfaceFaultLog } from '../../src/vrrp/track/interface-tracker.js';
import { createLab, waitFor, type Lab, type LabProcess } from '../lab/lab.js';
import { jsonLines, repoRoot, spawnTs, waitForLine } from '../lab/node-script.js';

const loc = { file: 't', line: 1 } as any;
const link = (ifname: string, up: boolean) => ({ ifindex: 9, ifname, up, adminUp: up, running: up });

describe('InterfaceTracker (events in, states out)', () => {
  it('edge-triggered per tracked name; untracked interfaces ignored; deletion = down', () => {
    const t = new InterfaceTracker([{ name: 'eth1', loc }, { name: 'eth2', weight: -10, loc }]);
    expect(t.seed([link('eth1', true)])).toEqual([{ ifname: 'eth1', up: true }]);
    expect(t.states()).toEqual([
      { name: 'interface eth1', weight: 0, reverse: false, ok: true },
      { name: 'interface eth2', weight: -10, reverse: false, ok: false },
    ]);
    expect(t.onEvent({ kind: 'link-down', link: link('eth9', false) })).toEqual([]);
    expect(t.onEvent({ kind: 'link-up', link: link('eth1', true) })).toEqual([]);
    expect(t.onEvent({ kind: 'link-deleted', link: link('eth1', false) })).toEqual([{ ifname: 'eth1', up: false }]);
    expect(interfaceFaultLog('VI_1', 'eth1')).toBe('(VI_1): entering FAULT state (interface eth1 down)');
  });
});

describe('track_interface in a namespace', () => {
  let lab: Lab;
  let p: LabProcess;
  interface Line { changes?: { ifname: string; up: boolean }[]; effective?: number; faults?: string[]; ready?: boolean }
  const after = (n: number) => jsonLines<Line>(p).filter((l) => l.changes).slice(n);

  beforeAll(async () => {
    lab = await createLab({ prefix: 'i7i', routers: 1 });
    await lab.execOk('r1', 'ip', ['link', 'add', 'i7a', 'type', 'veth', 'peer', 'name', 'i7b']);
    await lab.execOk('r1', 'ip', ['link', 'set', 'i7b', 'up']);
    await lab.execOk('r1', 'ip', ['link', 'set', 'i7a', 'up']);
    const tracked = [{ name: 'i7a', weight: -20 }, { name: 'i7b' }];
    p = spawnTs(lab, 'r1', join(repoRoot, 'test/issue7/scripts/iftrack.ts'), [JSON.stringify(tracked), '100'], { stdin: true });
    await waitForLine<Line>(p, (l) => !!l.ready, 20_000, 'iftrack ready');
  }, 60_000);
  afterAll(async () => {
    p?.child.stdin?.end();
    await lab?.destroy();
  });

  it('starts from the link dump: both up, priority 100, no fault', () => {
    expect(jsonLines<Line>(p)[0]).toEqual({ changes: [{ ifname: 'i7a', up: true }, { ifname: 'i7b', up: true }], effective: 100, faults: [] });
  });

  it('ip link set i7a down: weight -20 lowers the priority; up restores it', async () => {
    const n = after(0).length;
    const t0 = Date.now();
    await lab.execOk('r1', 'ip', ['link', 'set', 'i7a', 'down']);
    // the peer loses carrier too (veth): i7b not running → weight 0 → FAULT
    const l = await waitForLine<Line>(p, (x) => !!x.changes?.some((c) => c.ifname === 'i7a' && !c.up), 3000, 'i7a down');
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(l.effective).toBe(80);
    await waitForLine<Line>(p, (x) => !!x.faults?.includes('interface i7b'), 3000, 'i7b loses carrier → FAULT');
    await lab.execOk('r1', 'ip', ['link', 'set', 'i7a', 'up']);
    await waitFor(() => after(n).some((x) => x.effective === 100 && x.faults?.length === 0), { timeoutMs: 3000, intervalMs: 20, what: 'both up again' });
  });

  it('deleting the interface counts as down', async () => {
    await lab.execOk('r1', 'ip', ['link', 'del', 'i7a']);
    const l = await waitForLine<Line>(p, (x) => !!x.faults?.includes('interface i7b') && x.effective === 80, 3000, 'deleted pair down');
    expect(l.faults).toEqual(['interface i7b']);
  });
});
