// Failover time, keepalived against keepalived-ts in the same run (issue 3).
// Timed from the master's last advert seen on the wire (tcpdump in the backup's namespace) to the
// VIP appearing on the backup (`ip -t monitor address` there): the two stamps come from one clock.
// Scenarios: v2 advert_int 1 crash (kill -9 of every process of the master's daemon), v2 graceful
// (SIGTERM: the master sends priority 0), v3 advert_int 0.1 crash. The backup has priority 100, so
// Skew_Time is (256-100)/256 s (v2) or x advert_int (v3); the protocol bound is 3 x advert + skew
// for a crash and skew for a graceful stop.
//
// Run as root: npx vite-node bench/failover.ts [ROUNDS]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLab, waitFor, type Lab, type LabProcess } from '../test/lab/lab.js';
import { holders, KEEPALIVED, vrrpConf } from '../test/lab/keepalived.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROUNDS = Number(process.argv[2] ?? 3);

type Daemon = 'keepalived' | 'keepalived-ts';
interface Scenario { name: string; version: 2 | 3; advertInt: number; stop: 'crash' | 'graceful' }
const SCENARIOS: Scenario[] = [
  { name: 'v2 advert_int 1, crash', version: 2, advertInt: 1, stop: 'crash' },
  { name: 'v2 advert_int 1, graceful', version: 2, advertInt: 1, stop: 'graceful' },
  { name: 'v3 advert_int 0.1, crash', version: 3, advertInt: 0.1, stop: 'crash' },
];

function boundMs(s: Scenario): number {
  const skew = s.version === 2 ? (256 - 100) / 256 : ((256 - 100) * s.advertInt) / 256;
  return 1000 * (s.stop === 'crash' ? 3 * s.advertInt + skew : skew);
}

