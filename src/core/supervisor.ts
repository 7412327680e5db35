// Starts, watches, respawns and stops the VRRP and checker children
// (keepalived start_vrrp_child()/vrrp_respawn_thread(), check_daemon.c, main.c sigend()).
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { nsenterArgv } from './namespace.js';
import { constants } from 'node:os';
import { existsSync } from 'node:fs';
import type { Logger } from '../log/logger.js';
import { calcRestartDelay } from './restart-delay.js';
import { pidfileRemove, pidfileWrite } from './pidfile.js';
import { signalName } from './signals.js';
import { CHILD_ROLE_ENV, type ChildRole, type ChildToParent, type ParentToChild } from './child-protocol.js';
import { CHILD_IDENT, KEEPALIVED_EXIT } from './child.js';

export interface ChildSpec {
  role: ChildRole;
  /** Entry module run with node (the VRRP / checker daemon, or a test child). */
  entry: string;
  pidFile: string;
  /** Run inside this network namespace (net_namespace / -s). */
  netns?: string;
}

/** keepalived's names for each child: log_child_died(), calc_restart_delay(), children_term[]. */
const NAMES: Readonly<Record<ChildRole, { display: string; short: string }>> = {
  vrrp: { display: 'VRRP', short: 'vrrp' },
  checker: { display: 'Healthcheck', short: 'checker' },
};

/**
 * keepalived report_child_status(): the log lines for a child's end, and the exit code
 * that makes the parent stop (1 FATAL, 2 CONFIG, 4 missing permission), else 0.
 */
export function reportChildStatus(code: number | null, signal: NodeJS.Signals | null, progName: string): { lines: string[]; permanent: number } {
  if (code !== null) {
    if (code === KEEPALIVED_EXIT.FATAL || code === KEEPALIVED_EXIT.CONFIG || code === KEEPALIVED_EXIT.MISSING_PERMISSION) {
      const why = code === KEEPALIVED_EXIT.CONFIG ? 'CONFIG' : code === KEEPALIVED_EXIT.MISSING_PERMISSION ? 'missing permission' : 'FATAL';
      return { lines: [`${progName} exited with permanent error ${why}. Terminating`], permanent: code };
    }
    return { lines: code === 0 ? [] : [`${progName} exited with status ${code}`], permanent: 0 };
  }
  const num = signal ? constants.signals[signal] : 0;
  const note = signal === 'SIGKILL' ? ' - has rlimit_rttime been exceeded?' : '';
  return { lines: [`${progName} exited due to signal ${num} (${signal ?? 'unknown'})${note}`], permanent: 0 };
}

export interface SupervisorOptions {
  logger: Logger;
  /** The first IPC message for a child (its config and options). */
  startMessage: (role: ChildRole) => ParentToChild;
  /** -R: a dying child stops the daemon. */
  dontRespawn: boolean;
  /** Length of one back-off "second" in ms (1000; tests shrink it). */
  respawnUnitMs: number;
  /** A child has read its config (start-up or reload). */
  onReady: (role: ChildRole) => void;
  /** The daemon must stop with this exit code (permanent child error, or -R). */
  onTerminate: (exitCode: number) => void;
  now?: () => number;
}

interface Slot {
  spec: ChildSpec;
  proc: ChildProcess | undefined;
  startedAtMs: number;
  nextDelaySec: number;
  restartTimer: NodeJS.Timeout | undefined;
  exited: Promise<void>;
}

/**
 * node flags per child. The checker's heap churns (a probe's short-lived objects, thousands a second):
 * V8's young generation would grow to 2 x 16 MiB semi-spaces for garbage that dies young anyway;
 * 1 MiB keeps its peak RSS about 25 MiB lower at no measurable CPU cost (bench/checkers.ts).
 * --single-threaded: no V8 worker threads (GC marking and compiling on the main thread): 5-6 MiB less
 * at 1,000 + 100 checkers on the host, same CPU; on the bench's single vCPU they only compete anyway.
 * --heap-growing-percent=20: V8 lets the old generation grow to up to 4 x its live size before a full
 * GC; the checker's live heap is small and steady (~3 KB per real server) while promoted probe garbage
 * piles up, so the default factor is what sets its peak RSS at scale. 1.2 x: 10,000 TCP + 1,000 HTTP
 * checkers on the host, 60 s, peak RSS 204.6 -> 100.1 MiB (2 x 15 s: 148.5 -> 100.5); full GCs 6 -> 29
 * per 30 s, +40 ms of pauses, CPU within the runs' noise. At 1,000 + 100 the heap is at V8's minimum
 * anyway (64 MiB either way).
 */
