// Compares keepalived-ts -t with Debian's keepalived -t on one file: same exit code, and every
// problem keepalived names (with its line, where it gives one) is named by keepalived-ts, and
// keepalived-ts names no error keepalived does not (notes are ours and don't count).
import * as path from 'node:path';
import { KEYWORD_TREE, type KwTree } from '../../src/config/keyword-tree.js';
import { binKeepalivedTs } from '../support/paths.js';
import { run } from '../support/corpus-netns.js';
import { parseKeepalived, parseOurs, type Problem } from './ka-output.js';

const key = (p: Problem) => `${p.line ?? '-'}|${p.message}`;

function laterKeywords(): Set<string> {
  const out = new Set<string>();
  const visit = (t: KwTree) => { for (const [k, v] of Object.entries(t)) { if (v.since) out.add(k); if (v.sub) visit(v.sub); } };
  visit(KEYWORD_TREE);
  return out;
}
const LATER = laterKeywords();
/** Keywords added after 2.2.7 (reference §5): accepted on purpose, Debian's 2.2.7 rejects them. */
const isLaterKeyword = (p: Problem) => { const m = /^Unknown keyword '(.*)'$/.exec(p.message); return !!m && LATER.has(m[1]!); };

/** Messages after which keepalived's VRRP process stops (vrrp.c chk_min_cfg, vrrp_complete_instance, vrrp_daemon.c). */
const VRRP_FATAL = ['the virtual router id must be set', 'Unknown interface!', 'No VIP specified; at least one is required',
  'Non-existent interface specified in configuration', 'Unicast instances must have unicast_src_ip or interface', 'Unicast peers are not supported in strict mode'];

export interface Comparison {
  /** Debian 2.2.7 died (its issue #2587): nothing to compare. */
  skipped: boolean;
  problems: string[];
  kaCode: number;
  ourCode: number;
}

export async function compareWithKeepalived(netns: string, file: string, allowExtra: (p: Problem) => boolean = () => false): Promise<Comparison> {
  const dir = path.dirname(file);
  const base = path.basename(file);
  const [ka, ours] = await Promise.all([
    run('ip', ['netns', 'exec', netns, 'keepalived', '-t', '-f', base], dir),
    run('ip', ['netns', 'exec', netns, process.execPath, binKeepalivedTs, '-t', '-f', base], dir),
  ]);
  if (ka.code === 143) return { skipped: true, problems: [], kaCode: ka.code, ourCode: ours.code };
  const kaP = parseKeepalived(ka.stderr);
  const ourP = parseOurs(ours.stderr).problems;
  const ourKeys = new Set(ourP.map(key));
  const ourMsgs = new Set(ourP.map((p) => p.message));
  const kaKeys = new Set(kaP.map(key));
  const kaMsgs = new Set(kaP.map((p) => p.message));
  const problems: string[] = [];
  if (ka.code !== ours.code) problems.push(`exit ${ours.code}, keepalived ${ka.code}`);
  for (const p of kaP) {
    if (isLaterKeyword(p)) continue;
    if (p.line === undefined ? !ourMsgs.has(p.message) : !ourKeys.has(key(p))) problems.push(`missing: ${key(p)}`);
  }
  // keepalived stops at the first keyword missing its value (exit 2), and stops validating VRRP at
  // the first instance error its VRRP process dies of; what we report after those is extra by design
  const afterAbort = (ka.code === 2 && ours.code === 2) || VRRP_FATAL.some((m) => kaP.some((p) => p.message.endsWith(m)));
  for (const p of ourP) if (!afterAbort && !kaKeys.has(key(p)) && !kaMsgs.has(p.message) && !allowExtra(p)) problems.push(`extra:   ${key(p)}`);
  return { skipped: false, problems, kaCode: ka.code, ourCode: ours.code };
}
