// Quick loop for bench/checkers.ts (no VM, no keepalived, no IPVS): the checker engine alone (CheckRunner
// with real probes) on TCP real servers 127.2.x.y:8080 and HTTP ones 127.3.x.y:8081 at delay_loop 1,
// against the same listener process (bench/checkers-vm.mjs listen) on loopback. Prints this process's
// CPU seconds and peak RSS over the window and the checks per second achieved. For profiling:
//   node --cpu-prof --cpu-prof-dir=/var/tmp/prof bench/checkers-host.mjs ...
// Run after `npm run build`: node bench/checkers-host.mjs [TCP] [HTTP] [WINDOW_S]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckRunner } from '../dist/src/check/runner.js';

const [TCP, HTTP, WINDOW] = [Number(process.argv[2] ?? 2000), Number(process.argv[3] ?? 200), Number(process.argv[4] ?? 20)];
const PER_VS = 100;
const addr = (net8, i) => `127.${net8}.${Math.floor(i / 250)}.${(i % 250) + 1}`;
const timing = { delayLoopMs: 1000, warmupMs: 1000, retry: 1, delayBeforeRetryMs: 1000, alpha: false, logAllFailures: false };

function specs() {
  const out = [];
  const block = (count, vsNet, rsNet, port, checker) => {
    for (let v = 0; v * PER_VS < count; v++) {
      const realServers = [];
      for (let k = v * PER_VS; k < Math.min(count, (v + 1) * PER_VS); k++) {
        const ip = addr(rsNet, k);
        realServers.push({ ip, port, weight: 1, inhibitOnFailure: false, smtpAlert: false, checkers: [checker(ip)] });
      }
      out.push({ addr: { kind: 'ip', ip: addr(vsNet, v), port: 80 }, protocol: 'tcp', quorum: 1, hysteresis: 0, omega: false, smtpAlert: false, realServers });
    }
  };
  const conn = (ip, port) => ({ connectIp: ip, connectPort: port, connectTimeoutMs: 5000 });
  block(TCP, 1, 2, 8080, (ip) => ({ type: 'TCP_CHECK', conn: conn(ip, 8080), ...timing }));
  block(HTTP, 4, 3, 8081, (ip) => ({
    type: 'HTTP_GET', conn: conn(ip, 8081), ...timing, httpProtocol: '1.0', fastRecovery: false, enableSni: false,
    urls: [{ path: '/', statusCodes: [[200, 200]] }],
  }));
  return out;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'i6b-checkers-'));
  const countFile = join(dir, 'count');
  const listener = spawn(process.execPath, ['bench/checkers-vm.mjs', 'listen', countFile], { stdio: 'inherit' });
  const counts = () => readFileSync(countFile, 'utf8').trim().split(' ').map(Number);
  try {
    for (let i = 0; i < 100; i++) {
      try { counts(); break; } catch { await sleep(100); }
    }
    let fails = 0;
    const runner = new CheckRunner(specs(), (a) => {
      if (a.type === 'log' && /failed|timeout/.test(a.text)) fails++;
    });
    runner.start();
    await sleep(5000);
    const [t0, h0] = counts();
    const c0 = process.cpuUsage();
    await sleep(WINDOW * 1000);
    const c1 = process.cpuUsage(c0);
    const [t1, h1] = counts();
    const cpu = (c1.user + c1.system) / 1e6;
    const sys = c1.system / 1e6;
    const rate = ((t1 - t0) + (h1 - h0)) / WINDOW;
    console.log(`engine: ${TCP} TCP + ${HTTP} HTTP at delay_loop 1, ${WINDOW} s: cpu ${cpu.toFixed(2)} s (${((100 * cpu) / WINDOW).toFixed(0)} %, ${sys.toFixed(2)} s of it system), `
      + `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MiB, checks/s tcp ${((t1 - t0) / WINDOW).toFixed(0)} http ${((h1 - h0) / WINDOW).toFixed(0)}, `
      + `${((1e6 * cpu) / Math.max(1, rate * WINDOW)).toFixed(1)} µs per check, ${fails} failure lines`);
    runner.stop();
  } finally {
    listener.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
