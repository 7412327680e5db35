// The VRRP child's I/O shell: config → VrrpInstance cores; sockets, timers, VIPs, GARPs, link events,
// notify scripts and logs perform the cores' actions. All core calls are synchronous; the actions they
// return are performed in order on one serial chain, so VIP changes and sends never reorder.
import type { IpAddress, KeepalivedConfig, SyncGroup, VrrpInstance as ConfInstance } from '../../config/ast.js';
import type { Logger } from '../../log/logger.js';
import { Addresses } from '../../net/addresses.js';
import { GarpSender } from '../../net/garp.js';
import { Links } from '../../net/links.js';
import { NetlinkMonitor, type NetEvent } from '../../net/monitor.js';
import { openVrrpSocket, type VrrpReceived, type VrrpSocket } from '../../net/vrrp-socket.js';
import { encodeSendAdvert, type SendAdvertAction, type VrrpAction } from '../actions.js';
import { instanceKey, mapInstances, type InterfaceFacts } from '../config-map.js';
import { VrrpDemux } from '../demux.js';
import type { VrrpEvent } from '../events.js';
import { VrrpInstance } from '../instance.js';
import type { VrrpInstanceParams } from '../params.js';
import { SyncGroupCore, type MemberView, type SyncOutput } from '../sync-group.js';
import { dumpData, dumpJson, dumpStats, type DumpEntry } from './dump.js';
import { GarpQueue, type GarpTarget } from './garp.js';
import { readInterfaceFacts } from './interfaces.js';
import { createNetExtras, type NetExtras } from './net-extras.js';
import { VrrpNotifier } from './notify.js';
import { TimerWheel, secondsText, type Clock } from './timer-wheel.js';
import { Tracking } from './tracking.js';
import { applyVips } from './vips.js';

export interface RuntimeOptions {
  logger: Logger;
  /** -V: leave VIPs in place at shutdown. */
  dontReleaseVrrp: boolean;
  now?: Clock;
}

interface Entry extends DumpEntry {
  key: string;
  socketKey: string;
  /** What the trackers last told the core: effective priority and the tracker faults. */
  applied: { effective: number; faults: Set<string> };
  /** Waiting for an unweighted vrrp_script's first result before starting (keepalived num_script_init). */
  pendingStart: boolean;
  /** Removed by a reload: its STOP notifies become DELETED (notify_deleted) or FAULT, as keepalived's. */
  deleting: boolean;
}

interface Group { core: SyncGroupCore; conf: SyncGroup }

interface PooledSocket { sock: VrrpSocket; demux: VrrpDemux; users: Set<string> }

/** One socket per (interface, family, multicast group | unicast source and peers), shared via VrrpDemux. */
function socketKeyOf(p: VrrpInstanceParams, group: string): string {
  return p.unicastPeers.length
    ? `${p.interface}|${p.family}|u|${p.unicastSrcIp}|${p.unicastPeers.map((x) => x.ip).sort().join(',')}`
    : `${p.interface}|${p.family}|m|${group}`;
}

export class VrrpRuntime {
  private readonly now: Clock;
  private readonly log: Logger;
  private readonly links = new Links();
  private readonly addrs = new Addresses();
  private readonly garpSender = new GarpSender();
  private garp!: GarpQueue;
  private readonly wheel: TimerWheel;
  private notifier!: VrrpNotifier;
  private tracking!: Tracking;
  private groups = new Map<string, Group>();
  private readonly extras: NetExtras;
  private monitor: NetlinkMonitor | undefined;
  private facts = new Map<string, InterfaceFacts>();
  private readonly entries = new Map<string, Entry>();
  private readonly sockets = new Map<string, PooledSocket>();
  private cfg!: KeepalivedConfig;
  private chain: Promise<void> = Promise.resolve();
  private stopping = false;
  /** Within start(): instances found holding their VIPs resume (a respawned child), not on reloads. */
  private starting = false;
  /** keepalived prints its socket pool after the instances' init lines. */
  private sockpoolLines: string[] = [];

  constructor(private readonly o: RuntimeOptions) {
    this.now = o.now ?? (() => performance.now());
    this.log = o.logger;
    this.wheel = new TimerWheel({ now: this.now, onLag: (late, key) => this.onLag(late, key) });
    this.extras = createNetExtras({ logger: this.log, facts: () => this.facts });
  }

