// The parent and supervisor with real processes and real signals: bin/keepalived-ts
// running the test child (test/core/fixtures/test-child.mjs) as its VRRP and checker children.
import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { existsSync, readFileSync, readlinkSync, statSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, cleanup, isAlive, requireFreshBuild, ROOT, type Daemon } from './daemon-harness.js';
import { startDgramListener } from '../log/dgram-listener.js';

let d: Daemon | undefined;
const extra: number[] = [];
beforeAll(() => requireFreshBuild());
afterEach(async () => {
  const current = d;
  d = undefined;
  await cleanup(current, extra.splice(0));
});

const pidIn = (file: string): number => Number(readFileSync(file, 'utf8').trim());

describe('start-up and SIGTERM', () => {
  it('logs the start-up lines, writes pid files, stops children before the parent and removes the pid files', async () => {
    d = startDaemon({ config: { vrrp: true, checker: true, tag: 'a' }, args: ['-d'] });
    await d.waitFor(/: Startup complete$/);
    await d.waitFor(/: parent dump tag=a$/);
    const vrrpPid = Number((await d.waitFor(/Starting VRRP child process, pid=\d+/)).line.match(/pid=(\d+)/)![1]);
    const chkPid = Number((await d.waitFor(/Starting Healthcheck child process, pid=\d+/)).line.match(/pid=(\d+)/)![1]);
    expect(pidIn(d.pidFiles.main)).toBe(d.proc.pid);
    expect(pidIn(d.pidFiles.vrrp)).toBe(vrrpPid);
    expect(pidIn(d.pidFiles.checker)).toBe(chkPid);
    expect(readFileSync(d.pidFiles.main, 'utf8')).toBe(`${d.proc.pid}\n`);
    const text = d.lines.join('\n');
    expect(d.lines[0]).toMatch(/^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}: Starting Keepalived-ts v/);
    expect(text).toMatch(/: Running on Linux /);
    expect(text).toMatch(/: Command line: '.*keepalived-ts' '-n' '-l' '-G' '-f'/);
    expect(text).toContain(`Configuration file ${d.dir}/keepalived.json`);

    d.proc.kill('SIGTERM');
    const stopping = await d.waitFor(/: Stopping$/);
    const vrrpStop = await d.waitFor(/test child vrrp stopping/);
    const stopped = await d.waitFor(/: Stopped Keepalived-ts v/);
    expect(vrrpStop.index).toBeGreaterThan(stopping.index);
    expect(stopped.index).toBeGreaterThan(vrrpStop.index);
    // each child's log_stopping() line, before the parent's last line
    expect(d.lines.slice(stopping.index, stopped.index).filter((l) => l.endsWith(': Stopped'))).toHaveLength(2);
    expect(await d.exited).toEqual({ code: 0, signal: null });
    expect(isAlive(vrrpPid) || isAlive(chkPid)).toBe(false);
    for (const f of Object.values(d.pidFiles)) expect(existsSync(f)).toBe(false);
  });

  it('Ctrl-C on a terminal (SIGINT to the whole process group) stops cleanly, nothing respawned', async () => {
    d = startDaemon({ config: { vrrp: true, checker: true }, ownGroup: true });
    await d.waitFor(/Startup complete/);
    process.kill(-d.proc.pid!, 'SIGINT');
    const stopping = await d.waitFor(/: Stopping$/);
    // children are in their own group: only the parent's SIGTERM stops them
    expect((await d.waitFor(/test child vrrp stopping/)).index).toBeGreaterThan(stopping.index);
    expect((await d.waitFor(/test child checker stopping/)).index).toBeGreaterThan(stopping.index);
    await d.waitFor(/: Stopped Keepalived-ts/);
    expect(await d.exited).toEqual({ code: 0, signal: null });
    expect(d.lines.some((l) => /Respawning|exited with/.test(l))).toBe(false);
  });

  it('starts only the children the config needs; -C with VRRP-only config runs nothing', async () => {
    d = startDaemon({ config: { vrrp: true } });
    await d.waitFor(/Startup complete/);
    expect(d.lines.some((l) => l.includes('Starting Healthcheck child'))).toBe(false);
    d.proc.kill('SIGINT');
    expect((await d.exited).code).toBe(0);
    await cleanup(d);
    d = startDaemon({ config: { vrrp: true }, args: ['-C'] });
    await d.waitFor(/Warning - keepalived has no configuration to run/);
    d.proc.kill('SIGTERM');
    expect((await d.exited).code).toBe(0);
    expect(d.lines.some((l) => l.includes('child process, pid='))).toBe(false);
  });

  it('logs to syslog as Keepalived[parent] and Keepalived_vrrp[child] with the -S facility', async () => {
    const sockDir = mkdtempSync(join(tmpdir(), 'kats-sys-'));
    try {
      const sock = join(sockDir, 'log.sock');
      const listener = await startDgramListener(sock, 200, 30);
      extra.push(listener.pid);
      d = startDaemon({ config: { vrrp: true }, baseArgs: ['-n', '-S', 'local5'], env: { KEEPALIVED_TS_SYSLOG_SOCKET: sock } });
      const parentPid = d.proc.pid!;
      for (let i = 0; i < 100 && !existsSync(d.pidFiles.vrrp); i++) await new Promise((r) => setTimeout(r, 50));
      const vrrpPid = pidIn(d.pidFiles.vrrp);
      await new Promise((r) => setTimeout(r, 700));
      d.proc.kill('SIGTERM');
      await d.exited;
      await new Promise((r) => setTimeout(r, 300));
      process.kill(listener.pid, 'SIGTERM');
      const got = await listener.done;
      const pri = (21 * 8 + 6).toString();
      expect(got).toContainEqual(expect.stringMatching(new RegExp(`^<${pri}>[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d Keepalived\\[${parentPid}\\]: Starting Keepalived-ts v`)));
      expect(got).toContainEqual(expect.stringMatching(new RegExp(`^<${pri}>.{15} Keepalived\\[${parentPid}\\]: Starting VRRP child process, pid=${vrrpPid}$`)));
      expect(got).toContainEqual(expect.stringMatching(new RegExp(`^<${pri}>.{15} Keepalived_vrrp\\[${vrrpPid}\\]: test child vrrp started tag=$`)));
      expect(got).toContainEqual(expect.stringMatching(new RegExp(`^<${pri}>.{15} Keepalived\\[${parentPid}\\]: Stopped Keepalived-ts`)));
    } finally {
      rmSync(sockDir, { recursive: true, force: true });
    }
  });
});

