// keepalived-ts in a lab namespace, launched like the oracle (test/lab/keepalived.ts): -n -l -D -G -P
// with its own pid files; needs `npm run build` (dist/) first and fails loudly without it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeepalivedHandle } from '../lab/keepalived.js';
import type { Lab } from '../lab/lab.js';
import { repoRoot } from '../lab/node-script.js';

export const OURS = join(repoRoot, 'bin', 'keepalived-ts');

let seq = 0;

export interface OursHandle extends KeepalivedHandle {
  /** The VRRP child's PID (read from its -r pid file). */
  childPid(): number | undefined;
}

export function startOurs(lab: Lab, ns: string, conf: string, extraArgs: string[] = []): OursHandle {
  if (!existsSync(join(repoRoot, 'dist', 'src', 'vrrp', 'daemon.js'))) throw new Error('dist/ missing: run `npm run build` before the daemon tests');
  const dir = join(lab.tmpDir, `ours-${lab.ns(ns)}-${++seq}`);
  mkdirSync(dir, { recursive: true });
  const confFile = join(dir, 'keepalived.conf');
  writeFileSync(confFile, conf);
  const vrrpPid = join(dir, 'vrrp.pid');
  const proc = lab.spawn(ns, process.execPath, [OURS,
    '-n', '-l', '-D', '-G', '-P', ...extraArgs, '-f', confFile,
    '-p', join(dir, 'keepalived.pid'), '-r', vrrpPid, '-c', join(dir, 'checkers.pid'),
  ]);
  return {
    ns: lab.ns(ns), proc, pid: proc.pid, confFile,
    log: () => { const o = proc.output(); return o.stdout + o.stderr; },
    stop: () => proc.stop(5000),
    childPid: () => {
      try {
        const n = Number(readFileSync(vrrpPid, 'utf8').trim());
        return Number.isInteger(n) && n > 0 ? n : undefined;
      } catch { return undefined; }
    },
  };
}