  // ---- lifecycle ---------------------------------------------------------------------------------

  async start(cfg: KeepalivedConfig): Promise<void> {
    this.cfg = cfg;
    this.starting = true;
    this.log.info('Registering Kernel netlink reflector');
    this.monitor = new NetlinkMonitor({ onEvent: (e) => this.onNetEvent(e), onError: (m) => this.log.err(m) });
    this.log.info('Registering Kernel netlink command channel');
    this.facts = await readInterfaceFacts(this.links, this.addrs);
    for (const v of cfg.vrrpInstances) {
      const f = this.facts.get(v.interface ?? cfg.global.defaultInterface);
      if (f?.ipv4[0]) this.log.info(`Assigned address ${f.ipv4[0]} for interface ${v.interface}`);
      if (f?.ipv6LinkLocal) this.log.info(`Assigned address ${f.ipv6LinkLocal} for interface ${v.interface}`);
    }
    this.garp = this.newGarpQueue(cfg);
    this.log.info('Registering gratuitous ARP shared channel');
    this.notifier = new VrrpNotifier(cfg.global, this.log);
    this.tracking = new Tracking({
      logger: this.log, onChange: () => this.onTrackingChange(),
      linkUp: new Map([...this.facts].map(([n, f]) => [n, f.up])),
    });
    await this.tracking.start(cfg);
    await this.extras.start(cfg);
    this.setGroups(cfg);
    for (const m of mapInstances(await this.extras.prepare(cfg), this.facts)) {
      if (!m.ok) { this.log.err(m.error); continue; }
      this.startInstance(m.params, m.conf);
    }
    this.starting = false;
    for (const g of this.groups.values()) this.groupOutput(g, g.core.started((m) => this.memberView(m)));
    await this.chain;
    this.flushSockpool();
  }

  private flushSockpool(): void {
    for (const l of this.sockpoolLines) this.log.detail(l);
    this.sockpoolLines = [];
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.tracking?.stop();
    for (const e of this.entries.values()) this.stopInstance(e, !this.o.dontReleaseVrrp);
    await this.chain;
    for (const e of this.entries.values()) await this.extras.instanceGone(e.conf, e.inst.params);
    await this.extras.stop();
    await this.notifier?.drain();
    this.notifier?.close();
    this.wheel.clear();
    this.garp?.close();
    for (const s of this.sockets.values()) s.sock.close();
    this.sockets.clear();
    this.garpSender.close();
    this.monitor?.close();
  }

  /** SIGHUP: matched instances get the core's reload event; removed ones stop (priority 0, VIPs released); new ones start. */
  async reload(cfg: KeepalivedConfig): Promise<void> {
    this.cfg = cfg;
    this.facts = await readInterfaceFacts(this.links, this.addrs);
    this.notifier.reload(cfg.global);
    await this.tracking.start(cfg, true);
    this.setGroups(cfg);
    this.garp.close();
    this.garp = this.newGarpQueue(cfg);
    const next = new Map<string, { params: VrrpInstanceParams; conf: ConfInstance }>();
    for (const m of mapInstances(await this.extras.prepare(cfg), this.facts)) {
      if (!m.ok) { this.log.err(m.error); continue; }
      next.set(instanceKey(m.params), m);
    }
    for (const [name, e] of [...this.entries]) {
      const n = next.get(e.key);
      if (!n) {
        e.deleting = true;
        this.stopInstance(e, true);
        this.chain = this.chain.then(() => this.extras.instanceGone(e.conf, e.inst.params));
        this.detach(e);
        this.entries.delete(name);
        continue;
      }
      next.delete(e.key);
      e.conf = n.conf;
      this.feed(e, { type: 'reload', params: n.params });
      // The core is back at the base priority; the trackers' contribution is applied again from scratch.
      e.applied.effective = n.params.priority;
      this.joinGroup(e);
      this.applyTracking(e);
    }
    const kept = [...this.entries.values()];
    for (const n of next.values()) this.startInstance(n.params, n.conf);
    for (const g of this.groups.values()) this.syncFaults(g);
    if (cfg.global.fifoWriteVrrpStatesOnReload) {
      // keepalived writes groups, then instances, whose state the reload did not change (it skips kept masters;
      // we write every kept instance, which is what the option's users ask it for)
      const groups = [...this.groups.values()];
      const mine = kept.filter((e) => this.entries.get(e.inst.params.iname) === e);
      this.chain = this.chain.then(() => {
        for (const g of groups) this.notifier.fifoState('GROUP', g.conf.name, g.core.state, 0);
        for (const e of mine) this.notifier.fifoState('INSTANCE', e.inst.params.iname, e.inst.state, e.inst.priority);
      });
    }
    await this.chain;
    await this.extras.reload(cfg);
    this.flushSockpool();
  }

