// KTS_PHASE_TIMES=1: one stderr line per start-up / reload phase, `KTS_PHASE <pid> <epoch ms> <phase>`
// (the first one preceded by the process's own start), so a bench can tell where a daemon's time goes
// (bench/ipvs-program.ts). Off: one env read, nothing written.
const on = process.env.KTS_PHASE_TIMES === '1';
let first = true;

export function phase(name: string): void {
  if (!on) return;
  if (first) process.stderr.write(`KTS_PHASE ${process.pid} ${Math.round(performance.timeOrigin)} process start\n`);
  first = false;
  process.stderr.write(`KTS_PHASE ${process.pid} ${Date.now()} ${name}\n`);
}
