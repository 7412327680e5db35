// Sans-I/O VRRP instance: keepalived's vrrp_state_*() (vrrp.c) and timer handling (vrrp_scheduler.c),
// RFC 3768 §6 / RFC 5798 §6. Events and the current time in, actions out; no sockets, no timers.
import { compareIp, familyOf } from './addr.js';
import type { GarpReason, NotifyState, SendAdvertAction, VrrpAction, VrrpState } from './actions.js';
import type { VrrpEvent } from './events.js';
import { VRRP_AUTH_AH, VRRP_AUTH_NONE, VRRP_AUTH_PASS, VRRP_PKT_ADVERT, VRRP_PRIO_OWNER, VRRP_PRIO_STOP } from './packet.js';
import type { VrrpInstanceParams } from './params.js';
import { newStats, type VrrpStats } from './stats.js';
import { csToUs, masterDownUs, msToUs, skewTimeUs, skewUs, usToMs, type TimerName } from './timers.js';
import { REJECT_REASONS, checkPacket, sourceOf, type ChecksumCompat, type CheckConfig, type ReceivedPacket, type RejectReason } from './validate.js';

/** A timer firing this much before its deadline still counts (adapters round to whole ms). */
const EARLY_FIRE_TOLERANCE_US = 1000;

export class VrrpInstance {
  params: VrrpInstanceParams;
  readonly stats: VrrpStats = newStats();
  /** Rejected packets per reason (every rejected packet in exactly one). */
  readonly rejects: Record<RejectReason, number>;
  /** Log lines withheld by the per-reason rate limit. */
  suppressedLogs = 0;
  /**
   * Sync group member: keepalived's vrrp_sync_can_goto_master(), asked when the master-down timer expires.
   * False holds the instance in BACKUP (wanting MASTER) until every member wants MASTER. Pure, no I/O.
   */
  syncGate: (() => boolean) | undefined;

  private stateV: VrrpState = 'INIT';
  private wantState: 'MASTER' | 'BACKUP' | 'FAULT';
  private basePriority: number;
  private effectivePriority: number;
  private adverIntUs: number;
  private masterAdverIntUs: number;
  private msDownTimerUs = 0;
  private vipSet = false;
  private masterIp: string | null = null;
  private masterPriority = 0;
  /** keepalived preempt_time: 0 = not running. */
  private preemptTimeUs = 0;
  private garpRefreshAtUs = 0;
  private checksumCompat: ChecksumCompat;
  private readonly faults = new Set<string>();
  /** keepalived rlflags: reasons already logged since the last reset. */
  private readonly rateLimited = new Set<string>();
  private readonly timers = new Map<TimerName, number>();
  private out: VrrpAction[] = [];
  private nowUs = 0;

  constructor(params: VrrpInstanceParams) {
    this.params = params;
    this.wantState = params.state;
    this.basePriority = params.priority;
    this.effectivePriority = params.priority;
    this.adverIntUs = csToUs(params.advertIntCs);
    this.masterAdverIntUs = this.adverIntUs;
    this.checksumCompat = params.oldUnicastChecksum === 'always' ? 'config' : params.oldUnicastChecksum === 'never' ? 'never' : 'none';
    this.rejects = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>;
  }

  get state(): VrrpState { return this.stateV; }
  get priority(): number { return this.effectivePriority; }
  get masterAddress(): string | null { return this.masterIp; }
  /** keepalived's wantstate: the state the instance would be in disregarding its sync group. */
  get want(): 'MASTER' | 'BACKUP' | 'FAULT' { return this.wantState; }
  /** Fault sources of this instance (interfaces, trackers, `sync group`). */
  faultSources(): string[] { return [...this.faults]; }
  /** Pending timer deadlines in ms (what the adapter should have armed). */
  pendingTimers(): Record<string, number> {
    return Object.fromEntries([...this.timers].map(([k, v]) => [k, usToMs(v)]));
  }