  dumpJson(): string { return dumpJson([...this.entries.values()]); }
  dumpStats(clear: boolean): string {
    const text = dumpStats([...this.entries.values()]);
    if (clear) for (const e of this.entries.values()) for (const k of Object.keys(e.inst.stats)) (e.inst.stats as unknown as Record<string, number>)[k] = 0;
    return text;
  }
  dumpData(): string { return dumpData([...this.entries.values()]); }

  /** Current state per instance name (tests, dumps). */
  states(): Record<string, string> {
    return Object.fromEntries([...this.entries].map(([n, e]) => [n, e.inst.state]));
  }

  // ---- instances ---------------------------------------------------------------------------------

  private newGarpQueue(cfg: KeepalivedConfig): GarpQueue {
    return new GarpQueue({
      sender: this.garpSender,
      garpIntervalMs: cfg.global.vrrpGarpIntervalUs / 1000,
      gnaIntervalMs: cfg.global.vrrpGnaIntervalUs / 1000,
      detail: (t) => this.log.detail(t),
      info: (t) => this.log.info(t),
    });
  }

  private startInstance(params: VrrpInstanceParams, conf: ConfInstance): void {
    const group = params.family === 4 ? this.cfg.global.vrrpMcastGroup4 : this.cfg.global.vrrpMcastGroup6;
    const e: Entry = {
      inst: new VrrpInstance(params), conf, key: instanceKey(params), socketKey: socketKeyOf(params, group), lastTransitionS: Date.now() / 1000,
      applied: { effective: params.priority, faults: new Set() }, pendingStart: false, deleting: false,
    };
    try {
      this.attach(e, group);
    } catch (err) {
      this.log.err(`(${params.iname}) ${(err as Error).message}`);
      return;
    }
    this.entries.set(params.iname, e);
    const f = this.facts.get(params.interface);
    // An interface that is down at start-up puts the instance in FAULT (keepalived vrrp_init_state).
    if (f && !f.up) this.feed(e, { type: 'interfaceDown', ifname: params.interface });
    this.joinGroup(e);
    this.applyTracking(e);
    // An unweighted script that has not reported yet keeps the instance in INIT (keepalived num_script_init).
    if (this.tracking.waitingForScripts(conf, this.groupOf(e)?.conf)) e.pendingStart = true;
    else this.feed(e, { type: 'start', vipsPresent: this.vipsPresent(conf, params) });
  }

  /** Every VIP of the instance (IPv4 only: the facts list those) is on its interface already: a respawned child. */
  private vipsPresent(conf: ConfInstance, params: VrrpInstanceParams): boolean {
    if (!this.starting || !conf.vips.length) return false;
    return conf.vips.every((a) => !a.address.includes(':') && (this.facts.get(a.dev ?? params.interface)?.ipv4.includes(a.address) ?? false));
  }

  // ---- tracking and sync groups ------------------------------------------------------------------

  private groupOf(e: Entry): Group | undefined {
    return e.conf.syncGroup ? this.groups.get(e.conf.syncGroup) : undefined;
  }

  /** Sync groups of the config; a group kept by a reload keeps its state. */
  private setGroups(cfg: KeepalivedConfig): void {
    const next = new Map<string, Group>();
    for (const sg of cfg.syncGroups) {
      const core = new SyncGroupCore(sg.name, sg.members);
      const old = this.groups.get(sg.name);
      if (old) core.state = old.core.state;
      next.set(sg.name, { core, conf: sg });
    }
    this.groups = next;
  }

  private joinGroup(e: Entry): void {
    const g = this.groupOf(e);
    e.inst.syncGate = g ? () => g.core.canGotoMaster(e.inst.params.iname, (m) => this.memberView(m)) : undefined;
  }

