// Issue 4's signal scenarios with real keepalived-ts daemons in a private lab (prefix kds: two routers and
// a client on a bridge): kill -9 of the VRRP child, SIGHUP unchanged / broken / one of three removed /
// config deleted, SIGTERM. Needs root and `npm run build`; fails loudly without them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createLab, sleep, waitFor, type Lab, type LabProcess } from '../lab/lab.js';
import { holders, waitForSoleHolder } from '../lab/keepalived.js';
import { readPcapRecords } from '../vrrp/pcap.js';
import { startOurs, vrrpChildPid, type OursHandle } from './ours.js';

let lab: Lab;
const R = ['r1', 'r2'];

beforeAll(async () => {
  lab = await createLab({ prefix: 'kds', routers: 2, client: true });
}, 30_000);
afterAll(async () => { await lab?.destroy(); });

const inst = (name: string, vrid: number, priority: number, ip: string) => `vrrp_instance ${name} {
    state BACKUP
    interface eth0
    virtual_router_id ${vrid}
    priority ${priority}
    advert_int 1
    virtual_ipaddress {
        ${ip}/24
    }
}
`;
const conf = (router: string, body: string) => `global_defs {\n    router_id ${router}\n}\n${body}`;

/** `ip monitor address` in a namespace, by PID; deletions are the lines starting with "Deleted". */
function monitor(ns: string): LabProcess {
  return lab.spawn(ns, 'ip', ['monitor', 'address']);
}
const deletions = (m: LabProcess) => m.output().stdout.split('\n').filter((l) => l.startsWith('Deleted'));

/** [vrid, priority] of each IPv4 VRRP advert from `src` in a capture. */
function adverts(file: string, src: string): { tsMs: number; vrid: number; priority: number }[] {
  return readPcapRecords(readFileSync(file))
    .filter((r) => r.frame.readUInt16BE(12) === 0x0800 && r.frame[14 + 9] === 112
      && [...r.frame.subarray(26, 30)].join('.') === src)
    .map((r) => {
      const ihl = (r.frame[14]! & 0x0f) * 4;
      return { tsMs: r.tsMs, vrid: r.frame[14 + ihl + 1]!, priority: r.frame[14 + ihl + 2]! };
    });
}

const transitions = (log: string) => log.match(/Entering \w+ STATE/g)?.length ?? 0;

async function cleanup(ips: string[], ...hs: (OursHandle | undefined)[]): Promise<void> {
  await Promise.all(hs.map((h) => h?.stop()));
  for (const r of R) for (const ip of ips) await lab.exec(r, 'ip', ['addr', 'del', `${ip}/24`, 'dev', 'eth0']);
}

/**
 * One master (VRID `vrid`, VIP .`host`) on r1; `change` edits or removes its config, then SIGHUP. Resolves once
 * `settled` is in the log and 3 s more have passed, having checked: no VIP deleted (ip monitor address), no
 * "Entering ... STATE" after the reload, r1 still the sole holder, the parent still running.
 */
async function reloadKeepsRunning(vrid: number, host: number, change: (h: OursHandle) => void,
  settled: (h: OursHandle) => string): Promise<string> {
  const vip = lab.vip4(host);
  const a = startOurs(lab, 'r1', conf('r1', inst('VI_1', vrid, 150, vip)));
  let mon: LabProcess | undefined;
  try {
    await waitForSoleHolder(lab, R, vip, 'r1', 15_000);
    mon = monitor('r1');
    await sleep(300);
    const before = transitions(a.log());
    change(a);
    process.kill(a.pid, 'SIGHUP');
    await waitFor(() => /Reload complete|keeping the running configuration/.test(a.log()), { timeoutMs: 5000, what: 'reload done' });
    await sleep(3000);
    expect(a.log(), a.log().split('Reloading ...')[1]).toContain(settled(a));
    expect(deletions(mon)).toEqual([]);
    expect(transitions(a.log())).toBe(before);
    expect(await holders(lab, R, vip)).toEqual([lab.ns('r1')]);
    expect(a.proc.child.exitCode).toBe(null);
    return a.log();
  } finally {
    await mon?.stop();
    await cleanup([vip], a);
  }
}
const refused = (h: OursHandle) => `Reload of ${h.confFile} failed - keeping the running configuration`;

