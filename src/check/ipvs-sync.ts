// The engine's IPVS actions applied to the kernel through the IPVS client, with the table we created
// remembered so stop releases exactly that and a reload changes only what the new config changes
// (keepalived ipwrapper.c init_services / clear_services / clear_diff_services, check_daemon.c start_check).
import type { GlobalDefs } from '../config/ast.js';
import { IpvsError, type IpvsClient, type IpvsDest, type IpvsService, type IpvsTimeouts } from '../ipvs/index.js';
import { type CheckerPlan, destFor, destKey, type LvsDest, type LvsVirtualServer, serviceKey } from './config-map.js';
import { formatRs, formatVs } from './format.js';
import type { SinkAction } from './runner.js';
import type { RealServerSpec, VirtualServerSpec } from './types.js';

/** The part of IpvsClient this module drives. */
export type IpvsOps = Pick<IpvsClient,
  'addService' | 'editService' | 'delService' | 'addDest' | 'editDest' | 'delDest' | 'flush' |
  'getTimeouts' | 'setTimeouts' | 'addDaemon' | 'delDaemon'>;

export interface TableEntry {
  service: IpvsService;
  dests: Map<string, IpvsDest>;
}

/** What we put in the kernel, by serviceKey. */
export type Table = Map<string, TableEntry>;

export type IpvsAction = Extract<SinkAction, { type: 'addVirtualServer' | 'removeVirtualServer' | 'addRealServer' | 'removeRealServer' | 'setWeight' | 'addSorryServer' | 'removeSorryServer' }>;

const IPVS_ACTIONS = new Set<SinkAction['type']>(['addVirtualServer', 'removeVirtualServer', 'addRealServer', 'removeRealServer', 'setWeight', 'addSorryServer', 'removeSorryServer']);

export function isIpvsAction(a: SinkAction): a is IpvsAction {
  return IPVS_ACTIONS.has(a.type);
}

/** What keepalived compares to decide on IP_VS_SO_SET_EDIT (clear_diff_services). */
export function serviceChanged(a: IpvsService, b: IpvsService): boolean {
  return a.scheduler !== b.scheduler || a.timeoutSec !== b.timeoutSec || a.netmask !== b.netmask || a.peName !== b.peName ||
    JSON.stringify({ ...a.flags, hashed: false }) !== JSON.stringify({ ...b.flags, hashed: false });
}

export function destChanged(a: IpvsDest, b: IpvsDest): boolean {
  return a.weight !== b.weight || a.fwdMethod !== b.fwdMethod || a.upperThreshold !== b.upperThreshold || a.lowerThreshold !== b.lowerThreshold ||
    a.tunType !== b.tunType || a.tunPort !== b.tunPort || a.tunFlags.csum !== b.tunFlags.csum || a.tunFlags.remcsum !== b.tunFlags.remcsum;
}

export interface ReloadDiff {
  /** Services the new config no longer has (with their real servers). */
  delServices: IpvsService[];
  /** Services kept whose scheduler/persistence/flags changed. */
  editServices: IpvsService[];
  /** Real servers of kept services that the new config no longer has. */
  delDests: { service: IpvsService; dest: IpvsDest }[];
  /** keepalived's lines: "Removing Virtual Server …", "service … no longer exist", "Removing service … from VS …". */
  logs: string[];
  /** Real servers that were alive and leave with the reload: their notify_down runs (do_rs_notifies). */
  goneAlive: { vs: VirtualServerSpec; rs: RealServerSpec }[];
}

/**
 * serviceKey of a plan's service, built once per object: a start-up makes ~4 lookups for each of
 * 11,000 calls, and a fresh template string each time was the sync layer's largest cost.
 */
const serviceKeys = new WeakMap<IpvsService, string>();
function keyOf(svc: IpvsService): string {
  let k = serviceKeys.get(svc);
  if (k === undefined) serviceKeys.set(svc, k = serviceKey(svc));
  return k;
}

/** The addresses a VS may put in each of its services: its real servers and sorry server. */
function wantedDests(vs: LvsVirtualServer, svc: IpvsService): Set<string> {
  const all = vs.sorry ? [...vs.realServers, vs.sorry] : vs.realServers;
  return new Set(all.map((d) => destKey(destFor(svc, vs, d, 0))));
}

/** Old engine state per VS index: which real servers were alive (absent: treated as not alive). */
export type AliveState = Array<{ rs: Array<{ alive: boolean }> } | undefined>;

/**
 * clear_diff_services as a pure plan: what to remove or edit before the new config's engine starts, and
 * the lines keepalived logs for it (clear_service_vs / clear_diff_rs → clear_service_rs).
 */
