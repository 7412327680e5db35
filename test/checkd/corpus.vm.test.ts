// Issue 5 acceptance, corpus-wide: every config of /work/shared/corpus (with historic/ and unmerged-pr/) that
// has a virtual_server, the seeds' LVS examples (fixtures/checkd/corpus/seed-*.conf) and fixtures for what
// those leave out, programmed in ONE IPVS VM by Debian's keepalived 2.2.7 -C and by keepalived-ts -C, one after
// the other in a fresh netns per config (test/checkd/corpus-vm.sh): `ipvsadm -Ln`, `-Ln --timeout`,
// `-L --daemon` (and `-Sn`, `--thresholds`, `--tun-info`) must be byte-identical, at start and after SIGTERM.
// Health checks are made deterministic in the VM's copy of each config (rewriteForVm): in every virtual_server
// the 1st, 3rd, ... real servers get one TCP_CHECK that is always refused (127.0.0.1:9) and `alpha`, so they
// start and stay down (inhibit_on_failure, quorum and sorry servers come into play); the others lose their
// checkers, so they are up from the start. Routes: `default dev lo` (v4 and v6) so the kernel takes every
// real server. Error paths end to end: an unknown scheduler (error-sched.conf), a real server with no route
// (noroute.conf, once with its address unreachable, once with lo down); the host without IPVS is host.test.ts.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootVm, type Vm } from '../vm/vm.js';
import { ALL_UP, rewriteForVm } from './corpus-rewrite.js';

const CORPUS = '/work/shared/corpus';
const FIXTURES = 'fixtures/checkd/corpus';
/** What each snapshot holds; the first three are the issue's, the others show what -Ln hides (thresholds, tunnel options, flags). */
const VIEWS = ['table', 'timeout', 'daemon', 'save', 'thresholds', 'tun', 'after', 'after-timeout', 'after-daemon'] as const;
const DEFAULT_SETUP = 'ip link set lo up\nip route add default dev lo\nip -6 route add default dev lo\n';
/**
 * noroute.conf twice. Measured: with lo up the kernel takes 10.42.0.2 even with no route to it (and even with an
 * `unreachable` route in table local), so that run is only a table comparison; with lo down (no local table,
 * ipvs-vm.md's "no route" quirk) every real server is refused with EINVAL: the error-path test below.
 */
const NOROUTE_SETUPS: Record<string, string> = {
  noroute: 'ip link set lo up\nip route add unreachable 10.42.0.0/16 table local\n',
  'noroute-lo-down': '# lo stays down\n',
};

interface Case { name: string; source: string; text: string; setup: string; ipvsadm?: string }

function hasVirtualServer(text: string): boolean {
  return /^\s*virtual_server\s/m.test(text);
}

/** The configs under test, in a fixed order: corpus (top, historic/, unmerged-pr/), then our fixtures. */
function cases(): Case[] {
  const out: Case[] = [];
  if (!existsSync(CORPUS)) throw new Error(`${CORPUS} missing: the corpus test needs the shared corpus`);
  for (const sub of ['', 'historic', 'unmerged-pr']) {
    const dir = join(CORPUS, sub);
    for (const f of readdirSync(dir).sort()) {
      const p = join(dir, f);
      if (!statSync(p).isFile() || f.endsWith('.md')) continue;
      const text = readFileSync(p, 'utf8');
      if (hasVirtualServer(text)) out.push({ name: (sub ? `${sub}_` : '') + f, source: p, text, setup: DEFAULT_SETUP });
    }
  }
  for (const f of readdirSync(FIXTURES).filter((x) => x.endsWith('.conf')).sort()) {
    const p = join(FIXTURES, f);
    const name = basename(f, '.conf');
    const sh = join(FIXTURES, `${name}.sh`);
    const text = readFileSync(p, 'utf8');
    if (name === 'noroute') {
      for (const [n, setup] of Object.entries(NOROUTE_SETUPS)) out.push({ name: n, source: p, text, setup });
      continue;
    }
    out.push({ name, source: p, text, setup: DEFAULT_SETUP, ...(existsSync(sh) ? { ipvsadm: readFileSync(sh, 'utf8') } : {}) });
  }
  return out;
}

// The VM runs dist/: refuse one older than the sources it runs.
function requireFreshBuild(): void {
  const built = 'dist/src/check/daemon.js';
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
  const stale = ['src/check', 'src/ipvs', 'src/core', 'src/config', 'grammar']
    .flatMap((d) => readdirSync(d, { recursive: true }).map((f) => join(d, String(f))))
    .filter((f) => f.endsWith('.ts') && statSync(f).mtimeMs > builtAt);
  if (!builtAt || stale.length) throw new Error(`dist/ is missing or older than ${stale.slice(0, 3).join(', ')}: run \`npm run build\` before the VM tests`);
}

