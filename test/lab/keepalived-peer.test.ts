// Interop smoke test: two Debian keepalived daemons elect a master in the lab, the VIP is
// reachable, and it moves when the master stops; our VRRP receive adapter in the client
// namespace hears keepalived's adverts on 224.0.0.18 with TTL 255.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLab, waitFor, type Lab, type LabProcess } from './lab.js';
import { holders, startKeepalived, vrrpConf, waitForSoleHolder, type KeepalivedHandle } from './keepalived.js';
import { ipv6ToBytes } from '../../src/vrrp/addr.js';
import { internetChecksum } from '../../src/vrrp/checksum.js';
import { jsonLines, repoRoot, runTs, spawnTs, waitForLine } from './node-script.js';

interface Advert { payload: string; srcIp: string; dstIp: string; ttl: number }
interface Line { ready?: boolean; packet?: Advert; error?: string }

describe('Debian keepalived peers in the lab', () => {
  let lab: Lab;
  let rx: LabProcess;
  let k1: KeepalivedHandle;
  let k2: KeepalivedHandle;
  const VRID = 51;

  beforeAll(async () => {
    lab = await createLab({ prefix: 'ltkad', routers: 2, client: true, ipv6: true });
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

  it('keepalived accepts an advert sent by our VRRP socket: a priority-254 VRRPv2 advert makes the master step down', async () => {
    const vip = lab.vip4(200);
    // RFC 3768 §5.1: v2/type 1, VRID, priority, 1 address, auth 0, advert_int 1, checksum, address, 8 bytes auth data.
    const adv = Buffer.concat([Buffer.from([0x21, VRID, 254, 1, 0, 1, 0, 0]), Buffer.from(vip.split('.').map(Number)), Buffer.alloc(8)]);
    adv.writeUInt16BE(internetChecksum(adv), 6);
    await runTs(lab, 'c', join(repoRoot, 'test/net/scripts/vrrp-sock.ts'),
      [JSON.stringify({ family: 4, ifname: 'eth0', srcIp: lab.ip4('c'), send: adv.toString('hex'), lifetimeMs: 200 })]);
    await waitFor(() => k2.log().includes(`(VI_1) Master received advert from ${lab.ip4('c')} with higher priority 254, ours 100`),
      { timeoutMs: 5000, what: 'r2 keepalived stepping down' });
    expect(k2.log()).toMatch(/\(VI_1\) Entering BACKUP STATE/);
    // With nobody advertising any more, r2 takes the VIP back after its master-down timer.
    await waitForSoleHolder(lab, ['r1', 'r2'], vip, 'r2');
  });

  it('IPv6 (VRRPv3): our adapter hears keepalived on ff02::12 from its link-local with hop limit 255, the VIP pings, and keepalived accepts our IPv6 advert', async () => {
    const vip6 = lab.vip6(0xc8);
    const rx6 = spawnTs(lab, 'c', join(repoRoot, 'test/net/scripts/vrrp-sock.ts'),
      [JSON.stringify({ family: 6, ifname: 'eth0', lifetimeMs: 30_000 })]);
    await waitForLine<Line>(rx6, (l) => !!l.ready, 15_000, 'client IPv6 VRRP receiver ready');
    const conf = (prio: number) => vrrpConf({ routerId: `v6-${prio}`, vrid: 61, priority: prio, vips: [`${vip6}/64`], instance: 'VI_6' });
    const k3 = startKeepalived(lab, 'r1', conf(150));
    startKeepalived(lab, 'r2', conf(100));
    await waitForSoleHolder(lab, ['r1', 'r2'], vip6, 'r1');
    expect(await lab.ping('c', vip6, 1, 2)).toBe(true);
    const r1LinkLocal = (await lab.addresses('r1')).find((i) => i.ifname === 'eth0')!.addr_info
      .find((a) => a.family === 'inet6' && a.local.startsWith('fe80'))!.local;
    const got = await waitForLine<Line>(rx6, (l) => l.packet?.srcIp === r1LinkLocal, 5000, 'IPv6 advert from r1');
    expect(got.packet).toMatchObject({ dstIp: 'ff02::12', ttl: 255 });
    expect(fields(got.packet!)).toEqual({ version: 3, vrid: 61, priority: 150 });
    expect(k3.log()).toMatch(/\(VI_6\) Entering MASTER STATE/);
    // And the other way: our IPv6 socket's v3 advert (checksum filled by the kernel) is accepted by keepalived.
    const adv = Buffer.concat([Buffer.from([0x31, 61, 254, 1, 0, 100, 0, 0]), ipv6ToBytes(vip6)]);
    await runTs(lab, 'c', join(repoRoot, 'test/net/scripts/vrrp-sock.ts'),
      [JSON.stringify({ family: 6, ifname: 'eth0', send: adv.toString('hex'), lifetimeMs: 200 })]);
    await waitFor(() => /\(VI_6\) Master received advert from fe80::\S+ with higher priority 254, ours 150/.test(k3.log()),
      { timeoutMs: 5000, what: 'r1 keepalived stepping down on our IPv6 advert' });
  });
});
