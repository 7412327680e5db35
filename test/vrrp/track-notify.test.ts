// Trackers and notifications around the VRRP core: vrrp_script result tracking (rise, fall,
// init_fail, keepalived's log texts), effective priority recomputed from scratch, the script
// runner (timeouts kill the process group; missing scripts fail), notify queues (in order, never
// overlapping) and the notify FIFO (keepalived's line format; no reader never blocks).
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ScriptState } from '../../src/vrrp/track/script-state.js';
import { effectivePriority } from '../../src/vrrp/track/priority.js';
import { runScript } from '../../src/vrrp/track/script-runner.js';
import { NotifyQueue, notifyJobs } from '../../src/vrrp/notify/queue.js';
import { FifoWriter, fifoLine } from '../../src/vrrp/notify/fifo.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-track-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
function script(name: string, body: string, mode = 0o755): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, `#!/bin/sh\n${body}\n`, { mode });
  return p;
}

describe('vrrp_script state (rise/fall)', () => {
  it('one success is enough at start; fall failures make it fail; rise successes bring it back', () => {
    const s = new ScriptState({ name: 'chk', rise: 2, fall: 3, initFail: false });
    const seq = [0, 1, 1, 1, 0, 0].map((st) => s.handle({ kind: 'exit', status: st }));
    expect(seq.map((u) => [u.changed, u.ok])).toEqual([[true, true], [false, true], [false, true], [true, false], [false, false], [true, true]]);
    expect(seq[0]!.logs).toEqual(['Script `chk` now returning 0', 'VRRP_Script(chk) succeeded']);
    expect(seq[3]!.logs).toEqual(['VRRP_Script(chk) failed (exited with status 1)']);
    expect(seq[1]!.logs).toEqual(['Script `chk` now returning 1']);
  });
  it('the first failure after start counts at once; timeouts and signals are failures', () => {
    const s = new ScriptState({ name: 'c', rise: 3, fall: 3, initFail: false });
    expect(s.handle({ kind: 'timeout' })).toMatchObject({ changed: true, ok: false, fromInit: true, logs: ['VRRP_Script(c) timed_out'] });
    const t = new ScriptState({ name: 'c', rise: 1, fall: 1, initFail: false });
    expect(t.handle({ kind: 'signal', signal: 9 }).logs).toEqual(['VRRP_Script(c) failed (due to signal 9)']);
  });
  it('init_fail starts failed; a missing script is a failure with its reason (keepalived issue #2126)', () => {
    const s = new ScriptState({ name: 'c', rise: 1, fall: 1, initFail: true });
    expect(s.ok).toBe(false);
    const m = new ScriptState({ name: 'gone', rise: 1, fall: 1, initFail: false });
    const u = m.handle({ kind: 'error', reason: 'cannot execute /no/such: No such file or directory' });
    expect(u).toMatchObject({ changed: true, ok: false });
    expect(u.logs).toEqual(['VRRP_Script(gone) failed (cannot execute /no/such: No such file or directory)']);
  });
});

