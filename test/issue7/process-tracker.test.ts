// vrrp_track_process by /proc polling, against real processes the test starts and kills by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrackProcess } from '../../src/config/ast.js';
import { matchSpecOf, ProcessQuorum, ProcessTracker, processMatches, quorumLog, readProcs } from '../../src/vrrp/track/process-tracker.js';
import { waitFor } from '../lab/lab.js';

const loc = { file: 'test.conf', line: 1 } as unknown as TrackProcess['loc'];
const tp = (o: Partial<TrackProcess>): TrackProcess => ({
  name: 'tp', paramMatch: 'none', weight: 0, weightReverse: false, quorum: 1, delayMs: 0, terminateDelayMs: 0, forkDelayMs: 0, fullCommand: false, loc, ...o,
});

describe('process matching (check_params)', () => {
  const p = (comm: string, argv: string[]) => ({ pid: 1, comm, argv });
  it('comm by default, argv[0] with full_command', () => {
    expect(processMatches(matchSpecOf(tp({ process: 'nginx' })), p('nginx', ['/usr/sbin/nginx', '-g']))).toBe(true);
    expect(processMatches(matchSpecOf(tp({ process: 'nginx', fullCommand: true })), p('nginx', ['/usr/sbin/nginx']))).toBe(false);
    expect(processMatches(matchSpecOf(tp({ process: '/usr/sbin/nginx', fullCommand: true })), p('nginx', ['/usr/sbin/nginx', '-g']))).toBe(true);
  });
  it('args imply full command and exact parameters', () => {
    const s = matchSpecOf(tp({ process: '/bin/app', args: ['-c', 'x.conf'] }));
    expect(s).toMatchObject({ fullCommand: true, paramMatch: 'exact' });
    expect(processMatches(s, p('app', ['/bin/app', '-c', 'x.conf']))).toBe(true);
    expect(processMatches(s, p('app', ['/bin/app', '-c', 'x.conf', '-d']))).toBe(false);
    expect(processMatches(s, p('app', ['/bin/app', '-c']))).toBe(false);
  });
  it('partial: leading whole parameters; initial: the last one may be a prefix', () => {
    const partial = matchSpecOf(tp({ process: '/bin/app', args: ['-c'], paramMatch: 'partial' }));
    expect(processMatches(partial, p('app', ['/bin/app', '-c', 'x.conf']))).toBe(true);
    expect(processMatches(partial, p('app', ['/bin/app', '-cfoo']))).toBe(false);
    const initial = matchSpecOf(tp({ process: '/bin/app', args: ['-c'], paramMatch: 'initial' }));
    expect(processMatches(initial, p('app', ['/bin/app', '-cfoo']))).toBe(true);
    expect(processMatches(initial, p('app', ['/bin/app', '-d']))).toBe(false);
  });
});

describe('quorum with fork_delay / terminate_delay (injected clock)', () => {
  it('first scan sets the state silently; changes wait their delay; a bounce back cancels', () => {
    const q = new ProcessQuorum({ quorum: 2, quorumMax: 3, forkDelayMs: 500, terminateDelayMs: 1000 });
    expect(q.observe(2, 0)).toBeUndefined();
    expect(q.up).toBe(true);
    expect(q.observe(1, 100)).toBeUndefined();      // lost, waiting terminate_delay
    expect(q.nextDeadlineMs).toBe(1100);
    expect(q.observe(2, 600)).toBeUndefined();      // back before the delay: nothing
    expect(q.nextDeadlineMs).toBeUndefined();
    expect(q.observe(4, 700)).toBeUndefined();      // above quorum_max
    expect(q.observe(4, 1700)).toEqual({ kind: 'quorum', up: false, count: 4 });
    expect(q.observe(3, 1800)).toBeUndefined();
    expect(q.observe(3, 2300)).toEqual({ kind: 'quorum', up: true, count: 3 });
  });
  it('no delay reports at once', () => {
    const q = new ProcessQuorum({ quorum: 1, forkDelayMs: 0, terminateDelayMs: 0 });
    q.observe(0, 0);
    expect(q.observe(5, 1)).toEqual({ kind: 'quorum', up: true, count: 5 });
    expect(quorumLog('tp', true)).toBe('Quorum gained for tracked process tp');
  });
});

