// Two keepalived-ts routers (VRRPv2 multicast, advert_int 1) and a client in a private lab (prefix kd1):
// election, the client reaching the master's MAC, crash failover (SIGKILL parent + VRRP child by PID),
// preempt back, graceful failover (SIGTERM: priority-0 advert on the wire, VIP removed, exit 0),
// nopreempt and preempt_delay. Needs root and `npm run build`; fails loudly without them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLab, sleep, waitFor, type Lab } from '../lab/lab.js';
import { holders, startKeepalived, vrrpConf, waitForSoleHolder } from '../lab/keepalived.js';
import { readPcapRecords } from '../vrrp/pcap.js';
import { tsharkFields } from '../net/pcap.js';
import { crashFailover, startOurs, type OursHandle } from './ours.js';

let lab: Lab;
let vip: string;
const R = ['r1', 'r2'];

beforeAll(async () => {
  lab = await createLab({ prefix: 'kd1', routers: 2, client: true });
  vip = lab.vip4(200);
}, 30_000);
afterAll(async () => { await lab?.destroy(); });

const conf = (router: string, priority: number, extra = '') =>
  vrrpConf({ routerId: router, vrid: 51, priority, vips: [`${vip}/24`], extra });

/** Adverts in a capture: [ms, source, priority] (IPv4 VRRP frames only). */
function adverts(file: string): { tsMs: number; src: string; priority: number }[] {
  return readPcapRecords(readFileSync(file))
    .filter((r) => r.frame.readUInt16BE(12) === 0x0800 && r.frame[14 + 9] === 112)
    .map((r) => {
      const ihl = (r.frame[14]! & 0x0f) * 4;
      return { tsMs: r.tsMs, src: [...r.frame.subarray(26, 30)].join('.'), priority: r.frame[14 + ihl + 2]! };
    });
}

async function stopAll(...hs: (OursHandle | undefined)[]): Promise<void> {
  await Promise.all(hs.map((h) => h?.stop()));
  // A crashed daemon leaves its VIP behind, as a dead host would; clear the lab for the next case.
  for (const r of R) await lab.exec(r, 'ip', ['addr', 'del', `${vip}/24`, 'dev', 'eth0']);
}

