// The child side of the supervisor: what a VRRP or checker daemon entry module calls.
//
//   import { runChild } from '../core/child.js';
//   runChild(async ({ config, options, logger }) => {
//     ... start ...
//     return { stop: async () => {...}, reload: async (cfg) => {...}, dumpData: () => '...' };
//   });
//
// runChild waits for the parent's config (IPC), builds the logger, signals readiness,
// turns SIGTERM / SIGINT / parent loss into stop(), reloads on the parent's word, and
// writes the SIGUSR1 / SIGUSR2 / STATS_CLEAR / JSON dumps keepalived's children write.
import { createLogger, childLogFileName, type Logger } from '../log/logger.js';
import { writeDumpFile } from './dump.js';
import { ignoreSignals, onSignal, DUMP_AND_RELOAD_SIGNALS } from './signals.js';
import { SIGJSON, SIGSTATS_CLEAR } from './signum.js';
import { constants } from 'node:os';
import { phase } from './phase-times.js';
import { CHILD_ROLE_ENV, cpuSeconds, type ChildCliOptions, type ChildRole, type ChildToParent, type ParentToChild } from './child-protocol.js';

/** keepalived's exit codes (lib/scheduler.h); 1, 2 and 4 make the parent stop instead of respawning. */
export const KEEPALIVED_EXIT = {
  OK: 0, FATAL: 1, CONFIG: 2, MISSING_PERMISSION: 4, NO_CONFIG: 6, PROGRAM_ERROR: 70,
} as const;

export interface ChildContext {
  role: ChildRole;
  config: unknown;
  options: ChildCliOptions;
  logger: Logger;
  /** Directory for dump files and similar ($TMPDIR or /tmp). */
  tmpDir: string;
}

export interface ChildDaemon {
  /** SIGTERM, SIGINT or the parent vanished: release what the options say to release, then resolve. */
  stop(): Promise<void> | void;
  /** SIGHUP at the parent: the new, already validated config. Resolve when applied. */
  reload?(config: unknown): Promise<void> | void;
  /** SIGUSR1: body of keepalived.data (VRRP) / keepalived_check.data (checker). */
  dumpData?(): string;
  /** SIGUSR2, and SIGRTMAX-1 with clear = true: body of keepalived.stats (VRRP). */
  dumpStats?(clear: boolean): string;
  /** SIGRTMIN+2: body of keepalived.json (VRRP). */
  dumpJson?(): string;
}

export type ChildMain = (ctx: ChildContext) => Promise<ChildDaemon> | ChildDaemon;

export const CHILD_IDENT: Readonly<Record<ChildRole, string>> = {
  vrrp: 'Keepalived_vrrp',
  checker: 'Keepalived_healthcheckers',
};

const LOG_FILE_SUFFIX: Readonly<Record<ChildRole, string>> = { vrrp: 'vrrp', checker: 'healthcheckers' };

/** Thrown by a child's main or reload to exit with a keepalived exit code (e.g. CONFIG). */
export class ChildExit extends Error {
  constructor(readonly exitCode: number, message: string) {
    super(message);
  }
}

function send(msg: ChildToParent): void {
  process.send?.(msg);
}

function waitForStart(): Promise<Extract<ParentToChild, { type: 'start' }>> {
  return new Promise((resolve, reject) => {
    if (!process.send) {
      reject(new Error('not started by keepalived-ts (no IPC channel): run keepalived-ts, which starts this process'));
      return;
    }
    // The parent closes the channel when it cannot send the config (it may be closed already).
    const closed = (): void => reject(new Error('the IPC channel closed before the config arrived'));
    const onMessage = (m: ParentToChild): void => {
      if (m?.type !== 'start') return;
      process.off('message', onMessage);
      process.off('disconnect', closed);
      resolve(m);
    };
    process.on('message', onMessage);
    if (!process.connected) closed();
    else process.once('disconnect', closed);
  });
}