  private memberView(name: string): MemberView | undefined {
    const e = this.entries.get(name);
    if (!e) return undefined;
    const g = this.groupOf(e);
    const src = g ? `tracker ${g.core.faultSource}` : '';
    const faults = e.inst.faultSources();
    const groupFault = faults.includes(src);
    return { state: e.inst.state, want: e.inst.want, ownFaults: faults.length - (groupFault ? 1 : 0), groupFault };
  }

  /** Tell the core what the trackers say now: the effective priority, and tracker faults raised or cleared. */
  private applyTracking(e: Entry): void {
    const r = this.tracking.evaluate(e.conf, this.groupOf(e)?.conf);
    if (r.effective !== e.applied.effective) {
      e.applied.effective = r.effective;
      this.feed(e, { type: 'priorityChanged', effective: r.effective });
    }
    const now = new Set(r.faults);
    for (const name of now) if (!e.applied.faults.has(name)) this.feed(e, { type: 'trackerFault', name });
    for (const name of e.applied.faults) if (!now.has(name)) this.feed(e, { type: 'trackerClear', name });
    e.applied.faults = now;
  }

  private onTrackingChange(): void {
    if (this.stopping) return;
    for (const e of this.entries.values()) {
      this.applyTracking(e);
      if (e.pendingStart && !this.tracking.waitingForScripts(e.conf, this.groupOf(e)?.conf)) {
        e.pendingStart = false;
        this.feed(e, { type: 'start' });
      }
    }
  }

  /** A member's own faults changed: hold the others in FAULT, or let them go. */
  private syncFaults(g: Group): void {
    for (const f of g.core.faults((m) => this.memberView(m))) {
      const e = this.entries.get(f.member);
      if (e) this.feed(e, f.event);
    }
  }

  private groupOutput(g: Group, out: SyncOutput): void {
    for (const l of out.logs) this.log.info(l);
    if (out.notify) {
      const state = out.notify;
      const smtp = g.conf.smtpAlert ?? this.cfg.global.smtpAlertVrrp ?? this.cfg.global.smtpAlert ?? false;
      this.chain = this.chain.then(() => this.notifier.group(g.conf.name, g.conf.notify, smtp, state));
    }
    for (const f of out.feeds) {
      const e = this.entries.get(f.member);
      if (e) this.feed(e, f.event);
    }
  }

  private stopInstance(e: Entry, releaseVips: boolean): void {
    const actions = e.inst.handle({ type: 'stop' }, this.now());
    this.wheel.cancelPrefix(`${e.inst.params.iname}\0`);
    this.enqueue(e, releaseVips ? actions : actions.filter((a) => a.type !== 'removeVips' && !(a.type === 'log' && a.text.endsWith('removing VIPs.'))));
  }

  private attach(e: Entry, group: string): void {
    let pooled = this.sockets.get(e.socketKey);
    if (!pooled) {
      const p = e.inst.params;
      const f = this.facts.get(p.interface);
      if (!f) throw new Error(`interface ${p.interface} not found`);
      const demux = new VrrpDemux(p.interface, p.logUnknownVrids);
      const sock = openVrrpSocket({
        family: p.family, ifname: p.interface, ifindex: f.ifindex, mcastGroup: group, srcIp: p.primaryIp,
        ...(p.unicastPeers.length ? { unicastSrcIp: p.unicastSrcIp ?? p.primaryIp, unicastPeers: p.unicastPeers.map((x) => x.ip) } : {}),
        ...(e.conf.unicastTtl !== undefined ? { unicastTtl: e.conf.unicastTtl } : {}),
        ...(p.auth.type === 'AH' ? { protocol: 51 } : {}),
        onPacket: (rx) => this.onPacket(demux, p.family, rx),
        onError: (m) => this.log.info(m),
      });
      pooled = { sock, demux, users: new Set() };
      this.sockets.set(e.socketKey, pooled);
      this.sockpoolLines.push(`VRRP sockpool: [ifindex(${String(f.ifindex).padStart(3)}), family(IPv${p.family}), proto(${p.auth.type === 'AH' ? 51 : 112}), ${p.unicastPeers.length ? 'unicast' : 'multicast'}, address(${p.unicastPeers.length ? p.unicastSrcIp : group})]`);
    }
    pooled.users.add(e.inst.params.iname);
    pooled.demux.add(e.inst);
  }

