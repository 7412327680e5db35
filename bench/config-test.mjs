#!/usr/bin/env node
// `-t` on a generated config of N virtual_servers (default 10,000), each with 2 real_servers and a
// TCP_CHECK (18 lines each: 180,000 lines), for Debian's keepalived and keepalived-ts in the same
// run, in balanced order (A B B A ...). Prints wall time and peak RSS of each, and their ratio.
// Targets (issue #2): time ratio <= 1.0; memory <= keepalived's + 40 MiB.
// Usage: node bench/config-test.mjs [N] [ROUNDS]
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const n = Number(process.argv[2] ?? 10000);
const rounds = Number(process.argv[3] ?? 3);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-bench-'));
const conf = path.join(dir, 'bench.conf');
fs.writeFileSync(conf, execFileSync(process.execPath, [path.join(root, 'bench/gen-config.mjs'), String(n)], { maxBuffer: 1 << 30 }));
const lines = fs.readFileSync(conf, 'utf8').split('\n').length - 1;

const TIME = '/usr/bin/time';
if (!fs.existsSync(TIME)) throw new Error('/usr/bin/time is needed (Debian package "time")');
const runners = {
  keepalived: ['keepalived', '-t', '-f', conf],
  'keepalived-ts': [process.execPath, path.join(root, 'bin/keepalived-ts'), '-t', '-f', conf],
};

function once(name) {
  const r = spawnSync(TIME, ['-f', '%e %M', ...runners[name]], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const last = r.stderr.trim().split('\n').pop();
  const [secs, kb] = last.split(' ').map(Number);
  if (!Number.isFinite(secs) || !Number.isFinite(kb)) throw new Error(`${name}: cannot read /usr/bin/time output: ${last}`);
  return { secs, mib: kb / 1024, code: r.status };
}

const results = { keepalived: [], 'keepalived-ts': [] };
const order = [];
for (let i = 0; i < rounds; i++) order.push(...(i % 2 ? ['keepalived-ts', 'keepalived'] : ['keepalived', 'keepalived-ts']));
for (const name of order) results[name].push(once(name));

const stat = (a) => { const s = [...a].sort((x, y) => x - y); return { best: s[0], median: s[Math.floor(s.length / 2)] }; };
const out = {};
for (const [name, rs] of Object.entries(results)) {
  out[name] = { time: stat(rs.map((r) => r.secs)), peakMiB: stat(rs.map((r) => r.mib)), exit: rs[0].code };
}
const ka = out.keepalived, kt = out['keepalived-ts'];
console.log(`config-test bench: ${n} virtual_servers, ${lines} lines, ${rounds} rounds each, balanced order`);
for (const [name, o] of Object.entries(out)) {
  console.log(`  ${name.padEnd(14)} time best ${o.time.best.toFixed(2)} s median ${o.time.median.toFixed(2)} s   peak RSS best ${o.peakMiB.best.toFixed(1)} MiB median ${o.peakMiB.median.toFixed(1)} MiB   exit ${o.exit}`);
}
const ratio = kt.time.median / ka.time.median;
const memDelta = kt.peakMiB.median - ka.peakMiB.median;
console.log(`  ratio (keepalived-ts / keepalived, median time): ${ratio.toFixed(2)}   target <= 1.0: ${ratio <= 1 ? 'met' : 'NOT met'}`);
console.log(`  memory (median peak RSS): keepalived-ts - keepalived = ${memDelta.toFixed(1)} MiB   target <= 40 MiB: ${memDelta <= 40 ? 'met' : 'NOT met'}`);
fs.rmSync(dir, { recursive: true, force: true });
