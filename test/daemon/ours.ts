// keepalived-ts in a lab namespace, launched like the oracle (test/lab/keepalived.ts): -n -l -D -G -P
// with its own pid files; needs `npm run build` (dist/) first and fails loudly without it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { holders, type KeepalivedHandle } from '../lab/keepalived.js';
import { waitFor, type Lab } from '../lab/lab.js';
import { repoRoot } from '../lab/node-script.js';

export const OURS = join(repoRoot, 'bin', 'keepalived-ts');

let seq = 0;

export type OursHandle = KeepalivedHandle;

export function startOurs(lab: Lab, ns: string, conf: string, extraArgs: string[] = []): OursHandle {
  if (!existsSync(join(repoRoot, 'dist', 'src', 'vrrp', 'daemon.js'))) throw new Error('dist/ missing: run `npm run build` before the daemon tests');
  const dir = join(lab.tmpDir, `ours-${lab.ns(ns)}-${++seq}`);
  mkdirSync(dir, { recursive: true });
  const confFile = join(dir, 'keepalived.conf');
  writeFileSync(confFile, conf);
  const proc = lab.spawn(ns, process.execPath, [OURS,
    '-n', '-l', '-D', '-G', '-P', ...extraArgs, '-f', confFile,
    '-p', join(dir, 'keepalived.pid'), '-r', join(dir, 'vrrp.pid'), '-c', join(dir, 'checkers.pid'),
  ]);
  return {
    ns: lab.ns(ns), proc, pid: proc.pid, confFile,
    log: () => { const o = proc.output(); return o.stdout + o.stderr; },
    stop: () => proc.stop(5000),
  };
}

/** The VRRP child's PID from the -r pid file beside the config (ours and the oracle lay them out alike). */
export async function vrrpChildPid(h: KeepalivedHandle): Promise<number> {
  const file = join(dirname(h.confFile), 'vrrp.pid');
  return waitFor(() => {
    try {
      const n = Number(readFileSync(file, 'utf8').trim());
      return Number.isInteger(n) && n > 0 ? n : undefined;
    } catch { return undefined; }
  }, { timeoutMs: 5000, what: `VRRP child pid in ${file}` });
}

/**
 * A crash: SIGKILL the daemon's VRRP child and parent by PID; resolves to the ms until `takerNs` holds `ip`.
 * The killed daemon's VIP stays configured (a dead host would take it along), so it is removed afterwards.
 */
export async function crashFailover(lab: Lab, h: KeepalivedHandle, takerNs: string, ip: string, prefixLen: number): Promise<number> {
  const child = await vrrpChildPid(h);
  const t0 = performance.now();
  // Child first: once the parent is gone a child stops gracefully (keepalived: PR_SET_PDEATHSIG SIGTERM;
  // ours: IPC disconnect) and would send priority 0, which is not a crash.
  process.kill(child, 'SIGKILL');
  process.kill(h.pid, 'SIGKILL');
  await waitFor(async () => (await holders(lab, [takerNs], ip)).length === 1, { timeoutMs: 10_000, intervalMs: 50, what: `${takerNs} takes ${ip}` });
  const ms = performance.now() - t0;
  await lab.exec(h.ns, 'ip', ['addr', 'del', `${ip}/${prefixLen}`, 'dev', 'eth0']);
  return ms;
}
