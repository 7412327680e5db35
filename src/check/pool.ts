// Real-server pool state of one virtual server: alive/set flags, weights, quorum and sorry server.
// Mirrors keepalived check/ipwrapper.c (perform_svr_state, update_quorum_state, update_svr_wgt)
// and the inhibit handling of ipvswrapper.c ipvs_cmd(); the IPVS calls become actions.
import { formatRs, formatVs } from './format.js';
import type { CheckAction, RealServerSpec, SorryServerSpec, VirtualServerSpec } from './types.js';

/** IPVS_WEIGHT_LIMIT in keepalived (INT32_MAX). */
export const IPVS_WEIGHT_LIMIT = 2147483647;

/** real_weight(): clamp an effective weight to what IPVS accepts. */
export function realWeight(effectiveWeight: number): number {
  if (effectiveWeight < 0) return 0;
  return Math.min(effectiveWeight, IPVS_WEIGHT_LIMIT);
}

export interface RsState {
  spec: RealServerSpec;
  alive: boolean;
  /** Present in the IPVS table (keepalived rs->set). */
  set: boolean;
  effectiveWeight: number;
  numFailedCheckers: number;
  /** Kept across a reload: its state came from the old engine (keepalived rs->reloaded). */
  reloaded?: boolean;
}

export interface SorryState {
  spec: SorryServerSpec;
  alive: boolean;
  set: boolean;
}

export class VsPool {
  readonly rs: RsState[];
  readonly sorry?: SorryState;
  quorumStateUp = false;

  constructor(readonly spec: VirtualServerSpec, private readonly out: CheckAction[], private readonly rsInitNotifies = false) {
    this.rs = spec.realServers.map((r) => ({ spec: r, alive: false, set: false, effectiveWeight: r.weight, numFailedCheckers: 0 }));
    if (spec.sorryServer) this.sorry = { spec: spec.sorryServer, alive: false, set: false };
  }

  private log(text: string): void {
    this.out.push({ type: 'log', text });
  }

  /** weigh_live_realservers(). */
  liveWeight(): number {
    return this.rs.reduce((sum, r) => (r.alive ? sum + realWeight(r.effectiveWeight) : sum), 0);
  }

  /** ipvs_cmd(ADD_DEST/DEL_DEST) for a real server, with inhibit_on_failure turning removal into weight 0. */
  private ipvsRs(add: boolean, r: RsState, forceRemove = false): void {
    const vs = this.spec;
    const rs = { ip: r.spec.ip, port: r.spec.port };
    const inhibit = r.spec.inhibitOnFailure && !forceRemove;
    if (!add) {
      if (inhibit) {
        if (r.set) this.out.push({ type: 'setWeight', vs, rs, weight: 0 });
      } else if (r.set) {
        r.set = false;
        this.out.push({ type: 'removeRealServer', vs, rs });
      }
      return;
    }
    if (inhibit && r.set) {
      this.out.push({ type: 'setWeight', vs, rs, weight: realWeight(r.effectiveWeight) });
    } else if (!r.set) {
      r.set = true;
      const weight = inhibit && r.numFailedCheckers ? 0 : realWeight(r.effectiveWeight);
      this.out.push({ type: 'addRealServer', vs, rs, weight });
    }
  }

  /** init_service_rs() + update_quorum_state(init) + inhibited sorry server (init_service_vs). */
  init(): void {
    for (const r of this.rs) {
      if (r.reloaded) {
        this.initReloaded(r);
        continue;
      }
      if ((!r.numFailedCheckers && !r.alive) || (r.spec.inhibitOnFailure && !r.set)) {
        this.ipvsRs(true, r);
        if (!r.numFailedCheckers) {
          r.alive = true;
          // global_defs rs_init_notifies: notify_up for servers that start up.
          if (this.rsInitNotifies) this.doRsNotifies(r);
        }
      }
    }
    this.updateQuorumState(true);
    const s = this.sorry;
    if (s && s.spec.inhibit && !s.set) {
      s.set = true;
      this.out.push({ type: 'addSorryServer', vs: this.spec, rs: s.spec, weight: 0 });
    }
  }

