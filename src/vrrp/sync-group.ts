// vrrp_sync_group, sans-I/O (keepalived vrrp_sync.c and the transition matrix of vrrp_scheduler.c):
// members change state together. A member that becomes MASTER pulls the others to MASTER, a MASTER
// that steps down to BACKUP takes the others with it, and a member's own FAULT holds every member in
// FAULT until no member has a fault of its own. A member whose master-down timer expires only goes
// MASTER when every other member wants MASTER too (vrrp_sync_can_goto_master). In: member transitions
// and a view of the members; out: events for the other members, log lines and group notifies.
import type { VrrpState } from './actions.js';
import type { VrrpEvent } from './events.js';

export type GroupState = 'BACKUP' | 'MASTER' | 'FAULT';

/** What the group needs to know of a member now. */
export interface MemberView {
  state: VrrpState;
  want: 'MASTER' | 'BACKUP' | 'FAULT';
  /** Fault sources of the member's own (interfaces, trackers), not the group's. */
  ownFaults: number;
  /** The member is currently held in FAULT by the group. */
  groupFault: boolean;
}

export interface SyncOutput {
  feeds: { member: string; event: VrrpEvent }[];
  logs: string[];
  notify?: GroupState;
}

export class SyncGroupCore {
  state: GroupState = 'BACKUP';

  constructor(readonly name: string, readonly members: readonly string[]) {}

  /** The fault source the group puts on a member (its FAULT is the group's, not its own). */
  get faultSource(): string { return `sync group ${this.name}`; }

  /** vrrp_sync_can_goto_master(): the group is MASTER already, or every other member wants MASTER. */
  canGotoMaster(member: string, view: (m: string) => MemberView | undefined): boolean {
    if (this.state === 'MASTER') return true;
    return this.members.every((m) => m === member || view(m)?.want === 'MASTER');
  }

  /** Start-up: the group's state from its members' (FAULT if any member is in FAULT), notified once. */
  started(view: (m: string) => MemberView | undefined): SyncOutput {
    this.state = this.members.some((m) => view(m)?.state === 'FAULT') ? 'FAULT' : this.members.some((m) => view(m)?.state === 'MASTER') ? 'MASTER' : 'BACKUP';
    return { feeds: [], logs: [], notify: this.state };
  }

  /** A member changed state (the core's stateChange). */
  transition(member: string, from: VrrpState, to: VrrpState, view: (m: string) => MemberView | undefined): SyncOutput {
    const out: SyncOutput = { feeds: [], logs: [] };
    const others = this.members.filter((m) => m !== member);
    if (to === 'MASTER' && this.state !== 'MASTER') {
      out.logs.push(`VRRP_Group(${this.name}) Syncing instances to MASTER state`);
      this.state = 'MASTER';
      for (const m of others) if (view(m)?.state === 'BACKUP') out.feeds.push({ member: m, event: { type: 'syncMaster', group: this.name } });
      out.notify = 'MASTER';
    } else if (from === 'MASTER' && to === 'BACKUP' && this.state !== 'BACKUP') {
      out.logs.push(`VRRP_Group(${this.name}) Syncing instances to BACKUP state`);
      this.state = 'BACKUP';
      for (const m of others) if (view(m)?.state === 'MASTER') out.feeds.push({ member: m, event: { type: 'syncBackup', group: this.name } });
      out.notify = 'BACKUP';
    } else if (to === 'FAULT' && this.state !== 'FAULT') {
      out.logs.push(`VRRP_Group(${this.name}) Syncing instances to FAULT state`);
      this.state = 'FAULT';
      out.notify = 'FAULT';
    } else if (from === 'FAULT' && to === 'BACKUP' && this.state === 'FAULT' && this.members.every((m) => (view(m)?.ownFaults ?? 0) === 0)) {
      out.logs.push(`VRRP_Group(${this.name}) Syncing instances to BACKUP state`);
      this.state = 'BACKUP';
      out.notify = 'BACKUP';
    }
    return out;
  }

  /**
   * Group faults: a member is held in FAULT while another member has a fault of its own. Returns the
   * syncFault / syncClear events that make the members' group faults match that.
   */
  faults(view: (m: string) => MemberView | undefined): SyncOutput['feeds'] {
    const feeds: SyncOutput['feeds'] = [];
    const faulty = this.members.filter((m) => (view(m)?.ownFaults ?? 0) > 0);
    for (const m of this.members) {
      const v = view(m);
      if (!v || v.state === 'STOP') continue;
      const want = faulty.some((f) => f !== m);
      if (want && !v.groupFault) feeds.push({ member: m, event: { type: 'trackerFault', name: this.faultSource } });
      if (!want && v.groupFault) feeds.push({ member: m, event: { type: 'trackerClear', name: this.faultSource } });
    }
    return feeds;
  }
}
