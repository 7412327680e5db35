// keepalived-ts (r1) with Debian keepalived 2.2.7 (r2) in one lab (prefix kd2), per variant:
// v2 multicast, v3 multicast, v2 unicast, v2 PASS auth. Each goes through both roles: ours master,
// graceful failover to keepalived, preempt back, keepalived raised above us by a reload (SIGHUP),
// ours raised again by our own reload, then a crash of ours (SIGKILL parent + child) and one of
// keepalived's, measuring failover both ways. Needs root and `npm run build`.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLab, sleep, waitFor, type Lab } from '../lab/lab.js';
import { holders, startKeepalived, vrrpConf, waitForSoleHolder, type KeepalivedHandle } from '../lab/keepalived.js';
import { crashFailover, startOurs, type OursHandle } from './ours.js';

let lab: Lab;
let vip4: string;
let vip: string;
const R = ['r1', 'r2'];

beforeAll(async () => {
  lab = await createLab({ prefix: 'kd2', routers: 2, client: true, ipv6: true });
  vip4 = lab.vip4(200);
}, 30_000);
afterAll(async () => { await lab?.destroy(); });

type Variant = { name: string; extra: (self: string, peer: string) => string; v6?: true };
const VARIANTS: Variant[] = [
  { name: 'v2 multicast', extra: () => '' },
  { name: 'v3 multicast', extra: () => 'version 3' },
  { name: 'v2 unicast', extra: (self, peer) => `unicast_src_ip ${self}\n    unicast_peer {\n        ${peer}\n    }` },
  { name: 'v2 PASS auth', extra: () => 'authentication {\n        auth_type PASS\n        auth_pass s3cret\n    }' },
  { name: 'v3 IPv6 multicast', extra: () => '', v6: true },
];

/** ms until ns alone holds the VIP. */
async function soleHolderWithin(ns: string, timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  await waitFor(async () => {
    const h = await holders(lab, R, vip);
    return h.length === 1 && h[0] === lab.ns(ns);
  }, { timeoutMs, intervalMs: 50, what: `${vip} held by ${ns} alone` });
  return performance.now() - t0;
}

const timings: string[] = [];
afterAll(() => { if (timings.length) console.log(timings.join('\n')); });

describe('keepalived-ts with Debian keepalived', () => {
  for (const [i, v] of VARIANTS.entries()) {
    it(`${v.name}: one master in steady state, failover both ways, priority changes by reload`, async () => {
      const vrid = 60 + i;
      vip = v.v6 ? lab.vip6(200) : vip4;
      const plen = v.v6 ? 64 : 24;
      const oursConf = (prio: number) => vrrpConf({ routerId: 'ours', vrid, priority: prio, vips: [`${vip}/${plen}`], extra: v.extra(lab.ip4('r1'), lab.ip4('r2')) });
      const kaConf = (prio: number) => vrrpConf({ routerId: 'ka', vrid, priority: prio, vips: [`${vip}/${plen}`], extra: v.extra(lab.ip4('r2'), lab.ip4('r1')) });
      let ours: OursHandle | undefined;
      let ka: KeepalivedHandle | undefined;
      try {
        ours = startOurs(lab, 'r1', oursConf(150));
        ka = startKeepalived(lab, 'r2', kaConf(100));
        await waitForSoleHolder(lab, R, vip, 'r1', 15_000);
        await sleep(1500); // more than one advert interval: still one holder
        expect(await holders(lab, R, vip)).toEqual([lab.ns('r1')]);
        if (!v.v6) expect(await lab.ping('c', vip, 1)).toBe(true);

        // Graceful: ours stops (priority 0) → keepalived takes over within Skew_Time.
        process.kill(ours.pid, 'SIGTERM');
        expect(await ours.proc.exited).toBe(0);
        const graceful = await soleHolderWithin('r2', 5000);
        expect(ka.log()).toContain('(VI_1) Backup received priority 0 advertisement');

        // Ours returns with the higher priority and preempts keepalived.
        ours = startOurs(lab, 'r1', oursConf(150));
        await waitForSoleHolder(lab, R, vip, 'r1', 15_000);

        // keepalived reloaded with a higher priority preempts us.
        writeFileSync(ka.confFile, kaConf(200));
        process.kill(ka.pid, 'SIGHUP');
        await waitForSoleHolder(lab, R, vip, 'r2', 10_000);
        expect(ours.log()).toContain('(VI_1) Entering BACKUP STATE');

        // Our reload with a still higher priority preempts keepalived.
        writeFileSync(ours.confFile, oursConf(250));
        process.kill(ours.pid, 'SIGHUP');
        await waitForSoleHolder(lab, R, vip, 'r1', 10_000);
        expect(ours.log()).toContain('Reloading');

        // Crash of ours: keepalived takes over after Master_Down_Interval.
        const crashToKa = await crashFailover(lab, ours, 'r2', vip, plen);
        expect(crashToKa).toBeGreaterThan(2000);
        expect(crashToKa).toBeLessThan(5500);

        // Crash of keepalived (parent + VRRP child by PID) while ours is backup: ours takes over.
        ours = startOurs(lab, 'r1', oursConf(100));
        await waitFor(() => ours!.log().includes('Entering BACKUP STATE (init)'), { timeoutMs: 10_000, what: 'ours started as backup' });
        await sleep(1000);
        expect(await holders(lab, R, vip)).toEqual([lab.ns('r2')]);
        const crashToOurs = await crashFailover(lab, ka, 'r1', vip, plen);
        expect(crashToOurs).toBeGreaterThan(2000);
        expect(crashToOurs).toBeLessThan(5500);
        timings.push(`${v.name}: graceful ours→keepalived ${graceful.toFixed(0)} ms; crash ours→keepalived ${crashToKa.toFixed(0)} ms; crash keepalived→ours ${crashToOurs.toFixed(0)} ms`);
      } catch (e) {
        if (process.env['KD_DEBUG']) console.log(`--- ours\n${ours?.log()}\n--- keepalived\n${ka?.log()}`);
        throw e;
      } finally {
        await Promise.all([ours?.stop(), ka?.stop()]);
        for (const r of R) await lab.exec(r, 'ip', ['addr', 'del', `${vip}/${v.v6 ? 64 : 24}`, 'dev', 'eth0']);
      }
    }, 90_000);
  }
});