  /** Fields of keepalived's JSON `data` object that the engine owns. */
  snapshot(): Record<string, unknown> {
    const stateNum = { INIT: 0, BACKUP: 1, MASTER: 2, FAULT: 3, STOP: 98 }[this.stateV];
    const wantNum = { BACKUP: 1, MASTER: 2, FAULT: 3 }[this.wantState];
    return {
      iname: this.params.iname, vrid: this.params.vrid, base_priority: this.basePriority,
      effective_priority: this.effectivePriority, master_priority: this.masterPriority, vipset: this.vipSet,
      adver_int: this.adverIntUs / 1e6, master_adver_int: this.masterAdverIntUs / 1e6, nopreempt: this.params.nopreempt,
      preempt_delay: this.params.preemptDelayMs / 1000, state: stateNum, wantstate: wantNum, version: this.params.version,
      skip_check_adv_addr: this.params.skipCheckAdvAddr ? 1 : 0, lower_prio_no_advert: this.params.lowerPrioNoAdvert ? 1 : 0,
      higher_prio_send_advert: this.params.higherPrioSendAdvert ? 1 : 0,
      auth_type: { none: VRRP_AUTH_NONE, PASS: VRRP_AUTH_PASS, AH: VRRP_AUTH_AH }[this.params.auth.type],
    };
  }

  /** Feed one event at time `nowMs`; returns the actions to perform, in order. Never throws on packet input. */
  handle(ev: VrrpEvent, nowMs: number): VrrpAction[] {
    this.out = [];
    this.nowUs = msToUs(nowMs);
    switch (ev.type) {
      case 'start': this.onStart(ev.vipsPresent === true); break;
      case 'packetReceived': this.onPacket(ev.rx); break;
      case 'timerFired': this.onTimer(ev.timer); break;
      case 'interfaceDown': this.onFault(`interface ${ev.ifname}`); break;
      case 'trackerFault': this.onFault(`tracker ${ev.name}`); break;
      case 'interfaceUp': this.onClear(`interface ${ev.ifname}`); break;
      case 'trackerClear': this.onClear(`tracker ${ev.name}`); break;
      case 'priorityChanged': this.onPriority(ev.effective); break;
      case 'syncMaster': if (this.stateV === 'BACKUP') this.gotoMaster(`sync group ${ev.group}`, true); break;
      case 'syncBackup': this.onSyncBackup(ev.group); break;
      case 'stop': this.onStop(); break;
      case 'reload': this.onReload(ev.params); break;
    }
    return this.out;
  }

  // ---- helpers -------------------------------------------------------------------------------------

  private get n(): string { return this.params.iname; }
  private log(text: string, detail = false, level: 'info' | 'warning' | 'error' = 'info'): void {
    this.out.push(detail ? { type: 'log', level, text, detail: true } : { type: 'log', level, text });
  }
  /** keepalived log_rate_limited_error(): once per reason until the flags are reset. */
  private logLimited(key: string, text: string): void {
    if (this.rateLimited.has(key)) { this.suppressedLogs++; return; }
    this.rateLimited.add(key);
    this.log(text);
  }
  private schedule(timer: TimerName, atUs: number): void {
    this.timers.set(timer, atUs);
    this.out.push({ type: 'scheduleTimer', timer, atMs: usToMs(atUs) });
  }
  private cancel(timer: TimerName): void {
    if (this.timers.delete(timer)) this.out.push({ type: 'cancelTimer', timer });
  }
  private setState(to: VrrpState, reason: string): void {
    const from = this.stateV;
    this.stateV = to;
    this.out.push({ type: 'stateChange', from, to, reason });
  }
  private notify(state: NotifyState): void {
    this.out.push({ type: 'notify', state, priority: this.effectivePriority });
  }
  private skew(): number { return skewTimeUs(this.params.version, this.effectivePriority, this.masterAdverIntUs); }
  private msDown(): number {
    return masterDownUs(this.params.version, this.effectivePriority, this.masterAdverIntUs, this.params.downTimerAdverts);
  }
  private advertAddresses(): string[] {
    return this.params.vips.filter((a) => familyOf(a) === this.params.family);
  }