describe('kill -9 of the VRRP child', () => {
  it('the parent respawns it; the VIP never leaves the master, which is MASTER again within one advert interval; the peer stays BACKUP', async () => {
    const vip = lab.vip4(101);
    const a = startOurs(lab, 'r1', conf('r1', inst('VI_1', 61, 150, vip)));
    const b = startOurs(lab, 'r2', conf('r2', inst('VI_1', 61, 100, vip)));
    try {
      await waitForSoleHolder(lab, R, vip, 'r1', 15_000);
      const child = await vrrpChildPid(a);
      const mon = monitor('r1');
      await sleep(300);
      const t0 = performance.now();
      process.kill(child, 'SIGKILL');
      const started = await waitFor(() => {
        const m = [...a.log().matchAll(/Starting VRRP child process, pid=(\d+)/g)];
        return m.length >= 2 ? Number(m[1]![1]) : undefined;
      }, { timeoutMs: 5000, intervalMs: 20, what: 'VRRP child respawned' });
      const respawnMs = performance.now() - t0;
      expect(started).not.toBe(child);
      // The respawned child finds its VIP still on eth0: it keeps it and resumes MASTER after one advert
      // interval + Skew_Time unless a master speaks (keepalived would drop the VIP and wait a whole
      // Master_Down_Interval, 3.4 s). Bound: respawn + 1 s + skew (0.41 s) + 0.5 s of start-up slack.
      await waitFor(() => /\(VI_1\) Entering MASTER STATE/.test(a.log().split(`pid=${started}`)[1] ?? ''),
        { timeoutMs: 8000, intervalMs: 20, what: 'respawned child MASTER' });
      const masterMs = performance.now() - t0;
      await sleep(1500);
      await mon.stop();
      expect(a.log().split(`pid=${started}`)[1]).toContain('(VI_1) VIPs still set from a previous run');
      expect(deletions(mon).filter((l) => l.includes(vip))).toEqual([]); // the VIP never left r1
      expect(await holders(lab, R, vip)).toEqual([lab.ns('r1')]);
      expect(b.log().match(/\(VI_1\) Entering (\w+) STATE/g)?.at(-1)).toBe('(VI_1) Entering BACKUP STATE');
      expect(b.log()).not.toContain('(VI_1) Entering MASTER STATE');
      console.log(`kill -9 VRRP child: respawned after ${respawnMs.toFixed(0)} ms, MASTER again after ${masterMs.toFixed(0)} ms, VIP never removed`);
      expect(respawnMs).toBeLessThan(1000);
      expect(masterMs).toBeLessThan(respawnMs + 1000 + 410 + 500);
    } finally {
      await cleanup([vip], a, b);
    }
  }, 60_000);
});

describe('SIGHUP', () => {
  it('unchanged config: no VIP removed, no state transition', async () => {
    await reloadKeepsRunning(62, 102, () => undefined, () => 'Reload complete');
  }, 60_000);

  it('broken config: the old config keeps running, the error names file:line', async () => {
    let file = '';
    // An out-of-range VRID is an error (keepalived -t exits 5 on it); an out-of-range priority only warns.
    const log = await reloadKeepsRunning(63, 103, (h) => {
      file = h.confFile;
      writeFileSync(h.confFile, conf('r1', inst('VI_1', 300, 150, lab.vip4(103))));
    }, refused);
    expect(log).toContain(`(${file}: Line 7) (VI_1): VRID '300' not valid - must be between 1 & 255`);
  }, 60_000);

  it('config file deleted before the reload: a clear message, the old config keeps running', async () => {
    let file = '';
    const log = await reloadKeepsRunning(64, 104, (h) => { file = h.confFile; unlinkSync(h.confFile); }, refused);
    expect(log).toContain(`Config files missing '${file}'`);
  }, 60_000);

  it('removing one of three instances: it sends priority 0 and drops its VIP, the other two are untouched', async () => {
    const [v1, v2, v3] = [lab.vip4(111), lab.vip4(112), lab.vip4(113)];
    const all = inst('VI_1', 71, 150, v1) + inst('VI_2', 72, 150, v2) + inst('VI_3', 73, 150, v3);
    const a = startOurs(lab, 'r1', conf('r1', all));
    let mon: LabProcess | undefined;
    const cap = await lab.capture('r2', 'eth0', ['ip', 'proto', '112']);
    try {
      await waitFor(async () => {
        const have = await lab.addressesOf('r1');
        return [v1, v2, v3].every((ip) => have.includes(ip));
      }, { timeoutMs: 15_000, what: 'three masters' });
      mon = monitor('r1');
      await sleep(300);
      const before = transitions(a.log());
      writeFileSync(a.confFile, conf('r1', inst('VI_1', 71, 150, v1) + inst('VI_3', 73, 150, v3)));
      process.kill(a.pid, 'SIGHUP');
      await waitFor(async () => !(await lab.addressesOf('r1')).includes(v2), { timeoutMs: 10_000, what: 'VI_2 VIP dropped' });
      await sleep(2500);
      const have = await lab.addressesOf('r1');
      expect(have).toContain(v1);
      expect(have).toContain(v3);
      const dels = deletions(mon);
      expect(dels.length).toBe(1);
      expect(dels[0]).toContain(v2);
      expect(transitions(a.log())).toBe(before);
      const file = await cap.stop();
      const zeros = adverts(file, lab.ip4('r1')).filter((x) => x.priority === 0).map((x) => x.vrid);
      expect(zeros).toEqual([72]);
    } finally {
      await mon?.stop();
      await cap.stop().catch(() => undefined);
      await cleanup([v1, v2, v3], a);
    }
  }, 60_000);

});

describe('SIGTERM', () => {
  it('priority-0 advert on the wire, VIPs removed, exit 0', async () => {
    const [v1, v2] = [lab.vip4(121), lab.vip4(122)];
    const a = startOurs(lab, 'r1', conf('r1', inst('VI_1', 81, 150, v1) + inst('VI_2', 82, 150, v2)));
    const cap = await lab.capture('c', 'eth0', ['ip', 'proto', '112']);
    try {
      await waitFor(async () => {
        const have = await lab.addressesOf('r1');
        return have.includes(v1) && have.includes(v2);
      }, { timeoutMs: 15_000, what: 'two masters' });
      process.kill(a.pid, 'SIGTERM');
      expect(await a.proc.exited).toBe(0);
      const have = await lab.addressesOf('r1');
      expect(have).not.toContain(v1);
      expect(have).not.toContain(v2);
      await sleep(300);
      const zeros = adverts(await cap.stop(), lab.ip4('r1')).filter((x) => x.priority === 0).map((x) => x.vrid).sort();
      expect(zeros).toEqual([81, 82]);
    } finally {
      await cap.stop().catch(() => undefined);
      await cleanup([v1, v2], a);
    }
  }, 60_000);
});