describe('with the real config pipeline (src/config via config-adapter.ts)', () => {
  const conf = 'global_defs {\n  router_id t1\n}\nstatic_ipaddress {\n  192.0.2.7/32 dev lo\n}\n';
  it('runs only the VRRP child for a static_ipaddress-only keepalived.conf and hands it the parsed config', async () => {
    d = startDaemon({ config: conf, env: { KEEPALIVED_TS_CONFIG_LOADER: '' }, args: ['-D'] });
    await d.waitFor(/test child vrrp got static_ipaddress=1 virtual_servers=0 router_id=t1/);
    const opening = await d.waitFor(new RegExp(`: Opening file '${d.dir}/keepalived.json'\\.$`));
    expect((await d.waitFor(/: Configuration file /)).index).toBeGreaterThan(opening.index);
    await d.waitFor(/Startup complete/);
    expect(d.lines.some((l) => l.includes('Starting Healthcheck child'))).toBe(false);
    d.proc.kill('SIGTERM');
    expect((await d.exited).code).toBe(0);
  });
  it('starts the checker child for a virtual_server that validation drops, as keepalived (have_checker_config)', async () => {
    // keepalived 2.2.7 -C on this config: "has no real servers - ignoring", then "Starting Healthcheck
    // child process" and "Startup complete" (seen in the IPVS VM, test/checkd/corpus.vm.test.ts).
    const vsOnly = 'virtual_server 192.0.2.10 80 {\n  delay_loop 6\n  protocol TCP\n}\n';
    d = startDaemon({ config: vsOnly, env: { KEEPALIVED_TS_CONFIG_LOADER: '' }, args: ['-C'] });
    await d.waitFor(/test child checker got static_ipaddress=0 virtual_servers=0 /);
    await d.waitFor(/Startup complete/);
    expect(d.lines.some((l) => l.includes('has no configuration to run'))).toBe(false);
    expect(d.lines.some((l) => /Virtual server \[192\.0\.2\.10\]:tcp:80 has no real servers - ignoring/.test(l))).toBe(true);
    d.proc.kill('SIGTERM');
    expect((await d.exited).code).toBe(0);
  });
  it('reload_check_config: a config failing --config-test is not loaded, and its errors land in the log file', async () => {
    const checkLog = join(tmpdir(), `kats-reload-check-${process.pid}-${Date.now()}.log`);
    const good = (tag: string): string => `global_defs {\n  router_id ${tag}\n  reload_check_config ${checkLog}\n}\nstatic_ipaddress {\n  192.0.2.7/32 dev lo\n}\n`;
    try {
      d = startDaemon({ config: good('r1'), env: { KEEPALIVED_TS_CONFIG_LOADER: '' } });
      await d.waitFor(/router_id=r1/);
      await d.waitFor(/Startup complete/);
      d.writeConfig(good('r2').replace('router_id r2', 'router_id r2\n  bogus_keyword 1'));
      d.proc.kill('SIGHUP');
      await d.waitFor(new RegExp(`New config failed validation, see ${checkLog} for details`), 20_000);
      expect(readFileSync(checkLog, 'utf8')).toContain("Unknown keyword 'bogus_keyword'");
      expect(d.lines.some((l) => l.endsWith(': Reloading ...'))).toBe(false);
      d.writeConfig(good('r3'));
      d.proc.kill('SIGHUP');
      await d.waitFor(/: Reloading \.\.\.$/, 20_000);
      await d.waitFor(/: Reload complete$/);
      d.proc.kill('SIGTERM');
      expect((await d.exited).code).toBe(0);
    } finally {
      rmSync(checkLog, { force: true });
    }
  });

  it('a missing config file stops start-up with status 6', async () => {
    d = startDaemon({ config: conf, env: { KEEPALIVED_TS_CONFIG_LOADER: '' }, args: ['-f', '/nonexistent-kats.conf'] });
    const r = await d.exited;
    expect(r.code).toBe(6);
    expect(d.lines.some((l) => l.includes('child process'))).toBe(false);
    expect(d.lines.at(-1)).toMatch(/Stopped Keepalived-ts/);
  });
});