export function diffReload(table: Table, oldPlan: CheckerPlan, next: CheckerPlan, old: AliveState = []): ReloadDiff {
  const diff: ReloadDiff = { delServices: [], editServices: [], delDests: [], logs: [], goneAlive: [] };
  const wanted = new Map<string, { vs: LvsVirtualServer; svc: IpvsService }>();
  for (const vs of next.virtualServers) for (const svc of vs.services) wanted.set(keyOf(svc), { vs, svc });
  const isSet = (vs: LvsVirtualServer, ri: number): boolean =>
    vs.services.some((svc) => table.get(keyOf(svc))?.dests.has(destKey(destFor(svc, vs, vs.realServers[ri]!, 0))));
  oldPlan.virtualServers.forEach((ov, vi) => {
    const keptIn = ov.services.map((s) => wanted.get(keyOf(s))?.vs).find((v) => v);
    if (!keptIn) {
      diff.logs.push(ov.spec.addr.kind === 'group' ? `Removing Virtual Server Group [${ov.spec.addr.name}]` : `Removing Virtual Server ${formatVs(ov.spec)}`);
    }
    ov.spec.realServers.forEach((rs, ri) => {
      if (keptIn?.spec.realServers.some((n) => n.ip === rs.ip && n.port === rs.port)) return;
      if (keptIn) diff.logs.push(`service ${formatRs(rs, ov.spec)} no longer exist`);
      const alive = old[vi]?.rs[ri]?.alive ?? false;
      if (isSet(ov, ri)) diff.logs.push(`Removing ${rs.inhibitOnFailure && !alive ? '(inhibited) ' : ''}service ${formatRs(rs, ov.spec)} from VS ${formatVs(ov.spec)}`);
      if (alive) diff.goneAlive.push({ vs: ov.spec, rs });
    });
  });
  for (const [key, entry] of table) {
    const w = wanted.get(key);
    if (!w) {
      diff.delServices.push(entry.service);
      continue;
    }
    if (serviceChanged(entry.service, w.svc)) diff.editServices.push(w.svc);
    const keep = wantedDests(w.vs, w.svc);
    for (const [dk, dest] of entry.dests) if (!keep.has(dk)) diff.delDests.push({ service: entry.service, dest });
  }
  return diff;
}

export type Logger = { info(text: string): void; err(text: string): void };

/**
 * Calls started at once: calls for one service stay in order, services run side by side. The
 * client packs the calls of one turn into few datagrams and bounds what is in the kernel's hands,
 * so this only bounds pending promises (1,000 services start together: ~11 round trips, not 11,000).
 */
const MAX_IN_FLIGHT = 4096;

/** Applies engine actions to IPVS, in order per service; never throws (errors are logged). */
export class IpvsSync {
  readonly table: Table = new Map();
  private byVs = new Map<VirtualServerSpec, LvsVirtualServer>();
  /** One chain of calls per service key: a service's dests are added after it, removed before it. */
  private queues = new Map<string, Promise<void>>();
  private freeSlots = MAX_IN_FLIGHT;
  private waiting: (() => void)[] = [];
  private savedTimeouts?: IpvsTimeouts;
  private syncd = false;
  /** Dests the current engine has added or edited since the last reload: destKeys by serviceKey. */
  private claimed = new Map<string, Set<string>>();
  /** Shutdown under way: the services are being deleted, the engine's IPVS actions are not applied (clearServices). */
  private stopping = false;

  constructor(private readonly ipvs: IpvsOps, private readonly log: Logger, private plan: CheckerPlan) {
    this.index(plan);
  }

  private index(plan: CheckerPlan): void {
    this.plan = plan;
    this.byVs = new Map(plan.virtualServers.map((v) => [v.spec, v]));
  }

  /**
   * Resolves once the kernel calls queued so far have finished (later ones may still run): bounded,
   * where idle() waits for quiescence, which checkers changing the table all the time may not give.
   */
  async settled(): Promise<void> {
    await Promise.all([...this.queues.values()]);
  }

  /** Resolves once every queued kernel call has finished. */
  async idle(): Promise<void> {
    for (;;) {
      const pending = [...this.queues.values()];
      await Promise.all(pending);
      if ([...this.queues.values()].every((p, i) => p === pending[i]) && this.queues.size === pending.length) return;
    }
  }

  /** Bounds the calls in flight, so a start-up burst never overruns the netlink socket. */
  private async slot(what: () => Promise<void>): Promise<void> {
    while (this.freeSlots === 0) await new Promise<void>((r) => this.waiting.push(r));
    this.freeSlots--;
    try {
      await what();
    } finally {
      this.freeSlots++;
      this.waiting.shift()?.();
    }
  }

  private run(key: string, what: () => Promise<void>): void {
    const prev = this.queues.get(key) ?? Promise.resolve();
    this.queues.set(key, prev.then(() => this.slot(what)).catch((e: unknown) => this.report(e)));
  }