  private detach(e: Entry): void {
    const pooled = this.sockets.get(e.socketKey);
    if (!pooled) return;
    pooled.demux.remove(e.inst);
    pooled.users.delete(e.inst.params.iname);
    if (pooled.users.size === 0) {
      // Close after the queued priority-0 advert has gone out.
      this.chain = this.chain.then(() => pooled.sock.close());
      this.sockets.delete(e.socketKey);
    }
  }

  private entryOf(inst: VrrpInstance): Entry | undefined {
    const e = this.entries.get(inst.params.iname);
    return e?.inst === inst ? e : undefined;
  }

  private feed(e: Entry, ev: VrrpEvent): void {
    if (this.stopping && ev.type !== 'stop') return;
    this.enqueue(e, e.inst.handle(ev, this.now()));
    const g = this.groupOf(e);
    if (g && (ev.type === 'interfaceDown' || ev.type === 'interfaceUp' || ev.type === 'trackerFault' || ev.type === 'trackerClear')) this.syncFaults(g);
  }

  private onPacket(demux: VrrpDemux, family: 4 | 6, rx: VrrpReceived): void {
    if (this.stopping) return;
    const r = demux.dispatch({ family, payload: rx.payload, srcIp: rx.srcIp, dstIp: rx.dstIp, ttl: rx.ttl < 0 ? null : rx.ttl }, this.now());
    if (!r.ok) { if (r.log) this.log.info(r.log); return; }
    const e = this.entryOf(r.instance);
    if (e) this.enqueue(e, r.actions);
  }

  private onNetEvent(ev: NetEvent): void {
    this.tracking?.onNetEvent(ev);
    if (ev.kind === 'address-added' || ev.kind === 'address-removed') {
      const name = [...this.facts].find(([, f]) => f.ifindex === ev.address.ifindex)?.[0];
      const f = name ? this.facts.get(name) : undefined;
      if (f && ev.address.family === 4) {
        if (ev.kind === 'address-added' && !f.ipv4.includes(ev.address.ip)) f.ipv4.push(ev.address.ip);
        if (ev.kind === 'address-removed') f.ipv4 = f.ipv4.filter((x) => x !== ev.address.ip);
      }
      return;
    }
    const f = this.facts.get(ev.link.ifname);
    if (f) {
      f.up = ev.kind === 'link-up';
      if (ev.link.mac) f.mac = ev.link.mac;
    }
    for (const e of this.entries.values()) {
      if (!this.usesInterface(e, ev.link.ifname)) continue;
      this.feed(e, { type: ev.kind === 'link-up' ? 'interfaceUp' : 'interfaceDown', ifname: ev.link.ifname });
    }
  }

  private usesInterface(e: Entry, ifname: string): boolean {
    if (e.inst.params.interface === ifname) return true;
    return [...e.conf.vips, ...e.conf.evips].some((a) => a.dev === ifname);
  }

  private onLag(lateMs: number, key: string): void {
    const e = this.entries.get(key.split('\0')[0] ?? '');
    const advertMs = e ? e.inst.params.advertIntCs * 10 : 1000;
    if (lateMs > advertMs / 10) this.log.info(`A thread timer expired ${secondsText(lateMs)} seconds ago`);
  }

  // ---- actions -----------------------------------------------------------------------------------

  private enqueue(e: Entry, actions: VrrpAction[]): void {
    if (!actions.length) return;
    // Timers and logs take effect now (in event order); I/O goes on the serial chain.
    const io: VrrpAction[] = [];
    const transitions: Extract<VrrpAction, { type: 'stateChange' }>[] = [];
    for (const a of actions) {
      switch (a.type) {
        case 'scheduleTimer': {
          const iname = e.inst.params.iname;
          this.wheel.set(`${iname}\0${a.timer}`, a.atMs, () => {
            const cur = this.entries.get(iname);
            if (cur) this.feed(cur, { type: 'timerFired', timer: a.timer });
          });
          break;
        }
        case 'cancelTimer': this.wheel.cancel(`${e.inst.params.iname}\0${a.timer}`); break;
        case 'stateChange': e.lastTransitionS = Date.now() / 1000; io.push(a); transitions.push(a); break;
        default: io.push(a);
      }
    }
    this.chain = this.chain.then(async () => {
      for (const a of io) {
        try {
          await this.perform(e, a);
        } catch (err) {
          this.log.err(`(${e.inst.params.iname}) ${a.type} failed: ${(err as Error).message}`);
        }
      }
    });
    const g = this.groupOf(e);
    if (g && !this.stopping && !e.deleting) {
      for (const t of transitions) this.groupOutput(g, g.core.transition(e.inst.params.iname, t.from, t.to, (m) => this.memberView(m)));
    }
  }