/** Runs a child daemon under the keepalived-ts parent. Never returns normally: the process exits. */
export async function runChild(main: ChildMain): Promise<never> {
  // Until our handlers are in place: node's SIGUSR1 would start the inspector, RT signals kill.
  const early = ignoreSignals(DUMP_AND_RELOAD_SIGNALS);
  // A JS crash would exit 1, which keepalived reads as a permanent FATAL error and stops
  // everything; a crash is a bug to respawn from, like keepalived's SIGSEGV case.
  const crash = (e: unknown): void => {
    process.stderr.write(`${CHILD_IDENT[process.env[CHILD_ROLE_ENV] === 'checker' ? 'checker' : 'vrrp']}: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(KEEPALIVED_EXIT.PROGRAM_ERROR);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  let start: Extract<ParentToChild, { type: 'start' }>;
  try {
    phase('child: waiting for config');
    start = await waitForStart();
    phase('child: config received');
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(KEEPALIVED_EXIT.FATAL);
  }
  const { role, options } = start;
  const logger = createLogger({
    ident: `${CHILD_IDENT[role]}${start.identSuffix ?? ''}`,
    facility: options.logFacility,
    syslog: !options.noSyslog,
    ...(start.syslogSocket !== undefined ? { syslogSocket: start.syslogSocket } : {}),
    console: options.logConsole && options.dontFork,
    ...(options.logFile !== undefined ? { logFile: childLogFileName(options.logFile, LOG_FILE_SUFFIX[role]) } : {}),
    flushLogFile: options.flushLogFile,
    detailLevel: options.logDetail,
  });

  let exiting = false;
  const exit = async (code: number): Promise<never> => {
    exiting = true;
    await logger.close();
    process.exit(code);
  };

  // Stop and reload run one at a time, in arrival order.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = (job: () => Promise<void>): void => {
    queue = queue.then(job, job);
  };

  // Set once main() has returned; a SIGTERM (or the parent's death) before that waits for it, as
  // keepalived handles signals only once its thread loop runs, instead of killing the child by
  // the signal's default action with the daemon half started (IPVS left programmed).
  let daemon: ChildDaemon | undefined;
  let stopPending = false;
  const stop = (): void => {
    if (exiting) return;
    if (!daemon) {
      stopPending = true;
      return;
    }
    const d = daemon;
    exiting = true;
    serial(async () => {
      try {
        await d.stop();
      } catch (e) {
        logger.err(`stop failed: ${(e as Error).message}`);
      }
      // keepalived log_stopping() (lib/utils.c)
      const usage = process.resourceUsage();
      if (options.logDetail) logger.info(`Stopped - used ${cpuSeconds(usage.userCPUTime)} user time, ${cpuSeconds(usage.systemCPUTime)} system time`);
      else logger.info('Stopped');
      await new Promise<void>((resolve) => {
        if (!process.connected || !process.send) return resolve();
        const t = setTimeout(resolve, 500);
        process.send({ type: 'stopped', userUs: usage.userCPUTime, systemUs: usage.systemCPUTime } satisfies ChildToParent, () => { clearTimeout(t); resolve(); });
      });
      await logger.close();
      process.exit(KEEPALIVED_EXIT.OK);
    });
  };
  // keepalived children die with their parent (PR_SET_PDEATHSIG); our cue is the IPC channel.
  process.on('disconnect', stop);
  onSignal(constants.signals.SIGTERM, stop);
  onSignal(constants.signals.SIGINT, stop);

  try {
    daemon = await main({ role, config: start.config, options, logger, tmpDir: start.tmpDir });
  } catch (e) {
    logger.err(`${CHILD_IDENT[role]} failed to start: ${(e as Error).message}`);
    return exit(e instanceof ChildExit ? e.exitCode : KEEPALIVED_EXIT.FATAL);
  }
  const running: ChildDaemon = daemon;
  if (stopPending) {
    stop();
    return new Promise<never>(() => undefined);
  }

  process.on('message', (m: ParentToChild) => {
    if (m?.type !== 'reload' || exiting) return;
    phase('child: reload received');
    serial(async () => {
      logger.info('Reloading');
      try {
        await running.reload?.(m.config);
      } catch (e) {
        if (e instanceof ChildExit) {
          logger.err(e.message);
          await exit(e.exitCode);
        }
        logger.err(`reload failed: ${(e as Error).message}`);
      }
      phase('child: reload done');
      send({ type: 'ready' });
    });
  });
  // The parent reloads us over IPC with the config it read; a stray SIGHUP must not kill us.
  onSignal(constants.signals.SIGHUP, () => logger.detail('SIGHUP ignored: reloads come from the parent'));

  const dump = (file: string, what: string, body: (() => string) | undefined): void => {
    logger.info(`Printing ${what} for process(${process.pid}) on signal`);
    if (!body) return;
    try {
      writeDumpFile(file, body());
    } catch (e) {
      logger.err((e as Error).message);
    }
  };
  if (role === 'vrrp') {
    onSignal(constants.signals.SIGUSR1, () => dump('keepalived.data', 'VRRP data', running.dumpData?.bind(running)));
    onSignal(constants.signals.SIGUSR2, () => dump('keepalived.stats', 'VRRP stats', running.dumpStats && (() => running.dumpStats!(false))));
    onSignal(SIGSTATS_CLEAR, () => dump('keepalived.stats', 'and clearing VRRP stats', running.dumpStats && (() => running.dumpStats!(true))));
    onSignal(SIGJSON, () => dump('keepalived.json', 'VRRP as json', running.dumpJson?.bind(running)));
  } else {
    onSignal(constants.signals.SIGUSR1, () => dump('keepalived_check.data', 'checker data', running.dumpData?.bind(running)));
  }
  early.close();
  phase('child: started');
  send({ type: 'ready' });
  // Kept alive by the IPC channel until stop() exits the process.
  return new Promise<never>(() => undefined);
}
