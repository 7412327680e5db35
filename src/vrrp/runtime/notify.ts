// Everything the VRRP child tells the outside world on a state change (keepalived vrrp_notify.c
// send_instance_notifies / send_group_notifies): the notify FIFO lines (notify_fifo and
// vrrp_notify_fifo), the state's notify script and the generic `notify` script, and the SMTP alert.
// Scripts of one instance or group run one at a time in event order (keepalived's issues #584, #996);
// nothing here waits on a script, a FIFO reader or a mail server, so VRRP timing never stalls.
import { spawn, type ChildProcess } from 'node:child_process';
import type { GlobalDefs, Notify, Script } from '../../config/ast.js';
import type { Logger } from '../../log/logger.js';
import type { NotifyState as ActionNotifyState } from '../actions.js';
import { FifoWriter, fifoLine } from '../notify/fifo.js';
import { NotifyQueue, notifyJobs } from '../notify/queue.js';
import { SmtpNotifier, smtpSettingsFrom } from '../notify/smtp.js';
import { scriptIds, type ScriptIds } from '../../core/script-ids.js';

/** keepalived lets notify scripts run as long as they like; we bound them so a hung one cannot hold up the next. */
const NOTIFY_TIMEOUT_MS = 30_000;

interface FifoSpec { path: string; user?: string; group?: string; script?: Script }

/** One FIFO and its reader script (notify_fifo_script), kept across reloads while the config keeps them (issue #2024). */
export class NotifyFifo {
  readonly writer: FifoWriter;
  private reader: ChildProcess | undefined;

  constructor(readonly spec: FifoSpec, private readonly log: Logger, ids: ScriptIds) {
    this.writer = new FifoWriter(spec.path, (t) => log.info(t));
    // The FIFO belongs to its own `user [group]`, else script_user (keepalived notify_fifo()).
    this.writer.ensure(spec.user !== undefined ? scriptIds(spec.user, spec.group) : ids);
    if (spec.script) this.startReader(spec.script, spec.script.user !== undefined ? scriptIds(spec.script.user, spec.script.group) : ids);
  }

  same(spec: FifoSpec): boolean {
    return spec.path === this.spec.path && (spec.script?.cmd ?? '') === (this.spec.script?.cmd ?? '');
  }

  /** keepalived runs the reader with the FIFO's name appended to its arguments. */
  private startReader(script: Script, ids: ScriptIds): void {
    const [cmd, ...args] = script.argv;
    if (!cmd) return;
    try {
      this.reader = spawn(cmd, [...args, this.spec.path], { stdio: 'ignore', detached: true, ...ids });
      this.reader.on('error', (e) => this.log.info(`Unable to run notify fifo script ${script.cmd}: ${e.message}`));
      this.reader.on('exit', () => { this.reader = undefined; });
      this.reader.unref();
    } catch (e) {
      this.log.info(`Unable to run notify fifo script ${script.cmd}: ${(e as Error).message}`);
    }
  }

  close(): void {
    this.writer.close();
    const pid = this.reader?.pid;
    if (pid) { try { process.kill(-pid, 'SIGTERM'); } catch { /* gone */ } }
    this.reader = undefined;
  }
}

export class VrrpNotifier {
  private readonly queues = new Map<string, NotifyQueue>();
  private readonly abort = new AbortController();
  private fifos: NotifyFifo[] = [];
  private smtp: SmtpNotifier;
  private ids: ScriptIds;

  constructor(private global: GlobalDefs, private readonly log: Logger) {
    this.ids = scriptIds(global.scriptUser?.user, global.scriptUser?.group);
    this.smtp = this.newSmtp(global);
    this.openFifos(global);
  }

  private newSmtp(g: GlobalDefs): SmtpNotifier {
    return new SmtpNotifier(smtpSettingsFrom(g), (t) => this.log.info(t), { noEmailFaults: 'no_email_faults' in g.other });
  }

  private openFifos(g: GlobalDefs): void {
    const want = [g.notifyFifo, g.vrrpNotifyFifo].filter((x): x is FifoSpec => x !== undefined);
    const keep: NotifyFifo[] = [];
    for (const spec of want) {
      const old = this.fifos.find((f) => f.same(spec));
      keep.push(old ?? new NotifyFifo(spec, this.log, this.ids));
    }
    for (const f of this.fifos) if (!keep.includes(f)) f.close();
    this.fifos = keep;
  }

