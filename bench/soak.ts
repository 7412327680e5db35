// Soak (issue 3): a keepalived-ts pair at VRRPv3 advert_int 0.1 for N minutes (default 10) while
// busy loops keep both CPU cores loaded. Counts state transitions after the first election (must be
// none), the master's adverts seen by the backup (gaps over 3 x advert_int would be a spurious
// failover risk) and the event-loop lag warnings the daemons log ("A thread timer expired").
// Run as root after `npm run build`: npx vite-node bench/soak.ts [MINUTES]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLab, waitFor } from '../test/lab/lab.js';
import { holders, vrrpConf } from '../test/lab/keepalived.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MINUTES = Number(process.argv[2] ?? 10);

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('bench/soak.ts needs root (network namespaces)');
  const lab = await createLab({ prefix: 'soak', routers: 2, client: true });
  try {
    const vip = lab.vip4(200);
    const procs = [];
    for (const [ns, prio] of [['r1', 150], ['r2', 100]] as const) {
      const dir = join(lab.tmpDir, `soak-${ns}`);
      mkdirSync(dir, { recursive: true });
      const file = join(dir, 'keepalived.conf');
      writeFileSync(file, vrrpConf({ routerId: ns, vrid: 70, priority: prio, vips: [`${vip}/24`], advertInt: 0.1, extra: '    version 3\n' }));
      procs.push(lab.spawn(ns, process.execPath, [join(root, 'bin/keepalived-ts'), '-n', '-l', '-D', '-G', '-P', '-f', file,
        '-p', join(dir, 'parent.pid'), '-r', join(dir, 'vrrp.pid'), '-c', join(dir, 'checkers.pid')]));
    }
    await waitFor(async () => (await holders(lab, ['r1', 'r2'], vip)).join() === lab.ns('r1'), { timeoutMs: 20_000, what: 'r1 to be the only master' });
    await new Promise((r) => setTimeout(r, 2000));
    const baseline = procs.map((p) => (p.output().stdout.match(/Entering \w+ STATE/g) ?? []).length);
    // load both cores: two busy loops, bounded by the soak time
    const burn = [0, 1].map(() => lab.spawn('c', process.execPath, ['-e', `const end = Date.now() + ${MINUTES * 60_000}; while (Date.now() < end) {}`]));
    const dump = lab.spawn('r2', 'tcpdump', ['-i', 'eth0', '-tt', '-n', '-l', '--immediate-mode', 'vrrp']);
    const t0 = Date.now();
    console.log(`soak: ${MINUTES} min at VRRPv3 advert_int 0.1 with both cores busy...`);
    await new Promise((r) => setTimeout(r, MINUTES * 60_000));
    const transitions = procs.map((p, i) => (p.output().stdout.match(/Entering \w+ STATE/g) ?? []).length - baseline[i]!);
    const lag = procs.map((p) => (p.output().stdout.match(/A thread timer expired/g) ?? []).length);
    const r1 = lab.ip4('r1');
    const stamps = dump.output().stdout.split('\n').map((l) => /^(\d+\.\d+) IP (\S+) >/.exec(l)).filter((m) => m && m[2] === r1).map((m) => Number(m![1]) * 1000);
    let maxGap = 0;
    for (let i = 1; i < stamps.length; i++) maxGap = Math.max(maxGap, stamps[i]! - stamps[i - 1]!);
    const expected = ((Date.now() - t0) / 100) | 0;
    const holdersNow = await holders(lab, ['r1', 'r2'], vip);
    console.log(`  state transitions after the first election: r1 ${transitions[0]}, r2 ${transitions[1]} (must be 0)`);
    console.log(`  master adverts seen by the backup: ${stamps.length} of ~${expected} expected, largest gap ${maxGap.toFixed(1)} ms (Master_Down_Interval 360.9 ms)`);
    console.log(`  event-loop lag warnings logged: r1 ${lag[0]}, r2 ${lag[1]}`);
    console.log(`  VIP holders at the end: ${holdersNow.join(', ')}`);
    console.log(`  result: ${transitions.every((t) => t === 0) && holdersNow.join() === lab.ns('r1') ? 'no spurious transition' : 'SPURIOUS TRANSITION'}`);
    for (const b of burn) await b.stop(1000);
  } finally {
    await lab.destroy();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
