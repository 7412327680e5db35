// keepalived-ts -t against Debian's keepalived -t on every sample config of ../shared/corpus,
// both run in the same test, in a network namespace holding the interfaces the samples name
// (eth0..eth3, eth0.1, enp1s0), as the reference outputs were made.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuilt, requireShared } from '../support/paths.js';
import { requireCommand, requireRoot } from '../support/root.js';
import { createCorpusNetns, deleteNetns } from '../support/corpus-netns.js';
import { compareWithKeepalived } from './compare.js';

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

/** Where keepalived-ts reports more than keepalived on purpose: file -> message substrings, and why. */
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
      const c = await compareWithKeepalived(NS, path.join(corpus, rel), (p) => (OUR_EXTRAS[rel] ?? []).some((x) => p.message.includes(x.match)));
      if (c.skipped) continue; // Debian 2.2.7's own crash (its issue #2587)
      const problems = c.problems;
      if (problems.length) failures.push(`${rel}:\n    ${problems.join('\n    ')}`);
      else agreeing++;
    }
    console.log(`corpus agreement: ${agreeing}/${files.length} files`);
    expect(failures, failures.join('\n')).toEqual([]);
  }, 300_000);
});