describe('effective priority', () => {
  const t = (name: string, weight: number, ok: boolean, reverse = false) => ({ name, weight, ok, reverse });
  it('adds positive weights while OK and negative ones while failed, reverse negating the weight (keepalived weight_multiplier)', () => {
    expect(effectivePriority(100, [t('a', 10, true), t('b', -20, false), t('c', -5, true), t('d', 7, false)]).effective).toBe(90);
    // weight -20 reverse: nothing while OK, +20 while failed; weight 10 reverse: -10 while OK, nothing while failed
    expect(effectivePriority(100, [t('r', -20, true, true)]).effective).toBe(100);
    expect(effectivePriority(100, [t('r', -20, false, true)]).effective).toBe(120);
    expect(effectivePriority(100, [t('r', 10, true, true)]).effective).toBe(90);
    expect(effectivePriority(100, [t('r', 10, false, true)]).effective).toBe(100);
    // weight 0 reverse: FAULT while OK
    expect(effectivePriority(100, [t('r', 0, true, true)]).faults).toEqual(['r']);
    expect(effectivePriority(100, [t('r', 0, false, true)]).faults).toEqual([]);
  });
  it('clamps to 1..254 and never touches an address owner', () => {
    expect(effectivePriority(250, [t('a', 100, true)]).effective).toBe(254);
    expect(effectivePriority(10, [t('a', -100, false)]).effective).toBe(1);
    expect(effectivePriority(255, [t('a', -100, false)]).effective).toBe(255);
  });
  it('unweighted failures and file results below -253 are FAULT', () => {
    expect(effectivePriority(100, [t('script chk', 0, false), t('interface eth1', 0, true)]).faults).toEqual(['script chk']);
    expect(effectivePriority(100, [], [{ name: 'file f', weight: -2, reverse: false, value: 200 }]).faults).toEqual(['file f']);
    expect(effectivePriority(100, [], [{ name: 'file f', weight: 3, reverse: false, value: 5 }]).effective).toBe(115);
  });
  it('is recomputed from the base every time, so it never accumulates (keepalived issue #1009)', () => {
    const trackers = [t('eth1', -10, false)];
    const a = effectivePriority(100, trackers).effective;
    const b = effectivePriority(100, trackers).effective;
    expect([a, b]).toEqual([90, 90]);
  });
});

describe('script runner', () => {
  it('reports exit statuses', async () => {
    expect((await runScript({ argv: [script('ok.sh', 'exit 0')], timeoutMs: 5000 })).outcome).toEqual({ kind: 'exit', status: 0 });
    expect((await runScript({ argv: [script('three.sh', 'exit 3')], timeoutMs: 5000 })).outcome).toEqual({ kind: 'exit', status: 3 });
  });
  it('a missing or non-executable script is a failure with the reason', async () => {
    expect((await runScript({ argv: ['/nonexistent/chk.sh'], timeoutMs: 1000 })).outcome).toEqual({ kind: 'error', reason: 'cannot execute /nonexistent/chk.sh: No such file or directory' });
    const p = script('noexec.sh', 'exit 0', 0o644);
    const r = (await runScript({ argv: [p], timeoutMs: 1000 })).outcome;
    expect(r.kind).toBe('error');
  });
  it('a hanging script, and everything it started, is killed at the timeout', async () => {
    const pidFile = path.join(dir, 'children.pids');
    const p = script('hang.sh', `for i in 1 2 3 4 5 6 7 8; do sleep 300 & echo $! >> ${pidFile}; done\nsleep 300`);
    const t0 = Date.now();
    const r = await runScript({ argv: [p], timeoutMs: 400, killGraceMs: 200 });
    expect(r.outcome).toEqual({ kind: 'timeout' });
    expect(Date.now() - t0).toBeLessThan(3000);
    const pids = fs.readFileSync(pidFile, 'utf8').trim().split('\n').map(Number);
    expect(pids.length).toBe(8);
    await new Promise((res) => setTimeout(res, 300));
    // dead children may linger as zombies until PID 1 reaps them: only running ones count
    const alive = pids.filter((pid) => {
      try { return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] !== 'Z'; } catch { return false; }
    });
    expect(alive).toEqual([]);
  });
  it('megabytes of output cost nothing', async () => {
    const p = script('chatty.sh', 'head -c 20000000 /dev/zero; exit 0');
    expect((await runScript({ argv: [p], timeoutMs: 10_000 })).outcome).toEqual({ kind: 'exit', status: 0 });
  });
});

