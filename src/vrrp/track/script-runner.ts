// Runs a tracker or notify script: its own process group, optional uid/gid, no stdin, output
// discarded (keepalived sends it to /dev/null, so megabytes of output cost nothing), and a timeout
// that sends SIGTERM to the process group, then SIGKILL (keepalived vrrp_script_child_thread()).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { constants as osConstants } from 'node:os';
import type { ScriptOutcome } from './script-state.js';

export interface RunOptions {
  argv: string[];
  timeoutMs: number;
  uid?: number;
  gid?: number;
  /** Extra environment (keepalived passes none beyond its own). */
  env?: NodeJS.ProcessEnv;
  /** Grace between SIGTERM and SIGKILL of the group. */
  killGraceMs?: number;
  /** Daemon shutdown: the script's whole process group is killed at once (keepalived script_killall()). */
  signal?: AbortSignal;
}

export interface RunResult {
  outcome: ScriptOutcome;
  pid?: number;
  durationMs: number;
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  ENOEXEC: 'Exec format error',
  ENOTDIR: 'Not a directory',
};

/** Why a script cannot be run, checked before spawning so the reason is exact (issue #2126). */
export function cannotRun(path0: string): string | undefined {
  if (!path0.includes('/')) return undefined; // a bare name: PATH search in spawn
  try {
    const st = fs.statSync(path0);
    if (!st.isFile()) return `cannot execute ${path0}: not a regular file`;
    fs.accessSync(path0, fs.constants.X_OK);
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
    return `cannot execute ${path0}: ${ERRNO_TEXT[code] ?? code}`;
  }
}

function killGroup(pid: number, sig: NodeJS.Signals): void {
  try { process.kill(-pid, sig); } catch { /* group gone */ }
}

export function runScript(o: RunOptions): Promise<RunResult> {
  const t0 = performance.now();
  const done = (outcome: ScriptOutcome, pid?: number): RunResult => ({ outcome, pid, durationMs: performance.now() - t0 });
  const argv0 = o.argv[0];
  if (!argv0) return Promise.resolve(done({ kind: 'error', reason: 'empty script' }));
  const why = cannotRun(argv0);
  if (why) return Promise.resolve(done({ kind: 'error', reason: why }));
  if (o.signal?.aborted) return Promise.resolve(done({ kind: 'error', reason: 'not run: shutting down' }));
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(argv0, o.argv.slice(1), {
        detached: true, // its own process group, so a timeout can kill what it started too
        stdio: 'ignore',
        uid: o.uid,
        gid: o.gid,
        env: o.env ?? { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' },
      });
    } catch (e) {
      resolve(done({ kind: 'error', reason: `cannot execute ${argv0}: ${(e as Error).message}` }));
      return;
    }
    const pid = child.pid;
    let timedOut = false;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      if (!pid) return;
      timedOut = true;
      killGroup(pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), o.killGraceMs ?? 1000);
    }, o.timeoutMs);
    const onAbort = () => { if (pid) { timedOut = true; killGroup(pid, 'SIGKILL'); } };
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (r: RunResult) => {
      if (settled) return;
      settled = true;
      o.signal?.removeEventListener('abort', onAbort);
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      // whatever the script left behind in its group goes too (keepalived: kill(-pid, SIGKILL))
      if (pid && timedOut) killGroup(pid, 'SIGKILL');
      resolve(r);
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      finish(done({ kind: 'error', reason: `cannot execute ${argv0}: ${ERRNO_TEXT[e.code ?? ''] ?? e.message}` }, pid));
    });
    child.on('exit', (code, signal) => {
      if (timedOut) finish(done({ kind: 'timeout' }, pid));
      else if (signal) finish(done({ kind: 'signal', signal: (osConstants.signals as Record<string, number>)[signal] ?? 0 }, pid));
      else finish(done({ kind: 'exit', status: code ?? 0 }, pid));
    });
    child.unref();
  });
}
