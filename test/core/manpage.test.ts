import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { renderManPage } from '../../src/core/manpage.js';
import { OPTION_TABLE } from '../../src/core/cli.js';

describe('docs/keepalived-ts.8', () => {
  const committed = readFileSync(new URL('../../docs/keepalived-ts.8', import.meta.url), 'utf8');
  it('is what src/core/manpage.ts generates (regenerate: node dist/src/core/manpage.js > docs/keepalived-ts.8)', () => {
    expect(committed).toBe(renderManPage());
  });
  it('documents every visible option and renders with man(1) without warnings', () => {
    for (const o of OPTION_TABLE.filter((x) => !x.hidden)) {
      if (o.long) expect(committed).toContain(`\\-\\-${o.long.replace(/-/g, '\\-')}`);
    }
    const r = spawnSync('man', ['--warnings', '-l', '-P', 'cat', 'docs/keepalived-ts.8'], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '80' }, timeout: 10_000 });
    if (r.error) throw new Error(`man(1) not runnable: ${r.error.message}`);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('--config-test[=LOG_FILE]');
  });
});