describe('keepalived-ts pair (v2 multicast)', () => {
  it('elects the higher priority; the client reaches the VIP at the master MAC; every advert is valid VRRP', async () => {
    const cap = await lab.capture('c', 'eth0', ['ip', 'proto', '112']);
    const a = startOurs(lab, 'r1', conf('r1', 150));
    const b = startOurs(lab, 'r2', conf('r2', 100));
    try {
      await waitForSoleHolder(lab, R, vip, 'r1', 15_000);
      await sleep(2500); // steady state: still exactly one holder
      expect(await holders(lab, R, vip)).toEqual([lab.ns('r1')]);
      expect(await lab.ping('c', vip, 2)).toBe(true);
      const entry = (await lab.neigh('c')).find((n) => n.dst === vip);
      expect(entry?.lladdr).toBe(await lab.mac('r1'));
      expect(a.log()).toContain('(VI_1) Entering MASTER STATE');
      expect(b.log()).toContain('(VI_1) Entering BACKUP STATE (init)');
      expect(b.log()).not.toContain('Entering MASTER STATE');
    } finally {
      await stopAll(a, b);
    }
    const file = await cap.stop();
    const rows = await tsharkFields(file, 'vrrp', ['ip.src', 'vrrp.prio', 'vrrp.checksum.status']);
    expect(rows.length).toBeGreaterThan(3);
    // tshark prints proto_checksum_enum_e: 0 Bad, 1 Good, 2 Unverified.
    for (const [, , status] of rows) expect(status).toBe('1');
    // The backup never advertised; the master's adverts carry its priority, its last one priority 0.
    const fromR1 = rows.filter(([src]) => src === lab.ip4('r1'));
    expect(rows.filter(([src, prio]) => src === lab.ip4('r2') && prio !== '0').length).toBe(0);
    expect(fromR1.slice(0, -1).every(([, prio]) => prio === '150')).toBe(true);
    expect(fromR1.at(-1)?.[1]).toBe('0');
  }, 60_000);

  it('crash failover (SIGKILL parent and child), then preempt back when the master returns', async () => {
    let a = startOurs(lab, 'r1', conf('r1', 150));
    const b = startOurs(lab, 'r2', conf('r2', 100));
    try {
      await waitForSoleHolder(lab, R, vip, 'r1', 15_000);
      const failoverMs = await crashFailover(lab, a, 'r2', vip, 24);
      // Master_Down_Interval = 3 × 1 s + Skew_Time (100/256 s) after the last advert.
      expect(failoverMs).toBeGreaterThan(2000);
      expect(failoverMs).toBeLessThan(5500);
      console.log(`keepalived-ts crash failover: ${failoverMs.toFixed(0)} ms`);
      // Its daemon restarts, removes VIPs at start and preempts.
      const t1 = performance.now();
      a = startOurs(lab, 'r1', conf('r1', 150));
      await waitForSoleHolder(lab, R, vip, 'r1', 15_000);
      console.log(`keepalived-ts preempt back after restart: ${(performance.now() - t1).toFixed(0)} ms (includes node start-up)`);
      expect(b.log()).toContain('(VI_1) Entering BACKUP STATE');
      expect(await lab.ping('c', vip, 2)).toBe(true);
    } finally {
      await stopAll(a, b);
    }
  }, 60_000);

  it('graceful failover: SIGTERM sends priority 0, removes the VIP, exits 0; the backup takes over within Skew_Time', async () => {
    const a = startOurs(lab, 'r1', conf('r1', 150));
    const b = startOurs(lab, 'r2', conf('r2', 100));
    const cap = await lab.capture('c', 'eth0', ['ip', 'proto', '112']);
    try {
      await waitForSoleHolder(lab, R, vip, 'r1', 15_000);
      const t0 = performance.now();
      process.kill(a.pid, 'SIGTERM');
      expect(await a.proc.exited).toBe(0);
      await waitForSoleHolder(lab, R, vip, 'r2', 5000);
      const ms = performance.now() - t0;
      console.log(`keepalived-ts graceful failover: ${ms.toFixed(0)} ms`);
      expect(ms).toBeLessThan(2500);
      expect(a.log()).toContain('(VI_1) sent 0 priority');
      expect(a.log()).toContain('(VI_1) removing VIPs.');
      expect(b.log()).toContain('(VI_1) Backup received priority 0 advertisement');
      await sleep(300);
      const file = await cap.stop();
      const zero = adverts(file).filter((x) => x.src === lab.ip4('r1') && x.priority === 0);
      expect(zero.length).toBe(1);
      const firstFromR2 = adverts(file).find((x) => x.src === lab.ip4('r2'));
      // RFC 3768 §6.4.2: after priority 0 the backup waits Skew_Time (~0.61 s for priority 100).
      expect(firstFromR2!.tsMs - zero[0]!.tsMs).toBeGreaterThan(400);
      expect(firstFromR2!.tsMs - zero[0]!.tsMs).toBeLessThan(1500);
    } finally {
      await stopAll(a, b);
    }
  }, 60_000);

  it('nopreempt keeps the running master; preempt_delay delays the takeover', async () => {
    let b = startOurs(lab, 'r2', conf('r2', 100, 'nopreempt'));
    let a: OursHandle | undefined;
    try {
      await waitForSoleHolder(lab, R, vip, 'r2', 15_000);
      a = startOurs(lab, 'r1', conf('r1', 150, 'nopreempt'));
      await waitFor(() => a!.log().includes('Entering BACKUP STATE (init)'), { timeoutMs: 10_000, what: 'r1 started' });
      await sleep(4200); // longer than Master_Down_Interval (3 s + Skew_Time)
      expect(await holders(lab, R, vip)).toEqual([lab.ns('r2')]);
      await stopAll(a, b);
      a = undefined;

      b = startOurs(lab, 'r2', conf('r2', 100));
      await waitForSoleHolder(lab, R, vip, 'r2', 15_000);
      a = startOurs(lab, 'r1', conf('r1', 150, 'preempt_delay 3'));
      await waitFor(() => a!.log().includes('start preempt delay'), { timeoutMs: 10_000, what: 'r1 starts its preempt delay' });
      const t0 = performance.now();
      await sleep(2000);
      expect(await holders(lab, R, vip)).toEqual([lab.ns('r2')]);
      await waitForSoleHolder(lab, R, vip, 'r1', 8000);
      const ms = performance.now() - t0;
      console.log(`keepalived-ts preempt_delay 3: takeover ${ms.toFixed(0)} ms after the delay started`);
      // keepalived: lower-priority adverts keep resetting the down timer until the delay has passed, then
      // Master_Down_Interval (3 s + Skew_Time) runs out: takeover between 3.4 and 6.4 s after the delay started.
      expect(ms).toBeGreaterThan(3000);
      expect(ms).toBeLessThan(7500);
    } finally {
      await stopAll(a, b);
    }
  }, 90_000);
});

