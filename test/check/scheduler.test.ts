// Sans-I/O scheduler against a fake clock: exact times of down/up transitions, log texts, IPVS actions.
import { describe, expect, it } from 'vitest';
import { BOOTSTRAP_DELAY_MS, CheckScheduler, checkerId } from '../../src/check/scheduler.js';
import type { CheckerSpec, ProbeResult } from '../../src/check/types.js';
import { SimLoop } from './sim.js';
import { rs, tcpCheck, timing, vs } from './specs.js';

const OK: ProbeResult = { ok: true };
const FAIL: ProbeResult = { ok: false, reason: 'failed' };
const RS = '[10.0.0.2]:tcp:80';
const VS = '[10.0.0.1]:tcp:80';

/** A server that is up except inside the given [from, to) windows. */
function downDuring(windows: Array<[number, number]>) {
  return (_s: CheckerSpec, _u: number | undefined, now: number) => ({ result: windows.some(([a, b]) => now >= a && now < b) ? FAIL : OK });
}

const zero = () => 0;

describe('TCP_CHECK timing', () => {
  const delayLoop = 10_000;
  const dbr = 3_000;
  const retry = 2;
  const make = (o = {}) => vs('10.0.0.1', 80, [rs('10.0.0.2', 80, [tcpCheck('10.0.0.2', 80, { delayLoopMs: delayLoop, delayBeforeRetryMs: dbr, retry, ...o })])]);

  it('first run at BOOTSTRAP_DELAY + random × warmup', () => {
    const sched = new CheckScheduler([make({ warmupMs: 8_000 })], { random: () => 0.25 });
    const sim = new SimLoop(sched, downDuring([]));
    sim.start();
    sim.run(30_000);
    const first = BOOTSTRAP_DELAY_MS + 0.25 * 8_000;
    expect(sim.probeTimes()).toEqual([first, first + delayLoop, first + 2 * delayLoop]);
  });

  it('a failure is retried `retry` times, delay_before_retry apart, then the RS is removed; one success brings it back', () => {
    const sched = new CheckScheduler([make()], { random: zero });
    // Down from 20 s to 45 s.
    const sim = new SimLoop(sched, downDuring([[20_000, 45_000]]));
    sim.start();
    sim.run(80_000);
    const t0 = BOOTSTRAP_DELAY_MS;
    const firstFail = t0 + 2 * delayLoop; // 21 s
    const downAt = firstFail + retry * dbr; // 27 s
    // While down, tcp_epilog keeps counting retries: after delay_loop come `retry` quick re-tries.
    const p = sim.probeTimes();
    expect(p.slice(0, 6)).toEqual([t0, t0 + delayLoop, firstFail, firstFail + dbr, downAt, downAt + delayLoop]);
    // 37 s fails (retry 1), 40 s (retry 2), 43 s reaches the limit → delay_loop → 53 s succeeds.
    const upAt = downAt + delayLoop + retry * dbr + delayLoop;
    expect(p.slice(5, 9)).toEqual([downAt + delayLoop, downAt + delayLoop + dbr, downAt + delayLoop + 2 * dbr, upAt]);
    expect(sim.ipvs()).toEqual([[0, 'add 10.0.0.2:80 w1'], [downAt, 'del 10.0.0.2:80'], [upAt, 'add 10.0.0.2:80 w1']]);
    const logs = sim.logs().map(([t, s]) => `${t} ${s}`);
    expect(logs).toContain(`${downAt} TCP_CHECK on service ${RS} failed after 2 retries.`);
    expect(logs).toContain(`${downAt} Removing service ${RS} from VS ${VS}`);
    expect(logs).toContain(`${upAt} TCP connection to ${RS} success.`);
    expect(logs).toContain(`${upAt} Adding service ${RS} to VS ${VS}`);
  });

  it('without alpha the first failure is enough, and logs without "after N retries"', () => {
    const sched = new CheckScheduler([make()], { random: zero });
    const sim = new SimLoop(sched, downDuring([[0, 1e9]]));
    sim.start();
    sim.run(2_000);
    expect(sim.ipvs()).toEqual([[0, 'add 10.0.0.2:80 w1'], [BOOTSTRAP_DELAY_MS, 'del 10.0.0.2:80']]);
    expect(sim.logs().map(([, s]) => s)).toContain(`TCP_CHECK on service ${RS} failed.`);
  });

  it('log_all_failures logs each failed connection while up', () => {
    const sched = new CheckScheduler([make({ logAllFailures: true })], { random: zero });
    const sim = new SimLoop(sched, downDuring([[20_000, 1e9]]));
    sim.start();
    sim.run(28_000);
    const fails = sim.logs().filter(([, s]) => s === `TCP connection to ${RS} failed.`).map(([t]) => t);
    expect(fails).toEqual([21_000, 24_000, 27_000]);
  });
});

