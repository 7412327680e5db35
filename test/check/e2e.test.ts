// Runner end to end: real probes against loopback servers that die and recover, real timers, and an
// in-memory IPVS sink (the adapter boundary; the kernel IPVS client is tested in the VM by test/ipvs).
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProbe } from '../../src/check/probes/index.js';
import { CheckRunner, type SinkAction } from '../../src/check/runner.js';
import type { CheckerSpec, ProbeResult } from '../../src/check/types.js';
import { rs, timing, vs } from './specs.js';

/** An HTTP server that answers 200, or accepts and stays silent ("hang"), or is closed. */
class Flaky {
  mode: 'ok' | 'hang' = 'ok';
  port = 0;
  private readonly sockets = new Set<net.Socket>();
  private readonly server = net.createServer((s) => {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
    s.on('error', () => undefined);
    s.on('data', () => {
      if (this.mode === 'ok') s.end('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
  });
  async start(port = 0): Promise<void> {
    await new Promise<void>((r) => this.server.listen(port, '127.0.0.1', r));
    this.port = (this.server.address() as net.AddressInfo).port;
  }
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server.close(r));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('CheckRunner with real HTTP_GET and TCP_CHECK probes', () => {
  const flaky = new Flaky();
  const tcpSrv = new Flaky();
  const events: Array<{ t: number; a: SinkAction }> = [];
  const starts: Array<{ t: number; type: string }> = [];
  let runner: CheckRunner;
  const t0 = performance.now();
  const now = () => performance.now() - t0;

  const connectTimeoutMs = 600;
  const retry = 2;
  const dbr = 500;
  const delayLoop = 1_000;

  beforeAll(async () => {
    await flaky.start();
    await tcpSrv.start();
    const http: CheckerSpec = {
      type: 'HTTP_GET', conn: { connectIp: '127.0.0.1', connectPort: flaky.port, connectTimeoutMs }, httpProtocol: '1.0', fastRecovery: false, enableSni: false,
      urls: [{ path: '/health', statusCodes: [[200, 299]] }], ...timing({ delayLoopMs: delayLoop, retry, delayBeforeRetryMs: dbr }),
    };
    const tcp: CheckerSpec = { type: 'TCP_CHECK', conn: { connectIp: '127.0.0.1', connectPort: tcpSrv.port, connectTimeoutMs }, ...timing({ delayLoopMs: delayLoop, retry: 1, delayBeforeRetryMs: dbr }) };
    const config = [
      vs('10.0.0.1', 80, [rs('127.0.0.1', flaky.port, [http])]),
      vs('10.0.0.1', 81, [rs('127.0.0.1', tcpSrv.port, [tcp])]),
    ];
    const probe = (spec: CheckerSpec, u?: number, sig?: AbortSignal): Promise<ProbeResult> => {
      starts.push({ t: now(), type: spec.type });
      return runProbe(spec, u, sig);
    };
    runner = new CheckRunner(config, (a) => events.push({ t: now(), a }), { random: () => 0, now, probe });
    runner.start();
  });

  afterAll(async () => {
    runner?.stop();
    await flaky.close();
    await tcpSrv.close().catch(() => undefined);
  });

  it('goes down after connect_timeout + retry × (delay_before_retry + connect_timeout), and back up after one extra round of urls (keepalived epilog)', async () => {
    await sleep(1_500); // bootstrap (1 s) + a first good round
    expect(runner.snapshot()[0]!.rs[0]!.alive).toBe(true);
    flaky.mode = 'hang';
    const hangAt = now();
    // Wait (bounded) for the removal.
    const removed = async () => events.find((e) => e.a.type === 'removeRealServer' && e.a.rs.port === flaky.port);
    for (let i = 0; i < 60 && !(await removed()); i++) await sleep(100);
    const down = (await removed())!;
    expect(down).toBeTruthy();
    const firstFailStart = starts.filter((s) => s.type === 'HTTP_GET' && s.t >= hangAt)[0]!.t;
    const expected = connectTimeoutMs + retry * (dbr + connectTimeoutMs);
    expect(down.t - firstFailStart).toBeGreaterThanOrEqual(expected - 20);
    expect(down.t - firstFailStart).toBeLessThan(expected + 400);
    console.log(`HTTP_GET down after ${Math.round(down.t - firstFailStart)} ms (expected ${expected} ms)`);
    const logs = events.flatMap((e) => (e.a.type === 'log' ? [e.a.text] : []));
    expect(logs).toContain(`HTTP_CHECK on service [127.0.0.1]:tcp:${flaky.port} failed after ${retry} retries.`);
    expect(logs).toContain(`Removing service [127.0.0.1]:tcp:${flaky.port} from VS [10.0.0.1]:tcp:80`);

    flaky.mode = 'ok';
    const okAt = now();
    const added = () => events.find((e) => e.a.type === 'addRealServer' && e.a.rs.port === flaky.port && e.t > okAt);
    for (let i = 0; i < 40 && !added(); i++) await sleep(100);
    const up = added()!;
    expect(up).toBeTruthy();
    // While down the failed url is re-tried every max(delay_before_retry, delay_loop); keepalived's epilog()
    // then needs one more full round of urls (delay_loop later) before "succeed on service" (no fast_recovery).
    const okProbes = starts.filter((s) => s.type === 'HTTP_GET' && s.t >= okAt);
    expect(okProbes.length).toBeGreaterThanOrEqual(2);
    expect(okProbes[1]!.t - okProbes[0]!.t).toBeGreaterThanOrEqual(delayLoop - 20);
    expect(up.t - okAt).toBeLessThan(Math.max(dbr, delayLoop) + delayLoop + 400);
    expect(events.some((e) => e.a.type === 'log' && e.a.text === `Remote Web server [127.0.0.1]:tcp:${flaky.port} succeed on service.`)).toBe(true);
  }, 15_000);

  it('a TCP real server that stops listening is removed after retry × delay_before_retry (refusal is immediate)', async () => {
    await tcpSrv.close();
    const closedAt = now();
    const removed = () => events.find((e) => e.a.type === 'removeRealServer' && e.a.rs.port === tcpSrv.port);
    for (let i = 0; i < 40 && !removed(); i++) await sleep(100);
    const down = removed()!;
    expect(down).toBeTruthy();
    const firstFail = starts.filter((s) => s.type === 'TCP_CHECK' && s.t >= closedAt)[0]!.t;
    expect(down.t - firstFail).toBeGreaterThanOrEqual(dbr - 20);
    expect(down.t - firstFail).toBeLessThan(dbr + 400);
    console.log(`TCP_CHECK down after ${Math.round(down.t - firstFail)} ms (expected ${dbr} ms)`);
    await tcpSrv.start(tcpSrv.port);
    const back = () => events.find((e) => e.a.type === 'addRealServer' && e.a.rs.port === tcpSrv.port && e.t > down.t);
    for (let i = 0; i < 40 && !back(); i++) await sleep(100);
    expect(back()).toBeTruthy();
  }, 15_000);

  it('stop removes what was installed and no probe runs afterwards', async () => {
    runner.stop();
    const n = starts.length;
    const last = events.slice(-4).map((e) => e.a.type);
    expect(last).toContain('removeVirtualServer');
    await sleep(1_200);
    expect(starts.length).toBe(n);
  });
});

describe('CheckRunner start with the table still being programmed (keepalived: init_services, then the checkers)', () => {
  it('queues the IPVS calls at once and arms the first checks only once the table is programmed, each 1 s from then', async () => {
    const srv = new Flaky();
    await srv.start();
    const t0 = performance.now();
    const now = () => performance.now() - t0;
    const events: Array<{ t: number; a: SinkAction }> = [];
    const starts: number[] = [];
    const tcp: CheckerSpec = { type: 'TCP_CHECK', conn: { connectIp: '127.0.0.1', connectPort: srv.port, connectTimeoutMs: 500 }, ...timing({ delayLoopMs: 1_000, retry: 1, delayBeforeRetryMs: 500 }) };
    const probe = (spec: CheckerSpec, u?: number, sig?: AbortSignal): Promise<ProbeResult> => {
      starts.push(now());
      return runProbe(spec, u, sig);
    };
    let programmedAt = -1;
    const runner = new CheckRunner([vs('10.0.0.2', 80, [rs('127.0.0.1', srv.port, [tcp])])], (a) => events.push({ t: now(), a }), { random: () => 0, now, probe });
    try {
      // The IPVS layer takes 800 ms to program the table (a slow kernel, a big table).
      runner.start(() => sleep(800).then(() => { programmedAt = now(); }));
      expect(events.map((e) => e.a.type)).toEqual(expect.arrayContaining(['addVirtualServer', 'addRealServer']));
      for (let i = 0; i < 40 && starts.length === 0; i++) await sleep(100);
      expect(programmedAt).toBeGreaterThan(0);
      expect(starts[0]).toBeGreaterThanOrEqual(programmedAt + 1_000 - 20);
      expect(starts[0]).toBeLessThan(programmedAt + 1_000 + 400);
      runner.stop();
      // A stop before the table is programmed leaves no check to run.
      const early = new CheckRunner([vs('10.0.0.3', 80, [rs('127.0.0.1', srv.port, [tcp])])], () => undefined, { random: () => 0, now, probe });
      const n = starts.length;
      early.start(() => sleep(100));
      early.stop();
      await sleep(1_300);
      expect(starts.length).toBe(n);
    } finally {
      runner.stop();
      await srv.close();
    }
  }, 10_000);
});
