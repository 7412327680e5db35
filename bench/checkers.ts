// Health-checker cost (issue 6): CPU seconds and peak RSS of the checker process for TCP real servers
// with TCP_CHECK plus HTTP ones with HTTP_GET, all at delay_loop 1, over a 60 s window against local
// listeners, for Debian keepalived -C and keepalived-ts -C in the same IPVS VM (bench/checkers-vm.sh).
// Balanced order; prints each run, the medians, the ratio and the target verdicts (CPU ratio <= 1.0,
// RSS <= keepalived's + 40 MiB), and the checks per second each daemon achieved (delay_loop 1 asks
// for one per real server per second). TCG timing is noisy: compare within one run only.
// 2026-12-07, 2 vCPUs, TCG, 60 s window, one round each, KTS_BENCH_WAIT_S=300, with the first checks armed
// once the start's IPVS calls are done (as keepalived's init_services() before its checkers), nothing beside:
//   10,000 TCP + 1,000 HTTP: keepalived     58.32 s CPU, 2,599 checks/s, 16.4 MiB, table after 5 s, 0 failure lines
//                            keepalived-ts  58.89 s CPU, 2,384 checks/s, 97.5 MiB, table after 17 s, 0 failure lines
//     CPU ratio 1.01 (both saturate their vCPU), per check 374.0 vs 411.7 µs (1.10); RSS target (56.4 MiB) not met.
//     The table, 4,070-5,390/11,000 after 300 s in the three runs below, is now complete after 17 s.
//   1,000 TCP + 100 HTTP:    keepalived     23.80 s CPU, 1,012 checks/s, 5.2 MiB, table after 3 s, 0 failure lines
//                            keepalived-ts  35.76 s CPU, 1,057 checks/s, 62.2 MiB, table after 7 s, 0 failure lines
//     CPU ratio 1.50, per check 392.0 vs 563.9 µs (1.44); RSS target (45.2 MiB) not met: a bare node process
//     takes ~39 MiB before any module is loaded.
//   Host (bench/checkers-host.mjs 1000 100 15, the engine alone, CPU profile): 85.6 µs per check, 9 % CPU, more
//   than half of it system time; JavaScript's own samples ~0.3 s of 1.41 s (tcp-native, wheel, runner).
// 2026-12-04, 2 vCPUs (KTS_BENCH_CPUS=2: listener alone on vCPU 1, daemon on vCPU 0), TCG, 60 s window,
// one round per VM session, the listener's TCP port on a bare tcp_wrap handle:
//   10,000 TCP + 1,000 HTTP (the size), KTS_BENCH_WAIT_S=300, before dff8bbb (03:00 UTC):
//     keepalived     59.08 s CPU, 679 checks/s, 16.0 MiB, table after 9 s, 0 failure lines
//     keepalived-ts  58.06 s CPU, 1,059 checks/s, 110.1 MiB, table 4,180/11,000 after 300 s, 3,130 failure lines
//     per check 1450 vs 914 µs (ratio 0.63)
//   the same with dff8bbb (a timeout takes a ready socket first; 03:42 UTC):
//     keepalived     55.97 s CPU, 1,023 checks/s, 16.5 MiB, table after 8 s, 0 failure lines
//     keepalived-ts  58.16 s CPU, 1,034 checks/s, 109.1 MiB, table 5,390/11,000 after 303 s, 0 failure lines
//     per check 912 vs 938 µs (ratio 1.03); CPU ratio 1.04; RSS target (56.5 MiB) not met
//   again, 3001c49 (04:16 UTC, a third VM session; 18,304 accept-queue overflows beside keepalived, 0 beside ours):
//     keepalived     53.64 s CPU, 645 checks/s, 15.6 MiB, table after 8 s, 0 failure lines
//     keepalived-ts  57.97 s CPU, 879 checks/s, 105.9 MiB, table 4,070/11,000 after 301 s, 0 failure lines
//     per check 1386 vs 1099 µs (ratio 0.79); CPU ratio 1.08
//   Neither daemon keeps up: each saturates its vCPU at ~1,000 checks/s, 9 % of the 11,000/s asked, so the
//   CPU ratio compares two saturated processes and CPU per check is the figure to read: keepalived's was
//   912-1450 µs across the three sessions, ours 914-1099 µs (ratio 0.63, 1.03, 0.79; 917 vs 1137 µs at 1,100).
//   keepalived-ts's table is still incomplete after 300 s at 10,000 (60 s at 1,100): its checks start 1 s
//   after the engine and share the loop with the IPVS programming, whose calls per service go one round
//   trip at a time (keepalived programs everything before its first check: 8-9 s). Not profiled further.
//   Stop at 10,000: keepalived's checker is SIGKILLed at child_wait_time ("failed to die", all three runs);
//   ours dies of SIGTERM's default action within 1-2 s, its handlers not yet installed (the child installs
//   them once start() resolved, and start() waits for the table). At 1,000 + 100 both stop cleanly.
//   1,000 TCP + 100 HTTP, before dff8bbb (03:14 UTC): keepalived 47.92 s, 871 checks/s, 5.2 MiB, table
//   after 4 s; keepalived-ts 56.21 s, 824 checks/s, 65.1 MiB, table after 60 s; CPU ratio 1.17, per check
//   917 vs 1137 µs (1.24); 0 failure lines, 0 accept-queue overflows in both. Again with 53a8fa3 (04:28
//   UTC): keepalived 43.10 s, 872 checks/s, 5.2 MiB, table after 4 s; keepalived-ts 53.84 s, 777 checks/s,
//   65.2 MiB, table after 65 s; CPU ratio 1.25, per check 824 vs 1155 µs (1.40); 0 failure lines; both
//   checkers stopped cleanly (no "failed to die").
//   Profile of our checker there (KTS_BENCH_PROFILE, 40 s): 44 % of its samples in the addon's start
//   (socket + connect: the loopback handshake, listener side included, runs inside connect), 21 % idle,
//   ~30 % JavaScript (scheduler, runner, wheel and probes ~15 %, performance.now ~4.5 %, HTTP parse,
//   digest and verdict ~6 % for 1 check in 11). JS micro-savings (no re-check of the native HTTP path per
//   check, the address family cached) were within the host's noise (166-192 µs per HTTP check), not kept.
// Earlier, 1 vCPU (1,000 TCP + 100 HTTP, 1 round, 30 s window, TCG; commit 05b4795, before the TCP probe reuse):
//   keepalived     11.05 s CPU, 723 checks/s of 1,100, peak RSS 5.2 MiB, table complete 3 s after start
//   keepalived-ts  14.21 s CPU, 312 checks/s of 1,100, peak RSS 79.4 MiB, table complete 161 s after start
//   per check 0.51 ms vs 1.52 ms (ratio 3.0): CPU target not met, RSS target (45.2 MiB) not met. At
//   1,000 + 100 the single vCPU (checker, listener, kernel) is saturated: neither daemon reaches 1,100/s,
//   so compare CPU per check. At 2,000 + 200 keepalived-ts fell further behind, its checks timed out
//   (88 failure lines at 1,000 + 100 already; event-loop lag lets the connect_timeout timer run before
//   the completed connect's callback, fixed in probes/tcp.ts since), servers left the table, and the
//   old 240-poll wait overran the 300 s step. After ebe3aa2 (same size, one noisier run, 07:49 UTC):
//   keepalived 10.36 s, 588 checks/s, 5.3 MiB; keepalived-ts 13.69 s, 248 checks/s, 81.9 MiB, table
//   after 163 s, 626 failure lines (kinds not recorded then; checkers-vm.sh now prints them): 0.59 vs
//   1.84 ms per check, ratio 3.1. The table took ~160 s in both runs whatever the failure count:
//   start-up in a saturated vCPU more than flapping, it seems (not profiled).
//   With TCP_CHECK on the addon's batched connect and the checker child --single-threaded (~11:55 UTC,
//   same size, one run, host benches of mine beside; before netlink's raw module only, 83b40bd):
//   keepalived 8.82 s CPU, 390 checks/s, 5.3 MiB (a slow run for it: 754 µs per check); keepalived-ts
//   12.88 s, 352 checks/s, 84.9 MiB, table after 176 s, 474 failure lines (kinds not printed: the step's
//   stderr shows only with KTS_BENCH_VERBOSE=1): 754 vs 1220 µs per check, ratio 1.62 (was 3.0-3.1).
//   Host (bench/checkers-host.mjs, 3,000 TCP): 65-74 -> 54-64 µs per check; the process is then ~75 %
//   kernel (connect with the loopback handshake, close, socket, epoll), the same syscalls keepalived makes.
//   Again after 83b40bd (12:30 UTC, one run, nothing of mine beside; a slower VM: keepalived did 291
//   checks/s): keepalived 8.77 s, 5.4 MiB, 1005 µs per check; keepalived-ts 12.98 s, 301 checks/s,
//   77.6 MiB, table after 113 s, 262 failure lines, 1437 µs per check: ratio 1.43.
//   HTTP_GET costs ~360 µs per check on the host (net.Socket, promises, two timers), 3-5 x a TCP check:
//   the next thing to make lean. The wheel's 2 ms resolution costs a wakeup per bucket: 10 ms saved ~20 %
//   at 1,000 TCP on the host, but runs each check up to 10 ms late (not taken).
//   14:10-15:01 UTC (one run each, TCG): the failures are real connect timeouts, not event-loop lag: the
//   listener (node, same vCPU) falls behind, its accept queue overflows (ListenOverflows 72,590-104,509
//   in our runs, 0 in keepalived's) and SYNs are dropped past connect_timeout; in the window the listener
//   had 1920 of 3000 ticks beside keepalived (checker 907) and 1396 beside ours (checker 1308). Native
//   HTTP_GET (15:01): keepalived 9.07 s, 411 checks/s; keepalived-ts 13.08 s, 268 checks/s (http 81 vs
//   keepalived's 23), 64.1 MiB, table after 48 s (232 s and 126 s in the two runs before), ratio 1.44.
//   Host, 1,000 HTTP_GET only, 10 s, three alternated runs: 208/209/257 -> 140/160/160 µs per check.
// Run as root after `npm run build`:
//   KTS_BENCH_CPUS=2 flock /tmp/kts-bench.lock timeout 2400 npx vite-node bench/checkers.ts [TCP] [HTTP] [ROUNDS] [WINDOW_S]
// KTS_BENCH_CPUS=N boots the VM with N vCPUs (default 1; TCG runs one host thread per vCPU): with N >= 2
// checkers-vm.sh pins the listener to the last vCPU and the daemon (parent and checker) to the others.
// KTS_BENCH_PROFILE=DIR: a V8 CPU profile of keepalived-ts's checker child over the window (the inspector's
// profiler, from a preload: its CPU figures are then not comparable), written to DIR on the host.
// KTS_BENCH_WAIT_S bounds the wait for the table (default 600 s); KTS_BENCH_VERBOSE=1 prints each step's log
// (failure kinds, accept-queue overflow counters); KTS_BENCH_LOG_FAILURES=1 sets checker_log_all_failures.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { bootVm } from '../test/vm/vm.js';