  private report(e: unknown): void {
    this.log.err(e instanceof IpvsError ? `IPVS: ${e.message}` : `IPVS: ${(e as Error)?.message ?? String(e)}`);
  }

  /** One kernel call; a failure is logged and the next call still runs. */
  private async call(op: () => Promise<void>): Promise<boolean> {
    try {
      await op();
      return true;
    } catch (e) {
      this.report(e);
      return false;
    }
  }

  /** start_check: lvs_flush, then lvs_timeouts and lvs_sync_daemon. */
  async start(global: GlobalDefs): Promise<void> {
    if (global.lvsFlush) await this.call(() => this.ipvs.flush());
    await this.applyGlobals(undefined, global);
  }

  /**
   * lvs_timeouts (the kernel's values are kept to put back when the keyword goes or we stop) and
   * lvs_sync_daemon master + backup, restarted only when its settings change (ipvs_syncd_changed).
   * With a vrrp instance named, the VRRP process drives the sync daemon (checker_ipvs_syncd_needed).
   */
  async applyGlobals(prev: GlobalDefs | undefined, next: GlobalDefs): Promise<void> {
    const t = next.lvsTimeouts;
    if (t && (t.tcpS || t.tcpfinS || t.udpS)) {
      if (!this.savedTimeouts) {
        try {
          this.savedTimeouts = await this.ipvs.getTimeouts();
        } catch (e) {
          this.report(e);
        }
      }
      await this.call(() => this.ipvs.setTimeouts({ tcpSec: t.tcpS ?? 0, tcpFinSec: t.tcpfinS ?? 0, udpSec: t.udpS ?? 0 }));
    } else if (this.savedTimeouts) {
      const saved = this.savedTimeouts;
      this.savedTimeouts = undefined;
      await this.call(() => this.ipvs.setTimeouts(saved));
    }
    const s = next.lvsSyncDaemon?.instance === undefined ? next.lvsSyncDaemon : undefined;
    const was = prev?.lvsSyncDaemon?.instance === undefined ? prev?.lvsSyncDaemon : undefined;
    if (prev && JSON.stringify(s) === JSON.stringify(was)) return;
    // At start this also clears daemons a crashed earlier run left behind.
    if (s || this.syncd) for (const state of ['master', 'backup'] as const) await this.ipvs.delDaemon(state).catch(() => undefined);
    this.syncd = false;
    if (!s) return;
    for (const state of ['master', 'backup'] as const) {
      await this.call(() => this.ipvs.addDaemon({
        state, mcastIfn: s.interface, syncId: s.id ?? 0, syncMaxLen: s.maxlen ?? 0, mcastGroup: s.group ?? '', mcastPort: s.port ?? 0, mcastTtl: s.ttl ?? 0,
      }));
    }
    this.syncd = true;
  }

  /**
   * clear_services() without lvs_flush_on_stop, done ahead of the engine's shutdown: every service of the
   * plan is deleted, after the calls already queued for it. keepalived sends a DEL_DEST for each real
   * server, then the DEL; deleting a service drops its destinations in the kernel (ip_vs_del_service
   * unlinks them all), so the table ends the same with 1,000 calls instead of 11,000 at 1,000 x 10, sent
   * in a few datagrams before the 10,000 "Shutting down service" lines are written. From here on the
   * engine's IPVS actions are ignored: its shutdown removals have nothing left to remove.
   */
  async clearServices(): Promise<void> {
    this.stopping = true;
    for (const vs of this.plan.virtualServers) for (const svc of vs.services) this.run(keyOf(svc), () => this.dropService(svc));
    await this.idle();
  }

  /** The engine's sink for IPVS actions. */
  apply(a: IpvsAction): void {
    const vs = this.byVs.get(a.vs);
    if (!vs) return;
    if (this.stopping) return;
    switch (a.type) {
      case 'addVirtualServer':
        for (const svc of vs.services) this.run(keyOf(svc), () => this.putService(svc));
        return;
      case 'removeVirtualServer':
        for (const svc of vs.services) this.run(keyOf(svc), () => this.dropService(svc));
        return;
      case 'addRealServer':
      case 'setWeight':
      case 'addSorryServer': {
        const d = this.findDest(vs, a.rs, a.type === 'addSorryServer' || (a.type === 'setWeight' && !this.isRealServer(vs, a.rs)));
        if (d) for (const svc of vs.services) this.run(keyOf(svc), () => this.putDest(svc, destFor(svc, vs, d, a.weight)));
        return;
      }
      case 'removeRealServer':
      case 'removeSorryServer': {
        const d = this.findDest(vs, a.rs, a.type === 'removeSorryServer');
        if (d) for (const svc of vs.services) this.run(keyOf(svc), () => this.dropDest(svc, destFor(svc, vs, d, 0)));
        return;
      }
    }
  }

