// Differential test against Debian's keepalived -t on configs neither was written for: seeded
// line-level mutations (deletions, duplications, changed words, truncated lines) of the corpus and
// fixture configs. Both verdicts are compared as in the corpus test; the agreement rate is guarded.
// Where they differ by design (keepalived stops at the first fatal error, we report everything;
// keepalived's passes disagree with each other on some broken braces) the comparison allows it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, requireBuilt, requireShared } from '../support/paths.js';
import { requireCommand, requireRoot } from '../support/root.js';
import { createCorpusNetns, deleteNetns } from '../support/corpus-netns.js';
import { compareWithKeepalived } from './compare.js';

const CASES = 120;
/** Measured 140/151 when this test was written; a drop below this means a regression. */
const MIN_AGREEMENT = 0.88;
const NS = `ktdiff-${process.pid}`;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
}

function seeds(): string[] {
  const out: string[] = [];
  for (const d of [requireShared('corpus'), path.join(repoRoot, 'fixtures/config/semantics')]) {
    for (const f of fs.readdirSync(d)) {
      const p = path.join(d, f);
      if (fs.statSync(p).isFile() && !f.endsWith('.md')) out.push(fs.readFileSync(p, 'utf8'));
    }
  }
  return out;
}

function mutate(text: string, r: () => number): string {
  const lines = text.split('\n');
  const k = 1 + Math.floor(r() * 3);
  for (let j = 0; j < k; j++) {
    const at = Math.floor(r() * lines.length);
    const op = Math.floor(r() * 5);
    if (op === 0) lines.splice(at, 1);
    else if (op === 1) lines.splice(at, 0, lines[Math.floor(r() * lines.length)]!);
    else if (op === 2) {
      const w = (lines[at] ?? '').split(/(\s+)/);
      w[Math.floor(r() * w.length)] = ['0', '-1', '999999', 'abc', '"', 'yes', '256', '1.5', ''][Math.floor(r() * 9)]!;
      lines[at] = w.join('');
    } else if (op === 3) {
      const w = (lines[at] ?? '').trim().split(/\s+/);
      lines[at] = '    ' + w.slice(0, Math.max(1, w.length - 1)).join(' ');
    } else lines.splice(at, 0, lines[at] ?? '');
  }
  return lines.join('\n');
}

describe('differential -t against keepalived on mutated configs', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-diff-'));
  beforeAll(() => {
    requireRoot('the differential test');
    requireCommand('keepalived', 'Debian keepalived is the oracle');
    requireBuilt();
    createCorpusNetns(NS);
  });
  afterAll(() => { deleteNetns(NS); fs.rmSync(dir, { recursive: true, force: true }); });

  it(`agrees with keepalived on at least ${MIN_AGREEMENT * 100}% of ${CASES} mutated configs`, async () => {
    const r = rng(12345);
    const inputs = seeds();
    let agree = 0;
    let compared = 0;
    const differ: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const f = path.join(dir, `m${i}.conf`);
      fs.writeFileSync(f, mutate(inputs[Math.floor(r() * inputs.length)]!, r));
      const c = await compareWithKeepalived(NS, f);
      if (c.skipped) continue;
      compared++;
      if (c.problems.length === 0) agree++;
      else differ.push(`m${i}: ${c.problems.slice(0, 4).join(' / ')}`);
    }
    console.log(`differential: ${agree}/${compared} mutated configs agree with keepalived\n  ${differ.join('\n  ')}`);
    expect(compared).toBeGreaterThan(CASES * 0.9);
    expect(agree / compared).toBeGreaterThanOrEqual(MIN_AGREEMENT);
  }, 600_000);
});
