// The runner's timer wheel and the callback TCP check that uses it (the hot path of a large checker).
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { TcpProbe, tcpCheck } from '../../src/check/probes/tcp.js';
import { nativeTcp } from '../../src/check/probes/tcp-native.js';
import type { ProbeResult } from '../../src/check/types.js';
import { TimerWheel, type WheelTask } from '../../src/check/wheel.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('TimerWheel', () => {
  it('runs tasks in due order, never early; re-arming moves a task, cancel drops it', async () => {
    const t0 = performance.now();
    const now = () => performance.now() - t0;
    const w = new TimerWheel(now, 2);
    const ran: Array<[string, number]> = [];
    const task = (name: string): WheelTask => ({ bucket: -1, run: () => ran.push([name, now()]) });
    const a = task('a');
    const b = task('b');
    const c = task('c');
    const d = task('d');
    w.add(c, 60);
    w.add(a, 20);
    w.add(b, 40);
    w.add(d, 30);
    w.add(a, 50); // moved: runs once, at 50
    w.cancel(d);
    await sleep(120);
    expect(ran.map(([n]) => n)).toEqual(['b', 'a', 'c']);
    const due: Record<string, number> = { a: 50, b: 40, c: 60 };
    for (const [n, t] of ran) {
      expect(t).toBeGreaterThanOrEqual(due[n]! - 1);
      expect(t).toBeLessThan(due[n]! + 40);
    }
  });

  it('a task that re-arms itself from run() keeps its period; clear() stops everything', async () => {
    const t0 = performance.now();
    const w = new TimerWheel(() => performance.now() - t0, 2);
    let n = 0;
    const t: WheelTask = { bucket: -1, run: () => { n++; w.add(t, 10); } };
    w.add(t, 10);
    await sleep(105);
    w.clear();
    const seen = n;
    expect(seen).toBeGreaterThanOrEqual(5);
    expect(seen).toBeLessThanOrEqual(10);
    await sleep(40);
    expect(n).toBe(seen);
  });
});

/** A listener that closes each connection, its port, and a wheel. */
async function closingListener(): Promise<{ srv: net.Server; port: number; w: TimerWheel }> {
  const srv = net.createServer((s) => s.destroy());
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const t0 = performance.now();
  return { srv, port: (srv.address() as net.AddressInfo).port, w: new TimerWheel(() => performance.now() - t0) };
}

describe('tcpCheck (callback TCP_CHECK)', () => {
  it('ok on a listener, failed on a closed port, nothing after cancel', async () => {
    const { srv, port, w } = await closingListener();
    const once = (p: number) => new Promise<ProbeResult>((r) => { tcpCheck({ connectIp: '127.0.0.1', connectPort: p, connectTimeoutMs: 2_000 }, w, r); });
    expect(await once(port)).toEqual({ ok: true });
    srv.close();
    await new Promise((r) => srv.once('close', r));
    expect(await once(port)).toMatchObject({ ok: false, reason: 'failed', timedOut: false });
    let called = 0;
    tcpCheck({ connectIp: '127.0.0.1', connectPort: port, connectTimeoutMs: 50 }, w, () => { called++; }).cancel();
    await sleep(100);
    expect(called).toBe(0);
  });

  it('a connect that completed while the loop was busy past connect_timeout is a success; one TcpProbe serves many checks', async () => {
    const { srv, port, w } = await closingListener();
    const results: ProbeResult[] = [];
    let wake: () => void = () => undefined;
    const p = new TcpProbe(w, (r) => { results.push(r); wake(); });
    const next = () => new Promise<void>((r) => { wake = r; });
    for (let i = 0; i < 3; i++) {
      const got = next();
      p.start({ connectIp: '127.0.0.1', connectPort: port, connectTimeoutMs: 30 });
      // Busy past the timeout: the timer and the completion are both due in the next loop turn.
      const until = performance.now() + 80;
      while (performance.now() < until) { /* spin */ }
      await got;
    }
    expect(results).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(p.idle).toBe(true);
    srv.close();
  });

  it('a timeout that runs while the completion still waits unharvested in the addon\'s set takes the ready socket (no timeout)', async () => {
    const { srv, port, w } = await closingListener();
    const { srv: gone, port: closed } = await closingListener();
    gone.close();
    await new Promise((r) => gone.once('close', r));
    const results: ProbeResult[] = [];
    const p = new TcpProbe(w, (r) => results.push(r));
    const gen = () => (p as unknown as { gen: number }).gen;
    const spin = (ms: number) => { const until = performance.now() + ms; while (performance.now() < until) { /* spin */ } };
    // No loop turn between the start and the timeout handler: only the poll of the slot can see the connect.
    p.start({ connectIp: '127.0.0.1', connectPort: port, connectTimeoutMs: 5_000 });
    spin(30);
    p.timedOut(gen());
    p.start({ connectIp: '127.0.0.1', connectPort: closed, connectTimeoutMs: 5_000 });
    spin(30);
    p.timedOut(gen());
    expect(results).toEqual([{ ok: true }, { ok: false, reason: 'failed', timedOut: false }]);
    await sleep(20);
    expect(results).toHaveLength(2);
    expect(p.idle).toBe(true);
    srv.close();
  });

  it('the addon path: 600 checks at once, half to a closed port, each its own result; a cancelled slot serves the next check; bindto takes the handle path', async () => {
    expect(nativeTcp()).not.toBeNull();
    const { srv, port, w } = await closingListener();
    const { srv: gone, port: closed } = await closingListener();
    gone.close();
    const all = Array.from({ length: 600 }, (_, i) => new Promise<[number, ProbeResult]>((r) => {
      tcpCheck({ connectIp: '127.0.0.1', connectPort: i % 2 ? closed : port, connectTimeoutMs: 5_000 }, w, (x) => r([i, x]));
    }));
    for (const [i, r] of await Promise.all(all)) expect(r.ok, `check ${i}`).toBe(i % 2 === 0);
    // Cancel frees the slot at once: the next check takes it and gets only its own result.
    const results: ProbeResult[] = [];
    const p = new TcpProbe(w, (r) => results.push(r));
    p.start({ connectIp: '127.0.0.1', connectPort: closed, connectTimeoutMs: 1_000 });
    p.cancel();
    const q = await new Promise<ProbeResult>((r) => { tcpCheck({ connectIp: '127.0.0.1', connectPort: port, connectTimeoutMs: 1_000 }, w, r); });
    await sleep(50);
    expect([q, results]).toEqual([{ ok: true }, []]);
    const bound = await new Promise<ProbeResult>((r) => { tcpCheck({ connectIp: '127.0.0.1', connectPort: port, connectTimeoutMs: 1_000, bindto: '127.0.0.1' }, w, r); });
    expect(bound).toEqual({ ok: true });
    srv.close();
  });
});