describe('keepalived-ts reload (SIGHUP)', () => {
  it('keeps a matched master without a transition, stops a removed instance (priority 0, VIP released), starts a new one', async () => {
    const [v1, v2, v3] = [lab.vip4(211), lab.vip4(212), lab.vip4(213)];
    const inst = (name: string, vrid: number, ip: string) => `vrrp_instance ${name} {
    state MASTER
    interface eth0
    virtual_router_id ${vrid}
    priority 150
    advert_int 1
    virtual_ipaddress {
        ${ip}/24
    }
}
`;
    const a = startOurs(lab, 'r1', `global_defs {\n    router_id r1\n}\n${inst('VI_1', 81, v1)}${inst('VI_2', 82, v2)}`);
    const cap = await lab.capture('r2', 'eth0', ['ip', 'proto', '112']);
    try {
      await waitFor(async () => {
        const have = await lab.addressesOf('r1');
        return have.includes(v1) && have.includes(v2);
      }, { timeoutMs: 15_000, what: 'VI_1 and VI_2 masters' });
      writeFileSync(a.confFile, `global_defs {\n    router_id r1\n}\n${inst('VI_1', 81, v1)}${inst('VI_3', 83, v3)}`);
      process.kill(a.pid, 'SIGHUP');
      await waitFor(async () => {
        const have = await lab.addressesOf('r1');
        return have.includes(v1) && !have.includes(v2) && have.includes(v3);
      }, { timeoutMs: 15_000, what: 'VI_2 released, VI_3 master, VI_1 kept' });
      expect(a.log()).toContain('(VI_2) sent 0 priority');
      expect(a.log()).toContain('(VI_3) Entering MASTER STATE');
      expect(a.log().match(/\(VI_1\) Entering MASTER STATE/g)?.length).toBe(1);
      expect(a.log()).not.toContain('(VI_1) Entering BACKUP STATE\n');
      const file = await cap.stop();
      const zeros = readPcapRecords(readFileSync(file))
        .filter((r) => r.frame[14 + 9] === 112 && r.frame[14 + 20 + 2] === 0)
        .map((r) => r.frame[14 + 20 + 1]);
      expect(zeros).toEqual([82]); // priority 0 for the removed VRID only
    } finally {
      await stopAll(a);
      for (const ip of [v1, v2, v3]) await lab.exec('r1', 'ip', ['addr', 'del', `${ip}/24`, 'dev', 'eth0']);
    }
  }, 60_000);
});