describe('respawn', () => {
  it('backs off 0, 1, 2, 4 units between restarts of a child that keeps dying (unit shrunk to 100 ms)', async () => {
    d = startDaemon({ config: { vrrp: true, behaviour: { vrrp: { exitAfterMs: 10, exitCode: 0 } } }, env: { KEEPALIVED_TS_RESPAWN_UNIT_MS: '100' } });
    const starts = [];
    let from = 0;
    for (let i = 0; i < 5; i++) {
      const s = await d.waitFor(/Starting VRRP child process/, 10_000, from);
      starts.push(s);
      from = s.index + 1;
    }
    const delays: number[] = [];
    let df = 0;
    for (let i = 0; i < 4; i++) {
      const m = await d.waitFor(/Restart of VRRP process delayed \d+ seconds to limit respawn rate/, 5000, df);
      delays.push(Number(/delayed (\d+)/.exec(m.line)![1]));
      df = m.index + 1;
    }
    expect(delays).toEqual([0, 1, 2, 4]);
    expect(d.lines.filter((l) => /VRRP child process\(\d+\) died: Respawning/.test(l)).length).toBeGreaterThanOrEqual(4);
    // Gap from each death to the next start follows the back-off.
    const deaths = d.lines.map((l, i) => ({ l, i })).filter(({ l }) => /died: Respawning/.test(l));
    expect(deaths.length).toBeGreaterThanOrEqual(4);
    const gaps = [1, 2, 3].map((k) => starts[k + 1]!.at - starts[k]!.at);
    expect(gaps[0]).toBeGreaterThanOrEqual(100);
    expect(gaps[1]).toBeGreaterThanOrEqual(200);
    expect(gaps[2]).toBeGreaterThanOrEqual(400);
    expect(gaps[2]).toBeLessThan(2500);
    d.proc.kill('SIGTERM');
    expect((await d.exited).code).toBe(0);
  });

  it('waits a real second before the second quick restart', async () => {
    d = startDaemon({ config: { vrrp: true, behaviour: { vrrp: { exitAfterMs: 10, exitCode: 0 } } } });
    const first = await d.waitFor(/Restart of VRRP process delayed 0 seconds/);
    const second = await d.waitFor(/Restart of VRRP process delayed 1 seconds/, 10_000, first.index + 1);
    const restart = await d.waitFor(/Starting VRRP child process/, 10_000, second.index + 1);
    expect(restart.at - second.at).toBeGreaterThanOrEqual(950);
    expect(restart.at - second.at).toBeLessThan(2500);
    d.proc.kill('SIGTERM');
    expect((await d.exited).code).toBe(0);
  });

  it('-R: a dying child stops the daemon', async () => {
    d = startDaemon({ config: { vrrp: true, checker: true, behaviour: { vrrp: { exitAfterMs: 300, exitCode: 0 } } }, args: ['-R'] });
    await d.waitFor(/VRRP child process\(\d+\) died: Exiting/);
    await d.waitFor(/: Stopping$/);
    expect(await d.exited).toEqual({ code: 0, signal: null });
    expect(d.lines.some((l) => l.includes('Respawning'))).toBe(false);
    for (const f of Object.values(d.pidFiles)) expect(existsSync(f)).toBe(false);
  });

  it.each([[1, 'FATAL'], [2, 'CONFIG'], [4, 'missing permission']])('child exit %i is permanent: %s, daemon stops with that status', async (code, name) => {
    d = startDaemon({ config: { checker: true, behaviour: { checker: { exitAfterMs: 200, exitCode: code } } } });
    await d.waitFor(new RegExp(`Keepalived_healthcheckers exited with permanent error ${name}\\. Terminating`));
    expect(await d.exited).toEqual({ code, signal: null });
    expect(d.lines.some((l) => l.includes('Respawning'))).toBe(false);
    expect(existsSync(d.pidFiles.main)).toBe(false);
  });

  it('an uncaught exception in a child is respawned, not taken as a permanent error', async () => {
    d = startDaemon({ config: { vrrp: true, behaviour: { vrrp: { throwAfterMs: 100 } } }, args: ['-R'] });
    await d.waitFor(/Error: test child crash/);
    await d.waitFor(/Keepalived_vrrp exited with status 70/);
    await d.waitFor(/VRRP child process\(\d+\) died: Exiting/);
    expect((await d.exited).code).toBe(0);
    expect(d.lines.some((l) => l.includes('permanent error'))).toBe(false);
  });

  it('an unknown IPC message from a child is logged, naming it, and changes nothing', async () => {
    d = startDaemon({ config: { vrrp: true, behaviour: { vrrp: { sendGarbage: true } } } });
    const m = await d.waitFor(/Keepalived_vrrp \(pid \d+\) sent an unknown message: \{"type":"bogus"/);
    expect(m.line.length).toBeLessThan(300);
    await d.waitFor(/Startup complete/);
    d.proc.kill('SIGTERM');
    expect((await d.exited).code).toBe(0);
  });

  it('a missing child entry module stops the daemon as a FATAL child error, naming the file', async () => {
    d = startDaemon({ config: { vrrp: true }, env: { KEEPALIVED_TS_VRRP_ENTRY: '/nonexistent-kats/daemon.js' } });
    await d.waitFor(/Keepalived_vrrp entry module \/nonexistent-kats\/daemon.js not found/);
    await d.waitFor(/Keepalived_vrrp exited with permanent error FATAL\. Terminating/);
    expect((await d.exited).code).toBe(1);
  });

  it('a SIGTERM while a child is still starting is handled once its start is done, not by the default action', async () => {
    // The checker child's start programs the whole IPVS table first (minutes at 10,000 real servers in a VM).
    d = startDaemon({ config: { checker: true, childWaitTimeSec: 10, behaviour: { checker: { startDelayMs: 1500 } } } });
    await d.waitFor(/test child checker started/);
    d.proc.kill('SIGTERM');
    await d.waitFor(/test child checker start done/);
    await d.waitFor(/test child checker stopping/);
    expect((await d.exited).code).toBe(0);
    const text = d.lines.join('\n');
    expect(text).not.toMatch(/exited due to signal/);
    expect(text).not.toMatch(/failed to die/);
    expect(text).not.toMatch(/Startup complete/);
  });

  it('a child that ignores SIGTERM is killed after child_wait_time', async () => {
    d = startDaemon({ config: { vrrp: true, childWaitTimeSec: 1, behaviour: { vrrp: { hangOnStop: true } } } });
    await d.waitFor(/Startup complete/);
    const vrrpPid = pidIn(d.pidFiles.vrrp);
    const t0 = Date.now();
    d.proc.kill('SIGTERM');
    await d.waitFor(/^.*: vrrp process failed to die - forcing termination$/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    await d.waitFor(/Keepalived_vrrp exited due to signal 9 \(SIGKILL\)/);
    expect((await d.exited).code).toBe(0);
    expect(isAlive(vrrpPid)).toBe(false);
  });
});

describe('pid files', () => {
  it('refuses to start while the pid file names a live process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kats-pid-'));
    try {
      const pidFile = join(dir, 'held.pid');
      writeFileSync(pidFile, `${process.pid}\n`);
      d = startDaemon({ config: { vrrp: true }, args: ['-p', pidFile] });
      await d.waitFor(/: daemon is already running$/);
      expect(await d.exited).toEqual({ code: 0, signal: null });
      expect(readFileSync(pidFile, 'utf8')).toBe(`${process.pid}\n`);
      expect(d.lines.some((l) => l.includes('child process'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('removes a stale pid file and starts', async () => {
    d = startDaemon({ config: { vrrp: true } });
    await d.waitFor(/Startup complete/);
    d.proc.kill('SIGKILL');
    await d.exited;
    // the orphaned child notices its parent is gone and exits by itself
    const vrrpPid = pidIn(d.pidFiles.vrrp);
    for (let i = 0; i < 100 && isAlive(vrrpPid); i++) await new Promise((r) => setTimeout(r, 50));
    expect(isAlive(vrrpPid)).toBe(false);
    const stalePid = pidIn(d.pidFiles.main);
    const stale = d;
    d = startDaemon({ config: { vrrp: true }, args: ['-p', stale.pidFiles.main, '-r', stale.pidFiles.vrrp] });
    extra.push(...stale.pids());
    await d.waitFor(new RegExp(`Remove a zombie pid file ${stale.pidFiles.main}`));
    await d.waitFor(/Startup complete/);
    expect(pidIn(stale.pidFiles.main)).not.toBe(stalePid);
    d.proc.kill('SIGTERM');
    await d.exited;
    rmSync(stale.dir, { recursive: true, force: true });
  });

  it('says which pid file it cannot write', async () => {
    d = startDaemon({ config: { vrrp: true }, args: ['-p', '/nonexistent-kats-dir/ka.pid'] });
    await d.waitFor(/pidfile_write : Cannot open \/nonexistent-kats-dir\/ka.pid pidfile/);
    await d.waitFor(/ENOENT .*is the directory writable\?/);
    expect(await d.exited).toEqual({ code: 1, signal: null });
  });
});

describe('SIGHUP reload', () => {
  it('hands children the new config; HUPs during a reload are queued, not lost', async () => {
    d = startDaemon({ config: { vrrp: true, tag: 'a', behaviour: { vrrp: { reloadDelayMs: 600 } } }, args: ['-D'] });
    await d.waitFor(/Startup complete/);
    const vrrpPid = pidIn(d.pidFiles.vrrp);
    d.writeConfig({ vrrp: true, checker: true, tag: 'b', behaviour: { vrrp: { reloadDelayMs: 600 } } });
    d.proc.kill('SIGHUP');
    const reloading = await d.waitFor(/: Reloading \.\.\.$/);
    // the VRRP child has config b and is busy applying it for 600 ms
    await d.waitFor(/: Reloading$/, 10_000, reloading.index + 1);
    d.writeConfig({ vrrp: true, checker: true, tag: 'c', behaviour: { vrrp: { reloadDelayMs: 600 } } });
    d.proc.kill('SIGHUP');
    d.proc.kill('SIGHUP');
    await d.waitFor(/test child vrrp reloaded tag=b/);
    await d.waitFor(/Processing queued reload/);
    const c = await d.waitFor(/test child vrrp reloaded tag=c/);
    await d.waitFor(/: Reload complete$/, 10_000, c.index + 1);
    const completes = d.lines.filter((l) => l.endsWith(': Reload complete'));
    expect(completes).toHaveLength(2);
    expect(d.lines.filter((l) => l.endsWith(': Reloading ...'))).toHaveLength(2);
    // the checker wasn't configured before: the first reload started it
    expect(d.lines.some((l) => /Starting Healthcheck child process/.test(l))).toBe(true);
    expect(pidIn(d.pidFiles.vrrp)).toBe(vrrpPid);
    d.proc.kill('SIGTERM');
    expect((await d.exited).code).toBe(0);
    // -D: CPU accounting as keepalived prints it, children's time reported to the parent
    expect(d.lines.filter((l) => /: Stopped - used \d+\.\d{6} user time, \d+\.\d{6} system time$/.test(l))).toHaveLength(2);
    const cpu = d.lines.find((l) => l.includes('CPU usage (self/children)'));
    expect(cpu).toMatch(/user: \d+\.\d{6}\/(\d+)\.(\d{6}) system: \d+\.\d{6}\/\d+\.\d{6}$/);
    expect(cpu).not.toMatch(/\/0\.000000 system/);
  });

  it('a config that fails to load keeps the daemon and its children running', async () => {
    d = startDaemon({ config: { vrrp: true, tag: 'a' } });
    await d.waitFor(/Startup complete/);
    const vrrpPid = pidIn(d.pidFiles.vrrp);
    d.writeConfig('{ not json');
    d.proc.kill('SIGHUP');
    await d.waitFor(/test loader: cannot use /);
    await d.waitFor(/Reload of .* failed - keeping the running configuration/);
    expect(isAlive(vrrpPid)).toBe(true);
    d.writeConfig({ vrrp: true, tag: 'fixed' });
    d.proc.kill('SIGHUP');
    await d.waitFor(/test child vrrp reloaded tag=fixed/);
    await d.waitFor(/Reload complete/);
    d.proc.kill('SIGTERM');
    expect((await d.exited).code).toBe(0);
  });
});

describe('startup_script, shutdown_script, settings fixed at reload', () => {
  it('runs the startup script before the children and the shutdown script after them, killing it on timeout', async () => {
    const marker = join(tmpdir(), `kats-script-${process.pid}-${Date.now()}`);
    try {
      d = startDaemon({
        config: {
          vrrp: true,
          startupScript: { argv: ['/bin/sh', '-c', `echo $$ > ${marker}; exit 3`], timeoutSec: 5 },
          shutdownScript: { argv: ['/bin/sh', '-c', `echo $$ > ${marker}.sd; exec sleep 30`], timeoutSec: 1 },
        },
      });
      const failed = await d.waitFor(/: startup script script failed, status 3$/);
      const child = await d.waitFor(/Starting VRRP child process/);
      expect(child.index).toBeGreaterThan(failed.index);
      expect(existsSync(marker)).toBe(true);
      await d.waitFor(/Startup complete/);
      d.proc.kill('SIGTERM');
      const childStopped = await d.waitFor(/test child vrrp stopping/);
      const timedOut = await d.waitFor(/: shutdown script timed out$/);
      expect(timedOut.index).toBeGreaterThan(childStopped.index);
      await d.waitFor(/Stopped Keepalived-ts/);
      expect((await d.exited).code).toBe(0);
      const scriptPid = Number(readFileSync(`${marker}.sd`, 'utf8'));
      expect(isAlive(scriptPid)).toBe(false);
    } finally {
      rmSync(marker, { force: true });
      rmSync(`${marker}.sd`, { force: true });
    }
  });

  it('refuses a reload that changes the network namespace, keeping the running config', async () => {
    d = startDaemon({ config: { vrrp: true, tag: 'a', fixedAtReload: { 'network namespace': 'blue' } } });
    await d.waitFor(/Startup complete/);
    d.writeConfig({ vrrp: true, tag: 'b', fixedAtReload: { 'network namespace': 'green' } });
    d.proc.kill('SIGHUP');
    await d.waitFor(/: Cannot change network namespace at a reload - please restart keepalived$/);
    await d.waitFor(/keeping the running configuration/);
    d.writeConfig({ vrrp: true, tag: 'c', fixedAtReload: { 'network namespace': 'blue' } });
    d.proc.kill('SIGHUP');
    await d.waitFor(/test child vrrp reloaded tag=c/);
    expect(d.lines.some((l) => l.includes('reloaded tag=b'))).toBe(false);
    d.proc.kill('SIGTERM');
    expect((await d.exited).code).toBe(0);
  });
});

describe('network namespace (-s / net_namespace)', () => {
  const ns = `kats-core-${process.pid}`;
  beforeAll(() => {
    const r = spawnSync('ip', ['netns', 'add', ns], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cannot create netns ${ns} (root and iproute2 needed): ${r.stderr}`);
  });
  afterAll(() => {
    spawnSync('ip', ['netns', 'del', ns]);
  });

  it('children and scripts run inside the namespace; syslog idents gain _NS', async () => {
    const marker = join(tmpdir(), `kats-ns-${process.pid}-${Date.now()}`);
    try {
      d = startDaemon({ config: { vrrp: true, logNetns: true, startupScript: { argv: ['/bin/sh', '-c', `readlink /proc/self/ns/net > ${marker}`], timeoutSec: 5 } }, args: ['-s', ns] });
      const inode = statSync(`/run/netns/${ns}`).ino;
      await d.waitFor(new RegExp(`: Changing syslog ident to Keepalived_${ns}$`));
      await d.waitFor(new RegExp(`test child vrrp netns=net:\\[${inode}\\] ident=Keepalived_vrrp_${ns}$`));
      expect(readFileSync(marker, 'utf8').trim()).toBe(`net:[${inode}]`);
      // the parent itself stays where it was started (node can't setns)
      expect(readlinkSync(`/proc/${d.proc.pid}/ns/net`)).toBe(readlinkSync('/proc/self/ns/net'));
      expect(pidIn(d.pidFiles.vrrp)).toBe(Number((await d.waitFor(/Starting VRRP child process, pid=\d+/)).line.match(/pid=(\d+)/)![1]));
      d.proc.kill('SIGTERM');
      expect((await d.exited).code).toBe(0);
    } finally {
      rmSync(marker, { force: true });
    }
  });

  it('a namespace that does not exist stops start-up', async () => {
    d = startDaemon({ config: { vrrp: true }, args: ['-s', `${ns}-missing`] });
    await d.waitFor(new RegExp(`Unable to set network namespace ${ns}-missing - exiting`));
    expect((await d.exited).code).toBe(1);
    expect(existsSync(d.pidFiles.main)).toBe(false);
  });
});

describe('dump signals', () => {
  it('SIGUSR1 dumps every process; STATS, STATS_CLEAR and JSON go to VRRP only; files are complete', async () => {
    d = startDaemon({ config: { vrrp: true, checker: true, tag: 'z' } });
    await d.waitFor(/Startup complete/);
    const pid = d.proc.pid!;
    const vrrpPid = pidIn(d.pidFiles.vrrp);
    const chkPid = pidIn(d.pidFiles.checker);
    process.kill(pid, 'SIGUSR1');
    await d.waitFor(new RegExp(`Printing parent data for process\\(${pid}\\) on signal`));
    await d.waitFor(new RegExp(`Printing VRRP data for process\\(${vrrpPid}\\) on signal`));
    await d.waitFor(new RegExp(`Printing checker data for process\\(${chkPid}\\) on signal`));
    process.kill(pid, 'SIGUSR2');
    await d.waitFor(/Printing VRRP stats for process/);
    process.kill(pid, 63);
    await d.waitFor(/Printing and clearing VRRP stats for process/);
    process.kill(pid, 36);
    await d.waitFor(/Printing VRRP as json for process/);
    await new Promise((r) => setTimeout(r, 200));
    expect(readFileSync(join(d.dir, 'keepalived_parent.data'), 'utf8')).toBe('parent dump tag=z\n');
    expect(readFileSync(join(d.dir, 'keepalived.data'), 'utf8')).toBe('vrrp data tag=z\n');
    expect(readFileSync(join(d.dir, 'keepalived_check.data'), 'utf8')).toBe('checker data tag=z\n');
    expect(readFileSync(join(d.dir, 'keepalived.stats'), 'utf8')).toBe('vrrp stats clear=true\n');
    expect(JSON.parse(readFileSync(join(d.dir, 'keepalived.json'), 'utf8'))).toEqual([{ role: 'vrrp', tag: 'z' }]);
    expect(d.lines.filter((l) => /stats for process/.test(l)).every((l) => l.includes(`(${vrrpPid})`))).toBe(true);
    // every process survived all of them (RT signals would kill an unprepared node process)
    expect([pid, vrrpPid, chkPid].every(isAlive)).toBe(true);
    d.proc.kill('SIGTERM');
    expect((await d.exited).code).toBe(0);
  });
});

describe('daemonize', () => {
  it('without -n the launcher exits 0 once the detached daemon has written its pid file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kats-fork-'));
    let daemonPid = 0;
    try {
      writeFileSync(join(dir, 'c.json'), JSON.stringify({ vrrp: true }));
      const r = spawnSync(process.execPath, [join(ROOT, 'bin/keepalived-ts'), '-G', '-f', 'c.json', '-p', 'ka.pid', '-r', 'v.pid', '-c', 'c.pid'], {
        cwd: dir, timeout: 20_000, encoding: 'utf8',
        env: { ...process.env, TMPDIR: dir, KEEPALIVED_TS_CONFIG_LOADER: join(ROOT, 'test/core/fixtures/json-loader.mjs'), KEEPALIVED_TS_VRRP_ENTRY: join(ROOT, 'test/core/fixtures/test-child.mjs') },
      });
      expect(r.status).toBe(0);
      daemonPid = pidIn(join(dir, 'ka.pid'));
      expect(daemonPid).not.toBe(r.pid);
      expect(isAlive(daemonPid)).toBe(true);
      for (let i = 0; i < 100 && !existsSync(join(dir, 'v.pid')); i++) await new Promise((res) => setTimeout(res, 50));
      const vrrpPid = pidIn(join(dir, 'v.pid'));
      expect(isAlive(vrrpPid)).toBe(true);
      // a new session: the daemon is its own session leader
      const sid = readFileSync(`/proc/${daemonPid}/stat`, 'utf8').split(') ')[1]!.split(' ')[3];
      expect(Number(sid)).toBe(daemonPid);
      process.kill(daemonPid, 'SIGTERM');
      for (let i = 0; i < 200 && (isAlive(daemonPid) || isAlive(vrrpPid)); i++) await new Promise((res) => setTimeout(res, 50));
      expect(isAlive(daemonPid) || isAlive(vrrpPid)).toBe(false);
      expect(existsSync(join(dir, 'ka.pid'))).toBe(false);
    } finally {
      if (daemonPid && isAlive(daemonPid)) process.kill(daemonPid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

