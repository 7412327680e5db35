// 10,000 random mutations of the config fixtures (deletions, duplications, byte flips, brace and
// quote removal or insertion). Every one must end in diagnostics that carry a location, with one of
// keepalived's exit codes, within a time bound: no exception, no hang.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configTestExitCode, ConfigErr } from '../../src/config/diagnostics.js';
import { loadConfig } from '../../src/config/load.js';
import { repoRoot } from '../support/paths.js';

const MUTATIONS = 10_000;
// A generous bound (CI has 2 busy cores): the point is that nothing hangs.
const PER_CASE_MS = 5_000;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

function seeds(): Buffer[] {
  const out: Buffer[] = [];
  for (const d of ['fixtures/config/keywords', 'fixtures/config/bad']) {
    const dir = path.join(repoRoot, d);
    // huge-seq.conf generates 100,000 lines by design (bad-input.test.ts covers it); as a seed it would
    // only make the run long.
    for (const f of fs.readdirSync(dir)) if (f.endsWith('.conf') && f !== 'huge-seq.conf') out.push(fs.readFileSync(path.join(dir, f)));
  }
  return out;
}

function mutate(src: Buffer, r: () => number): Buffer {
  let b = Buffer.from(src);
  const n = 1 + Math.floor(r() * 4);
  for (let k = 0; k < n; k++) {
    const at = Math.floor(r() * Math.max(1, b.length));
    const span = Math.floor(r() * 200);
    switch (Math.floor(r() * 6)) {
      case 0: b = Buffer.concat([b.subarray(0, at), b.subarray(at + span)]); break; // deletion
      case 1: b = Buffer.concat([b.subarray(0, at + span), b.subarray(at, at + span), b.subarray(at + span)]); break; // duplication
      case 2: if (b.length) b[at % b.length] = Math.floor(r() * 256); break; // byte flip
      case 3: { // brace removal
        const i = b.indexOf(r() < 0.5 ? '{' : '}', at);
        if (i >= 0) b = Buffer.concat([b.subarray(0, i), b.subarray(i + 1)]);
        break;
      }
      case 4: b = Buffer.concat([b.subarray(0, at), Buffer.from(['{', '}', '"', "'", '\\', '$X', '~SEQ(i,', '@', '\n', '\0'][Math.floor(r() * 10)]!), b.subarray(at)]); break;
      default: b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1)]); break;
    }
  }
  return b;
}

describe('config fuzz', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-fuzz-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it(`${MUTATIONS} mutations all end in located diagnostics and a keepalived exit code`, () => {
    const r = rng(0x5eed1234);
    const inputs = seeds();
    const file = path.join(dir, 'fuzz.conf');
    let worstMs = 0;
    let withErrors = 0;
    const codes = new Map<number, number>();
    for (let i = 0; i < MUTATIONS; i++) {
      const input = mutate(inputs[Math.floor(r() * inputs.length)]!, r);
      fs.writeFileSync(file, input);
      const t0 = performance.now();
      let res;
      try {
        res = loadConfig({ file, configId: 'fuzz', retainVirtualServers: false, interfaces: { exists: (n) => n.startsWith('eth'), isLoopback: () => false } });
      } catch (e) {
        fs.writeFileSync(path.join(repoRoot, `fuzz-failure-${i}.conf`), input);
        throw new Error(`mutation ${i} threw: ${(e as Error).stack}`);
      }
      const ms = performance.now() - t0;
      worstMs = Math.max(worstMs, ms);
      expect(ms, `mutation ${i} took ${ms} ms`).toBeLessThan(PER_CASE_MS);
      const code = configTestExitCode(res.diagnostics);
      codes.set(code, (codes.get(code) ?? 0) + 1);
      expect([0, 2, 4, 5, 6]).toContain(code);
      for (const d of res.diagnostics) {
        if (d.err === ConfigErr.OK) continue;
        if (!(d.loc && d.loc.line > 0)) throw new Error(`mutation ${i}: diagnostic without a location: ${d.message}\n--- input ---\n${input.toString('latin1')}`);
      }
      if (res.diagnostics.some((d) => d.err !== ConfigErr.OK)) withErrors++;
    }
    console.log(`fuzz: ${MUTATIONS} mutations, ${withErrors} with errors, exit codes ${JSON.stringify(Object.fromEntries(codes))}, slowest ${worstMs.toFixed(1)} ms`);
    expect(withErrors).toBeGreaterThan(MUTATIONS / 2);
  }, 600_000);
});
