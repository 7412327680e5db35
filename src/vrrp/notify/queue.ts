// Notify scripts of one instance (or sync group) run one at a time, in the order the state
// changes happened: keepalived runs them concurrently and they can overtake each other
// (its issues #584, #996); here a MASTER script never runs after the BACKUP one that followed it.
import type { Notify } from '../../config/ast.js';
import { scriptIds, type ScriptIds } from '../../core/script-ids.js';
import { runScript, type RunResult } from '../track/script-runner.js';

export type NotifyState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP' | 'DELETED';

/** The notify scripts of an instance or a sync group, as the config gives them. */
export type NotifyScripts = Notify;

export interface NotifyJob {
  argv: string[];
  what: string;
  /** The script's own `user [group]` (else the queue's script_user). */
  user?: string;
  group?: string;
}

/**
 * keepalived vrrp_notify.c: the state's own script with no extra arguments, then the generic
 * `notify` script with `INSTANCE|GROUP NAME STATE PRIORITY` appended (a group's priority is 0).
 * notify_deleted without a script of its own means only the generic one, with DELETED.
 */
export function notifyJobs(kind: 'INSTANCE' | 'GROUP', name: string, scripts: NotifyScripts, state: NotifyState, priority: number): NotifyJob[] {
  const jobs: NotifyJob[] = [];
  const own = state === 'MASTER' ? scripts.master : state === 'BACKUP' ? scripts.backup : state === 'FAULT' ? scripts.fault
    : state === 'STOP' ? scripts.stop : scripts.deleted === true ? undefined : scripts.deleted;
  const ids = (s: { user?: string; group?: string }) => ({ ...(s.user !== undefined ? { user: s.user } : {}), ...(s.group !== undefined ? { group: s.group } : {}) });
  if (own) jobs.push({ argv: own.argv, what: `notify_${state.toLowerCase()}`, ...ids(own) });
  if (scripts.generic) jobs.push({ argv: [...scripts.generic.argv, kind, name, state, String(kind === 'GROUP' ? 0 : priority)], what: 'notify', ...ids(scripts.generic) });
  return jobs;
}

export interface QueueOptions {
  /** A notify script that runs longer is killed (its process group), so later ones are not held up for ever. */
  timeoutMs: number;
  /** uid/gid the scripts run as (script_user). */
  ids?: ScriptIds;
  /** Shutdown: running scripts are killed, queued ones not started. */
  signal?: AbortSignal;
  onDone?: (job: NotifyJob, r: RunResult) => void;
}

/** One queue per instance or group: jobs run strictly one after another. */
export class NotifyQueue {
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(private readonly o: QueueOptions) {}

  get length(): number {
    return this.pending;
  }

  push(...jobs: NotifyJob[]): Promise<void> {
    for (const job of jobs) {
      this.pending++;
      this.tail = this.tail.then(async () => {
        const ids = job.user !== undefined ? scriptIds(job.user, job.group) : this.o.ids;
        const r = await runScript({ argv: job.argv, timeoutMs: this.o.timeoutMs, ...ids, ...(this.o.signal ? { signal: this.o.signal } : {}) });
        this.pending--;
        this.o.onDone?.(job, r);
      });
    }
    return this.tail;
  }

  /** Resolves when everything queued so far has run. */
  drain(): Promise<void> {
    return this.tail;
  }
}
