// keepalived-ts -t against Debian's keepalived -t on every sample config of ../shared/corpus,
// both run in the same test, in a network namespace holding the interfaces the samples name
// (eth0..eth3, eth0.1, enp1s0), as the reference outputs were made.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binKeepalivedTs, requireBuilt, requireShared } from '../support/paths.js';
import { requireCommand, requireRoot } from '../support/root.js';
import { createCorpusNetns, deleteNetns, run } from '../support/corpus-netns.js';
import { KEYWORD_TREE, type KwTree } from '../../src/config/keyword-tree.js';
import { parseKeepalived, parseOurs, type Problem } from './ka-output.js';

const NS = `ktcorpus-${process.pid}`;

function corpusFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) {
      if (e.name === 't-output-debian-2.2.7') continue;
      out.push(...corpusFiles(path.join(dir, e.name)).map((f) => path.join(e.name, f)));
    } else if (e.name !== 'INDEX.md') out.push(e.name);
  }
  return out.sort();
}

const key = (p: Problem) => `${p.line ?? '-'}|${p.message}`;

/** Keywords added after 2.2.7 (reference §5): keepalived-ts accepts them on purpose, Debian's 2.2.7 rejects them. */
function laterKeywords(): Set<string> {
  const out = new Set<string>();
  const visit = (t: KwTree) => { for (const [k, v] of Object.entries(t)) { if (v.since) out.add(k); if (v.sub) visit(v.sub); } };
  visit(KEYWORD_TREE);
  return out;
}
const LATER = laterKeywords();
const isLaterKeyword = (p: Problem) => { const m = /^Unknown keyword '(.*)'$/.exec(p.message); return !!m && LATER.has(m[1]!); };

/**
 * Where keepalived-ts reports more than keepalived on purpose. Each entry: file -> messages
 * (substrings) we add, and why. Everything else must match exactly.
 */
const OUR_EXTRAS: Record<string, { match: string; why: string }[]> = {};

describe('keepalived -t corpus agreement (Debian keepalived 2.2.7 as oracle)', () => {
  let corpus: string;
  let files: string[];

  beforeAll(() => {
    requireRoot('the corpus comparison');
    requireCommand('keepalived', 'Debian keepalived is the oracle');
    requireCommand('ip', 'iproute2');
    requireBuilt();
    corpus = requireShared('corpus');
    files = corpusFiles(corpus);
    createCorpusNetns(NS);
  });

  afterAll(() => deleteNetns(NS));

  it('covers the 36 files of the corpus', () => {
    expect(files.length).toBe(36);
  });

  it('gives the same exit code and names the same lines as keepalived for every file', async () => {
    const failures: string[] = [];
    let agreeing = 0;
    for (const rel of files) {
      const full = path.join(corpus, rel);
      const dir = path.dirname(full);
      const base = path.basename(full);
      const [ka, ours] = await Promise.all([
        run('ip', ['netns', 'exec', NS, 'keepalived', '-t', '-f', base], dir),
        run('ip', ['netns', 'exec', NS, process.execPath, binKeepalivedTs, '-t', '-f', base], dir),
      ]);
      if (ka.code === 143) {
        // Debian 2.2.7's own crash on enable_script_security + vrrp_script (its issue #2587): no verdict to compare.
        continue;
      }
      const kaP = parseKeepalived(ka.stderr);
      const ourP = parseOurs(ours.stderr).problems;
      const ourKeys = new Set(ourP.map(key));
      const ourMsgs = new Set(ourP.map((p) => p.message));
      const missing = kaP.filter((p) => !isLaterKeyword(p) && (p.line === undefined ? !ourMsgs.has(p.message) : !ourKeys.has(key(p))));
      const kaKeys = new Set(kaP.map(key));
      const kaMsgs = new Set(kaP.map((p) => p.message));
      const extras = ourP.filter((p) => !kaKeys.has(key(p)) && !kaMsgs.has(p.message) && !(OUR_EXTRAS[rel] ?? []).some((x) => p.message.includes(x.match)));
      const problems: string[] = [];
      if (ka.code !== ours.code) problems.push(`exit ${ours.code}, keepalived ${ka.code}`);
      for (const m of missing) problems.push(`missing: ${key(m)}`);
      for (const m of extras) problems.push(`extra:   ${key(m)}`);
      if (problems.length) failures.push(`${rel}:\n    ${problems.join('\n    ')}`);
      else agreeing++;
    }
    console.log(`corpus agreement: ${agreeing}/${files.length} files`);
    expect(failures, failures.join('\n')).toEqual([]);
  }, 300_000);
});