  private sendAdvert(priority: number): void {
    const p = this.params;
    const auth = p.version === 2 ? p.auth : { type: 'none' as const };
    const authData = Buffer.alloc(p.version === 2 && p.family === 4 ? 8 : 0);
    if (auth.type === 'PASS') Buffer.from(auth.pass, 'latin1').copy(authData, 0, 0, 8);
    const action: SendAdvertAction = {
      type: 'sendAdvert',
      priority,
      advert: {
        version: p.version, type: VRRP_PKT_ADVERT, vrid: p.vrid, priority, family: p.family,
        addresses: this.advertAddresses(), advertIntCs: p.advertIntCs,
        authType: auth.type === 'PASS' ? VRRP_AUTH_PASS : auth.type === 'AH' ? VRRP_AUTH_AH : VRRP_AUTH_NONE,
        authData, checksum: 0,
      },
      oldUnicastChecksum: this.checksumCompat === 'config' || this.checksumCompat === 'auto',
      v3ChecksumAsV2: p.v3ChecksumAsV2,
    };
    this.out.push(action);
    this.stats.advert_sent++;
  }

  /** keepalived vrrp_send_link_update(): only while the VIPs are set. */
  private sendGarp(count: number, reason: GarpReason): void {
    if (!this.vipSet || count <= 0) return;
    this.out.push({ type: 'sendGarp', addresses: [...this.params.vips, ...this.params.evips], count, reason });
  }

  private setVips(): void {
    this.log(`(${this.n}) setting VIPs.`, true);
    this.out.push({ type: 'addVips', vips: [...this.params.vips], evips: [...this.params.evips] });
    this.vipSet = true;
  }
  private removeVips(): void {
    this.log(`(${this.n}) removing VIPs.`, true);
    this.out.push({ type: 'removeVips', vips: [...this.params.vips], evips: [...this.params.evips] });
    this.vipSet = false;
  }

  // ---- start / stop --------------------------------------------------------------------------------

  /** vrrp_init_state() + vrrp_init_instance_sands() (vrrp_scheduler.c). */
  private onStart(vipsPresent = false): void {
    if (this.stateV !== 'INIT') return;
    if (this.params.auth.type === 'AH' && this.params.version === 2) {
      this.log(`(${this.n}) IPSEC-AH authentication is not supported; all adverts will be rejected`, false, 'error');
    }
    const resume = vipsPresent && this.faults.size === 0 && this.basePriority !== VRRP_PRIO_OWNER;
    if (resume) {
      // A respawned child finds the VIPs its predecessor held: keep them and take over after one advert
      // interval unless a master speaks (keepalived drops them and waits a whole Master_Down_Interval).
      this.log(`(${this.n}) VIPs still set from a previous run - resuming as MASTER after one advert interval unless a master is heard`);
      this.vipSet = true;
      this.stateV = 'BACKUP';
      this.wantState = 'MASTER';
      this.setState('BACKUP', 'init');
      this.notify('BACKUP');
      this.msDownTimerUs = this.masterAdverIntUs + skewUs(this.params.version, 1, this.masterAdverIntUs);
      this.schedule('masterDown', this.nowUs + this.msDownTimerUs);
      return;
    }
    this.removeVips(); // clear VIPs left over by a previous run (observed at start-up)
    if (this.faults.size > 0) {
      this.wantState = 'FAULT';
      this.log(`(${this.n}) Entering FAULT STATE (init)`);
      this.setState('FAULT', 'init');
      this.notify('FAULT');
      return;
    }
    if (this.basePriority === VRRP_PRIO_OWNER && this.wantState === 'MASTER') {
      // "The simplest way to become master is to timeout from the backup state very quickly (1usec)".
      this.stateV = 'BACKUP';
      this.msDownTimerUs = 1;
    } else {
      this.msDownTimerUs = this.wantState === 'MASTER'
        ? this.masterAdverIntUs + skewUs(this.params.version, 1, this.masterAdverIntUs) // allow one advert to pass
        : this.msDown();
      this.log(`(${this.n}) Entering BACKUP STATE (init)`);
      this.setState('BACKUP', 'init');
      this.notify('BACKUP');
    }
    this.schedule('masterDown', this.nowUs + this.msDownTimerUs);
  }

  /** shutdown: a MASTER sends priority 0 (RFC 5798 §6.4.3) and releases its VIPs. */
  private onStop(): void {
    if (this.stateV === 'STOP') return;
    if (this.stateV === 'MASTER') this.restoreInterface(true);
    for (const t of [...this.timers.keys()]) this.cancel(t);
    this.setState('STOP', 'stop');
    this.notify('STOP');
  }

