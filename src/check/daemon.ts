// Keepalived_healthcheckers: the checker child. Config → engine specs + IPVS records (config-map),
// the engine (CheckRunner) → IPVS (ipvs-sync), logs, notify scripts, notify FIFOs and mail
// (keepalived check/check_daemon.c start_check / reload_check_thread / checker_terminate_phase1).
import { hostname } from 'node:os';
import type { KeepalivedConfig } from '../config/ast.js';
import { scriptIds, type ScriptIds } from '../core/script-ids.js';
import { ChildExit, KEEPALIVED_EXIT, runChild, type ChildContext, type ChildDaemon } from '../core/child.js';
import { IpvsClient, IpvsError } from '../ipvs/index.js';
import type { Logger } from '../log/logger.js';
import { NotifyFifo } from '../vrrp/runtime/notify.js';
import { sendSmtpAlert } from '../vrrp/notify/smtp.js';
import { type CheckerPlan, mapConfig } from './config-map.js';
import { IpvsSync, isIpvsAction } from './ipvs-sync.js';
import type { LocalAddresses } from './lvs/addresses.js';
import { dumpCheckData } from './lvs/dump.js';
import { modprobe } from './lvs/modprobe.js';
import { phase } from '../core/phase-times.js';
import { dropRepeatedQuorum, type Migration, migrateCheckers } from './lvs/migrate.js';
import { formatRs, formatVs } from './format.js';
import { notifyScriptIds, runNotifyScript } from './notify-scripts.js';
import { CheckRunner, type SinkAction } from './runner.js';

/** What happens to the engine's actions: all of them, or (shutdown with -I / lvs_flush_on_stop) fewer. */
type SinkMode = 'all' | 'notifiesOnly' | 'none';

/** ENOENT is what keepalived's libnl reports when the "IPVS" family is missing (observed on this kind of host). */
function ipvsInitReason(e: unknown): string {
  if (e instanceof IpvsError && e.kind === 'unavailable') return 'No such file or directory';
  return (e as Error)?.message ?? String(e);
}

class CheckerDaemon implements ChildDaemon {
  private runner?: CheckRunner;
  private generation = 0;
  private mode: SinkMode = 'all';
  private sync?: IpvsSync;
  private client?: IpvsClient;
  private fifos: NotifyFifo[] = [];
  private ids = new Map<string[], ScriptIds>();
  /** Engine actions kept back while the stop clears IPVS. */
  private held: SinkAction[] | undefined;
  /** Local addresses, watched only while some virtual server uses ha_suspend. */
  private addrs?: LocalAddresses;

  constructor(private cfg: KeepalivedConfig, private plan: CheckerPlan, private readonly ctx: ChildContext) {
    this.ids = notifyScriptIds(cfg, plan);
  }

  private get log(): Logger {
    return this.ctx.logger;
  }

  /** ipvs_start(): only when there are virtual servers; failing is FATAL, as keepalived. */
  async start(): Promise<void> {
    for (const l of this.plan.logs) this.log.info(l);
    if (this.plan.virtualServers.length) await this.openIpvs();
    phase('checker: ipvs open');
    this.openFifos();
    if (this.sync) await this.sync.start(this.cfg.global);
    await this.watchAddresses();
    this.launch();
    phase('checker: engine started');
    // The table as the config has it at start; with thousands of checkers already changing it,
    // waiting for no call at all in flight (idle) may never end, and signals wait for start().
    await this.sync?.settled();
    phase('checker: ipvs programmed');
  }

  private async openIpvs(): Promise<void> {
    if (this.client) return;
    this.log.info('Initializing ipvs');
    try {
      this.client = await IpvsClient.open().catch(async (e: unknown) => {
        // ipvs_start(): one modprobe, one more try.
        if (!(e instanceof IpvsError && e.kind === 'unavailable') || !(await modprobe('ip_vs'))) throw e;
        return IpvsClient.open();
      });
    } catch (e) {
      this.log.info(`IPVS: Can't initialize ipvs: ${ipvsInitReason(e)}`);
      if (e instanceof IpvsError && e.kind === 'unavailable') this.log.err(`IPVS: ${e.message}`);
      // stop_check(): clear_services() logs each real server's shutdown before exiting.
      const dead = new CheckRunner(this.plan.virtualServers.map((v) => v.spec), (a) => { if (a.type === 'log') this.log.info(a.text); });
      dead.stop();
      throw new ChildExit(KEEPALIVED_EXIT.FATAL, `IPVS: Can't initialize ipvs: ${ipvsInitReason(e)}`);
    }
    this.sync = new IpvsSync(this.client, { info: (t) => this.log.info(t), err: (t) => this.log.err(t) }, this.plan);
  }

