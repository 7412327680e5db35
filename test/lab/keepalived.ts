// Oracle harness: Debian's keepalived (2.2.7) running in a lab namespace, VRRP only,
// logging to the console, with its own pid files (so several can run side by side).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor, type Lab, type LabProcess } from './lab.js';

export const KEEPALIVED = '/usr/sbin/keepalived';

export interface KeepalivedHandle {
  ns: string;
  proc: LabProcess;
  pid: number;
  confFile: string;
  /** Everything it logged so far (-l -D: console, detailed). */
  log(): string;
  /** SIGTERM by PID (keepalived sends priority 0 and removes its VIPs), SIGKILL after a bound. */
  stop(): Promise<void>;
}

let seq = 0;

/**
 * Starts `keepalived -n -l -D -G -P -f conf -p/-r/-c <tmp pids>` in ns.
 * extraArgs go before -f (e.g. ['-X']). The process is tracked by the lab.
 */
export function startKeepalived(lab: Lab, ns: string, conf: string, extraArgs: string[] = []): KeepalivedHandle {
  const dir = join(lab.tmpDir, `keepalived-${lab.ns(ns)}-${++seq}`);
  mkdirSync(dir, { recursive: true });
  const confFile = join(dir, 'keepalived.conf');
  writeFileSync(confFile, conf);
  const proc = lab.spawn(ns, KEEPALIVED, [
    '-n', '-l', '-D', '-G', '-P', ...extraArgs, '-f', confFile,
    '-p', join(dir, 'keepalived.pid'), '-r', join(dir, 'vrrp.pid'), '-c', join(dir, 'checkers.pid'),
  ]);
  return {
    ns: lab.ns(ns), proc, pid: proc.pid, confFile,
    log: () => { const o = proc.output(); return o.stdout + o.stderr; },
    stop: () => proc.stop(5000),
  };
}

/** A minimal VRRP instance config for the lab's eth0. */
export function vrrpConf(o: {
  routerId: string; vrid: number; priority: number; vips: string[];
  state?: 'MASTER' | 'BACKUP'; advertInt?: number; instance?: string; extra?: string; globalExtra?: string;
}): string {
  return `global_defs {
    router_id ${o.routerId}
${o.globalExtra ?? ''}
}
vrrp_instance ${o.instance ?? 'VI_1'} {
    state ${o.state ?? 'BACKUP'}
    interface eth0
    virtual_router_id ${o.vrid}
    priority ${o.priority}
    advert_int ${o.advertInt ?? 1}
${o.extra ?? ''}
    virtual_ipaddress {
${o.vips.map((v) => `        ${v}`).join('\n')}
    }
}
`;
}

/** Which of the given namespaces currently hold ip on eth0. */
export async function holders(lab: Lab, namespaces: string[], ip: string): Promise<string[]> {
  const out: string[] = [];
  for (const ns of namespaces) if ((await lab.addressesOf(ns)).includes(ip)) out.push(lab.ns(ns));
  return out;
}

/** Waits (bounded) until exactly `expected` holds ip among namespaces. */
export async function waitForSoleHolder(lab: Lab, namespaces: string[], ip: string, expected: string, timeoutMs = 15_000): Promise<void> {
  await waitFor(async () => {
    const h = await holders(lab, namespaces, ip);
    return h.length === 1 && h[0] === lab.ns(expected);
  }, { timeoutMs, intervalMs: 200, what: `${ip} held by ${expected} alone` });
}