  /**
   * SIGHUP for a matched instance (keepalived reload_vrrp_thread, clear_diff_vrrp, restore_vrrp_state, vrrp_init_state
   * with reload_master): state, stats and vipset are kept; a MASTER advertises once before, drops only the removed
   * addresses, re-adds all, GARPs all when something was added, and advertises again at once.
   */
  private onReload(next: VrrpInstanceParams): void {
    if (this.stateV === 'INIT' || this.stateV === 'STOP') { this.replaceParams(next); return; }
    if (this.stateV === 'MASTER') this.sendAdvert(this.effectivePriority);
    this.cancel('garpDelay'); // reload cancels every pending thread
    this.cancel('garpLowerPrio');
    const old = this.params;
    this.replaceParams(next);
    if (this.vipSet) {
      const gone = (a: string[], b: string[]) => a.filter((x) => !b.includes(x));
      const vips = gone(old.vips, next.vips);
      const evips = gone(old.evips, next.evips);
      if (vips.length || evips.length) this.out.push({ type: 'removeVips', vips, evips });
      this.setVips();
      const added = gone(next.vips, old.vips).length + gone(next.evips, old.evips).length > 0;
      if (added) {
        this.sendGarp(next.garpMasterRepeat, 'reload');
        if (next.garpMasterRefreshMs > 0) this.garpRefreshAtUs = this.nowUs + msToUs(next.garpMasterRefreshMs);
      }
    }
    if (this.stateV === 'MASTER') {
      this.schedule('advert', this.nowUs); // reload_master: sands = now
    } else if (this.stateV === 'BACKUP') {
      this.msDownTimerUs = this.msDown();
      this.schedule('masterDown', this.nowUs + this.msDownTimerUs);
    }
  }

  private replaceParams(next: VrrpInstanceParams): void {
    this.params = next;
    this.cachedCheckConfig = null;
    this.basePriority = next.priority;
    this.effectivePriority = next.priority; // the tracking layer re-sends priorityChanged
    this.adverIntUs = csToUs(next.advertIntCs);
    this.masterAdverIntUs = this.adverIntUs;
  }

  // ---- timers --------------------------------------------------------------------------------------

  private onTimer(timer: TimerName): void {
    const at = this.timers.get(timer);
    if (at === undefined) return; // cancelled or stale
    if (this.nowUs + EARLY_FIRE_TOLERANCE_US < at) { this.schedule(timer, at); return; }
    this.timers.delete(timer);
    switch (timer) {
      case 'masterDown':
        if (this.stateV !== 'BACKUP') return;
        this.log(`(${this.n}) Receive advertisement timeout`, true);
        this.gotoMaster('timeout');
        return;
      case 'advert':
        if (this.stateV !== 'MASTER') return;
        this.masterTx();
        this.schedule('advert', this.nowUs + this.adverIntUs);
        return;
      case 'garpDelay':
        this.sendGarp(this.params.garpMasterRepeat, 'delayed');
        return;
      case 'garpLowerPrio':
        this.sendGarp(this.params.garpLowerPrioRepeat, 'lowerPrio');
        return;
    }
  }

  /** vrrp_state_goto_master() + vrrp_state_master_tx(). */
  private gotoMaster(reason: string, forced = false): void {
    if (!forced && this.syncGate && !this.syncGate()) {
      // Held in BACKUP by the sync group: want MASTER and wait another down interval (vrrp_init_instance_sands).
      this.wantState = 'MASTER';
      this.msDownTimerUs = this.msDown();
      this.schedule('masterDown', this.nowUs + this.msDownTimerUs);
      return;
    }
    this.rateLimited.clear();
    const from = this.stateV;
    this.stateV = 'MASTER';
    this.wantState = 'MASTER';
    this.cancel('masterDown');
    // Advert first, so the old master drops the VIPs before our GARPs (keepalived's order).
    this.sendAdvert(this.effectivePriority);
    this.log(`(${this.n}) Entering MASTER STATE`);
    this.out.push({ type: 'stateChange', from, to: 'MASTER', reason });
    this.becomeMaster();
    this.schedule('advert', this.nowUs + this.adverIntUs);
  }