const CHILD_NODE_FLAGS: Readonly<Record<ChildRole, string[]>> = { checker: ['--max-semi-space-size=1', '--heap-growing-percent=20', '--single-threaded'], vrrp: [] };

/**
 * KTS_CHILD_NODE_FLAGS: extra node flags for both children, space-separated, for profiling a daemon
 * (e.g. `--cpu-prof --cpu-prof-dir=DIR`, which node refuses in NODE_OPTIONS). Unset: nothing added.
 */
function extraChildFlags(env: NodeJS.ProcessEnv): string[] {
  return (env.KTS_CHILD_NODE_FLAGS ?? '').split(' ').filter((f) => f.length > 0);
}

export class Supervisor {
  private readonly slots = new Map<ChildRole, Slot>();
  private stopping = false;
  private readonly now: () => number;
  /** CPU time reported by children that stopped cleanly (node has no RUSAGE_CHILDREN). */
  readonly childCpu = { userUs: 0, systemUs: 0 };

  constructor(private readonly opts: SupervisorOptions) {
    this.now = opts.now ?? Date.now;
  }

  isRunning(role: ChildRole): boolean {
    return this.slots.get(role)?.proc !== undefined;
  }

  pidOf(role: ChildRole): number | undefined {
    return this.slots.get(role)?.proc?.pid;
  }

  runningRoles(): ChildRole[] {
    return [...this.slots.values()].filter((s) => s.proc).map((s) => s.spec.role);
  }

  /** Starts a child (or replaces its spec for the next start). */
  start(spec: ChildSpec): void {
    const slot: Slot = this.slots.get(spec.role) ?? { spec, proc: undefined, startedAtMs: 0, nextDelaySec: 0, restartTimer: undefined, exited: Promise.resolve() };
    slot.spec = spec;
    this.slots.set(spec.role, slot);
    if (!slot.proc && !slot.restartTimer) this.spawn(slot);
  }

