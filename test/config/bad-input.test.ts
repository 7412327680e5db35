// Each class of bad input has a fixture (fixtures/config/bad) with the diagnostics it must give:
// a location for each, keepalived's exit code, no exception and no hang.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConfigTest } from '../../src/config/config-test.js';
import { repoRoot } from '../support/paths.js';

const DIR = path.join(repoRoot, 'fixtures/config/bad');
interface Expect { line: number; file?: string; message?: string; messageMatch?: string; hint?: string; class?: string }
const expected = JSON.parse(fs.readFileSync(path.join(DIR, 'expected.json'), 'utf8')) as Record<string, { exit: number; contains: Expect[] }>;

interface JsonDiag { class: string; message: string; file?: string; line?: number; hint?: string }

async function check(file: string): Promise<{ exitCode: number; diagnostics: JsonDiag[] }> {
  let out = '';
  const cwd = process.cwd();
  process.chdir(DIR);
  try {
    const code = await runConfigTest({ file, json: true, writeOut: (s) => { out += s; }, write: () => {} });
    const parsed = JSON.parse(out) as { exitCode: number; diagnostics: JsonDiag[] };
    expect(parsed.exitCode).toBe(code);
    return parsed;
  } finally {
    process.chdir(cwd);
  }
}

describe('bad config input', () => {
  it('has a fixture for every class the issue names', () => {
    for (const f of ['binary-garbage.conf', 'nul-bytes.conf', 'long-line.conf', 'missing-brace.conf', 'extra-brace.conf', 'unbalanced-quote.conf',
      'include-cycle-a.conf', 'include-missing.conf', 'includea-missing.conf', 'huge-seq.conf']) expect(expected[f], f).toBeDefined();
  });

  for (const [file, want] of Object.entries(expected)) {
    it(`${file}: exit ${want.exit} and the expected diagnostics, each with a location`, async () => {
      const t0 = Date.now();
      const r = await check(file);
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(r.exitCode).toBe(want.exit);
      for (const d of r.diagnostics) {
        expect(d.file, `no file for: ${d.message}`).toBeTruthy();
        expect(d.line, `no line for: ${d.message}`).toBeGreaterThan(0);
      }
      for (const e of want.contains) {
        const hit = r.diagnostics.find((d) =>
          d.line === e.line && (e.file === undefined || d.file === e.file) && (e.message === undefined || d.message === e.message)
          && (e.messageMatch === undefined || d.message.includes(e.messageMatch)) && (e.hint === undefined || d.hint === e.hint)
          && (e.class === undefined || d.class === e.class));
        expect(hit, `missing ${JSON.stringify(e)} in\n${JSON.stringify(r.diagnostics, null, 1)}`).toBeDefined();
      }
    });
  }

  it('a missing config file is an error (keepalived 2.2.7 exits 0 there)', async () => {
    const r = await check('/nonexistent/keepalived.conf');
    expect(r.exitCode).toBe(6);
    expect(r.diagnostics.some((d) => d.message.startsWith('Unable to read configuration file'))).toBe(true);
  });
});