let seq = 0;
function start(lab: Lab, daemon: Daemon, ns: string, conf: string): { proc: LabProcess; pidDir: string } {
  const dir = join(lab.tmpDir, `bench-${daemon}-${ns}-${++seq}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'keepalived.conf');
  writeFileSync(file, conf);
  // the options the oracle harness (test/lab/keepalived.ts) gives keepalived, for both
  const args = ['-n', '-l', '-D', '-G', '-P', '-f', file, '-p', join(dir, 'parent.pid'), '-r', join(dir, 'vrrp.pid'), '-c', join(dir, 'checkers.pid')];
  const proc = daemon === 'keepalived' ? lab.spawn(ns, KEEPALIVED, args) : lab.spawn(ns, process.execPath, [join(root, 'bin/keepalived-ts'), ...args]);
  return { proc, pidDir: dir };
}

function pidsOf(daemon: Daemon, pidDir: string): number[] {
  void daemon;
  return ['parent.pid', 'vrrp.pid'].map((n) => { try { return Number(readFileSync(join(pidDir, n), 'utf8').trim()); } catch { return 0; } }).filter((p) => p > 0);
}

/** `ip -t monitor` prints `Timestamp: Mon Nov 23 21:50:00 2026 123456 usec` before each event. */
function parseMonitorStamp(line: string): number | undefined {
  const m = /^Timestamp: (.*) (\d+) usec/.exec(line);
  if (!m) return undefined;
  return Math.floor(new Date(m[1]!).getTime() / 1000) * 1000 + Number(m[2]) / 1000;
}

async function round(daemon: Daemon, s: Scenario, idx: number): Promise<number> {
  const lab = await createLab({ prefix: `bfo${idx % 10}`, routers: 2, client: true });
  try {
    const vip = lab.vip4(200);
    const conf = (prio: number) => vrrpConf({ routerId: `r${prio}`, vrid: 60, priority: prio, vips: [`${vip}/24`], advertInt: s.advertInt, extra: `    version ${s.version}\n` });
    const m = start(lab, daemon, 'r1', conf(150));
    await waitFor(async () => (await holders(lab, ['r1'], vip)).length === 1, { timeoutMs: 15_000, what: `${daemon} r1 to hold ${vip}` });
    start(lab, daemon, 'r2', conf(100));
    await new Promise((r) => setTimeout(r, 3 * s.advertInt * 1000 + 500)); // r2 settles as BACKUP
    const r1ip = lab.ip4('r1');
    const dump = lab.spawn('r2', 'tcpdump', ['-i', 'eth0', '-tt', '-n', '-l', '--immediate-mode', 'vrrp']);
    const mon = lab.spawn('r2', 'ip', ['-t', 'monitor', 'address', 'dev', 'eth0']);
    await new Promise((r) => setTimeout(r, 1000));
    if (s.stop === 'crash') for (const pid of pidsOf(daemon, m.pidDir)) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    else process.kill(m.proc.pid, 'SIGTERM');
    let vipAt: number | undefined;
    await waitFor(() => {
      const lines = mon.output().stdout.split('\n');
      for (let i = 0; i < lines.length; i++) {
        if (lines[i]!.includes(` ${vip}/`) && !lines[i]!.startsWith('Deleted')) {
          for (let j = i - 1; j >= 0; j--) { const t = parseMonitorStamp(lines[j]!); if (t !== undefined) { vipAt = t; break; } }
          return vipAt !== undefined;
        }
      }
      return false;
    }, { timeoutMs: 15_000, intervalMs: 20, what: `VIP ${vip} on r2` });
    await new Promise((r) => setTimeout(r, 200));
    let lastAdvert = 0;
    for (const l of dump.output().stdout.split('\n')) {
      const mm = /^(\d+\.\d+) IP (\S+) > 224\.0\.0\.18: VRRPv\d, Advertisement.*prio (\d+)/.exec(l);
      if (!mm || mm[2] !== r1ip) continue;
      const t = Number(mm[1]) * 1000;
      if (t <= vipAt!) lastAdvert = t;
    }
    if (!lastAdvert) throw new Error(`no advert from r1 (${r1ip}) seen before the VIP moved`);
    return vipAt! - lastAdvert;
  } finally {
    await lab.destroy();
  }
}

const stats = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return { min: s[0]!, median: s[Math.floor(s.length / 2)]!, max: s[s.length - 1]! }; };

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('bench/failover.ts needs root (network namespaces)');
  console.log(`failover bench: ${ROUNDS} rounds per daemon and scenario, balanced order`);
  let idx = 0;
  for (const s of SCENARIOS) {
    const res: Record<Daemon, number[]> = { keepalived: [], 'keepalived-ts': [] };
    for (let r = 0; r < ROUNDS; r++) {
      for (const d of (process.env.BENCH_ONLY ? [process.env.BENCH_ONLY] : (r % 2 ? ["keepalived-ts", "keepalived"] : ["keepalived", "keepalived-ts"])) as Daemon[]) {
        try { res[d].push(await round(d, s, idx++)); } catch (e) { console.log(`  ${d} ${s.name} round ${r}: ${(e as Error).message}`); }
      }
    }
    const bound = boundMs(s);
    console.log(`  ${s.name}: protocol bound ${bound.toFixed(1)} ms`);
    for (const d of ['keepalived', 'keepalived-ts'] as Daemon[]) {
      if (!res[d].length) { console.log(`    ${d.padEnd(14)} no result`); continue; }
      const st = stats(res[d]);
      console.log(`    ${d.padEnd(14)} median ${st.median.toFixed(1)} ms (min ${st.min.toFixed(1)}, max ${st.max.toFixed(1)})  median - bound ${(st.median - bound).toFixed(1)} ms`);
    }
    if (res.keepalived.length && res['keepalived-ts'].length) {
      console.log(`    ratio keepalived-ts / keepalived (median): ${(stats(res['keepalived-ts']).median / stats(res.keepalived).median).toFixed(3)}`);
    }
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