  private spawn(slot: Slot): void {
    if (this.stopping) return;
    const { role, entry, pidFile } = slot.spec;
    const { logger } = this.opts;
    if (!existsSync(entry)) {
      // Not a crash to respawn: the build lacks the daemon. Stop as on a FATAL exit.
      logger.err(`${CHILD_IDENT[role]} entry module ${entry} not found - is keepalived-ts fully built?`);
      logger.info(`${CHILD_IDENT[role]} exited with permanent error FATAL. Terminating`);
      queueMicrotask(() => this.opts.onTerminate(KEEPALIVED_EXIT.FATAL));
      return;
    }
    const options = {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'] as ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced' as const,
      env: { ...process.env, [CHILD_ROLE_ENV]: role },
      // Own process group: a terminal's Ctrl-C reaches only the parent, which then stops
      // the children itself (else a child could exit before the parent knows it is stopping,
      // and be respawned).
      detached: true,
    };
    // nsenter setns()es and execs node: same pid, and the IPC fd is inherited.
    const ns = slot.spec.netns ? nsenterArgv(slot.spec.netns) : undefined;
    const flags = [...CHILD_NODE_FLAGS[role], ...extraChildFlags(process.env)];
    const proc = ns ? spawn(ns[0]!, [...ns.slice(1), process.execPath, ...flags, entry], options) : fork(entry, [], { ...options, execArgv: flags });
    slot.proc = proc;
    slot.startedAtMs = this.now();
    const pid = proc.pid ?? -1;
    logger.info(`Starting ${NAMES[role].display} child process, pid=${pid}`);
    pidfileWrite(pidFile, pid, (m) => logger.err(m));
    proc.on('error', (e) => logger.err(`${CHILD_IDENT[role]} (pid ${pid}): ${e.message}`));
    proc.on('message', (m: ChildToParent) => {
      if (m?.type === 'ready') this.opts.onReady(role);
      else if (m?.type === 'stopped') {
        this.childCpu.userUs += m.userUs;
        this.childCpu.systemUs += m.systemUs;
      } else logger.err(`${CHILD_IDENT[role]} (pid ${pid}) sent an unknown message: ${JSON.stringify(m)?.slice(0, 200)}`);
    });
    slot.exited = new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        this.onExit(slot, proc, code, signal);
        resolve();
      });
    });
    this.sendTo(slot, this.opts.startMessage(role));
  }

  private sendTo(slot: Slot, msg: ParentToChild): boolean {
    const proc = slot.proc;
    if (!proc?.connected) return false;
    const failed = (err: Error): void => this.opts.logger.err(`${CHILD_IDENT[slot.spec.role]} (pid ${proc.pid}): cannot send ${msg.type}: ${err.message}`);
    try {
      proc.send(msg, (err) => { if (err) failed(err); });
    } catch (e) {
      // Serialization throws synchronously (data that cannot be cloned: an internal error). A child
      // without its start message would wait for ever: closing the channel makes it exit FATAL.
      failed(e as Error);
      if (msg.type === 'start') proc.disconnect();
      return false;
    }
    return true;
  }

  private onExit(slot: Slot, proc: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (slot.proc !== proc) return;
    slot.proc = undefined;
    pidfileRemove(slot.spec.pidFile);
    const { logger } = this.opts;
    const { role } = slot.spec;
    const status = reportChildStatus(code, signal, CHILD_IDENT[role]);
    for (const line of status.lines) logger.info(line);
    if (this.stopping) return;
    if (status.permanent) {
      this.opts.onTerminate(status.permanent);
      return;
    }
    const { display } = NAMES[role];
    if (this.opts.dontRespawn) {
      logger.alert(`${display} child process(${proc.pid}) died: Exiting`);
      this.opts.onTerminate(KEEPALIVED_EXIT.OK);
      return;
    }
    logger.alert(`${display} child process(${proc.pid}) died: Respawning`);
    logger.info('  Please log an issue at https://github.com/acassen/keepalived/issues/');
    logger.info('  and include a full copy of your keepalived configuration files, and');
    logger.info('  copies of the keepalived system log entries around the time this happened');
    const ranForUnits = ((this.now() - slot.startedAtMs) / this.opts.respawnUnitMs) * 1000;
    const decision = calcRestartDelay(ranForUnits, slot.nextDelaySec);
    slot.nextDelaySec = decision.nextDelaySec;
    if (decision.logged) logger.info(`Restart of ${display} process delayed ${decision.delaySec} seconds to limit respawn rate`);
    if (decision.delaySec === 0) {
      this.spawn(slot);
      return;
    }
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = undefined;
      this.spawn(slot);
    }, decision.delaySec * this.opts.respawnUnitMs);
  }

  /** Hands a reloaded config to a running child; false if it isn't running. */
  reload(role: ChildRole, config: unknown): boolean {
    const slot = this.slots.get(role);
    return slot ? this.sendTo(slot, { type: 'reload', config }) : false;
  }

  /** Sends a signal to a running child (keepalived propagate_signal()). */
  signal(role: ChildRole, signum: number): void {
    const proc = this.slots.get(role)?.proc;
    if (!proc?.pid) return;
    try {
      process.kill(proc.pid, signum);
    } catch (e) {
      this.opts.logger.err(`Unable to send ${signalName(signum)} to ${CHILD_IDENT[role]} (pid ${proc.pid}): ${(e as Error).message}`);
    }
  }

  /**
   * keepalived sigend(): SIGTERM to every child, wait up to waitMs for them to exit,
   * then SIGKILL the rest with `%s process failed to die - forcing termination`.
   */
  async stopAll(waitMs: number): Promise<void> {
    this.stopping = true;
    const live: Slot[] = [];
    for (const slot of this.slots.values()) {
      if (slot.restartTimer) clearTimeout(slot.restartTimer);
      slot.restartTimer = undefined;
      if (slot.proc?.pid) {
        live.push(slot);
        try {
          process.kill(slot.proc.pid, 'SIGTERM');
        } catch {
          // already gone; its exit event is on the way
        }
      }
    }
    const timeout = (ms: number): Promise<void> => new Promise((r) => { const t = setTimeout(r, ms); t.unref(); });
    await Promise.race([Promise.all(live.map((s) => s.exited)), timeout(waitMs)]);
    for (const slot of live) {
      const proc = slot.proc;
      if (!proc?.pid) continue;
      this.opts.logger.info(`${NAMES[slot.spec.role].short} process failed to die - forcing termination`);
      try {
        process.kill(proc.pid, 'SIGKILL');
      } catch {
        // raced with its exit
      }
    }
    await Promise.race([Promise.all(live.map((s) => s.exited)), timeout(2000)]);
  }
}