  /** using_ha_suspend: the engine learns which VS addresses are local (update_checker_activity). */
  private async watchAddresses(): Promise<void> {
    const needed = this.plan.virtualServers.some((v) => v.spec.haSuspend);
    if (needed && !this.addrs) {
      // Imported here: only ha_suspend needs its rtnetlink modules in the checker child.
      const { LocalAddresses } = await import('./lvs/addresses.js');
      this.addrs = new LocalAddresses((ip, present) => this.runner?.addressChanged(ip, present), (t) => this.log.err(t));
      await this.addrs.start();
    } else if (!needed && this.addrs) {
      this.addrs.close();
      this.addrs = undefined;
    }
  }

  /**
   * notify_fifo_open(): notify_fifo and lvs_notify_fifo, each with its reader script started (as its own
   * user, else script_user) with the FIFO's name appended; a FIFO whose path and script a reload keeps
   * stays open with its reader. The LVS FIFO is ignored when it is the global one, as keepalived does.
   */
  private openFifos(): void {
    const g = this.cfg.global;
    const want = [g.notifyFifo];
    if (g.lvsNotifyFifo && g.notifyFifo && g.lvsNotifyFifo.path === g.notifyFifo.path) {
      this.log.info(`notify FIFO ${g.lvsNotifyFifo.path} has been specified for global and LVS FIFO - ignoring LVS FIFO`);
    } else want.push(g.lvsNotifyFifo);
    const ids = scriptIds(g.scriptUser?.user, g.scriptUser?.group);
    const keep: NotifyFifo[] = [];
    for (const spec of want) {
      if (!spec) continue;
      keep.push(this.fifos.find((f) => f.same(spec)) ?? new NotifyFifo(spec, this.log, ids));
    }
    for (const f of this.fifos) if (!keep.includes(f)) f.close();
    this.fifos = keep;
  }

  /**
   * A fresh engine on the current plan; actions of older engines are dropped. On a reload (`kept`) its
   * start-up actions are filtered of quorum announcements keepalived would not repeat.
   */
  private launch(migration?: Migration): void {
    const gen = ++this.generation;
    this.mode = 'all';
    let buffer: SinkAction[] | null = migration ? [] : null;
    const other = this.cfg.global.other;
    this.runner = new CheckRunner(this.plan.virtualServers.map((v) => v.spec), (a) => {
      if (gen !== this.generation) return;
      if (buffer) buffer.push(a);
      else this.dispatch(a);
    }, {
      rsInitNotifies: 'rs_init_notifies' in other, noCheckerEmails: 'no_checker_emails' in other,
      ...(migration ? { carry: migration.carry } : {}),
    });
    for (const ip of this.addrs?.present() ?? []) this.runner.addressChanged(ip, true);
    // At start the checks wait for the table (keepalived's init_services() comes before its checkers);
    // a reload's diff is applied before this and its edits are few.
    const sync = this.sync;
    this.runner.start(!migration && sync ? () => sync.settled() : undefined);
    if (buffer && migration) {
      const startup = buffer;
      buffer = null;
      for (const a of dropRepeatedQuorum(startup, migration.kept, this.runner.snapshot(), this.plan)) this.dispatch(a);
    }
    // register_checkers_thread() logs this whether or not any BFD_CHECK exists (keepalived built with BFD).
    this.log.info('Activating BFD healthchecker');
  }

  private dispatch(a: SinkAction): void {
    if (this.held) {
      this.held.push(a);
      return;
    }
    if (this.mode === 'none') return;
    if (isIpvsAction(a)) {
      if (this.mode === 'all') this.sync?.apply(a);
      return;
    }
    switch (a.type) {
      case 'log':
        if (this.mode === 'all') this.log.info(a.text);
        return;
      case 'runScript':
        void runNotifyScript(a, this.ids.get(a.argv), (t) => this.log.err(t));
        return;
      case 'notifyFifo':
        for (const f of this.fifos) f.writer.write(a.line);
        return;
      case 'smtpAlert':
        this.mail(a.subject, a.body);
        return;
    }
  }