  /** vrrp_state_become_master(). */
  private becomeMaster(): void {
    this.stats.become_master++;
    this.masterAdverIntUs = this.adverIntUs; // RFC 5798 §6.4.1: our own interval from now on
    this.masterIp = null;
    this.setVips();
    this.sendGarp(this.params.garpMasterRepeat, 'master');
    if (this.params.garpMasterRefreshMs > 0) this.garpRefreshAtUs = this.nowUs + msToUs(this.params.garpMasterRefreshMs);
    this.notify('MASTER');
    if (this.params.garpMasterDelayMs > 0) this.schedule('garpDelay', this.nowUs + msToUs(this.params.garpMasterDelayMs));
  }

  /** Periodic advert; garp_master_refresh is checked here as keepalived does. */
  private masterTx(): void {
    this.sendAdvert(this.effectivePriority);
    if (this.params.garpMasterRefreshMs > 0 && this.nowUs > this.garpRefreshAtUs) {
      this.sendGarp(this.params.garpMasterRefreshRepeat, 'refresh');
      this.garpRefreshAtUs = this.nowUs + msToUs(this.params.garpMasterRefreshMs);
    }
  }

  /** vrrp_restore_interface(): optional priority-0 advert, then VIP removal. */
  private restoreInterface(advertStop: boolean): void {
    if (advertStop) {
      this.sendAdvert(VRRP_PRIO_STOP);
      this.stats.pri_zero_sent++;
      this.log(`(${this.n}) sent 0 priority`, true);
    }
    this.cancel('garpDelay');
    this.cancel('garpLowerPrio');
    if (this.vipSet) this.removeVips();
  }

  /** vrrp_state_leave_master(). */
  private leaveMaster(to: 'BACKUP' | 'FAULT', reason: string): void {
    this.rateLimited.clear();
    this.wantState = to;
    if (to === 'BACKUP') {
      this.log(`(${this.n}) Entering BACKUP STATE`);
      this.preemptTimeUs = 0;
    } else {
      this.log(`(${this.n}) Entering FAULT STATE`);
      this.sendAdvert(VRRP_PRIO_STOP); // keepalived 2.2.7 sends this one and another in restore_interface
    }
    this.restoreInterface(to === 'FAULT');
    this.cancel('advert');
    this.setState(to, reason);
    this.notify(to);
    this.stats.release_master++;
    this.msDownTimerUs = this.msDown();
    if (to === 'BACKUP') this.schedule('masterDown', this.nowUs + this.msDownTimerUs);
  }

  // ---- faults and priority -------------------------------------------------------------------------

  /** vrrp_sync_backup() for one member: a MASTER steps down (no priority 0), a member held in FAULT only by the group comes up. */
  private onSyncBackup(group: string): void {
    if (this.stateV === 'MASTER') { this.leaveMaster('BACKUP', `sync group ${group}`); return; }
    if (this.stateV === 'FAULT' && this.faults.size === 0) this.leaveFault(`sync group ${group}`);
  }

  /** down_instance() (vrrp_track.c). */
  private onFault(source: string): void {
    if (this.faults.has(source) || this.stateV === 'STOP') return;
    this.faults.add(source);
    if (this.faults.size > 1 || this.stateV === 'INIT' || this.stateV === 'FAULT') return;
    if (this.stateV === 'MASTER') { this.leaveMaster('FAULT', source); return; }
    this.wantState = 'FAULT';
    this.log(`(${this.n}) Entering FAULT STATE`);
    this.cancel('masterDown');
    this.setState('FAULT', source);
    this.notify('FAULT');
  }

  /** try_up_instance() + vrrp_state_leave_fault(). */
  private onClear(source: string): void {
    if (!this.faults.delete(source) || this.faults.size > 0 || this.stateV !== 'FAULT') return;
    this.leaveFault(`${source} recovered`);
  }

  /** vrrp_state_leave_fault() to BACKUP. */
  private leaveFault(reason: string): void {
    this.wantState = 'BACKUP';
    this.masterAdverIntUs = this.adverIntUs;
    this.preemptTimeUs = 0;
    this.log(`(${this.n}) Entering BACKUP STATE`);
    this.setState('BACKUP', reason);
    this.notify('BACKUP');
    this.msDownTimerUs = this.msDown();
    this.schedule('masterDown', this.nowUs + this.msDownTimerUs);
  }

