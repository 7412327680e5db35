// Validation and defaults, each case checked against Debian's keepalived -t in the same test
// (exit code and messages) and against the resolved config keepalived-ts builds.
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { repoRoot, requireBuilt } from '../support/paths.js';
import { requireCommand, requireRoot } from '../support/root.js';
import { createCorpusNetns, deleteNetns } from '../support/corpus-netns.js';
import { compareWithKeepalived } from './compare.js';

const DIR = path.join(repoRoot, 'fixtures/config/semantics');
const NS = `ktsem-${process.pid}`;
const ifs = { exists: (n: string) => ['eth0', 'eth1', 'eth2', 'eth3'].includes(n), isLoopback: () => false };
const load = (f: string) => loadConfig({ file: path.join(DIR, f), configId: 'n', interfaces: ifs });

const CASES: Record<string, number> = {
  'exit0-clean.conf': 0,
  'exit2-missing-value.conf': 2,
  'exit4-fatal-only.conf': 4,
  'exit5-config-error.conf': 5,
  'exit6-security.conf': 6,
  'vrid-conflict.conf': 5,
  'defaults.conf': 5,
  'nopreempt-master.conf': 5,
  'tracker-after-instance.conf': 5,
  'sync-group.conf': 5,
  'routes-rules.conf': 5,
  'addresses.conf': 5,
};

/**
 * keepalived stops reading at the first keyword missing its value (exit 2); keepalived-ts goes on
 * and reports what follows too, so a file's errors all come out in one run.
 */
const EXTRA_AFTER_ABORT: Record<string, string[]> = {
  'exit2-missing-value.conf': ['(VI_1) the virtual router id must be set'],
};

describe('validation and defaults against keepalived', () => {
  beforeAll(() => {
    requireRoot('the semantics comparison');
    requireCommand('keepalived', 'Debian keepalived is the oracle');
    requireBuilt();
    createCorpusNetns(NS);
  });
  afterAll(() => deleteNetns(NS));

  for (const [file, code] of Object.entries(CASES)) {
    it(`${file}: exit ${code}, the same messages as keepalived`, async () => {
      const c = await compareWithKeepalived(NS, path.join(DIR, file), (p) => (EXTRA_AFTER_ABORT[file] ?? []).includes(p.message));
      expect(c.skipped).toBe(false);
      expect(c.kaCode).toBe(code);
      expect(c.problems).toEqual([]);
    });
  }
});

describe('resolved config: every default explicit', () => {
  it('state MASTER without priority is the address owner; a VS without protocol is UDP, wlc, NAT', () => {
    const r = load('defaults.conf');
    const vi = r.config.vrrpInstances[0]!;
    expect([vi.state, vi.priority, vi.version, vi.advertIntMs, vi.family]).toEqual(['MASTER', 255, 2, 1000, 'inet']);
    expect(vi.garp).toEqual({ masterDelayS: 5, masterRepeat: 5, masterRefreshS: 0, masterRefreshRepeat: 1, lowerPrioDelayS: 5, lowerPrioRepeat: 5 });
    expect(vi.mcastDstIp).toBe('224.0.0.18');
    expect(vi.vips[0]).toMatchObject({ address: '192.168.200.16', prefixLen: 32, dev: 'eth0' });
    expect(r.config.global.vrrpGarpIntervalUs).toBe(0); // `vrrp_garp_interval 0` is rejected and the default kept
    const vs = r.config.virtualServers[0]!;
    expect([vs.protocol, vs.lvsSched, vs.lvsMethod, vs.delayLoopMs, vs.display]).toEqual(['UDP', 'wlc', 'NAT', 60000, '[10.0.0.1]:udp:80']);
    expect(vs.realServers[0]).toMatchObject({ weight: 1, lvsMethod: 'NAT', connectTimeoutMs: 5000, smtpAlert: true, inhibitOnFailure: false });
    expect(vs.realServers[0]!.checkers[0]).toMatchObject({ type: 'TCP_CHECK', connectTimeoutMs: 3000 });
  });

  it('v2 advert_int is rounded; nopreempt is cleared with state MASTER', () => {
    const vi = load('nopreempt-master.conf').config.vrrpInstances[0]!;
    expect([vi.advertIntMs, vi.nopreempt, vi.priority, vi.state]).toEqual([2000, false, 100, 'MASTER']);
  });

  it('a tracker defined after the instance is not found, with a hint saying where it is', () => {
    const d = load('tracker-after-instance.conf').diagnostics.find((x) => x.message === '(VI_1) track script later not found, ignoring...');
    expect(d?.hint).toMatch(/vrrp_script later is defined later, at .*tracker-after-instance.conf:11/);
  });

  it('sync group members are resolved and linked', () => {
    const c = load('sync-group.conf').config;
    expect(c.syncGroups[0]!.members).toEqual(['VI_1', 'VI_2']);
    expect(c.vrrpInstances.map((i) => i.syncGroup)).toEqual(['G1', 'G1']);
  });

  it('the resolved config JSON is stable across runs', () => {
    const a = JSON.stringify(load('defaults.conf').config);
    const b = JSON.stringify(load('defaults.conf').config);
    expect(a).toBe(b);
  });
});
