// Keepalived issue #2115: an unreachable route must make every probe fail (promptly), never pass.
// Runs the probes inside a private namespace (prefix chk-) whose only route to 10.99.0.0/24 is `unreachable`.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireRoot } from '../support/root.js';
import { repoRoot } from '../lab/node-script.js';

const NS = `chk-unreach-${process.pid}`;
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe', timeout: 10_000 });

describe('probes over an unreachable route (namespace)', () => {
  beforeAll(() => {
    requireRoot('unreachable-route probe test');
    ip('netns', 'add', NS);
    ip('-n', NS, 'link', 'set', 'lo', 'up');
    ip('-n', NS, 'route', 'add', 'unreachable', '10.99.0.0/24');
  });
  afterAll(() => {
    spawnSync('ip', ['netns', 'del', NS], { timeout: 10_000 });
  });

  it('HTTP_GET, SSL_GET, TCP_CHECK, SMTP_CHECK, UDP_CHECK, DNS_CHECK and PING_CHECK all fail, well before connect_timeout', () => {
    const r = spawnSync('ip', ['netns', 'exec', NS, join(repoRoot, 'node_modules', '.bin', 'vite-node'), join(repoRoot, 'test/check/netns-probe.ts'), '10.99.0.5'], {
      cwd: repoRoot, encoding: 'utf8', timeout: 60_000,
    });
    if (r.status !== 0) throw new Error(`netns-probe failed (${r.status}): ${r.stderr}`);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { type: string; result: { ok: boolean; reason?: string }; ms: number });
    expect(lines.map((l) => l.type)).toEqual(['HTTP_GET', 'SSL_GET', 'TCP_CHECK', 'SMTP_CHECK', 'UDP_CHECK', 'DNS_CHECK', 'PING_CHECK']);
    for (const l of lines) {
      expect(l.result.ok, `${l.type} must fail`).toBe(false);
      expect(l.ms, `${l.type} failed by error, not by timeout`).toBeLessThan(2_000);
    }
    expect(lines[0]!.result.reason).toBe('Connection failed');
  }, 90_000);
});