describe('reference: the same failovers with two Debian keepalived', () => {
  it('crash and graceful failover timings in this lab (printed beside ours)', async () => {
    let a = startKeepalived(lab, 'r1', conf('r1', 150));
    const b = startKeepalived(lab, 'r2', conf('r2', 100));
    try {
      await waitForSoleHolder(lab, R, vip, 'r1', 15_000);
      const crashMs = await crashFailover(lab, a, 'r2', vip, 24);
      a = startKeepalived(lab, 'r1', conf('r1', 150));
      await waitForSoleHolder(lab, R, vip, 'r1', 15_000);
      const t1 = performance.now();
      process.kill(a.pid, 'SIGTERM');
      await waitForSoleHolder(lab, R, vip, 'r2', 5000);
      const gracefulMs = performance.now() - t1;
      console.log(`keepalived 2.2.7 crash failover: ${crashMs.toFixed(0)} ms; graceful failover: ${gracefulMs.toFixed(0)} ms`);
      expect(crashMs).toBeGreaterThan(2000);
      expect(crashMs).toBeLessThan(5500);
      expect(gracefulMs).toBeLessThan(2500);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      for (const r of R) await lab.exec(r, 'ip', ['addr', 'del', `${vip}/24`, 'dev', 'eth0']);
    }
  }, 60_000);
});

describe('keepalived-ts link monitoring', () => {
  it('interface down puts the instance in FAULT and releases the VIP; up brings it back to MASTER', async () => {
    const v = lab.vip4(220);
    const a = startOurs(lab, 'r1', vrrpConf({ routerId: 'r1', vrid: 90, priority: 150, state: 'MASTER', vips: [`${v}/24`] }));
    try {
      await waitFor(async () => (await lab.addressesOf('r1')).includes(v), { timeoutMs: 15_000, what: 'r1 master' });
      await lab.execOk('r1', 'ip', ['link', 'set', 'eth0', 'down']);
      await waitFor(() => a.log().includes('(VI_1) Entering FAULT STATE'), { timeoutMs: 5000, what: 'FAULT on link down' });
      await waitFor(async () => !(await lab.addressesOf('r1')).includes(v), { timeoutMs: 5000, what: 'VIP released in FAULT' });
      await lab.execOk('r1', 'ip', ['link', 'set', 'eth0', 'up']);
      await waitFor(async () => (await lab.addressesOf('r1')).includes(v), { timeoutMs: 15_000, what: 'MASTER again after link up' });
      expect(a.log().match(/\(VI_1\) Entering MASTER STATE/g)?.length).toBe(2);
    } finally {
      await lab.exec('r1', 'ip', ['link', 'set', 'eth0', 'up']);
      await stopAll(a);
      await lab.exec('r1', 'ip', ['addr', 'del', `${v}/24`, 'dev', 'eth0']);
    }
  }, 60_000);
});

describe('keepalived-ts notify scripts', () => {
  it('runs notify_master and the generic notify (INSTANCE name state priority) in event order, then notify_stop', async () => {
    const v = lab.vip4(221);
    const out = join(lab.tmpDir, 'notify.out');
    const script = join(lab.tmpDir, 'notify.sh');
    writeFileSync(script, `#!/bin/sh\necho "$*" >> ${out}\n`, { mode: 0o755 });
    const extra = `notify_master "${script} master"\n    notify_stop "${script} stop"\n    notify ${script}`;
    const a = startOurs(lab, 'r1', vrrpConf({ routerId: 'r1', vrid: 91, priority: 150, state: 'MASTER', vips: [`${v}/24`], extra }));
    try {
      await waitFor(() => existsSync(out) && readFileSync(out, 'utf8').includes('MASTER'), { timeoutMs: 15_000, what: 'notify for MASTER' });
    } finally {
      await stopAll(a);
      await lab.exec('r1', 'ip', ['addr', 'del', `${v}/24`, 'dev', 'eth0']);
    }
    await waitFor(() => readFileSync(out, 'utf8').includes('STOP'), { timeoutMs: 5000, what: 'notify for STOP' });
    expect(readFileSync(out, 'utf8').trim().split('\n')).toEqual([
      'INSTANCE VI_1 BACKUP 150', 'master', 'INSTANCE VI_1 MASTER 150', 'stop', 'INSTANCE VI_1 STOP 150',
    ]);
  }, 60_000);
});
