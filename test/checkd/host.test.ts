// On a host whose kernel has no IPVS: `keepalived-ts -n -l -C` starts, the checker child says why it
// cannot run (keepalived's "IPVS: Can't initialize ipvs" plus what to do), exits FATAL, and the parent
// stops cleanly: exit 1 as Debian's keepalived 2.2.7 on the same config, no process left, no pid file left.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IpvsClient, IpvsError, NO_IPVS_MESSAGE } from '../../src/ipvs/index.js';

const CONF = `
virtual_server 127.0.0.1 8080 {
  delay_loop 5
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server 127.0.0.2 8080 {
    TCP_CHECK {
      connect_timeout 1
    }
  }
  real_server 127.0.0.3 8080 {
    inhibit_on_failure
    TCP_CHECK {
      connect_timeout 1
    }
  }
}
`;

interface Run { code: number | null; out: string; pids: number[] }

let dir = '';
const started: number[] = [];

/** Runs a daemon in the foreground to its exit (bounded), collecting console output and child pids. */
function runDaemon(argv: string[], name: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(argv[0]!, [...argv.slice(1), '-n', '-l', '-C', '-f', join(dir, 'keepalived.conf'),
      '-p', join(dir, `${name}.pid`), '-c', join(dir, `${name}-c.pid`), '-r', join(dir, `${name}-v.pid`)], { stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(p.pid!);
    let out = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const t = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`${name} did not exit within 20 s:\n${out}`));
    }, 20_000);
    p.on('exit', (code) => {
      clearTimeout(t);
      // Let the pipes drain.
      setTimeout(() => resolve({ code, out, pids: [...out.matchAll(/child process, pid=(\d+)/g)].map((m) => Number(m[1])) }), 100);
    });
  });
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let ours: Run;
let theirs: Run;

beforeAll(async () => {
  try {
    (await IpvsClient.open()).close();
    throw new Error('this host has IPVS: host.test.ts checks the no-IPVS path and needs a kernel without ip_vs');
  } catch (e) {
    if (!(e instanceof IpvsError && e.kind === 'unavailable')) throw e;
  }
  // Both daemons run `modprobe ip_vs` as keepalived does: refuse to run where that would load it on the host.
  if (spawnSync('modprobe', ['-n', '-q', 'ip_vs']).status === 0) throw new Error('ip_vs is loadable on this host: host.test.ts would load it; it needs a kernel without ip_vs');
  dir = mkdtempSync(join(tmpdir(), 'kts-checkd-host-'));
  writeFileSync(join(dir, 'keepalived.conf'), CONF);
  ours = await runDaemon([process.execPath, 'bin/keepalived-ts'], 'ours');
  theirs = await runDaemon(['/usr/sbin/keepalived'], 'theirs');
}, 60_000);

afterAll(() => {
  for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** keepalived's checker lines from the no-IPVS path, timestamps dropped. */
const lines = (r: Run) => r.out.split('\n').map((l) => l.replace(/^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}: /, ''))
  .filter((l) => /^(IPVS: Can't initialize|Shutting down|Initializing ipvs)/.test(l));

describe('checker child on a host without IPVS', () => {
  it('exits FATAL (1) like keepalived, after the parent logs the permanent error', () => {
    expect(theirs.code).toBe(1);
    expect(ours.code).toBe(1);
    expect(ours.out).toMatch(/exited with permanent error FATAL\. Terminating/);
  });

  it('explains the missing kernel support with keepalived\'s line and ours', () => {
    expect(ours.out).toContain(`IPVS: ${NO_IPVS_MESSAGE}`);
    // A clear message, not a crash: no stack trace, no internal error from the launcher.
    expect(ours.out).not.toMatch(/TypeError|ReferenceError|internal error|Unhandled|\n\s+at .+:\d+:\d+/);
    expect(lines(ours)).toEqual(lines(theirs));
    expect(lines(theirs)).toEqual([
      'Initializing ipvs',
      "IPVS: Can't initialize ipvs: No such file or directory",
      'Shutting down service [127.0.0.2]:tcp:8080 from VS [127.0.0.1]:tcp:8080',
      'Shutting down (inhibited) service [127.0.0.3]:tcp:8080 from VS [127.0.0.1]:tcp:8080',
    ]);
  });

  it('leaves no process and no pid file behind', () => {
    expect(ours.pids.length).toBeGreaterThan(0);
    for (const pid of ours.pids) expect(alive(pid), `child ${pid}`).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.pid'))).toEqual([]);
    expect(existsSync(join(dir, 'ours.pid'))).toBe(false);
  });
});
