// Reload continuity (keepalived clear_diff_services / migrate_checkers): a real server kept across a
// SIGHUP keeps its checker states, and a virtual server whose quorum state does not change says nothing.
import type { CheckerPlan } from '../config-map.js';
import { formatVs } from '../format.js';
import type { CheckRunner, SinkAction } from '../runner.js';

export type Snapshot = ReturnType<CheckRunner['snapshot']>;

/** formatVs → old quorum state, for the virtual servers the new config keeps. */
export type KeptQuorum = Map<string, boolean>;

/**
 * Seeds the new plan's checkers from the old engine's state: a checker that was down starts down (alpha),
 * one that was up starts up (no alpha), matched by VS name, real server address:port and checker position+type.
 */
export function migrateCheckers(oldPlan: CheckerPlan, old: Snapshot, next: CheckerPlan): KeptQuorum {
  const kept: KeptQuorum = new Map();
  const oldByName = new Map(oldPlan.virtualServers.map((v, i) => [formatVs(v.spec), i]));
  for (const vs of next.virtualServers) {
    const name = formatVs(vs.spec);
    const oi = oldByName.get(name);
    if (oi === undefined) continue;
    const oldVs = oldPlan.virtualServers[oi]!;
    const state = old[oi];
    if (!state) continue;
    kept.set(name, state.quorumUp);
    vs.spec.realServers.forEach((rs) => {
      const ri = oldVs.spec.realServers.findIndex((o) => o.ip === rs.ip && o.port === rs.port);
      const rsState = ri < 0 ? undefined : state.rs[ri];
      if (!rsState) return;
      const oldCheckers = oldVs.spec.realServers[ri]!.checkers;
      rs.checkers.forEach((c, ci) => {
        const up = rsState.checkersUp[ci];
        if (up === undefined || oldCheckers[ci]?.type !== c.type) return;
        rs.checkers[ci] = { ...c, alpha: !up };
      });
    });
  }
  return kept;
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