const CASES = cases();
const BATCH = 6;
const PARALLEL = 1;
let vm: Vm | undefined;
/** "NAME LABEL VIEW" → section text. */
const sections = new Map<string, string>();
const sec = (name: string, label: string, view: string) => sections.get(`${name} ${label} ${view}`);

/** A heredoc that cannot end early: the delimiter is not in the text. */
function heredoc(path: string, text: string): string {
  let tag = 'KTSCORP_EOF';
  while (text.includes(tag)) tag += '_';
  return `cat > ${path} <<'${tag}'\n${text}${text.endsWith('\n') ? '' : '\n'}${tag}\n`;
}

beforeAll(async () => {
  requireFreshBuild();
  let script = 'set -e\nD=/tmp/ktscorp\nrm -rf $D; mkdir -p $D\n';
  for (const c of CASES) {
    script += heredoc(`$D/${c.name}.conf`, rewriteForVm(c.text));
    script += heredoc(`$D/${c.name}.setup`, c.setup);
    if (c.ipvsadm) script += heredoc(`$D/${c.name}.ipvsadm`, c.ipvsadm);
  }
  vm = await bootVm({ name: 'checkd-corpus' });
  const w = await vm.run(script);
  if (w.exitCode !== 0) throw new Error(`corpus VM: writing the configs failed (${w.exitCode}): ${w.stderr}`);
  // Batches of BATCH configs, PARALLEL at a time inside one (TCG is CPU-bound: 3 at once gained nothing over a whole run), so
  // one hung config costs its batch, not the run.
  let out = '';
  let scriptMs = 0;
  for (let i = 0; i < CASES.length; i += BATCH) {
    const names = CASES.slice(i, i + BATCH).map((c) => c.name);
    const r = await vm.run(`sh test/checkd/corpus-vm.sh /tmp/ktscorp ${PARALLEL} ${names.join(' ')}`, { timeoutMs: 300_000 });
    scriptMs += r.durationMs;
    if (r.exitCode !== 0) throw new Error(`corpus VM script failed on ${names.join(' ')} (${r.exitCode}): ${r.stderr}\n${r.stdout.slice(-3000)}`);
    out += r.stdout;
  }
  for (const part of out.split(/^=== /m).slice(1)) {
    const nl = part.indexOf('\n');
    sections.set(part.slice(0, nl), part.slice(nl + 1));
  }
  // Kept for a human reading a failure: every section of the VM run.
  writeFileSync(join(tmpdir(), 'kts-checkd-corpus-vm.txt'), out);
  const ms = (label: string) => CASES.map((c) => Number(sec(c.name, label, 'start-ms') ?? NaN));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const rows = CASES.map((c) => {
    const same = VIEWS.filter((v) => sec(c.name, 'ka', v) === sec(c.name, 'ours', v));
    const services = (sec(c.name, 'ka', 'table') ?? '').split('\n').filter((l) => /^(TCP|UDP|SCTP|FWM) /.test(l)).length;
    return `  ${same.length === VIEWS.length ? 'same' : 'DIFF'} ${c.name} (${services} services${same.length === VIEWS.length ? '' : `; differs: ${VIEWS.filter((v) => !same.includes(v)).join(' ')}`})`;
  });
  console.log(`corpus VM: ${vm.accel} boot ${vm.bootMs} ms, script ${Math.round(scriptMs)} ms for ${CASES.length} configs; ` +
    `start to 'Startup complete' median: keepalived ${median(ms('ka'))} ms, keepalived-ts ${median(ms('ours'))} ms\n${rows.join('\n')}`);
}, 900_000);

afterAll(async () => {
  await vm?.stop();
});

/** Our lines that would mean a crash or an unhandled error. */
const CRASH = /TypeError|ReferenceError|RangeError|Unhandled|exited with|Error: |at .+\.js:\d+/;