describe('alpha and inhibit_on_failure', () => {
  it('alpha: the RS is not in the pool until its first success', () => {
    const v = vs('10.0.0.1', 80, [rs('10.0.0.2', 80, [tcpCheck('10.0.0.2', 80, { alpha: true, delayLoopMs: 5_000 })])]);
    const sim = new SimLoop(new CheckScheduler([v], { random: zero }), downDuring([[0, 10_000]]));
    sim.start();
    expect(sim.ipvs()).toEqual([]);
    sim.run(20_000);
    // 1 s fails (first run: logged, RS stays out), 6 s fails (retry after 1 s), 7 s fails (limit → delay_loop), 12 s succeeds.
    expect(sim.probeTimes().slice(0, 4)).toEqual([1_000, 6_000, 7_000, 12_000]);
    expect(sim.ipvs()).toEqual([[12_000, 'add 10.0.0.2:80 w1']]);
    expect(sim.logs().filter(([, s]) => s.includes('failed'))).toEqual([[1_000, `TCP_CHECK on service ${RS} failed.`]]);
  });

  it('inhibit_on_failure sets weight 0 instead of removing, and restores the weight', () => {
    const v = vs('10.0.0.1', 80, [rs('10.0.0.2', 80, [tcpCheck('10.0.0.2', 80, { delayLoopMs: 5_000, retry: 0 })], { inhibitOnFailure: true, weight: 7 })]);
    const sim = new SimLoop(new CheckScheduler([v], { random: zero }), downDuring([[5_000, 12_000]]));
    sim.start();
    sim.run(20_000);
    expect(sim.ipvs()).toEqual([[0, 'add 10.0.0.2:80 w7'], [6_000, 'weight 10.0.0.2:80 w0'], [16_000, 'weight 10.0.0.2:80 w7']]);
    const logs = sim.logs().map(([, s]) => s);
    expect(logs).toContain(`Disabling service ${RS} of VS ${VS}`);
    expect(logs).toContain(`Enabling service ${RS} of VS ${VS}`);
    sim.stop();
    expect(sim.ipvs().at(-1)![1]).toBe('del 10.0.0.2:80');
  });
});