describe('ProcessTracker on the real /proc', () => {
  const dir = mkdtempSync(join(tmpdir(), 'i7-tp-'));
  // A copy of sleep under a unique name gives a comm no other process on the machine has.
  const comm = `i7s${process.pid}`.slice(0, 15);
  const bin = join(dir, comm);
  copyFileSync('/bin/sleep', bin);
  const kids: ChildProcess[] = [];
  const start = (args: string[]) => { const c = spawn(bin, args, { stdio: 'ignore' }); kids.push(c); return c; };
  const kill = async (c: ChildProcess) => { const gone = new Promise((r) => c.once('exit', r)); process.kill(c.pid!, 'SIGKILL'); await gone; };
  afterAll(() => {
    for (const c of kids) if (c.exitCode === null && c.signalCode === null) try { process.kill(c.pid!, 'SIGKILL'); } catch { /* gone */ }
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads comm and argv from /proc', async () => {
    const c = start(['60', '7']);
    await waitFor(async () => (await readProcs(true)).some((p) => p.pid === c.pid), { timeoutMs: 2000, what: 'child in /proc' });
    const me = (await readProcs(true)).find((p) => p.pid === c.pid)!;
    expect(me).toEqual({ pid: c.pid, comm, argv: [bin, '60', '7'] });
    await kill(c);
  });

  it('quorum 2 by comm: gained with two processes, lost within a poll after one is killed', async () => {
    const events: [string, boolean, number][] = [];
    const logs: string[] = [];
    const t = new ProcessTracker({
      trackers: [tp({ name: 'by_comm', process: comm, quorum: 2 }), tp({ name: 'by_args', process: bin, args: ['61'], paramMatch: 'partial' })],
      onChange: (n, up, count) => events.push([n, up, count]), log: (l) => logs.push(l), pollIntervalMs: 100,
    });
    await t.start();
    try {
      expect([t.up('by_comm'), t.up('by_args')]).toEqual([false, false]);
      const a = start(['61', '1']);
      const b = start(['62']);
      await waitFor(() => t.up('by_comm') && t.up('by_args'), { timeoutMs: 3000, intervalMs: 20, what: 'quorum gained' });
      expect(events).toContainEqual(['by_comm', true, 2]);
      expect(events).toContainEqual(['by_args', true, 1]);
      const t0 = Date.now();
      await kill(a);
      await waitFor(() => !t.up('by_comm') && !t.up('by_args'), { timeoutMs: 3000, intervalMs: 20, what: 'quorum lost' });
      expect(Date.now() - t0).toBeLessThan(1000);
      expect(logs).toContain('Quorum lost for tracked process by_comm');
      expect(t.count('by_comm')).toBe(1);
      await kill(b);
    } finally {
      t.stop();
    }
  });

  it('terminate_delay holds the quorum while the process is restarted within the delay', async () => {
    const events: boolean[] = [];
    const t = new ProcessTracker({ trackers: [tp({ name: 'd', process: comm, terminateDelayMs: 800 })], onChange: (_n, up) => events.push(up), pollIntervalMs: 50 });
    const a = start(['63']);
    await waitFor(async () => (await readProcs(false)).some((p) => p.pid === a.pid), { timeoutMs: 2000, what: 'child in /proc' });
    await t.start();
    try {
      expect(t.up('d')).toBe(true);
      await kill(a);
      await new Promise((r) => setTimeout(r, 200));
      start(['64']);
      await new Promise((r) => setTimeout(r, 1000));
      expect(events).toEqual([]);
      expect(t.up('d')).toBe(true);
    } finally {
      t.stop();
    }
  });
});