describe('notify queue', () => {
  it('builds keepalived arguments: the state script alone, then notify with INSTANCE NAME STATE PRIORITY', () => {
    const s = (cmd: string) => ({ cmd, argv: cmd.split(' '), loc: { file: 'f', line: 1 } });
    expect(notifyJobs('INSTANCE', 'VI_1', { master: s('/m.sh x'), generic: s('/n.sh') }, 'MASTER', 150).map((j) => j.argv)).toEqual([['/m.sh', 'x'], ['/n.sh', 'INSTANCE', 'VI_1', 'MASTER', '150']]);
    expect(notifyJobs('GROUP', 'G', { generic: s('/n.sh') }, 'BACKUP', 150).map((j) => j.argv)).toEqual([['/n.sh', 'GROUP', 'G', 'BACKUP', '0']]);
    expect(notifyJobs('INSTANCE', 'VI_1', { deleted: true, generic: s('/n.sh') }, 'DELETED', 100).map((j) => j.argv)).toEqual([['/n.sh', 'INSTANCE', 'VI_1', 'DELETED', '100']]);
  });
  it('runs one instance\'s scripts in event order, never overlapping', async () => {
    const log = path.join(dir, 'order.log');
    const p = script('slow.sh', `echo "start $1" >> ${log}; sleep 0.2; echo "end $1" >> ${log}`);
    const q = new NotifyQueue({ timeoutMs: 5000 });
    q.push({ argv: [p, 'MASTER'], what: 'notify_master' });
    q.push({ argv: [p, 'BACKUP'], what: 'notify_backup' }, { argv: [p, 'FAULT'], what: 'notify_fault' });
    await q.drain();
    expect(fs.readFileSync(log, 'utf8').trim().split('\n')).toEqual(['start MASTER', 'end MASTER', 'start BACKUP', 'end BACKUP', 'start FAULT', 'end FAULT']);
  });
});

describe('notify FIFO', () => {
  it('writes keepalived lines to a reader', async () => {
    const fifo = path.join(dir, 'notify.fifo');
    const out = path.join(dir, 'fifo.out');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('sh', ['-c', `cat ${fifo} > ${out}`], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 200));
    const logs: string[] = [];
    const w = new FifoWriter(fifo, (t) => logs.push(t));
    expect(w.write(fifoLine('INSTANCE', 'VI_1', 'MASTER', 100))).toBe(true);
    expect(w.write(fifoLine('GROUP', 'G1', 'BACKUP', 0))).toBe(true);
    w.close();
    await new Promise<void>((r) => reader.on('exit', () => r()));
    expect(fs.readFileSync(out, 'utf8')).toBe('INSTANCE "VI_1" MASTER 100\nGROUP "G1" BACKUP 0\n');
    expect(logs).toEqual([]);
  });
  it('with no reader, never blocks: lines wait in the pipe for a later reader; a full pipe drops lines, logged once', async () => {
    const fifo = path.join(dir, 'lonely.fifo');
    const logs: string[] = [];
    const w = new FifoWriter(fifo, (t) => logs.push(t));
    w.ensure();
    const t0 = Date.now();
    expect(w.write('INSTANCE "VI_1" MASTER 100\n')).toBe(true);
    expect(w.write('INSTANCE "VI_1" BACKUP 100\n')).toBe(true);
    expect(Date.now() - t0).toBeLessThan(100);
    // a reader that opens later gets what was written before it came (keepalived opens the FIFO O_RDWR)
    const out = path.join(dir, 'late.out');
    const reader = spawn('sh', ['-c', `head -c 54 ${fifo} > ${out}`], { stdio: 'ignore' });
    await new Promise<void>((r) => reader.on('exit', () => r()));
    expect(fs.readFileSync(out, 'utf8')).toBe('INSTANCE "VI_1" MASTER 100\nINSTANCE "VI_1" BACKUP 100\n');
    // nobody reading: the pipe fills (64 KiB), then lines are dropped at once, and that is said once
    const line = `${'x'.repeat(1000)}\n`;
    const t1 = Date.now();
    let dropped = 0;
    for (let i = 0; i < 200; i++) if (!w.write(line)) dropped++;
    expect(Date.now() - t1).toBeLessThan(500);
    expect(dropped).toBeGreaterThan(100);
    expect(logs).toEqual([`Write to notify FIFO ${fifo} failed - FIFO full (no reader?), line dropped`]);
    w.close();
  });
});
