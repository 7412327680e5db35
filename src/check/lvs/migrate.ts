// Reload continuity (keepalived clear_diff_services / migrate_checkers): a real server kept across a
// SIGHUP keeps its checker states, and a virtual server whose quorum state does not change says nothing.
import type { CheckerPlan } from '../config-map.js';
import { formatVs } from '../format.js';
import type { CheckRunner, SinkAction } from '../runner.js';
import { rsKey } from '../scheduler.js';
import type { CheckerSpec, RsCarry } from '../types.js';

export type Snapshot = ReturnType<CheckRunner['snapshot']>;

/** formatVs → old quorum state, for the virtual servers the new config keeps. */
export type KeptQuorum = Map<string, boolean>;

export interface Migration {
  kept: KeptQuorum;
  /** The scheduler's initial state (SchedulerOptions.carry) for the real servers the new config keeps. */
  carry: Map<string, RsCarry>;
}

/** What keepalived's checker compare() functions look at: the same target and, for MISC, the same script. */
function checkerIdentity(c: CheckerSpec): string {
  switch (c.type) {
    case 'MISC_CHECK': return `${c.type} ${JSON.stringify(c.miscPath)} ${c.miscDynamic}`;
    case 'FILE_CHECK': return `${c.type} ${c.trackFileName}`;
    case 'BFD_CHECK': return `${c.type} ${c.name}`;
    case 'HTTP_GET':
    case 'SSL_GET': return `${c.type} ${JSON.stringify(c.conn)} ${JSON.stringify(c.urls)} ${c.virtualhost ?? ''}`;
    default: return `${c.type} ${JSON.stringify(c.conn)}`;
  }
}

/**
 * clear_diff_rs + migrate_checkers: a real server the new config keeps (same VS name, address and port)
 * takes its alive flag, and each new checker the state of the first unused old checker of the same
 * type and target. The scheduler applies keepalived's rules to it (see carryIn in scheduler.ts).
 */
export function migrateCheckers(oldPlan: CheckerPlan, old: Snapshot, next: CheckerPlan): Migration {
  const kept: KeptQuorum = new Map();
  const carry = new Map<string, RsCarry>();
  const oldByName = new Map(oldPlan.virtualServers.map((v, i) => [formatVs(v.spec), i]));
  next.virtualServers.forEach((vs, vi) => {
    const name = formatVs(vs.spec);
    const oi = oldByName.get(name);
    if (oi === undefined) return;
    const oldVs = oldPlan.virtualServers[oi]!;
    const state = old[oi];
    if (!state) return;
    kept.set(name, state.quorumUp);
    vs.spec.realServers.forEach((rs, ri) => {
      const oldRi = oldVs.spec.realServers.findIndex((o) => o.ip === rs.ip && o.port === rs.port);
      const rsState = oldRi < 0 ? undefined : state.rs[oldRi];
      if (!rsState) return;
      const oldIds = oldVs.spec.realServers[oldRi]!.checkers.map(checkerIdentity);
      const used = new Set<number>();
      const checkers = rs.checkers.map((c) => {
        const id = checkerIdentity(c);
        const oc = oldIds.findIndex((o, i) => o === id && !used.has(i));
        if (oc < 0 || !rsState.checkers[oc]) return undefined;
        used.add(oc);
        return rsState.checkers[oc];
      });
      carry.set(rsKey(vi, ri), { alive: rsState.alive, checkers });
    });
  });
  return { kept, carry };
}

const QUORUM_LINE = /^(Gained quorum|Starting with quorum down|Lost quorum|Adding sorry server|Enabling sorry server|Removing sorry server|Disabling sorry server|Adding alive servers to|Removing alive servers from) .* VS (.+)$/;

/** The VS an action is about, when it is one of the quorum announcements init_services repeats. */
function quorumSubject(a: SinkAction): string | undefined {
  if (a.type === 'log') return QUORUM_LINE.exec(a.text)?.[2];
  if (a.type === 'notifyFifo') return /^VS (.+) (UP|DOWN)\n$/.exec(a.line)?.[1];
  if (a.type === 'smtpAlert') return /^Virtualserver (.+) - (UP|DOWN)$/.exec(a.subject)?.[1];
  return undefined;
}

/**
 * What the new engine's start-up says on a reload, minus the quorum announcements (logs, FIFO lines,
 * mails, quorum scripts) for kept virtual servers whose quorum state is what it was: keepalived copies
 * quorum_state_up across the reload and so announces nothing for them. IPVS actions are all kept.
 */
export function dropRepeatedQuorum(actions: SinkAction[], kept: KeptQuorum, now: Snapshot, plan: CheckerPlan): SinkAction[] {
  const unchanged = new Set<string>();
  plan.virtualServers.forEach((v, i) => {
    const name = formatVs(v.spec);
    if (kept.has(name) && kept.get(name) === now[i]?.quorumUp) unchanged.add(name);
  });
  const quorumScripts = new Set(plan.virtualServers.filter((v) => unchanged.has(formatVs(v.spec)))
    .flatMap((v) => [v.spec.quorumUp, v.spec.quorumDown]).filter((s): s is string[] => Boolean(s)));
  return actions.filter((a) => {
    if (a.type === 'runScript' && (a.why === 'quorum_up' || a.why === 'quorum_down')) return !quorumScripts.has(a.argv);
    const subject = quorumSubject(a);
    return subject === undefined || !unchanged.has(subject);
  });
}
