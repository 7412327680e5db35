// `keepalived-ts -t --json` and `--config-json` through the real binary: machine-readable
// diagnostics with the same exit code as plain -t, and a resolved config that is byte-for-byte
// stable across runs, so operators can diff configs in review.
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { binKeepalivedTs, repoRoot, requireBuilt } from '../support/paths.js';

const DIR = path.join(repoRoot, 'fixtures/config/semantics');
const run = (args: string[]) => spawnSync(process.execPath, [binKeepalivedTs, ...args], { cwd: DIR, encoding: 'utf8' });

describe('-t --json and --config-json', () => {
  it('--json gives the diagnostics and keepalived\'s exit code', () => {
    requireBuilt();
    const plain = run(['-t', '-f', 'exit5-config-error.conf']);
    const json = run(['-t', '--json', '-f', 'exit5-config-error.conf']);
    expect(json.status).toBe(plain.status);
    const out = JSON.parse(json.stdout) as { exitCode: number; diagnostics: { message: string; line: number; class: string }[] };
    expect(out.exitCode).toBe(5);
    expect(out.diagnostics).toContainEqual(expect.objectContaining({ message: "number '300' outside range [1, 255]", line: 3, class: 'INVALID_NUMBER' }));
  });

  it('--config-json prints the resolved config, every default explicit, identically on every run', () => {
    const a = run(['-t', '--config-json', '-f', 'defaults.conf']);
    const b = run(['-t', '--config-json', '-f', 'defaults.conf']);
    expect(a.stdout.length).toBeGreaterThan(100);
    expect(a.stdout).toBe(b.stdout);
    const cfg = JSON.parse(a.stdout) as { vrrpInstances: { priority: number; state: string; advertIntMs: number }[]; virtualServers: { protocol: string; lvsSched: string }[] };
    expect(cfg.vrrpInstances[0]).toMatchObject({ priority: 255, state: 'MASTER', advertIntMs: 1000 });
    expect(cfg.virtualServers[0]).toMatchObject({ protocol: 'UDP', lvsSched: 'wlc' });
    expect(a.status).toBe(5);
  });

  it('is documented in -h and the man page', () => {
    const help = spawnSync(process.execPath, [binKeepalivedTs, '-h'], { encoding: 'utf8' }).stderr;
    expect(help).toMatch(/--json/);
    expect(help).toMatch(/--config-json/);
    expect(execFileSync('cat', [path.join(repoRoot, 'docs/keepalived-ts.8')], { encoding: 'utf8' })).toMatch(/config\\-json/);
  });
});
