// MISC_CHECK: run the script in its own process group; misc_timeout → SIGTERM to the group, then SIGKILL
// (check_misc.c misc_check_child_timeout_thread). Output is drained and discarded, so memory stays flat.
import { spawn } from 'node:child_process';
import type { MiscCheckSpec, ProbeResult } from '../types.js';

/** Grace between SIGTERM and SIGKILL once misc_timeout expired (check_misc.c: timeout = 2 s). */
export const MISC_KILL_GRACE_MS = 2000;

function killGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    // Group already gone.
  }
}

export function probeMisc(spec: MiscCheckSpec, signal?: AbortSignal): Promise<ProbeResult> {
  const [cmd, ...args] = spec.miscPath;
  return new Promise((resolve) => {
    if (!cmd) {
      resolve({ ok: false, reason: 'no misc_path', exitStatus: 1 });
      return;
    }
    let timedOut = false;
    let settled = false;
    const opts: Parameters<typeof spawn>[2] = { detached: true, stdio: ['ignore', 'pipe', 'pipe'] };
    if (spec.uid !== undefined) opts.uid = spec.uid;
    if (spec.gid !== undefined) opts.gid = spec.gid;
    const child = spawn(cmd, args, opts);
    child.stdout?.resume();
    child.stderr?.resume();
    const timers: NodeJS.Timeout[] = [];
    const onAbort = () => expire();
    const done = (r: ProbeResult) => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const expire = () => {
      if (settled || child.pid === undefined) return;
      timedOut = true;
      killGroup(child.pid, 'SIGTERM');
      timers.push(setTimeout(() => child.pid !== undefined && killGroup(child.pid, 'SIGKILL'), MISC_KILL_GRACE_MS));
    };
    timers.push(setTimeout(expire, spec.miscTimeoutMs));
    signal?.addEventListener('abort', onAbort, { once: true });
    child.once('error', (err: NodeJS.ErrnoException) => {
      // Issue #2126: a missing script is a failure with its errno logged, never a crash.
      done({ ok: false, reason: 'exited with status', exitStatus: 127, logs: [`Misc check script ${cmd} could not be run: ${err.code ?? ''} (${err.message})`] });
    });
    child.once('exit', (code, sig) => {
      // Make sure children the script left behind go with it (keepalived kill(-pid, SIGKILL)).
      if (timedOut && child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
      if (sig) done({ ok: false, reason: 'due to signal', signal: sig, timedOut: timedOut && (sig === 'SIGTERM' || sig === 'SIGKILL') });
      else if (code === 0) done({ ok: true, exitStatus: 0 });
      else if (spec.miscDynamic && code !== null && code >= 2) done({ ok: true, exitStatus: code });
      else done({ ok: false, reason: 'exited with status', exitStatus: code ?? 1 });
    });
  });
}
