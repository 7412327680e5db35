// check_script_secure() path handling: PATH search, realpath, original file name kept when it is the same file.
import { mkdtempSync, rmSync, symlinkSync, writeFileSync, chmodSync, mkdirSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveScriptPath } from '../../src/check/script-path.js';

const dir = realpathSync(mkdtempSync(join(tmpdir(), 'chk-path-')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveScriptPath', () => {
  mkdirSync(join(dir, 'real'));
  writeFileSync(join(dir, 'real', 'check.sh'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(dir, 'real', 'check.sh'), 0o755);
  symlinkSync(join(dir, 'real'), join(dir, 'link'));
  symlinkSync(join(dir, 'real', 'check.sh'), join(dir, 'real', 'alias.sh'));

  it('canonicalises a symlinked directory', () => {
    expect(resolveScriptPath(join(dir, 'link', 'check.sh'))).toEqual({ ok: true, path: join(dir, 'real', 'check.sh'), logs: [] });
  });
  it('keeps the name a renamed symlink was called by when it resolves to the same file (argv[0]-sensitive programs)', () => {
    expect(resolveScriptPath(join(dir, 'link', 'alias.sh'))).toEqual({ ok: true, path: join(dir, 'real', 'alias.sh'), logs: [] });
  });
  it('searches PATH for bare names and warns as keepalived', () => {
    expect(resolveScriptPath('check.sh', `/nonexistent:${join(dir, 'real')}`)).toEqual({
      ok: true, path: join(dir, 'real', 'check.sh'),
      logs: [`WARNING - script \`check.sh\` resolved by path search to \`${join(dir, 'real', 'check.sh')}\`. Please specify full path.`],
    });
    expect(resolveScriptPath('nope.sh', join(dir, 'real'))).toEqual({ ok: false, logs: ['Cannot find script nope.sh in path - disabling'] });
  });
  it('reports an inaccessible script', () => {
    expect(resolveScriptPath(join(dir, 'missing.sh'))).toEqual({ ok: false, logs: [`Script ${join(dir, 'missing.sh')} cannot be accessed - No such file or directory`] });
  });
});