  /**
   * The end of migrate_checkers() for a kept real server: no failed checker → it is (or now comes) up,
   * else it stays out (inhibited: weight 0). Nothing is announced for a state that did not change; the
   * IPVS add of a server already in is still emitted so the sync layer knows the new engine keeps it.
   */
  private initReloaded(r: RsState): void {
    if (!r.numFailedCheckers) {
      if (r.alive) this.ipvsRs(true, r);
      else this.performSvrState(r, true);
      return;
    }
    r.alive = false;
    if (r.spec.inhibitOnFailure) this.ipvsRs(true, r);
  }

  private doVsNotifies(init: boolean, threshold: number, weightSum: number, stopping: boolean): void {
    const vs = this.spec;
    if (stopping && !vs.omega) return;
    const script = this.quorumStateUp ? vs.quorumUp : vs.quorumDown;
    if (script) this.out.push({ type: 'runScript', argv: script, why: this.quorumStateUp ? 'quorum_up' : 'quorum_down' });
    this.out.push({ type: 'notifyFifo', line: `VS ${formatVs(vs)} ${this.quorumStateUp ? 'UP' : 'DOWN'}\n` });
    if (vs.smtpAlert) {
      const what = this.quorumStateUp ? (init ? 'Starting with quorum up' : 'Gained quorum') : init ? 'Starting with quorum down' : 'Lost quorum';
      const body = stopping ? '=> Shutting down <=' : `=> ${what} ${vs.quorum}+${vs.hysteresis}=${threshold} <= ${weightSum} <=`;
      this.out.push({ type: 'smtpAlert', subject: `Virtualserver ${formatVs(vs)} - ${this.quorumStateUp ? 'UP' : 'DOWN'}`, body });
    }
  }

  doRsNotifies(r: RsState, stopping = false): void {
    const script = r.alive ? r.spec.notifyUp : r.spec.notifyDown;
    if (script) this.out.push({ type: 'runScript', argv: script, why: r.alive ? 'notify_up' : 'notify_down' });
    this.out.push({ type: 'notifyFifo', line: `RS ${formatRs(r.spec, this.spec)} ${formatVs(this.spec)} ${r.alive ? 'UP' : 'DOWN'}\n` });
    void stopping;
  }

  /** perform_quorum_state(): put the alive real servers back, or take them out for the sorry server. */
  private performQuorumState(add: boolean): void {
    this.log(`${add ? 'Adding alive servers to' : 'Removing alive servers from'} the pool for VS ${formatVs(this.spec)}`);
    for (const r of this.rs) if (r.alive) this.ipvsRs(add, r);
  }

  /** update_quorum_state(): hysteresis around quorum; sorry server swaps in on loss. */
  updateQuorumState(init: boolean): void {
    const vs = this.spec;
    const weightSum = this.liveWeight();
    const threshold = vs.quorum + (this.quorumStateUp ? -1 : 1) * vs.hysteresis;
    const s = this.sorry;
    if (!this.quorumStateUp && weightSum >= threshold) {
      this.quorumStateUp = true;
      this.log(`Gained quorum ${vs.quorum}+${vs.hysteresis}=${threshold} <= ${weightSum} for VS ${formatVs(vs)}`);
      if (s && s.alive) {
        this.log(`${s.spec.inhibit ? 'Disabling' : 'Removing'} sorry server ${formatRs(s.spec, vs)} from VS ${formatVs(vs)}`);
        this.sorryCmd(false);
        s.alive = false;
        this.performQuorumState(true);
      }
      this.doVsNotifies(init, threshold, weightSum, false);
      return;
    }
    if ((this.quorumStateUp && (!weightSum || weightSum < threshold)) || (init && !this.quorumStateUp && s && !s.alive)) {
      this.quorumStateUp = false;
      this.log(`${init ? 'Starting with quorum down' : 'Lost quorum'} ${vs.quorum}-${vs.hysteresis}=${threshold} > ${weightSum} for VS ${formatVs(vs)}`);
      if (s && !s.alive) {
        this.log(`${s.spec.inhibit ? 'Enabling' : 'Adding'} sorry server ${formatRs(s.spec, vs)} to VS ${formatVs(vs)}`);
        this.performQuorumState(false);
        this.sorryCmd(true);
        s.alive = true;
      }
      this.doVsNotifies(init, threshold, weightSum, false);
    }
  }