describe('quorum, hysteresis and sorry server', () => {
  it('loses quorum only below quorum-hysteresis, regains at quorum+hysteresis, swapping the sorry server', () => {
    const servers = ['10.0.0.2', '10.0.0.3', '10.0.0.4'];
    const v = vs('10.0.0.1', 80, servers.map((ip) => rs(ip, 80, [tcpCheck(ip, 80, { delayLoopMs: 10_000, retry: 0 })])), {
      quorum: 2, hysteresis: 1, sorryServer: { ip: '10.0.0.9', port: 80, inhibit: false },
      quorumUp: ['/bin/up.sh'], quorumDown: ['/bin/down.sh'], smtpAlert: true,
    });
    // Server i is down in [20 s + 10 s·i, 60 s + 10 s·i).
    const sim = new SimLoop(new CheckScheduler([v], { random: zero }), (spec, _u, now) => {
      const i = servers.indexOf((spec as { conn: { connectIp: string } }).conn.connectIp);
      const down = now >= 20_000 + 10_000 * i && now < 60_000 + 10_000 * i;
      return { result: down ? FAIL : OK };
    });
    sim.start();
    sim.run(120_000);
    const logs = sim.logs().map(([t, s]) => `${t} ${s}`);
    expect(logs).toContain(`0 Gained quorum 2+1=3 <= 3 for VS ${VS}`);
    // Servers fail at 21, 31, 41 s. Weight 2 and 1 still ≥ 2-1; weight 0 loses quorum.
    expect(logs).toContain(`41000 Lost quorum 2-1=1 > 0 for VS ${VS}`);
    expect(logs).toContain(`41000 Adding sorry server [10.0.0.9]:tcp:80 to VS ${VS}`);
    // They recover at 61, 71, 81 s: only the third brings weight 3 = 2+1.
    expect(logs).toContain(`81000 Gained quorum 2+1=3 <= 3 for VS ${VS}`);
    expect(logs).toContain(`81000 Removing sorry server [10.0.0.9]:tcp:80 from VS ${VS}`);
    expect(sim.ipvs().filter(([t]) => t > 0)).toEqual([
      [21_000, 'del 10.0.0.2:80'], [31_000, 'del 10.0.0.3:80'], [41_000, 'del 10.0.0.4:80'],
      [41_000, 'add-sorry 10.0.0.9:80 w1'],
      // While the sorry server serves, recovering servers are not put back...
      [81_000, 'del-sorry 10.0.0.9:80'],
      // ...until quorum is regained: "Adding alive servers to the pool".
      [81_000, 'add 10.0.0.2:80 w1'], [81_000, 'add 10.0.0.3:80 w1'], [81_000, 'add 10.0.0.4:80 w1'],
    ]);
    const mails = sim.actions.filter(({ a }) => a.type === 'smtpAlert').map(({ t, a }) => [t, (a as { subject: string }).subject, (a as { body: string }).body]);
    expect(mails).toEqual([
      [0, `Virtualserver ${VS} - UP`, '=> Starting with quorum up 2+1=3 <= 3 <='],
      [41_000, `Virtualserver ${VS} - DOWN`, '=> Lost quorum 2+1=1 <= 0 <='],
      [81_000, `Virtualserver ${VS} - UP`, '=> Gained quorum 2+1=3 <= 3 <='],
    ]);
    const scripts = sim.actions.filter(({ a }) => a.type === 'runScript').map(({ t, a }) => [t, (a as { argv: string[] }).argv[0]]);
    expect(scripts).toEqual([[0, '/bin/up.sh'], [41_000, '/bin/down.sh'], [81_000, '/bin/up.sh']]);
    const fifo = sim.actions.filter(({ a }) => a.type === 'notifyFifo').map(({ a }) => (a as { line: string }).line);
    expect(fifo).toContain(`VS ${VS} DOWN\n`);
    expect(fifo).toContain(`RS [10.0.0.2]:tcp:80 ${VS} DOWN\n`);
  });

  it('starts with quorum down and the sorry server when quorum exceeds the live weight', () => {
    const v = vs('10.0.0.1', 80, [rs('10.0.0.2', 80, [tcpCheck('10.0.0.2', 80)])], { quorum: 1, hysteresis: 0, sorryServer: { ip: '10.0.0.9', port: 80, inhibit: false } });
    v.realServers[0]!.checkers[0]!.alpha = true;
    const sim = new SimLoop(new CheckScheduler([v], { random: zero }), downDuring([[0, 1e9]]));
    sim.start();
    expect(sim.logs().map(([, s]) => s)).toContain(`Starting with quorum down 1-0=1 > 0 for VS ${VS}`);
    expect(sim.ipvs()).toEqual([[0, 'add-sorry 10.0.0.9:80 w1']]);
  });
});

