// The parent hands the config to its children through child_process 'advanced' serialization
// (v8.serialize) without making a copy first to check it: this proves, for every config the
// project has, that the resolved config is data that survives that serialization unchanged, and
// that a message that cannot be serialized is logged and stops the child instead of crashing the
// parent or leaving a child waiting for ever.
import { describe, it, expect, beforeAll } from 'vitest';
import { readdirSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { serialize, deserialize } from 'node:v8';
import { requireFreshBuild, ROOT } from './daemon-harness.js';
import { requireShared } from '../support/paths.js';
import { loadConfig } from '../../src/config/load.js';
import { Supervisor } from '../../src/core/supervisor.js';
import { createLogger } from '../../src/log/logger.js';

const CORPUS = requireShared('corpus');

/** Every config file under dir: names ending .conf, or, in the corpus, every file but its index and -t outputs. */
function confFiles(dir: string, any = false): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) { if (name !== 't-output-debian-2.2.7') out.push(...confFiles(p, any)); }
    else if (any ? name !== 'INDEX.md' : name.endsWith('.conf')) out.push(p);
  }
  return out;
}

beforeAll(() => requireFreshBuild());

describe('the resolved config survives the IPC serialization', () => {
  const files = [...confFiles(join(ROOT, 'fixtures/config')), ...confFiles(CORPUS, true)];

  it('has the fixture and corpus configs to check', () => {
    expect(files.filter((f) => f.startsWith(CORPUS)).length).toBeGreaterThanOrEqual(36);
    expect(files.length).toBeGreaterThanOrEqual(65);
  });

  it.each(files.map((f) => [f.replace(`${ROOT}/`, '').replace(`${CORPUS}/`, 'corpus/'), f]))('%s', (_name, file) => {
    const r = loadConfig({ file, configId: 'node1', allConfig: false });
    const copy = deserialize(serialize(r.config));
    expect(copy).toEqual(r.config);
  });
});

describe('a start message that cannot be serialized', () => {
  it('is logged, the child exits FATAL and the parent is told to terminate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kts-clone-'));
    const lines: string[] = [];
    const logger = createLogger({ ident: 'Keepalived', facility: 3, syslog: false, console: true, detailLevel: 0, consoleWrite: (l) => lines.push(l) });
    let terminated: number | undefined;
    const sup = new Supervisor({
      logger,
      // A function is not data: v8's serializer throws DataCloneError synchronously.
      startMessage: () => ({ type: 'start', role: 'vrrp', config: { tag: 'x', bad: () => 1 } } as never),
      dontRespawn: false,
      respawnUnitMs: 10,
      onReady: () => undefined,
      onTerminate: (code) => { terminated = code; },
    });
    try {
      sup.start({ role: 'vrrp', entry: join(ROOT, 'test/core/fixtures/test-child.mjs'), pidFile: join(dir, 'vrrp.pid') });
      for (let i = 0; i < 200 && terminated === undefined; i++) await new Promise((r) => setTimeout(r, 25));
      expect(lines.join(''), lines.join('')).toMatch(/Keepalived_vrrp \(pid \d+\): cannot send start: .*could not be cloned/);
      expect(terminated, lines.join('')).toBe(1);
      expect(sup.isRunning('vrrp')).toBe(false);
    } finally {
      const pid = sup.pidOf('vrrp');
      if (pid) process.kill(pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