const [TCP, HTTP, ROUNDS, WINDOW] = [Number(process.argv[2] ?? 10000), Number(process.argv[3] ?? 1000), Number(process.argv[4] ?? 2), Number(process.argv[5] ?? 60)];
const RSS_ALLOWANCE_KB = 40 * 1024;
// Upper bound on the wait for the IPVS table to fill after a daemon starts (keepalived-ts's start in TCG
// takes minutes at 10,000 real servers: bench/ipvs-program.ts).
const WAIT_S = Number(process.env['KTS_BENCH_WAIT_S'] ?? 600);
const CPUS = Number(process.env['KTS_BENCH_CPUS'] ?? 1);
const PROFILE_DIR = process.env['KTS_BENCH_PROFILE'];

interface Run { cpuS: number; hwmKb: number; tcpPerS: number; httpPerS: number; destsEnd: number; expected: number; startS: number; failLines: number }

function parse(line: string): [string, Run] | undefined {
  const m = /^RESULT (\S+) (.*)$/.exec(line);
  if (!m) return undefined;
  const kv = Object.fromEntries(m[2]!.split(/\s+/).map((p) => p.split('=') as [string, string]));
  const n = (k: string) => Number(kv[k]);
  return [m[1]!, { cpuS: n('cpu_s'), hwmKb: n('hwm_kb'), tcpPerS: n('tcp_per_s'), httpPerS: n('http_per_s'), destsEnd: n('dests_end'), expected: n('expected'), startS: n('start_s'), failLines: n('fail_lines') }];
}