  /** vrrp_set_effective_priority() (vrrp_track.c): clamp to 1..254, owner never changes, shift the down timer. */
  private onPriority(total: number): void {
    if (this.basePriority === VRRP_PRIO_OWNER || this.stateV === 'STOP') return;
    const next = Math.max(1, Math.min(VRRP_PRIO_OWNER - 1, Math.trunc(total)));
    if (next === this.effectivePriority) return;
    this.log(`(${this.n}) Changing effective priority from ${this.effectivePriority} to ${next}`);
    this.effectivePriority = next;
    const old = this.msDownTimerUs;
    this.msDownTimerUs = this.msDown();
    const at = this.timers.get('masterDown');
    if (this.stateV === 'BACKUP' && at !== undefined) this.schedule('masterDown', at + this.msDownTimerUs - old);
    if (this.params.notifyPriorityChanges) this.notify(this.stateV === 'MASTER' ? 'MASTER_PRIORITY' : 'BACKUP_PRIORITY');
  }

  // ---- received adverts ----------------------------------------------------------------------------

  private checkConfig(): CheckConfig {
    const p = this.params;
    const pass = Buffer.alloc(8);
    if (p.auth.type === 'PASS') Buffer.from(p.auth.pass, 'latin1').copy(pass, 0, 0, 8);
    return {
      iname: p.iname, family: p.family, version: p.version, vrid: p.vrid,
      authType: p.version === 3 ? VRRP_AUTH_NONE : p.auth.type === 'PASS' ? VRRP_AUTH_PASS : p.auth.type === 'AH' ? VRRP_AUTH_AH : VRRP_AUTH_NONE,
      authPass: pass, advertIntCs: p.advertIntCs, vips: this.advertAddresses(), unicast: p.unicastPeers.length > 0,
      unicastPeers: p.unicastPeers, checkUnicastSrc: p.checkUnicastSrc, v3ChecksumAsV2: p.v3ChecksumAsV2,
      unicastChecksumCompat: this.checksumCompat, mcastGroup4: p.mcastGroup4,
    };
  }

  private cachedCheckConfig: CheckConfig | null = null;

  private onPacket(rx: ReceivedPacket): void {
    // Adverts are ignored in FAULT and before start (vrrp_dispatcher_read).
    if (this.stateV !== 'BACKUP' && this.stateV !== 'MASTER') return;
    const cfg = this.cachedCheckConfig ?? (this.cachedCheckConfig = this.checkConfig());
    const src = sourceOf(rx);
    // skip_check_adv_addr: only the same master as last time skips the address check.
    const checkVip = this.stateV === 'MASTER' || !this.params.skipCheckAdvAddr || src === null || src !== this.masterIp;
    const r = checkPacket(rx, cfg, checkVip, this.stats);
    if (!r.ok) {
      this.rejects[r.reason]++;
      if (r.reason !== 'unknown_vrid' || this.params.logUnknownVrids) this.logLimited(r.reason, r.detail);
      return; // a dropped advert never touches the timers
    }
    if (r.switchToOldChecksum) {
      this.checksumCompat = 'auto';
      this.cachedCheckConfig = null;
      this.log(`(${this.n}) Setting unicast VRRPv3 checksum to old version`);
    }
    if (r.intervalMismatch) this.logLimited('interval_mismatch', r.intervalMismatch);
    if (this.stateV === 'BACKUP') this.backupRx(r.advert.priority, r.advert.advertIntCs, r.srcIp);
    else this.masterRx(r.advert.priority, r.advert.advertIntCs, r.srcIp);
  }