  /** SIGHUP: new global settings; FIFOs whose path and reader are unchanged stay open with their reader. */
  reload(g: GlobalDefs): void {
    this.global = g;
    this.ids = scriptIds(g.scriptUser?.user, g.scriptUser?.group);
    this.smtp = this.newSmtp(g);
    this.openFifos(g);
  }

  private queue(key: string): NotifyQueue {
    let q = this.queues.get(key);
    if (!q) {
      q = new NotifyQueue({
        timeoutMs: NOTIFY_TIMEOUT_MS,
        ids: this.ids,
        signal: this.abort.signal,
        onDone: (job, r) => {
          if (r.outcome.kind === 'error') this.log.info(`Failed to exec ${job.what} script ${job.argv[0] ?? ''}: ${r.outcome.reason}`);
          else if (r.outcome.kind === 'timeout') this.log.info(`${job.what} script ${job.argv[0] ?? ''} timed out`);
        },
      });
      this.queues.set(key, q);
    }
    return q;
  }

  private fifo(kind: 'INSTANCE' | 'GROUP', name: string, state: string, priority: number): void {
    const line = fifoLine(kind, name, state, priority);
    for (const f of this.fifos) f.writer.write(line);
  }

  /** fifo_write_vrrp_states_on_reload: the current state as a FIFO line only. */
  fifoState(kind: 'INSTANCE' | 'GROUP', name: string, state: string, priority: number): void {
    this.fifo(kind, name, state, priority);
  }

  /** An instance's notify action (the core's `notify`). */
  instance(iname: string, scripts: Notify, smtpAlert: boolean, state: ActionNotifyState, priority: number): void {
    // keepalived's order: the state's script, the generic script, the FIFO line, the mail
    if (state === 'MASTER_RX_LOWER_PRI') {
      const sc = scripts.masterRxLowerPri;
      if (sc) this.queue(`i:${iname}`).push({ argv: sc.argv, what: 'notify_master_rx_lower_pri', ...(sc.user !== undefined ? { user: sc.user } : {}), ...(sc.group !== undefined ? { group: sc.group } : {}) });
    } else if (state !== 'MASTER_PRIORITY' && state !== 'BACKUP_PRIORITY') {
      this.queue(`i:${iname}`).push(...notifyJobs('INSTANCE', iname, scripts, state, priority));
    }
    this.fifo('INSTANCE', iname, state, priority);
    if (state === 'MASTER' || state === 'BACKUP' || state === 'FAULT' || state === 'STOP') this.smtp.instance(iname, smtpAlert, state);
  }

  /** An instance removed by a reload, with notify_deleted set: its script (or the generic one) with DELETED. */
  deleted(iname: string, scripts: Notify, smtpAlert: boolean, priority: number): void {
    this.queue(`i:${iname}`).push(...notifyJobs('INSTANCE', iname, scripts, 'DELETED', priority));
    this.fifo('INSTANCE', iname, 'DELETED', priority);
    this.smtp.instance(iname, smtpAlert, 'DELETED');
  }

  group(gname: string, scripts: Notify, smtpAlert: boolean, state: 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP'): void {
    this.queue(`g:${gname}`).push(...notifyJobs('GROUP', gname, scripts, state, 0));
    this.fifo('GROUP', gname, state, 0);
    this.smtp.group(gname, smtpAlert, state);
  }

  /** Waits (bounded) for queued scripts and mails, as keepalived lets notify_stop run at shutdown. */
  async drain(timeoutMs = 5000): Promise<void> {
    let t: NodeJS.Timeout | undefined;
    const all = Promise.all([...[...this.queues.values()].map((q) => q.drain()), this.smtp.drain()]);
    await Promise.race([all, new Promise<void>((r) => { t = setTimeout(r, timeoutMs); })]);
    clearTimeout(t);
  }

  /** Shutdown, after drain(): scripts still running are killed with their process groups; FIFO readers end. */
  close(): void {
    this.abort.abort();
    for (const f of this.fifos) f.close();
    this.fifos = [];
  }
}
