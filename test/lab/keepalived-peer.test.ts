// Interop smoke test: two Debian keepalived daemons elect a master in the lab, the VIP is
// reachable, and it moves when the master stops; our VRRP receive adapter in the client
// namespace hears keepalived's adverts on 224.0.0.18 with TTL 255.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLab, waitFor, type Lab, type LabProcess } from './lab.js';
import { holders, startKeepalived, vrrpConf, waitForSoleHolder, type KeepalivedHandle } from './keepalived.js';
import { jsonLines, repoRoot, spawnTs, waitForLine } from './node-script.js';

interface Advert { payload: string; srcIp: string; dstIp: string; ttl: number }
interface Line { ready?: boolean; packet?: Advert; error?: string }

describe('Debian keepalived peers in the lab', () => {
  let lab: Lab;
  let rx: LabProcess;
  let k1: KeepalivedHandle;
  let k2: KeepalivedHandle;
  const VRID = 51;

  beforeAll(async () => {
    lab = await createLab({ prefix: 'ltkad', routers: 2, client: true });
    rx = spawnTs(lab, 'c', join(repoRoot, 'test/net/scripts/vrrp-sock.ts'),
      [JSON.stringify({ family: 4, ifname: 'eth0', lifetimeMs: 50_000 })]);
    await waitForLine<Line>(rx, (l) => !!l.ready, 15_000, 'client VRRP receiver ready');
  });
  afterAll(async () => { await lab?.destroy(); });

  const adverts = () => jsonLines<Line>(rx).filter((l) => l.packet).map((l) => l.packet!);
  /** VRRP header fields of a received payload (RFC 3768/5798 §5.1: version/type, VRID, priority). */
  const fields = (a: Advert) => {
    const b = Buffer.from(a.payload, 'hex');
    return { version: b[0]! >> 4, vrid: b[1]!, priority: b[2]! };
  };

  it('elects the priority-150 router, which holds the VIP the client can ping', async () => {
    const vip = lab.vip4(200);
    k1 = startKeepalived(lab, 'r1', vrrpConf({ routerId: 'r1', vrid: VRID, priority: 150, vips: [`${vip}/24`] }));
    k2 = startKeepalived(lab, 'r2', vrrpConf({ routerId: 'r2', vrid: VRID, priority: 100, vips: [`${vip}/24`] }));
    try {
      await waitForSoleHolder(lab, ['r1', 'r2'], vip, 'r1');
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- r1 log ---\n${k1.log()}\n--- r2 log ---\n${k2.log()}`);
    }
    expect(k1.log()).toMatch(/\(VI_1\) Entering MASTER STATE/);
    expect(await lab.ping('c', vip, 1, 2)).toBe(true);
    // Our adapter in the client namespace hears r1's adverts: multicast group, TTL 255, VRID/priority as configured.
    await waitFor(() => adverts().some((a) => a.srcIp === lab.ip4('r1')), { timeoutMs: 5000, what: 'advert from r1 at the client' });
    const fromR1 = adverts().filter((a) => a.srcIp === lab.ip4('r1'));
    for (const a of fromR1) {
      expect(a).toMatchObject({ dstIp: '224.0.0.18', ttl: 255 });
      expect(fields(a)).toEqual({ version: 2, vrid: VRID, priority: 150 });
    }
    expect(jsonLines<Line>(rx).filter((l) => l.error)).toEqual([]);
  });

  it('moves the VIP to r2 when the master keepalived is stopped by PID', async () => {
    const vip = lab.vip4(200);
    await k1.stop();
    expect(k1.proc.child.exitCode !== null || k1.proc.child.signalCode !== null).toBe(true);
    await waitForSoleHolder(lab, ['r1', 'r2'], vip, 'r2');
    expect(await holders(lab, ['r1', 'r2'], vip)).toEqual([lab.ns('r2')]);
    expect(await lab.ping('c', vip, 1, 2)).toBe(true);
    // Stopping sends a priority-0 advert (fast takeover), then r2 advertises as master.
    await waitFor(() => adverts().some((a) => a.srcIp === lab.ip4('r2')), { timeoutMs: 5000, what: 'advert from r2 at the client' });
    expect(adverts().some((a) => a.srcIp === lab.ip4('r1') && fields(a).priority === 0)).toBe(true);
    const fromR2 = adverts().filter((a) => a.srcIp === lab.ip4('r2'));
    expect(fromR2.every((a) => a.ttl === 255 && fields(a).priority === 100)).toBe(true);
    expect(k2.log()).toMatch(/\(VI_1\) Entering MASTER STATE/);
  });
});