  /** smtp_alert: "[router_id] " + the engine's subject, when an SMTP server and recipients are configured. */
  private mail(subject: string, body: string): void {
    const g = this.cfg.global;
    if (!g.smtpServer || g.notificationEmail.length === 0) return;
    const host = hostname();
    void sendSmtpAlert({
      host: g.smtpServer.host, port: g.smtpServer.port, heloName: g.smtpHeloName ?? host,
      from: g.notificationEmailFrom ?? `keepalived@${host}`, to: g.notificationEmail, connectTimeoutS: g.smtpConnectTimeoutS,
    }, { subject: `[${g.routerId ?? host}] ${subject}`, body }, (l) => this.log.info(l));
  }

  /** reload_check_thread → start_check(reload): diff IPVS, restart the engine on the new config. */
  async reload(next: unknown): Promise<void> {
    const cfg = next as KeepalivedConfig;
    const plan = mapConfig(cfg);
    phase('checker: reload mapped');
    for (const l of plan.logs) this.log.info(l);
    const oldState = this.runner?.snapshot() ?? [];
    const migration = migrateCheckers(this.plan, oldState, plan);
    phase('checker: reload migrated');
    // The old engine goes quietly: its real servers stay in IPVS unless the new config drops them.
    this.mode = 'none';
    this.generation++;
    this.runner?.stop();
    // First virtual servers on this reload: IPVS starts now (a failure is FATAL, as at start).
    const fresh = plan.virtualServers.length > 0 && !this.client;
    if (fresh) {
      this.plan = plan;
      await this.openIpvs();
    }
    if (this.sync) {
      const diff = await this.sync.reload(plan, oldState);
      phase('checker: reload diff applied');
      for (const l of diff.logs) this.log.info(l);
      // do_rs_notifies() for servers that were up and leave with the reload.
      this.mode = 'all';
      for (const { vs, rs } of diff.goneAlive) {
        if (rs.notifyDown) this.dispatch({ type: 'runScript', argv: rs.notifyDown, why: 'notify_down' });
        this.dispatch({ type: 'notifyFifo', line: `RS ${formatRs(rs, vs)} ${formatVs(vs)} DOWN\n` });
      }
      await this.sync.applyGlobals(fresh ? undefined : this.cfg.global, cfg.global);
    }
    this.cfg = cfg;
    this.plan = plan;
    this.ids = notifyScriptIds(cfg, plan);
    this.openFifos();
    await this.watchAddresses();
    this.launch(migration);
    phase('checker: reload engine started');
    await this.sync?.settleReload();
    phase('checker: reload settled');
  }

  /**
   * checker_terminate_phase1/2: clear_services unless -I (lvs_flush_on_stop: one flush), then sync daemons
   * and timeouts. Without a flush the services go first, in a few datagrams (IpvsSync.clearServices), and
   * the engine's shutdown lines and notifies follow: at 10,000 real servers in a slow VM, writing those
   * lines first let child_wait_time run out with the table untouched.
   */
  async stop(): Promise<void> {
    const keep = this.ctx.options.dontReleaseIpvs;
    const flush = !keep && this.cfg.global.lvsFlushOnStop;
    this.mode = keep ? 'none' : flush ? 'notifiesOnly' : 'all';
    if (this.sync && this.mode === 'all') {
      // What the engine says meanwhile (a check finishing) waits with its shutdown lines.
      const held: SinkAction[] = [];
      this.held = held;
      await this.sync.clearServices();
      this.runner?.stop();
      this.held = undefined;
      for (const a of held) this.dispatch(a);
    } else this.runner?.stop();
    if (this.sync) {
      if (keep) await this.sync.release();
      else await this.sync.stop(flush);
    }
    for (const f of this.fifos) f.close();
    this.addrs?.close();
    this.client?.close();
  }

  dumpData(): string {
    return dumpCheckData(this.plan, this.runner?.snapshot() ?? [], this.sync?.table);
  }
}

/** The checker child's main (runChild entry). */
export async function checkerMain(ctx: ChildContext): Promise<ChildDaemon> {
  const cfg = ctx.config as KeepalivedConfig;
  phase('checker: main');
  const d = new CheckerDaemon(cfg, mapConfig(cfg), ctx);
  phase('checker: config mapped');
  await d.start();
  // -d: keepalived logs dump_data_check() once the config is applied.
  if (ctx.options.dumpConf) for (const line of d.dumpData().trimEnd().split('\n')) ctx.logger.info(line);
  return d;
}

void runChild(checkerMain);