  private isRealServer(vs: LvsVirtualServer, rs: { ip: string; port: number }): boolean {
    return vs.realServers.some((d) => d.address === rs.ip && d.port === rs.port);
  }

  private findDest(vs: LvsVirtualServer, rs: { ip: string; port: number }, sorry: boolean): LvsDest | undefined {
    if (sorry) return vs.sorry;
    return vs.realServers.find((d) => d.address === rs.ip && d.port === rs.port);
  }

  private async putService(svc: IpvsService): Promise<void> {
    const key = keyOf(svc);
    const have = this.table.get(key);
    if (have) {
      if (serviceChanged(have.service, svc) && (await this.call(() => this.ipvs.editService(svc)))) have.service = svc;
      return;
    }
    try {
      await this.ipvs.addService(svc);
    } catch (e) {
      // keepalived ignores EEXIST on ADD (ipvs_talk): a service left by an earlier run is adopted.
      if (!(e instanceof IpvsError && e.code === 'EEXIST')) return this.report(e);
      await this.call(() => this.ipvs.editService(svc));
    }
    this.table.set(key, { service: svc, dests: new Map() });
  }

  private async dropService(svc: IpvsService): Promise<void> {
    const key = keyOf(svc);
    if (!this.table.has(key)) return;
    this.table.delete(key);
    await this.call(() => this.ipvs.delService(svc));
  }

  private async putDest(svc: IpvsService, d: IpvsDest): Promise<void> {
    const key = keyOf(svc);
    const entry = this.table.get(key);
    if (!entry) return;
    const dk = destKey(d);
    let claimed = this.claimed.get(key);
    if (!claimed) this.claimed.set(key, claimed = new Set());
    claimed.add(dk);
    const have = entry.dests.get(dk);
    if (have && !destChanged(have, d)) return;
    if (have) {
      if (await this.call(() => this.ipvs.editDest(svc, d))) entry.dests.set(dk, d);
      return;
    }
    try {
      await this.ipvs.addDest(svc, d);
    } catch (e) {
      if (!(e instanceof IpvsError && e.code === 'EEXIST')) return this.report(e);
      if (!(await this.call(() => this.ipvs.editDest(svc, d)))) return;
    }
    entry.dests.set(dk, d);
  }

  private async dropDest(svc: IpvsService, d: IpvsDest): Promise<void> {
    const key = keyOf(svc);
    const entry = this.table.get(key);
    const dk = destKey(d);
    this.claimed.get(key)?.delete(dk);
    if (!entry?.dests.has(dk)) return;
    entry.dests.delete(dk);
    await this.call(() => this.ipvs.delDest(svc, d));
  }

  /** SIGHUP, before the new engine starts: remove and edit what the new config changes; returns the diff (its logs to print). */
  async reload(next: CheckerPlan, old: AliveState): Promise<ReloadDiff> {
    await this.idle();
    const diff = diffReload(this.table, this.plan, next, old);
    for (const d of diff.delDests) await this.dropDest(d.service, d.dest);
    for (const s of diff.delServices) {
      const entry = this.table.get(keyOf(s));
      for (const dest of entry?.dests.values() ?? []) await this.dropDest(s, dest);
      await this.dropService(s);
    }
    for (const s of diff.editServices) {
      const entry = this.table.get(keyOf(s));
      if (entry && (await this.call(() => this.ipvs.editService(s)))) entry.service = s;
    }
    this.index(next);
    this.claimed.clear();
    return diff;
  }

  /** After the new engine's start: real servers it did not put back (down at start) leave the table. */
  async settleReload(): Promise<void> {
    await this.idle();
    for (const [key, entry] of this.table) {
      const claimed = this.claimed.get(key);
      for (const [dk, d] of [...entry.dests]) if (!claimed?.has(dk)) await this.dropDest(entry.service, d);
    }
  }

  /** Shutdown: lvs_flush_on_stop flushes everything; otherwise the engine's removals already ran. Then sync daemons and timeouts. */
  async stop(flush: boolean): Promise<void> {
    await this.idle();
    if (flush) {
      await this.call(() => this.ipvs.flush());
      this.table.clear();
    }
    await this.release();
  }

  /** What ipvs_stop and checker_terminate_phase2 undo even with -I: sync daemons, changed timeouts. */
  async release(): Promise<void> {
    await this.idle();
    if (this.syncd) for (const state of ['master', 'backup'] as const) await this.call(() => this.ipvs.delDaemon(state));
    if (this.savedTimeouts) await this.call(() => this.ipvs.setTimeouts(this.savedTimeouts!));
  }
}
