// docs/keepalived-ts.service is a valid unit whose ExecStart runs our launcher.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './daemon-harness.js';

describe('docs/keepalived-ts.service', () => {
  it('passes systemd-analyze verify (with ExecStart pointed at this checkout)', () => {
    const unit = readFileSync(join(ROOT, 'docs/keepalived-ts.service'), 'utf8');
    expect(unit).toMatch(/^Type=forking$/m);
    expect(unit).toMatch(/^PIDFile=\/run\/keepalived\.pid$/m);
    expect(unit).toMatch(/^KillMode=process$/m);
    const dir = mkdtempSync(join(tmpdir(), 'kats-unit-'));
    try {
      const file = join(dir, 'keepalived-ts.service');
      writeFileSync(file, unit.replaceAll('/usr/bin/keepalived-ts', join(ROOT, 'bin/keepalived-ts')));
      const r = spawnSync('systemd-analyze', ['verify', '--man=no', file], { encoding: 'utf8', timeout: 20_000 });
      if (r.error) throw new Error(`systemd-analyze not runnable (package systemd): ${r.error.message}`);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the /etc/default example sets KEEPALIVED_OPTIONS to options keepalived-ts accepts', async () => {
    const text = readFileSync(join(ROOT, 'docs/default-keepalived'), 'utf8');
    const m = /^KEEPALIVED_OPTIONS="([^"]*)"$/m.exec(text);
    expect(m).not.toBeNull();
    const { parseCommandLine } = await import('../../src/core/cli.js');
    const r = parseCommandLine(m![1]!.split(/\s+/).filter(Boolean), { programName: 'keepalived-ts', versionBanner: () => '' });
    expect(r.kind).toBe('run');
  });
});
