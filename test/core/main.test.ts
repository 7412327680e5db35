// bin/keepalived-ts as a process: what reaches stdout/stderr and the exit status.
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, requireFreshBuild } from './daemon-harness.js';
import { VERSION_STRING } from '../../src/core/version.js';

const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [join(ROOT, 'bin/keepalived-ts'), ...args], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, ...env } });
const oracle = (args: string[]) => spawnSync('/usr/sbin/keepalived', args, { encoding: 'utf8', timeout: 5000 });

beforeAll(() => requireFreshBuild());

describe('bin/keepalived-ts', () => {
  it.each([['-z', 'a'], ['--signum=JSON'], ['x', '--foo'], ['-S', 'bogus', '-u', '08', '--vrrp=1'], ['-t=/nonexistent-kats/x']])(
    '%j: same stdout, stderr and status as Debian keepalived', (...args) => {
      const real = oracle(args);
      const ours = run(args);
      expect({ rc: ours.status, out: ours.stdout, err: ours.stderr }).toEqual({ rc: real.status, out: real.stdout, err: real.stderr });
    });

  it('-t=FILE on a symlink is refused like keepalived (O_NOFOLLOW)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kats-main-'));
    try {
      symlinkSync(join(dir, 'target'), join(dir, 'link'));
      const real = oracle([`-t${dir}/link`]);
      const ours = run([`-t${dir}/link`]);
      expect({ rc: ours.status, err: ours.stderr }).toEqual({ rc: real.status, err: real.stderr });
      expect(existsSync(join(dir, 'target'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('-v prints our banner on stderr and exits 0; -h prints usage', () => {
    const v = run(['-v']);
    expect(v.status).toBe(0);
    expect(v.stdout).toBe('');
    expect(v.stderr.startsWith(`${VERSION_STRING}\n\n`)).toBe(true);
    expect(v.stderr).toMatch(/\nRunning on Linux /);
    const h = run(['--help']);
    expect(h.status).toBe(0);
    expect(h.stderr).toMatch(/^Usage: keepalived-ts \[OPTION\.\.\.\]\n/);
  });

  it.each([[['-T', '--help']], [['-n', '-T', '--help']]])('%j: genhash mode, as keepalived -T (program name aside)', (args) => {
    const ours = run(args);
    if (/genhash mode is not available/.test(ours.stderr)) throw new Error(`genhash not built: ${ours.stderr}`);
    const real = oracle(args);
    expect({ rc: ours.status, out: ours.stdout, err: ours.stderr })
      .toEqual({ rc: real.status, out: real.stdout, err: real.stderr.replaceAll('/usr/sbin/keepalived', 'keepalived-ts') });
  });

  it('bin/genhash-ts is genhash', () => {
    const ours = spawnSync(process.execPath, [join(ROOT, 'bin/genhash-ts'), '-h'], { encoding: 'utf8', timeout: 20_000 });
    const real = spawnSync('genhash', ['-h'], { encoding: 'utf8', timeout: 5000 });
    if (real.error) throw new Error(`Debian genhash missing: ${real.error.message}`);
    expect({ rc: ours.status, err: ours.stderr }).toEqual({ rc: real.status, err: real.stderr.replaceAll('genhash', 'genhash-ts') });
  });
});