describe('corpus and seed configs: keepalived-ts -C programs what Debian keepalived 2.2.7 -C programs', () => {
  it('covers every virtual_server config of the corpus and the seeds', () => {
    const names = CASES.map((c) => c.name);
    // 18 current samples, the installed default and its template, 2 historic, 3 from unmerged PRs.
    expect(CASES.filter((c) => c.source.startsWith(CORPUS)).length).toBeGreaterThanOrEqual(23);
    for (const s of ['seed-002-lvs-dr', 'seed-003-default', 'seed-003-lvs-dr', 'seed-004-ipvsadm']) expect(names).toContain(s);
    // The rewrite left keepalived something to program in most of them (the historic ones fall apart at parse).
    const programmed = CASES.filter((c) => /^(TCP|UDP|SCTP|FWM) /m.test(sec(c.name, 'ka', 'table') ?? ''));
    expect(programmed.length).toBeGreaterThanOrEqual(CASES.length - 3);
  });

  for (const c of CASES) {
    it(`${c.name}: same IPVS table, timeouts and sync daemons, at start and after stop`, () => {
      expect(sec(c.name, 'ka', 'table'), `keepalived did not run on ${c.name}`).toMatch(/^IP Virtual Server version/);
      expect(sec(c.name, 'ours', 'alive')?.trim(), `keepalived-ts died on ${c.name}:\n${sec(c.name, 'ours', 'log')}`).toBe('alive');
      for (const v of VIEWS) expect(sec(c.name, 'ours', v), `${c.name}: ${v}`).toBe(sec(c.name, 'ka', v));
      expect(sec(c.name, 'ours', 'rc')?.trim()).toBe('0');
      expect(sec(c.name, 'ours', 'log')).not.toMatch(CRASH);
      // The same children started: keepalived says Startup complete once every child it starts is up
      // (a virtual_server keyword alone starts the checker child, even when validation drops it).
      const started = (label: string) => /: Startup complete$/m.test(sec(c.name, label, 'log') ?? '');
      expect(started('ours'), `${c.name}: Startup complete`).toBe(started('ka'));
    });
  }

  it('seed 004: both daemons program what the page\'s own ipvsadm commands build', () => {
    const t = sec('seed-004-ipvsadm', 'cmd', 'table');
    expect(t).toMatch(/TCP {2}192\.168\.4\.253:80 rr/);
    expect(sec('seed-004-ipvsadm', 'ka', 'table')).toBe(t);
    expect(sec('seed-004-ipvsadm', 'ours', 'table')).toBe(t);
    expect(sec('seed-004-ipvsadm', 'ours', 'save')).toBe(sec('seed-004-ipvsadm', 'cmd', 'save'));
  });

  it('the rewrite brings down servers, inhibited servers and sorry servers into the tables', () => {
    // keepalived.conf.inhibit: its one real server is down and inhibited: in IPVS with weight 0.
    expect(sec('keepalived.conf.inhibit', 'ka', 'table')).toMatch(/-> 192\.168\.200\.2:1358 +Masq +0 /);
    // keepalived.conf.sample: its one real server down, the sorry server in.
    expect(sec('keepalived.conf.sample', 'ka', 'table')).toMatch(/-> 192\.168\.200\.200:1358 +Masq +1 /);
    expect(sec('keepalived.conf.sample', 'ka', 'table')).not.toMatch(/192\.168\.200\.2:1358/);
    // features.conf: lvs_timeouts and the sync daemons are set while running, undone at stop.
    expect(sec('features', 'ka', 'timeout')).toMatch(/Timeout \(tcp tcpfin udp\): 1000 100 200/);
    expect(sec('features', 'ka', 'daemon')).toMatch(/master sync daemon \(mcast=lo, syncid=17/);
    expect(sec('features', 'ka', 'after-daemon')?.trim()).toBe('');
  });
});

describe('error paths in the VM, end to end with the daemon', () => {
  it('an unknown scheduler: keepalived\'s message naming file:line, the service created with wlc as keepalived does, no crash', () => {
    const log = sec('error-sched', 'ours', 'log') ?? '';
    expect(sec('error-sched', 'ka', 'log')).toMatch(/error-sched\.conf: Line 5\) Invalid lvs_scheduler 'nosuch' - ignoring/);
    expect(log).toMatch(/error-sched\.conf: Line 5\) Invalid lvs_scheduler 'nosuch' - ignoring/);
    expect(log).toMatch(/error-sched\.conf: Line 13\) Invalid lvs_scheduler 'averyveryverylongschedname' - ignoring/);
    expect(sec('error-sched', 'ours', 'table')).toMatch(/TCP {2}10\.30\.0\.1:80 wlc/);
    expect(sec('error-sched', 'ours', 'table')).toBe(sec('error-sched', 'ka', 'table'));
    expect(sec('error-sched', 'ours', 'alive')?.trim()).toBe('alive');
    expect(log).not.toMatch(CRASH);
  });

  it('lo down (no local routing table): every real server refused by name, both services programmed, the daemon runs on', () => {
    const log = sec('noroute-lo-down', 'ours', 'log') ?? '';
    for (const [rs, svc] of [['10.42.0.2:80', '10.40.0.1:80'], ['10.41.0.2:80', '10.40.0.1:80'], ['10.41.0.3:81', '10.40.0.1:81']]) {
      expect(log).toContain(`IPVS: cannot add real server ${rs} to TCP ${svc}: invalid argument (no route to the real server?)`);
    }
    const table = sec('noroute-lo-down', 'ours', 'table') ?? '';
    expect(table).toMatch(/TCP {2}10\.40\.0\.1:80 rr\nTCP {2}10\.40\.0\.1:81 rr\n$/);
    expect(table).toBe(sec('noroute-lo-down', 'ka', 'table'));
    expect(sec('noroute-lo-down', 'ours', 'alive')?.trim()).toBe('alive');
    expect(sec('noroute-lo-down', 'ours', 'rc')?.trim()).toBe('0');
    expect(log).not.toMatch(CRASH);
  });
});