const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('bench/checkers.ts needs root (qemu, 9p)');
  const vm = await bootVm({ name: 'checkbench', memoryMb: 2048, cpus: CPUS });
  // An outer timeout (flock ... timeout N) must not leave qemu behind.
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => { try { process.kill(vm.pid, 'SIGKILL'); } catch { /* gone */ } process.exit(1); });
  try {
    const step = async (args: string, timeoutS: number) => {
      const env = (process.env['KTS_BENCH_LOG_FAILURES'] ? 'KTS_BENCH_LOG_FAILURES=1 ' : '') + (PROFILE_DIR ? 'KTS_BENCH_PROFILE=1 ' : '');
      const r = await vm.run(`${env}sh bench/checkers-vm.sh ${args}`, { timeoutMs: timeoutS * 1000 });
      if (process.env['KTS_BENCH_VERBOSE']) process.stderr.write(r.stderr);
      if (r.exitCode !== 0) throw new Error(`VM step '${args}' failed (${r.exitCode}): ${r.stderr}\n${r.stdout.slice(-3000)}`);
      return r.stdout;
    };
    const nproc = Number((await vm.run('nproc', { timeoutMs: 30_000 })).stdout.trim());
    if (nproc !== CPUS) throw new Error(`asked for ${CPUS} vCPU(s), the guest has ${nproc}`);
    await step(`setup ${TCP} ${HTTP} 1`, 120);
    const runs: Record<string, Run[]> = { keepalived: [], 'keepalived-ts': [] };
    // Balanced order: A B, B A, A B, ...
    const order = Array.from({ length: ROUNDS }, (_, i) => (i % 2 ? ['keepalived-ts', 'keepalived'] : ['keepalived', 'keepalived-ts'])).flat();
    for (const daemon of order) {
      // The step: table fill (at most WAIT_S), 5 s settle, the window, stop (at most 30 s), with slack.
      const out = await step(`run ${daemon} ${WINDOW} ${WAIT_S}`, WAIT_S + WINDOW + 120);
      if (PROFILE_DIR) {
        mkdirSync(PROFILE_DIR, { recursive: true });
        for (const m of out.matchAll(/^PROFILE (\S+) (\S+)$/gm)) {
          const file = join(PROFILE_DIR, `${Date.now()}-${m[1]!}`);
          writeFileSync(file, gunzipSync(Buffer.from(m[2]!, 'base64')));
          console.log(`  profile ${file}`);
        }
      }
      const p = out.split('\n').map(parse).find((x) => x);
      if (!p) throw new Error(`no RESULT from ${daemon}:\n${out}`);
      const [d, x] = p;
      runs[d]!.push(x);
      console.log(`  ${d.padEnd(14)} cpu ${x.cpuS.toFixed(2)} s  peak RSS ${(x.hwmKb / 1024).toFixed(1)} MiB  checks/s tcp ${x.tcpPerS} http ${x.httpPerS}`
        + `  (table ${x.destsEnd}/${x.expected} at the end, complete ${x.startS} s after start, ${x.failLines} failure/removal log lines)`);
    }
    await step('teardown', 60);
    const ka = runs.keepalived!;
    const ts = runs['keepalived-ts']!;
    console.log(`checkers bench: ${TCP} TCP_CHECK + ${HTTP} HTTP_GET real servers at delay_loop 1, ${WINDOW} s window, ${ROUNDS} round(s) each, ${vm.accel}, ${CPUS} vCPU${CPUS > 1 ? 's (listener pinned to the last, the daemons to the others)' : ''}`);
    const cpuA = median(ka.map((x) => x.cpuS)), cpuB = median(ts.map((x) => x.cpuS));
    const rssA = median(ka.map((x) => x.hwmKb)), rssB = median(ts.map((x) => x.hwmKb));
    const want = TCP + HTTP;
    for (const [name, xs] of [['keepalived', ka], ['keepalived-ts', ts]] as const) {
      const rate = median(xs.map((x) => x.tcpPerS + x.httpPerS));
      const cpu = median(xs.map((x) => x.cpuS));
      console.log(`  ${name}: median cpu ${cpu.toFixed(2)} s (${((100 * cpu) / WINDOW).toFixed(0)} % of the vCPU), peak RSS ${(median(xs.map((x) => x.hwmKb)) / 1024).toFixed(1)} MiB,`
        + ` ${rate} checks/s of the ${want}/s delay_loop 1 asks for (${((100 * rate) / want).toFixed(0)} %)`);
    }
    const ratio = cpuB / cpuA;
    console.log(`  CPU ratio keepalived-ts/keepalived ${ratio.toFixed(2)} (target <= 1.0: ${ratio <= 1 ? 'met' : 'NOT met'})`);
    console.log(`  RSS keepalived-ts ${(rssB / 1024).toFixed(1)} MiB vs keepalived ${(rssA / 1024).toFixed(1)} MiB + 40 MiB = ${((rssA + RSS_ALLOWANCE_KB) / 1024).toFixed(1)} MiB`
      + ` (target: ${rssB <= rssA + RSS_ALLOWANCE_KB ? 'met' : 'NOT met'}; ratio ${(rssB / rssA).toFixed(2)})`);
    // Work per check, since a saturated daemon does fewer checks in the window.
    const perCheck = (xs: Run[]) => median(xs.map((x) => (1e6 * x.cpuS) / Math.max(1, (x.tcpPerS + x.httpPerS) * WINDOW)));
    console.log(`  CPU per check: keepalived ${perCheck(ka).toFixed(1)} µs, keepalived-ts ${perCheck(ts).toFixed(1)} µs (ratio ${(perCheck(ts) / perCheck(ka)).toFixed(2)})`);
  } finally {
    await vm.stop();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