  private async perform(e: Entry, a: VrrpAction): Promise<void> {
    const p = e.inst.params;
    switch (a.type) {
      case 'log':
        if (a.detail) this.log.detail(a.text);
        else if (a.level === 'error') this.log.err(a.text);
        else if (a.level === 'warning') this.log.warning(a.text);
        else this.log.info(a.text);
        return;
      case 'sendAdvert':
        // keepalived's send is a plain sendto(): the next action (the VIPs on becoming master) starts at
        // once. Only a priority-0 advert is waited for, so it leaves before stop closes the sockets.
        if (a.priority === 0) return this.sendAdvert(e, a);
        void this.sendAdvert(e, a).catch((err: unknown) => this.log.err(`(${p.iname}) sendAdvert failed: ${(err as Error).message}`));
        return;
      case 'addVips':
      case 'removeVips': {
        const pick = (list: IpAddress[], want: string[]): IpAddress[] => list.filter((x) => want.includes(x.address));
        const setup = { addrs: this.addrs, ifindex: (n: string) => this.facts.get(n)?.ifindex, log: (t: string) => this.log.err(`(${p.iname}) ${t}`) };
        const kind = a.type === 'addVips' ? 'add' : 'remove';
        // keepalived's order: drop rules, VIPs, routes/rules on becoming MASTER; the reverse on leaving it
        const addrs = [...a.vips, ...a.evips];
        if (kind === 'add') await this.extras.beforeAddVips(e.conf, p, addrs);
        else await this.extras.beforeRemoveVips(e.conf, p, addrs);
        await applyVips(setup, kind, [...pick(e.conf.vips, a.vips), ...pick(e.conf.evips, a.evips)], p.interface);
        if (kind === 'add') await this.extras.afterAddVips(e.conf, p, addrs);
        else await this.extras.afterRemoveVips(e.conf, p, addrs);
        return;
      }
      case 'sendGarp': {
        const all = [...e.conf.vips, ...e.conf.evips];
        const targets: { ip: string; target: GarpTarget }[] = [];
        for (const ip of a.addresses) {
          const dev = all.find((x) => x.address === ip)?.dev ?? p.interface;
          const f = this.facts.get(dev);
          if (f?.mac) targets.push({ ip, target: { ifname: dev, ifindex: f.ifindex, mac: f.mac } });
        }
        this.garp.sendBlock(p.iname, targets, a.count);
        return;
      }
      case 'notify':
        if (e.deleting && a.state === 'STOP') {
          // keepalived: an instance deleted by a reload notifies DELETED with notify_deleted, else FAULT
          if (e.conf.notify.deleted) this.notifier.deleted(p.iname, e.conf.notify, e.conf.smtpAlert, a.priority);
          else this.notifier.instance(p.iname, e.conf.notify, e.conf.smtpAlert, 'FAULT', a.priority);
          return;
        }
        this.notifier.instance(p.iname, e.conf.notify, e.conf.smtpAlert, a.state, a.priority);
        return;
      default:
        return;
    }
  }

  private async sendAdvert(e: Entry, a: SendAdvertAction): Promise<void> {
    const p = e.inst.params;
    const pooled = this.sockets.get(e.socketKey);
    if (!pooled) return;
    const group = p.family === 4 ? this.cfg.global.vrrpMcastGroup4 : this.cfg.global.vrrpMcastGroup6;
    const dsts = p.unicastPeers.length ? p.unicastPeers.map((x) => x.ip) : [group];
    const src = p.unicastSrcIp ?? p.primaryIp;
    for (const dst of dsts) {
      const err = await pooled.sock.sendTo(encodeSendAdvert(a, src, dst, p.mcastGroup4), dst);
      if (err !== undefined && !(a.priority === 0 && this.stopping && /unreachable/i.test(err))) {
        this.log.info(`(${p.iname}) Cant send advert to ${dst} (${err})`);
      }
    }
  }
}
