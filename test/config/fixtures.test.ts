// The keyword inventory (src/config/keyword-tree.ts, taken from keepalived's keyword tables) is
// covered by fixtures/config/keywords: every keyword of every block appears there at least once,
// Debian's keepalived 2.2.7 knows every one it should (only post-2.2.7 keywords are unknown to it),
// and keepalived-ts reports none of them as unknown.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYWORD_TREE, type KwTree } from '../../src/config/keyword-tree.js';
import { loadConfig } from '../../src/config/load.js';
import { DiagnosticSink, ConfigErr } from '../../src/config/diagnostics.js';
import { ConfigReader } from '../../src/config/reader.js';
import { ParsedLineStream } from '../../src/config/load.js';
import { Walker, type KwNode } from '../../src/config/walker.js';
import { repoRoot } from '../support/paths.js';
import { requireCommand, requireRoot } from '../support/root.js';
import { createCorpusNetns, deleteNetns, run } from '../support/corpus-netns.js';

const DIR = path.join(repoRoot, 'fixtures/config/keywords');
const BUILD_DEPENDENT = ['vrrp_ipsets'];
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.conf')).sort();

function inventory(): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  const visit = (t: KwTree, p: string) => {
    for (const [k, v] of Object.entries(t)) {
      const kp = p ? `${p}/${k}` : k;
      out.set(kp, v.since);
      if (v.sub) visit(v.sub, kp);
    }
  };
  visit(KEYWORD_TREE, '');
  return out;
}

/** Keyword paths the fixtures use, as the walker resolved them. */
function used(file: string): Set<string> {
  const sink = new DiagnosticSink();
  const reader = new ConfigReader(sink, { configId: 'fixture' });
  reader.openMain(file);
  const roots = new Walker(new ParsedLineStream(() => reader.next(), sink), sink).walk();
  const out = new Set<string>();
  const visit = (ns: KwNode[], p: string) => {
    for (const n of ns) {
      const kp = p ? `${p}/${n.keyword}` : n.keyword;
      out.add(kp);
      if (n.children) visit(n.children, kp);
    }
  };
  visit(roots, '');
  return out;
}

describe('keyword fixtures', () => {
  const NS = `ktfix-${process.pid}`;

  beforeAll(() => {
    requireRoot('the keyword fixture check');
    requireCommand('keepalived', 'Debian keepalived is the oracle');
    createCorpusNetns(NS);
  });
  afterAll(() => deleteNetns(NS));

  it('cover every keyword of the inventory', () => {
    const inv = inventory();
    const seen = new Set<string>();
    for (const f of files) for (const k of used(path.join(DIR, f))) seen.add(k);
    // the same sub-blocks exist under HTTP_GET and SSL_GET, track_file and vrrp_track_file: each path counts
    const missing = [...inv.keys()].filter((k) => !seen.has(k));
    expect(missing, `keywords with no fixture:\n${missing.join('\n')}`).toEqual([]);
    expect(inv.size).toBeGreaterThan(500);
  });

  it('use only keywords keepalived-ts knows', () => {
    for (const f of files) {
      const r = loadConfig({ file: path.join(DIR, f), configId: 'fixture', interfaces: { exists: () => true, isLoopback: () => false } });
      const unknown = r.diagnostics.filter((d) => d.err === ConfigErr.UNKNOWN_KEYWORD).map((d) => `${f}:${d.loc?.line} ${d.message}`);
      expect(unknown).toEqual([]);
    }
  });

  it('are known to Debian keepalived 2.2.7, except the keywords added after it', async () => {
    const inv = inventory();
    const later = new Set([...inv].filter(([, since]) => since).map(([k]) => k.split('/').pop()!));
    // Keywords keepalived installs only when built with a feature Debian's package leaves out
    // (vrrp_ipsets needs --enable-ipset; Debian builds with nftables).
    for (const k of BUILD_DEPENDENT) later.add(k);
    for (const f of files) {
      const r = await run('ip', ['netns', 'exec', NS, 'keepalived', '-t', '-f', f], DIR);
      expect(r.code, `${f}: keepalived -t died: ${r.stderr.slice(0, 500)}`).not.toBe(143);
      const unknown = [...r.stderr.matchAll(/Unknown keyword '([^']*)'/g)].map((m) => m[1]!);
      if (!f.includes('2.2.8')) {
        const notKnown = [...new Set(unknown)].filter((k) => !later.has(k));
        expect(notKnown, `${f}: keepalived 2.2.7 does not know: ${notKnown.join(', ')}`).toEqual([]);
      } else {
        // keepalived 2.2.7 rejects the later keywords (an unknown block then cascades, as it does)
        const laterUsed = [...new Set(unknown)].filter((k) => later.has(k));
        expect(laterUsed.length, `${f}: the post-2.2.7 keywords should be unknown to 2.2.7`).toBeGreaterThan(0);
      }
    }
  }, 120_000);
});
