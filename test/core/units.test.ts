// Pure pieces of the parent: back-off, child status reports, command-line log wrapping, pid files, dumps.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, symlinkSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { calcRestartDelay } from '../../src/core/restart-delay.js';
import { reportChildStatus } from '../../src/core/supervisor.js';
import { commandLineLines } from '../../src/core/parent.js';
import { pidfileWrite, processRunning } from '../../src/core/pidfile.js';
import { writeDumpFile, tmpDir } from '../../src/core/dump.js';
import { defaultPidFiles, syslogIdent } from '../../src/core/namespace.js';

describe('calcRestartDelay (scheduler.c calc_restart_delay)', () => {
  it('quick deaths give 0, 1, 2, 4, 8, 16, 32, 60, 60 seconds', () => {
    const delays: number[] = [];
    let next = 0;
    for (let i = 0; i < 9; i++) {
      const d = calcRestartDelay(500, next);
      expect(d.logged).toBe(true);
      delays.push(d.delaySec);
      next = d.nextDelaySec;
    }
    expect(delays).toEqual([0, 1, 2, 4, 8, 16, 32, 60, 60]);
  });
  it('a child that ran 60 s or more restarts at once and resets the back-off', () => {
    expect(calcRestartDelay(60_000, 32)).toEqual({ delaySec: 0, nextDelaySec: 0, logged: false });
    expect(calcRestartDelay(59_999, 32)).toEqual({ delaySec: 32, nextDelaySec: 60, logged: true });
  });
});

describe('reportChildStatus (scheduler.c report_child_status)', () => {
  it.each([
    [1, null, ['Keepalived_vrrp exited with permanent error FATAL. Terminating'], 1],
    [2, null, ['Keepalived_vrrp exited with permanent error CONFIG. Terminating'], 2],
    [4, null, ['Keepalived_vrrp exited with permanent error missing permission. Terminating'], 4],
    [0, null, [], 0],
    [3, null, ['Keepalived_vrrp exited with status 3'], 0],
    [null, 'SIGSEGV', ['Keepalived_vrrp exited due to signal 11 (SIGSEGV)'], 0],
    [null, 'SIGKILL', ['Keepalived_vrrp exited due to signal 9 (SIGKILL) - has rlimit_rttime been exceeded?'], 0],
  ] as const)('code %s signal %s', (code, signal, lines, permanent) => {
    expect(reportChildStatus(code, signal, 'Keepalived_vrrp')).toEqual({ lines, permanent });
  });
});

describe('commandLineLines (scheduler.c log_options)', () => {
  it('matches the wrapping in samples/live.log', () => {
    const argv = ['keepalived', '-n', '-l', '-D', '-f', '<dir>/live.conf', '-p', '<dir>/ka.pid', '-r', '<dir>/vrrp.pid', '-c', '<dir>/chk.pid', '-b', '<dir>/bfd.pid'];
    const sample = readFileSync('/work/shared/reference/keepalived-2.2.7-samples/live.log', 'utf8').split('\n')
      .filter((l) => /: (Command line: |\s{14}')/.test(l)).map((l) => l.replace(/^.{24}: /, ''));
    expect(sample).toHaveLength(2);
    expect(commandLineLines(argv)).toEqual(sample);
  });
  it('short command lines stay on one line', () => {
    expect(commandLineLines(['keepalived', '-n'])).toEqual(["Command line: 'keepalived' '-n'"]);
  });
});

describe('pid files (pidfile.c)', () => {
  it('writes "%d\\n" mode 0644, refuses symlinks, and judges liveness like keepalived', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kats-pidu-'));
    const logs: string[] = [];
    const log = (m: string): void => { logs.push(m); };
    try {
      const f = join(dir, 'a.pid');
      const savedUmask = process.umask(0o077);
      try {
        expect(pidfileWrite(f, 1234, log)).toBe(true);
      } finally {
        process.umask(savedUmask);
      }
      expect(readFileSync(f, 'utf8')).toBe('1234\n');
      expect(statSync(f).mode & 0o777).toBe(0o644);
      symlinkSync(f, join(dir, 'link.pid'));
      expect(pidfileWrite(join(dir, 'link.pid'), 1, log)).toBe(false);
      expect(logs[0]).toBe(`pidfile_write : Cannot open ${dir}/link.pid pidfile`);

      expect(processRunning(join(dir, 'none.pid'), log)).toBe(false);
      writeFileSync(f, `${process.pid}\n`);
      expect(processRunning(f, log)).toBe(true);
      // a process that has exited: zombie pid file removed
      const gone = spawn('true');
      await new Promise((r) => gone.on('exit', r));
      writeFileSync(f, `${gone.pid}\n`);
      expect(processRunning(f, log)).toBe(false);
      expect(logs).toContain(`Remove a zombie pid file ${f}`);
      expect(existsSync(f)).toBe(false);
      // garbage: keepalived removes it but still says "running" (it can't tell)
      writeFileSync(f, 'garbage\n');
      expect(processRunning(f, log)).toBe(true);
      expect(logs).toContain(`Error reading pid file ${f}`);
      expect(existsSync(f)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('dump files', () => {
  it('go to $TMPDIR when absolute, else /tmp, written whole with no temp file left', () => {
    expect(tmpDir({ TMPDIR: 'relative' })).toBe('/tmp');
    expect(tmpDir({})).toBe('/tmp');
    const dir = mkdtempSync(join(tmpdir(), 'kats-dump-'));
    try {
      const path = writeDumpFile('keepalived.data', 'x'.repeat(100_000), { TMPDIR: dir });
      expect(path).toBe(join(dir, 'keepalived.data'));
      expect(readFileSync(path, 'utf8')).toHaveLength(100_000);
      expect(readdirSync(dir)).toEqual(['keepalived.data']);
      expect(() => writeDumpFile('x', 'y', { TMPDIR: join(dir, 'missing') })).toThrow(/cannot write dump file .*missing\/x/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('instance / net_namespace placement (pidfile.h, make_syslog_ident)', () => {
  it('pid files', () => {
    expect(defaultPidFiles({})).toEqual({ dir: undefined, main: '/run/keepalived.pid', vrrp: '/run/keepalived_vrrp.pid', checker: '/run/keepalived_checkers.pid' });
    expect(defaultPidFiles({ instance: 'i1' })).toEqual({ dir: '/run/keepalived', main: '/run/keepalived/keepalived_i1.pid', vrrp: '/run/keepalived/vrrp_i1.pid', checker: '/run/keepalived/checkers_i1.pid' });
    expect(defaultPidFiles({ netNamespace: 'blue' })).toEqual({ dir: '/run/keepalived/blue', main: '/run/keepalived/blue/keepalived.pid', vrrp: '/run/keepalived/blue/vrrp.pid', checker: '/run/keepalived/blue/checkers.pid' });
    expect(defaultPidFiles({ usePidDir: true }).main).toBe('/run/keepalived/keepalived.pid');
  });
  it('syslog identities', () => {
    expect(syslogIdent('Keepalived_vrrp', { netNamespace: 'blue', instance: 'i1' })).toBe('Keepalived_vrrp_blue_i1');
    expect(syslogIdent('Keepalived', {})).toBe('Keepalived');
  });
});