describe('several checkers, MISC dynamic weight', () => {
  it('an RS is up only when all its checkers are up', () => {
    const a = tcpCheck('10.0.0.2', 80, { delayLoopMs: 10_000, retry: 0 });
    const b = tcpCheck('10.0.0.2', 443, { delayLoopMs: 10_000, retry: 0 });
    const v = vs('10.0.0.1', 80, [rs('10.0.0.2', 80, [a, b])]);
    const sim = new SimLoop(new CheckScheduler([v], { random: zero }), (spec, _u, now) => {
      const port = (spec as { conn: { connectPort: number } }).conn.connectPort;
      const down = port === 80 ? now >= 10_000 && now < 40_000 : now >= 20_000 && now < 50_000;
      return { result: down ? FAIL : OK };
    });
    sim.start();
    sim.run(60_000);
    // Checker 80 fails at 11 s (removed), 443 fails at 21 s (already out); 80 recovers at 41 s (443 still down), 443 at 51 s.
    expect(sim.ipvs()).toEqual([[0, 'add 10.0.0.2:80 w1'], [11_000, 'del 10.0.0.2:80'], [51_000, 'add 10.0.0.2:80 w1']]);
  });

  it('misc_dynamic exit status 2..255 sets weight status-2; 1 fails; timing counts from the script start', () => {
    const misc: CheckerSpec = { type: 'MISC_CHECK', miscPath: ['/bin/check.sh', 'arg'], miscTimeoutMs: 5_000, miscDynamic: true, ...timing({ delayLoopMs: 10_000, retry: 0 }) };
    const v = vs('10.0.0.1', 80, [rs('10.0.0.2', 80, [misc])]);
    const statuses = [5, 5, 12, 1, 0];
    let n = 0;
    const sim = new SimLoop(new CheckScheduler([v], { random: zero }), () => ({ result: (s => s === 1 ? { ok: false, reason: 'exit', exitStatus: 1 } : { ok: true, exitStatus: s })(statuses[Math.min(n++, statuses.length - 1)]!), durationMs: 2_000 }));
    sim.start();
    sim.run(50_000);
    // Scripts take 2 s but start every 10 s (1, 11, 21, 31, 41 s).
    expect(sim.probeTimes()).toEqual([1_000, 11_000, 21_000, 31_000, 41_000]);
    const logs = sim.logs().map(([t, s]) => `${t} ${s}`);
    expect(logs).toContain(`3000 Changing weight from 1 to 3 for active service ${RS} of VS ${VS}`);
    expect(logs).toContain(`23000 Changing weight from 3 to 10 for active service ${RS} of VS ${VS}`);
    expect(logs).toContain(`33000 Misc check for [${RS} VS ${VS}] by [/bin/check.sh] failed with retry disabled (exited with status 1).`);
    expect(logs).toContain(`43000 Misc check for [${RS} VS ${VS}] by [/bin/check.sh] succeeded.`);
    expect(sim.ipvs()).toEqual([
      [0, 'add 10.0.0.2:80 w1'], [3_000, 'weight 10.0.0.2:80 w3'], [23_000, 'weight 10.0.0.2:80 w10'],
      [33_000, 'del 10.0.0.2:80'], [43_000, 'add 10.0.0.2:80 w1'],
    ]);
  });
});

describe('HTTP_GET urls and retries', () => {
  it('checks one url per delay_loop and goes down after retry × delay_before_retry on a failing url', () => {
    const http: CheckerSpec = {
      type: 'HTTP_GET', conn: { connectIp: '10.0.0.2', connectPort: 80, connectTimeoutMs: 2_000 }, httpProtocol: '1.0', fastRecovery: false, enableSni: false,
      urls: [{ path: '/a', statusCodes: [[200, 299]] }, { path: '/b', statusCodes: [[200, 299]] }],
      ...timing({ delayLoopMs: 10_000, retry: 1, delayBeforeRetryMs: 3_000 }),
    };
    const v = vs('10.0.0.1', 80, [rs('10.0.0.2', 80, [http])]);
    const calls: Array<[number, number | undefined]> = [];
    // /b fails from 25 s, each failure a connect timeout (2 s).
    const sim = new SimLoop(new CheckScheduler([v], { random: zero }), (_s, u, now) => {
      calls.push([now, u]);
      const fail = u === 1 && now >= 25_000;
      return fail ? { result: { ok: false, reason: 'Timeout connecting' }, durationMs: 2_000 } : { result: OK };
    });
    sim.start();
    sim.run(60_000);
    // /a 1 s, /b 11 s, /a 21 s, /b 31 s fails (at 33 s), retry at 36 s fails (38 s) → down.
    expect(calls.slice(0, 5)).toEqual([[1_000, 0], [11_000, 1], [21_000, 0], [31_000, 1], [36_000, 1]]);
    const logs = sim.logs().map(([t, s]) => `${t} ${s}`);
    expect(logs).toContain(`38000 HTTP_CHECK on service ${RS} failed after 1 retries.`);
    expect(logs).toContain(`38000 Removing service ${RS} from VS ${VS}`);
    // Down: the failed url is re-tried every max(delay_before_retry, delay_loop).
    expect(calls[5]).toEqual([48_000, 1]);
  });
});

