import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeIp4, encodeIp4Header } from '../../src/net/ip4-header.js';
import { ipToBytes } from '../../src/vrrp/addr.js';
import { internetChecksum, onesSum } from '../../src/vrrp/checksum.js';
import { createLab, type Lab } from '../lab/lab.js';
import { repoRoot, runTs, spawnTs, waitForLine } from '../lab/node-script.js';
import { tsharkFields } from './pcap.js';

const script = join(repoRoot, 'test/net/scripts/vrrp-sock.ts');

/** Hand-built VRRPv3 advert (RFC 5798 §5.1) with its pseudo-header checksum: the real codec lives in src/vrrp. */
function vrrpV3(vrid: number, prio: number, vips: string[], src: string, dst: string): Buffer {
  const addrs = vips.map(ipToBytes);
  const p = Buffer.concat([Buffer.from([0x31, vrid, prio, vips.length, 0, 100, 0, 0]), ...addrs]);
  const v6 = src.includes(':');
  const pseudo = Buffer.alloc(v6 ? 40 : 12);
  ipToBytes(src).copy(pseudo, 0);
  ipToBytes(dst).copy(pseudo, v6 ? 16 : 4);
  if (v6) { pseudo.writeUInt32BE(p.length, 32); pseudo[39] = 112; } else { pseudo[9] = 112; pseudo.writeUInt16BE(p.length, 10); }
  p.writeUInt16BE(internetChecksum(p, 0, p.length, onesSum(pseudo)), 6);
  return p;
}

interface Line { ready?: boolean; packet?: { payload: string; srcIp: string; dstIp: string; ttl: number; ifindex: number }; error?: string; sent?: string[] }

describe('IPv4 header codec', () => {
  it('round-trips and drops Ethernet padding; malformed input gives an error, never a throw', () => {
    const h = encodeIp4Header({ srcIp: '10.1.0.1', dstIp: '224.0.0.18', ttl: 255 }, 4);
    const d = decodeIp4(Buffer.concat([h, Buffer.from('deadbeef', 'hex'), Buffer.alloc(6)]));
    expect(d).toMatchObject({ ok: true, header: { tos: 0xc0, ttl: 255, protocol: 112, srcIp: '10.1.0.1', dstIp: '224.0.0.18' } });
    expect(d.ok && d.payload.toString('hex')).toBe('deadbeef');
    expect(internetChecksum(h)).toBe(0);
    expect(decodeIp4(Buffer.alloc(5))).toEqual({ ok: false, error: 'packet too short for an IPv4 header (5 bytes)' });
    expect(decodeIp4(Buffer.alloc(20, 0x65))).toMatchObject({ ok: false, error: 'not IPv4 (version 6)' });
    expect(decodeIp4(Buffer.concat([h.subarray(0, 20)]))).toMatchObject({ ok: false, error: /bad IPv4 total length 24/ });
  });
});

