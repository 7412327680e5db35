// Conformance against Debian's keepalived 2.2.7: both daemons run the same checker scenario
// (fixtures/check/oracle.conf) against the same servers inside the IPVS VM; the checker log lines
// keepalived prints must be exactly the ones we print (as a multiset; checks run concurrently).
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootVm, type Vm } from '../vm/vm.js';

let vm: Vm | undefined;
const sections: Record<string, string> = {};

// The VM runs the built JavaScript: refuse a dist/ older than src/check.
function requireFreshBuild(): void {
  const built = 'dist/src/check/runner.js';
  if (!existsSync(built)) throw new Error(`${built} missing: run \`npm run build\` before the VM tests`);
  const builtAt = statSync(built).mtimeMs;
  const walk = (dir: string): void => {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts') && statSync(p).mtimeMs > builtAt) throw new Error(`${p} is newer than ${built}: run \`npm run build\``);
    }
  };
  walk('src/check');
}

beforeAll(async () => {
  requireFreshBuild();
  vm = await bootVm({ name: 'checkoracle' });
  const r = await vm.run('sh test/check/oracle-vm.sh 60000', { timeoutMs: 240_000 });
  if (r.exitCode !== 0) throw new Error(`oracle VM script failed (${r.exitCode}): ${r.stderr}\n${r.stdout.slice(0, 3000)}`);
  for (const part of r.stdout.split(/^=== /m).slice(1)) {
    const nl = part.indexOf('\n');
    sections[part.slice(0, nl)] = part.slice(nl + 1);
  }
}, 300_000);

afterAll(async () => {
  await vm?.stop();
});

/** The lines of keepalived's checker that keepalived-ts' engine is responsible for. */
const CHECKER_LINE = /^(SMTP_CHECK|Remote SMTP server|SSL|Timeout|DNS_CHECK|UDP_CHECK|UDP connection|UDP check|Activating healthchecker|Deactivating healthchecker|Gained quorum|Lost quorum|Starting with quorum|Adding sorry server|Removing sorry server|Adding alive servers|Removing alive servers|Remote Web server|HTTP_CHECK|TCP_CHECK|TCP connection|Misc check|Changing weight|Adding service|Removing service|Enabling service|Disabling service|Shutting down|HTTP status code|MD5 digest)/;

function theirs(): string[] {
  return (sections['keepalived'] ?? '').split('\n').map((l) => l.replace(/^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}: /, '')).filter((l) => CHECKER_LINE.test(l));
}
function ours(): string[] {
  return (sections['ours'] ?? '').split('\n').filter((l) => l.startsWith('LOG ')).map((l) => l.slice(4)).filter((l) => CHECKER_LINE.test(l));
}

/** ipvsadm -Ln → "VS RS weight" lines (forwarding method is not the engine's business). */
function theirTable(): string[] {
  const out: string[] = [];
  let vs = '';
  for (const line of (sections['ipvsadm'] ?? '').split('\n')) {
    const svc = /^(?:TCP|UDP)\s+(\S+)/.exec(line);
    if (svc) vs = svc[1]!;
    const dest = /^\s+->\s+(\d\S+)\s+\S+\s+(\d+)/.exec(line);
    if (dest) out.push(`${vs} ${dest[1]} ${dest[2]}`);
  }
  return out.sort();
}

/** Our actions up to STOP replayed into a table. */
function ourTable(): string[] {
  const table = new Map<string, string>();
  for (const line of (sections['ours'] ?? '').split('\n')) {
    if (line === 'STOP') break;
    const m = /^ACT (\w+) (\S+) (\S+)(?: (\d+))?$/.exec(line);
    if (!m) continue;
    const [, type, vs, rs, w] = m;
    const key = `${vs} ${rs}`;
    if (type === 'addRealServer' || type === 'addSorryServer' || type === 'setWeight') table.set(key, w!);
    if (type === 'removeRealServer' || type === 'removeSorryServer') table.delete(key);
  }
  return [...table].map(([k, w]) => `${k} ${w}`).sort();
}

describe('checker log lines against Debian keepalived 2.2.7', () => {
  it('leaves the same real servers and weights in IPVS as keepalived', () => {
    expect(ourTable()).toEqual(theirTable());
    // inhibit_on_failure left at weight 0, the sorry server in for the VS that lost quorum, misc_dynamic weight 3.
    expect(theirTable()).toEqual(expect.arrayContaining(['10.0.0.1:80 10.0.0.3:8080 0', '10.0.0.1:81 10.0.0.9:81 1', '10.0.0.1:82 10.0.0.6:9000 3']));
  });

  it('keepalived ran the scenario and programmed IPVS', () => {
    expect(sections['ipvsadm']).toContain('10.0.0.1:80');
    expect(theirs().length).toBeGreaterThan(10);
  });

  it('prints exactly keepalived\'s checker lines', () => {
    writeFileSync(join(tmpdir(), 'kts-check-oracle-ours.txt'), `${ours().join('\n')}\n`);
    writeFileSync(join(tmpdir(), 'kts-check-oracle-theirs.txt'), `${theirs().join('\n')}\n`);
    // The flaky server went down after retries and came back.
    expect(theirs()).toContain('HTTP_CHECK on service [10.0.0.7]:tcp:8080 failed after 1 retries.');
    expect(theirs()).toContain('Adding service [10.0.0.7]:tcp:8080 to VS [10.0.0.1]:tcp:80');
    // UDP checks against a closed port: ICMP port unreachable.
    expect(theirs()).toEqual(expect.arrayContaining([expect.stringMatching(/^DNS_CHECK \(\[10\.0\.0\.4\]:udp:53\) /), expect.stringMatching(/^UDP_CHECK on service \[10\.0\.0\.4\]:udp:54 failed/)]));
    expect([...ours()].sort()).toEqual([...theirs()].sort());
  });

  it('the per-server order of lines matches', () => {
    // Key each line by its first real-server address ([ip]:proto:port or [ip]:port); servers run concurrently.
    const byServer = (ls: string[]) => {
      const m = new Map<string, string[]>();
      for (const l of ls) {
        const k = [...l.matchAll(/\[(\d+\.\d+\.\d+\.\d+)\]:(?:[a-z]+:)?(\d+)/g)].map((x) => `${x[1]}:${x[2]}`).find((a) => !a.startsWith('10.0.0.1:'));
        if (k) m.set(k, [...(m.get(k) ?? []), l]);
      }
      return Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)));
    };
    expect(byServer(ours())).toEqual(byServer(theirs()));
    expect(Object.keys(byServer(theirs())).length).toBeGreaterThan(10);
  });
});
