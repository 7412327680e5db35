// global_defs startup_script / shutdown_script, run by the parent (core/main.c
// run_startup_script(), startup_shutdown_script_completed(), handle_child_timeout()):
// before the children start / after they stopped, with a timeout after which the
// script's process group gets SIGTERM, then SIGKILL.
import { spawn } from 'node:child_process';
import type { Logger } from '../log/logger.js';
import { nsenterArgv } from './namespace.js';
import { lookupId } from './script-ids.js';

export interface StartStopScript {
  /** argv after keepalived's word splitting. */
  argv: string[];
  user?: string;
  group?: string;
  timeoutSec: number;
}

export type ScriptKind = 'startup' | 'shutdown';

/** Runs the script to completion (or kills it); never throws. */
export function runStartStopScript(kind: ScriptKind, script: StartStopScript, logger: Logger, netns?: string): Promise<void> {
  const type = `${kind} script`;
  const name = script.argv[0] ?? '';
  if (kind === 'startup') logger.detail(`Running startup script ${name}`);
  else logger.detail(`Running shutdown script ${name}`);
  const uid = lookupId('/etc/passwd', script.user, 2);
  const gid = script.group !== undefined ? lookupId('/etc/group', script.group, 2) : script.user !== undefined ? lookupId('/etc/passwd', script.user, 3) : undefined;
  return new Promise((resolve) => {
    // In a namespace nsenter enters it as root, then drops to the script's user itself.
    const argv = netns
      ? [...nsenterArgv(netns).slice(0, -1), ...(uid !== undefined ? [`--setuid=${uid}`] : []), ...(gid !== undefined ? [`--setgid=${gid}`] : []), '--', ...script.argv]
      : script.argv;
    let child;
    try {
      child = spawn(argv[0]!, argv.slice(1), {
        stdio: 'ignore',
        // its own process group, so a timeout can kill everything it started (kill(-pid))
        detached: true,
        ...(uid !== undefined && !netns ? { uid } : {}),
        ...(gid !== undefined && !netns ? { gid } : {}),
      });
    } catch (e) {
      logger.info(`Call of ${kind} script ${name} failed`);
      logger.detail((e as Error).message);
      resolve();
      return;
    }
    const pid = child.pid;
    const killGroup = (sig: NodeJS.Signals): void => {
      if (pid === undefined) return;
      try {
        process.kill(-pid, sig);
      } catch {
        // already gone
      }
    };
    let termTimer: NodeJS.Timeout | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let giveUp: NodeJS.Timeout | undefined;
    const finish = (): void => {
      for (const t of [termTimer, killTimer, giveUp]) if (t) clearTimeout(t);
      resolve();
    };
    let sentTerm = false;
    termTimer = setTimeout(() => {
      logger.info(`${type} timed out`);
      sentTerm = true;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => {
        killGroup('SIGKILL');
        giveUp = setTimeout(() => {
          logger.info(`${type} (PID ${pid}) failed to terminate after kill`);
          finish();
        }, 10_000);
      }, 2000);
    }, script.timeoutSec * 1000);
    child.on('error', (e) => {
      logger.info(`Call of ${kind} script ${name} failed`);
      logger.detail(e.message);
      finish();
    });
    child.on('exit', (code, signal) => {
      // keepalived's text says "script" twice ("startup script script failed").
      if (code !== null && code !== 0) logger.info(`${type} script failed, status ${code}`);
      else if (code === 0) logger.detail(`${type} script succeeded`);
      else if (signal === 'SIGTERM' && sentTerm) killGroup('SIGKILL');
      finish();
    });
  });
}