describe('VRRP raw sockets in a lab', () => {
  let lab: Lab;
  beforeAll(async () => { lab = await createLab({ prefix: 'ntvsock', routers: 2, client: true, ipv6: true }); });
  afterAll(async () => { await lab?.destroy(); });

  async function exchange(recvCfg: object, sendCfg: object, captureFilter: string[]) {
    const cap = await lab.capture('r2', 'eth0', captureFilter);
    const rx = spawnTs(lab, 'r2', script, [JSON.stringify({ ifname: 'eth0', lifetimeMs: 15_000, ...recvCfg })]);
    await waitForLine<Line>(rx, (l) => !!l.ready, 15_000, 'receiver ready');
    const sent = await runTs<Line>(lab, 'r1', script, [JSON.stringify({ ifname: 'eth0', lifetimeMs: 300, ...sendCfg })]);
    expect(sent.find((l) => l.sent)?.sent).toEqual([]);
    const got = await waitForLine<Line>(rx, (l) => !!l.packet, 5000, 'VRRP packet at r2');
    await rx.stop();
    return { got: got.packet!, file: await cap.stop() };
  }

  it('IPv4 multicast: r1 → 224.0.0.18 reaches r2 with TTL 255; tshark sees a good checksum and TOS 0xc0', async () => {
    const src = lab.ip4('r1');
    const adv = vrrpV3(51, 150, [lab.vip4(150)], src, '224.0.0.18');
    const { got, file } = await exchange({ family: 4 }, { family: 4, srcIp: src, send: adv.toString('hex') }, ['ip', 'proto', '112']);
    expect(got).toMatchObject({ payload: adv.toString('hex'), srcIp: src, dstIp: '224.0.0.18', ttl: 255 });
    expect(got.ifindex).toBeGreaterThan(0);
    const rows = await tsharkFields(file, 'vrrp', ['ip.src', 'ip.dst', 'ip.ttl', 'ip.dsfield', 'vrrp.virt_rtr_id', 'vrrp.prio', 'vrrp.checksum.status']);
    expect(rows).toEqual([[src, '224.0.0.18', '255', '0xc0', '51', '150', '1']]);
  });

  it('IPv4 unicast: r1 → r2 from unicast_src_ip with unicast_ttl; r2 bound to its own address receives it', async () => {
    const src = lab.ip4('r1');
    const dst = lab.ip4('r2');
    const adv = vrrpV3(52, 100, [lab.vip4(101)], src, dst);
    const { got, file } = await exchange(
      { family: 4, unicastSrcIp: dst, unicastPeers: [src] },
      { family: 4, unicastSrcIp: src, unicastPeers: [dst], unicastTtl: 200, send: adv.toString('hex') },
      ['ip', 'proto', '112']);
    expect(got).toMatchObject({ payload: adv.toString('hex'), srcIp: src, dstIp: dst, ttl: 200 });
    expect(await tsharkFields(file, 'vrrp', ['ip.src', 'ip.dst', 'ip.ttl', 'vrrp.checksum.status'])).toEqual([[src, dst, '200', '1']]);
  });

  it('IPv6 multicast: r1 → ff02::12 from its link-local, hop limit 255 reported from ancillary data, good checksum', async () => {
    const ll = (await lab.addresses('r1')).find((i) => i.ifname === 'eth0')!.addr_info.find((a) => a.local.startsWith('fe80'))!.local;
    // Checksum deliberately zero: the kernel fills it (IPV6_CHECKSUM offset 6), as for keepalived.
    const adv = vrrpV3(53, 120, [lab.vip6(0x100)], ll, 'ff02::12');
    adv.writeUInt16BE(0, 6);
    const { got, file } = await exchange({ family: 6 }, { family: 6, send: adv.toString('hex') }, ['ip6', 'proto', '112']);
    expect(got).toMatchObject({ srcIp: ll, dstIp: 'ff02::12', ttl: 255 });
    expect(got.payload).toBe(vrrpV3(53, 120, [lab.vip6(0x100)], ll, 'ff02::12').toString('hex'));
    const rows = await tsharkFields(file, 'vrrp', ['ipv6.src', 'ipv6.dst', 'ipv6.hlim', 'ipv6.tclass', 'vrrp.virt_rtr_id', 'vrrp.checksum.status']);
    expect(rows).toEqual([[ll, 'ff02::12', '255', '0x000000c0', '53', '1']]);
  });

  it('IPv6 unicast from unicast_src_ip (sendmsg IPV6_PKTINFO) to a global peer address', async () => {
    const src = lab.ip6('r1');
    const dst = lab.ip6('r2');
    const adv = vrrpV3(54, 110, [lab.vip6(0x101)], src, dst);
    const { got } = await exchange(
      { family: 6, unicastSrcIp: dst, unicastPeers: [src] },
      { family: 6, unicastSrcIp: src, unicastPeers: [dst], send: adv.toString('hex') },
      ['ip6', 'proto', '112']);
    expect(got).toMatchObject({ payload: adv.toString('hex'), srcIp: src, dstIp: dst, ttl: 255 });
  });

  it('opening on a missing interface fails with a message naming it', async () => {
    await expect(runTs(lab, 'r1', script, [JSON.stringify({ family: 4, ifname: 'nosuch0', ifindex: 9999, lifetimeMs: 100 })]))
      .rejects.toThrow(/cannot set up VRRP socket on nosuch0 \(IPv4\): No such device/);
  });
});