describe('checker ids and stop', () => {
  it('ignores stray results and stops scheduling after stop', () => {
    const v = vs('10.0.0.1', 80, [rs('10.0.0.2', 80, [tcpCheck('10.0.0.2', 80)])]);
    const sched = new CheckScheduler([v], { random: zero });
    sched.start(0);
    const stray = sched.handle({ type: 'probeResult', checkerId: checkerId(0, 0, 0), result: OK }, 10);
    expect(stray).toEqual([{ type: 'log', text: 'Ignoring result for checker 0/0/0 that is not running' }]);
    const stop = sched.stop();
    // Without omega, shutdown notifies nothing: log, remove the RS, remove the VS.
    expect(stop.map((a) => a.type)).toEqual(['log', 'removeRealServer', 'removeVirtualServer']);
    expect(stop[0]).toEqual({ type: 'log', text: `Shutting down service ${RS} from VS ${VS}` });
    expect(sched.handle({ type: 'timer', timerId: checkerId(0, 0, 0) }, 20)).toEqual([]);
  });
});

describe('other checker types and options', () => {
  const http = (o: Partial<CheckerSpec> = {}): CheckerSpec => ({
    type: 'HTTP_GET', conn: { connectIp: '10.0.0.2', connectPort: 80, connectTimeoutMs: 1_000 }, httpProtocol: '1.0', fastRecovery: false, enableSni: false,
    urls: [{ path: '/', statusCodes: [[200, 299]] }], ...timing({ delayLoopMs: 10_000, retry: 0, delayBeforeRetryMs: 2_000 }), ...o,
  } as CheckerSpec);

  it('fast_recovery walks the remaining urls at once while the checker is not up yet', () => {
    const urls = [{ path: '/a', statusCodes: [[200, 299]] as Array<[number, number]> }, { path: '/b', statusCodes: [[200, 299]] as Array<[number, number]> }];
    const run = (fastRecovery: boolean) => {
      const v = vs('10.0.0.1', 80, [rs('10.0.0.2', 80, [http({ fastRecovery, alpha: true, urls } as Partial<CheckerSpec>)])]);
      const sim = new SimLoop(new CheckScheduler([v], { random: zero }), downDuring([]));
      sim.start();
      sim.run(25_000);
      return sim;
    };
    const fast = run(true);
    // /a at 1 s, /b at once (not up yet) → up at 1 s; then one url per delay_loop.
    expect(fast.probeTimes().slice(0, 3)).toEqual([1_000, 1_000, 11_000]);
    expect(fast.ipvs()).toEqual([[1_000, 'add 10.0.0.2:80 w1']]);
    const slow = run(false);
    expect(slow.probeTimes().slice(0, 2)).toEqual([1_000, 11_000]);
    expect(slow.ipvs()).toEqual([[11_000, 'add 10.0.0.2:80 w1']]);
  });

  it('content_length mismatch is logged once per distinct difference', () => {
    const v = vs('10.0.0.1', 80, [rs('10.0.0.2', 80, [http()])]);
    const sim = new SimLoop(new CheckScheduler([v], { random: zero }), () => ({ result: { ok: true, lengthMismatch: { contentLength: 10, rxBytes: 4 } } }));
    sim.start();
    sim.run(35_000);
    expect(sim.logs().filter(([, s]) => s.includes('content_length'))).toEqual([
      [1_000, `http_check for RS ${RS} VS ${VS} url /: content_length (10) does not match received bytes (4)`],
    ]);
  });

  it('SMTP_CHECK: retries counted with ++retry_it <= retry, logs with keepalived\'s prefix', () => {
    const smtp: CheckerSpec = { type: 'SMTP_CHECK', conn: { connectIp: '10.0.0.2', connectPort: 25, connectTimeoutMs: 1_000 }, heloName: 'h', ...timing({ delayLoopMs: 10_000, retry: 1, delayBeforeRetryMs: 2_000 }) };
    const v = vs('10.0.0.1', 25, [rs('10.0.0.2', 25, [smtp])]);
    const sim = new SimLoop(new CheckScheduler([v], { random: zero }), (_s, _u, now) => ({ result: now >= 10_000 ? { ok: false, reason: 'Bad greeting banner from server [10.0.0.2]:25' } : OK }));
    sim.start();
    sim.run(30_000);
    // 1 s ok; 11 s fails (retry 1 → 13 s), 13 s fails → down, next at 23 s.
    expect(sim.probeTimes()).toEqual([1_000, 11_000, 13_000, 23_000]);
    const logs = sim.logs().map(([t, s]) => `${t} ${s}`);
    expect(logs).toContain('1000 Remote SMTP server [10.0.0.2]:tcp:25 succeed on service.');
    expect(logs).toContain('13000 SMTP_CHECK Bad greeting banner from server [10.0.0.2]:25');
    expect(sim.ipvs()).toEqual([[0, 'add 10.0.0.2:25 w1'], [13_000, 'del 10.0.0.2:25']]);
  });

  it('DNS_CHECK: failures retried while up, "after N retries" on the last one', () => {
    const dns: CheckerSpec = { type: 'DNS_CHECK', conn: { connectIp: '10.0.0.2', connectPort: 53, connectTimeoutMs: 1_000 }, dnsType: 'SOA', dnsName: '.', ...timing({ delayLoopMs: 10_000, retry: 3, delayBeforeRetryMs: 10_000 }) };
    const v = vs('10.0.0.1', 53, [rs('10.0.0.2', 53, [dns])], { protocol: 'udp' });
    const sim = new SimLoop(new CheckScheduler([v], { random: zero }), (_s, _u, now) => ({ result: now >= 5_000 ? { ok: false, reason: 'read timeout from socket', timedOut: true } : OK }));
    sim.start();
    sim.run(50_000);
    expect(sim.logs().map(([t, s]) => `${t} ${s}`)).toContain('41000 DNS_CHECK ([10.0.0.2]:udp:53) read timeout from socket after 3 retries');
    expect(sim.ipvs().at(-1)).toEqual([41_000, 'del 10.0.0.2:53']);
  });

  it('FILE_CHECK: value × weight changes the RS weight; weight 0 tracks non-zero as down', () => {
    const file = (weight: number): CheckerSpec => ({ type: 'FILE_CHECK', trackFileName: 'tf', filePath: '/x', weight, reverse: false, ...timing({ delayLoopMs: 10_000 }) });
    const values = [3, 3, 0];
    let n = 0;
    const v = vs('10.0.0.1', 80, [rs('10.0.0.2', 80, [file(2)], { weight: 1 })]);
    const sim = new SimLoop(new CheckScheduler([v], { random: zero }), () => ({ result: { ok: true, weight: values[Math.min(n++, 2)]! } }));
    sim.start();
    sim.run(25_000);
    expect(sim.ipvs()).toEqual([[0, 'add 10.0.0.2:80 w1'], [1_000, 'weight 10.0.0.2:80 w7'], [21_000, 'weight 10.0.0.2:80 w1']]);
    const v0 = vs('10.0.0.1', 80, [rs('10.0.0.2', 80, [file(0)])]);
    const sim0 = new SimLoop(new CheckScheduler([v0], { random: zero }), (_s, _u, now) => ({ result: { ok: true, weight: now > 5_000 ? 1 : 0 } }));
    sim0.start();
    sim0.run(15_000);
    expect(sim0.ipvs()).toEqual([[0, 'add 10.0.0.2:80 w1'], [11_000, 'del 10.0.0.2:80']]);
  });

  it('ha_suspend: checkers wait for the VS address, and are suspended when it goes', () => {
    const v = vs('10.0.0.1', 80, [rs('10.0.0.2', 80, [tcpCheck('10.0.0.2', 80, { delayLoopMs: 10_000 })])], { haSuspend: true });
    const sched = new CheckScheduler([v], { random: zero });
    const sim = new SimLoop(sched, downDuring([]));
    sim.start();
    expect(sim.logs().filter(([, s]) => s.includes('healthchecker'))).toEqual([[0, `Deactivating healthchecker for service ${RS} for VS ${VS}`]]);
    sim.run(15_000);
    expect(sim.probeTimes()).toEqual([]);
    sim.actions.push(...sched.handle({ type: 'address', ip: '10.0.0.1', present: true }, 15_000).map((a) => ({ t: 15_000, a })));
    expect(sim.logs().at(-1)![1]).toBe(`Activating healthchecker for service ${RS} for VS ${VS}`);
    sim.run(30_000);
    expect(sim.probeTimes()).toEqual([21_000]);
    sim.actions.push(...sched.handle({ type: 'address', ip: '10.0.0.1', present: false }, 30_000).map((a) => ({ t: 30_000, a })));
    expect(sim.logs().at(-1)![1]).toBe(`Suspending healthchecker for service ${RS} for VS ${VS}`);
    sim.run(60_000);
    expect(sim.probeTimes()).toEqual([21_000]);
  });

  it('omega: shutdown runs notify_down, quorum_down and RS smtp alerts', () => {
    const v = vs('10.0.0.1', 80, [rs('10.0.0.2', 80, [tcpCheck('10.0.0.2', 80)], { notifyDown: ['/bin/rs-down'], smtpAlert: true })], { omega: true, quorumDown: ['/bin/q-down'] });
    const sim = new SimLoop(new CheckScheduler([v], { random: zero }), downDuring([]));
    sim.start();
    sim.run(2_000);
    sim.stop();
    const after = sim.actions.filter(({ t, a }) => t === 2_000 && a.type !== 'log').map(({ a }) => a.type === 'runScript' ? `script ${a.argv[0]}` : a.type);
    expect(after).toEqual(['removeRealServer', 'script /bin/rs-down', 'notifyFifo', 'smtpAlert', 'script /bin/q-down', 'notifyFifo', 'removeVirtualServer']);
  });

  it('smtp_alert on an RS sends keepalived\'s subject when the checker changes state', () => {
    const v = vs('10.0.0.1', 80, [rs('10.0.0.2', 80, [tcpCheck('10.0.0.2', 80, { delayLoopMs: 10_000, retry: 0 })], { smtpAlert: true })]);
    const sim = new SimLoop(new CheckScheduler([v], { random: zero }), downDuring([[5_000, 15_000]]));
    sim.start();
    sim.run(25_000);
    const mails = sim.actions.filter(({ a }) => a.type === 'smtpAlert').map(({ t, a }) => [t, (a as { subject: string }).subject, (a as { body: string }).body]);
    expect(mails).toEqual([
      [11_000, `Realserver ${RS} of virtual server ${VS} - DOWN`, '=> TCP CHECK failed on service <='],
      [21_000, `Realserver ${RS} of virtual server ${VS} - UP`, '=> TCP CHECK succeed on service <='],
    ]);
  });
});

describe('rs_init_notifies', () => {
  it('runs notify_up for real servers added at start only when set', () => {
    const v = () => vs('10.0.0.1', 80, [rs('10.0.0.2', 80, [tcpCheck('10.0.0.2', 80)], { notifyUp: ['/bin/up'] })]);
    const scripts = (rsInitNotifies: boolean) => new CheckScheduler([v()], { random: zero, rsInitNotifies }).start(0).filter((a) => a.type === 'runScript');
    expect(scripts(false)).toEqual([]);
    expect(scripts(true)).toEqual([{ type: 'runScript', argv: ['/bin/up'], why: 'notify_up' }]);
  });
});