  private sorryCmd(add: boolean): void {
    const s = this.sorry;
    if (!s) return;
    const vs = this.spec;
    if (add) {
      if (s.spec.inhibit && s.set) this.out.push({ type: 'setWeight', vs, rs: s.spec, weight: 1 });
      else if (!s.set) {
        s.set = true;
        this.out.push({ type: 'addSorryServer', vs, rs: s.spec, weight: 1 });
      }
    } else if (s.spec.inhibit) {
      if (s.set) this.out.push({ type: 'setWeight', vs, rs: s.spec, weight: 0 });
    } else if (s.set) {
      s.set = false;
      this.out.push({ type: 'removeSorryServer', vs, rs: s.spec });
    }
  }

  /** perform_svr_state(): a real server changes alive state. */
  performSvrState(r: RsState, alive: boolean): void {
    if (r.alive === alive) return;
    const inhibit = r.spec.inhibitOnFailure;
    const verb = alive ? (inhibit ? 'Enabl' : 'Add') : inhibit ? 'Disabl' : 'Remov';
    const prep = inhibit ? 'of' : alive ? 'to' : 'from';
    this.log(`${verb}ing service ${formatRs(r.spec, this.spec)} ${prep} VS ${formatVs(this.spec)}`);
    if (this.quorumStateUp || !this.sorry || !this.sorry.alive) this.ipvsRs(alive, r);
    r.alive = alive;
    this.doRsNotifies(r);
    this.updateQuorumState(false);
  }

  /** update_svr_wgt(): MISC dynamic / FILE_CHECK weight change. */
  updateSvrWeight(r: RsState, weight: number): void {
    const oldW = realWeight(r.effectiveWeight);
    const newW = realWeight(weight);
    r.effectiveWeight = weight;
    if (newW === oldW) return;
    this.log(`Changing weight from ${oldW} to ${newW} for ${r.alive ? '' : 'in'}active service ${formatRs(r.spec, this.spec)} of VS ${formatVs(this.spec)}`);
    if (r.set && r.alive && (this.quorumStateUp || !this.sorry || !this.sorry.alive)) {
      this.out.push({ type: 'setWeight', vs: this.spec, rs: { ip: r.spec.ip, port: r.spec.port }, weight: newW });
    }
    this.updateQuorumState(false);
  }

  /** clear_service_vs(stopping): shutdown removes what keepalived created (inhibited ones too). */
  shutdown(): void {
    const vs = this.spec;
    const s = this.sorry;
    if (s && s.set) {
      s.set = false;
      s.alive = false;
      this.out.push({ type: 'removeSorryServer', vs, rs: s.spec });
    }
    for (const r of this.rs) {
      this.log(`Shutting down ${r.spec.inhibitOnFailure && !r.alive ? '(inhibited) ' : ''}service ${formatRs(r.spec, vs)} from VS ${formatVs(vs)}`);
      if (!r.set) continue;
      this.ipvsRs(false, r, true);
      if (!r.alive) continue;
      r.alive = false;
      if (!vs.omega) continue;
      this.doRsNotifies(r, true);
      if (r.spec.smtpAlert) {
        this.out.push({ type: 'smtpAlert', subject: `Realserver ${formatRs(r.spec, vs)} of virtual server ${formatVs(vs)} - DOWN`, body: '=> Shutting down <=' });
      }
    }
    // update_vs_notifies(stopping): quorum goes down, notifies only with omega.
    const threshold = vs.quorum - vs.hysteresis;
    this.quorumStateUp = false;
    this.doVsNotifies(false, threshold, this.liveWeight(), true);
    this.out.push({ type: 'removeVirtualServer', vs });
  }
}
