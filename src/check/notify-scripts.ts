// Checker notify scripts (notify_up/notify_down, quorum_up/quorum_down): who they run as and how
// (keepalived notify_exec with the script's uid/gid from check_data.c / set_default_script_user()).
import type { KeepalivedConfig, Script } from '../config/ast.js';
import { scriptIds, type ScriptIds } from '../core/script-ids.js';
import { runScript } from '../vrrp/track/script-runner.js';
import type { CheckerPlan } from './config-map.js';

/** Notify scripts have no timeout in keepalived (notify_exec); this only bounds a hung one. */
const NOTIFY_SCRIPT_BOUND_MS = 3_600_000;

/**
 * Who each notify_up/notify_down/quorum_up/quorum_down runs as: its own `user [group]`, else script_user
 * (else keepalived_script when it exists, else root). Keyed by the engine's argv arrays, which are the
 * objects its runScript actions carry; plan.virtualServers and their real servers follow the config's order.
 */
export function notifyScriptIds(cfg: KeepalivedConfig, plan: CheckerPlan): Map<string[], ScriptIds> {
  const fallback = scriptIds(cfg.global.scriptUser?.user, cfg.global.scriptUser?.group);
  const ids = new Map<string[], ScriptIds>();
  const add = (argv: string[] | undefined, s: Script | undefined): void => {
    if (argv && s) ids.set(argv, s.user !== undefined ? scriptIds(s.user, s.group) : fallback);
  };
  plan.virtualServers.forEach((v, i) => {
    const ast = cfg.virtualServers[i];
    if (!ast) return;
    add(v.spec.quorumUp, ast.quorumUp);
    add(v.spec.quorumDown, ast.quorumDown);
    v.spec.realServers.forEach((rs, j) => {
      add(rs.notifyUp, ast.realServers[j]?.notifyUp);
      add(rs.notifyDown, ast.realServers[j]?.notifyDown);
    });
  });
  return ids;
}

/** notify_exec() of a checker notify script, as `ids` (notifyScriptIds); a script that cannot run is logged. */
export async function runNotifyScript(a: { argv: string[]; why: string }, ids: ScriptIds | undefined, logErr: (text: string) => void): Promise<void> {
  const r = await runScript({ argv: a.argv, timeoutMs: NOTIFY_SCRIPT_BOUND_MS, ...ids });
  if (r.outcome.kind === 'error') logErr(`${a.why} script ${a.argv[0]}: ${r.outcome.reason}`);
}