  /** vrrp_state_backup(). */
  private backupRx(prio: number, advertIntCs: number, src: string): void {
    const eff = this.effectivePriority;
    const preemptDelayUs = msToUs(this.params.preemptDelayMs);
    if (prio === 0) {
      // RFC 3768 §6.4.2: Master_Down_Timer = Skew_Time (fast takeover).
      this.log(`(${this.n}) Backup received priority 0 advertisement`, true);
      this.msDownTimerUs = this.skew();
      this.schedule('masterDown', this.nowUs + this.msDownTimerUs);
      return;
    }
    if (this.params.nopreempt || prio >= eff ||
        (preemptDelayUs > 0 && (this.preemptTimeUs === 0 || this.preemptTimeUs > this.nowUs))) {
      if (src !== this.masterIp) this.rateLimited.clear();
      if (this.params.version === 3) this.learnInterval(advertIntCs);
      this.msDownTimerUs = this.msDown();
      this.masterIp = src;
      this.masterPriority = prio;
      if (preemptDelayUs > 0) {
        if (prio >= eff) {
          if (this.preemptTimeUs) this.log(`(${this.n}) stop preempt delay`, true);
          this.preemptTimeUs = 0;
        } else if (!this.preemptTimeUs) {
          this.log(`(${this.n}) start preempt delay (${Math.floor(preemptDelayUs / 1e6)}.${String(preemptDelayUs % 1e6).padStart(6, '0')})`, true);
          this.preemptTimeUs = this.nowUs + preemptDelayUs;
        }
      }
      this.wantState = 'BACKUP';
      if (this.vipSet) this.removeVips(); // a resumed instance hears a master: the VIPs are not ours
      this.schedule('masterDown', this.nowUs + this.msDownTimerUs);
      return;
    }
    // Lower priority, preemption allowed: ignore it and let the running down timer expire.
    this.log(`(${this.n}) received lower priority (${prio}) advert from ${src} - discarding`);
    this.masterIp = src;
  }

  /** RFC 5798 §6.4.2: Master_Adver_Interval = the advert's Max Adver Int. */
  private learnInterval(advertIntCs: number): void {
    const us = csToUs(advertIntCs);
    if (us === this.masterAdverIntUs) return;
    this.log(`(${this.n}) advertisement interval updated from ${this.masterAdverIntUs / 1000}ms to ${us / 1000}ms by master`, true);
    this.masterAdverIntUs = us;
  }

  /** vrrp_state_master_rx(). */
  private masterRx(prio: number, advertIntCs: number, src: string): void {
    const p = this.params;
    const addrCmp = compareIp(src, p.primaryIp);
    let eff = this.effectivePriority;
    if (prio === 0 || (p.higherPrioSendAdvert && (prio > eff || (prio === eff && addrCmp > 0)))) {
      this.sendAdvert(eff);
      if (prio === 0) {
        // RFC 3768 §6.4.3: answer a priority-0 advert with one of ours at once.
        this.log(`(${this.n}) Master received priority 0 message`, true);
        this.schedule('advert', this.nowUs + this.adverIntUs);
        return;
      }
    }
    if (prio === eff) {
      if (addrCmp === 0) {
        this.log(`(${this.n}) WARNING - equal priority advert received from remote host with our IP address.`);
      } else if (eff === VRRP_PRIO_OWNER) {
        this.log(`(${this.n}) CONFIGURATION ERROR: local instance and a remote instance are both configured as address owner, please fix - reducing local priority`);
        this.effectivePriority = this.basePriority = eff = VRRP_PRIO_OWNER - 1;
      }
    }
    if (prio < eff || (prio === eff && addrCmp < 0)) {
      this.log(`(${this.n}) Received advert from ${src} with lower priority ${prio}, ours ${eff}${p.lowerPrioNoAdvert ? '' : ', forcing new election'}`);
      if (!p.lowerPrioNoAdvert) this.sendAdvert(eff);
      if (p.garpLowerPrioRepeat > 0) {
        this.sendGarp(p.garpLowerPrioRepeat, 'lowerPrio');
        if (p.garpLowerPrioDelayMs > 0) this.schedule('garpLowerPrio', this.nowUs + msToUs(p.garpLowerPrioDelayMs));
      }
      this.notify('MASTER_RX_LOWER_PRI');
      if (!p.lowerPrioNoAdvert) this.schedule('advert', this.nowUs + this.adverIntUs);
      return;
    }
    if (prio > eff || (prio === eff && addrCmp > 0)) {
      this.log(prio > eff
        ? `(${this.n}) Master received advert from ${src} with higher priority ${prio}, ours ${eff}`
        : `(${this.n}) Master received advert from ${src} with same priority ${prio} but higher IP address than ours`);
      if (p.version === 3) this.learnInterval(advertIntCs);
      this.masterPriority = prio;
      this.masterIp = src;
      this.leaveMaster('BACKUP', prio > eff ? 'higher priority advert' : 'equal priority, higher IP');
    }
  }
}
