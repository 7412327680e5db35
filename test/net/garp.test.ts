import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildGratuitousArp, buildUnsolicitedNa, GarpSender } from '../../src/net/garp.js';
import { createLab, waitFor, type Lab } from '../lab/lab.js';
import { repoRoot, runTs } from '../lab/node-script.js';
import { tsharkFields, writePcap } from './pcap.js';

const dir = mkdtempSync(join(tmpdir(), 'net-garp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('frame builders (dissected by tshark)', () => {
  it('gratuitous ARP is keepalived\'s request form: broadcast, sender = target = VIP, target MAC broadcast', async () => {
    const f = buildGratuitousArp('00:00:5e:00:01:33', '192.168.10.100');
    // Byte layout from vrrp_arp.c send_gratuitous_arp_immediate().
    expect(f.toString('hex')).toBe(
      'ffffffffffff' + '00005e000133' + '0806' + '0001' + '0800' + '06' + '04' + '0001' +
      '00005e000133' + 'c0a80a64' + 'ffffffffffff' + 'c0a80a64');
    const file = join(dir, 'garp.pcap');
    writePcap(file, [f]);
    const rows = await tsharkFields(file, 'arp', ['arp.isgratuitous', 'arp.opcode', 'arp.src.hw_mac', 'arp.src.proto_ipv4', 'arp.dst.proto_ipv4', 'eth.dst']);
    expect(rows).toEqual([['1', '1', '00:00:5e:00:01:33', '192.168.10.100', '192.168.10.100', 'ff:ff:ff:ff:ff:ff']]);
  });

  it('unsolicited NA is ICMPv6 136 to ff02::1, hop limit 255, override flag, TLLA option, good checksum', async () => {
    const plain = buildUnsolicitedNa('00:00:5e:00:02:07', '2001:db8::7');
    const router = buildUnsolicitedNa('00:00:5e:00:02:07', '2001:db8::7', true);
    const file = join(dir, 'na.pcap');
    writePcap(file, [plain, router]);
    const rows = await tsharkFields(file, 'icmpv6', [
      'eth.dst', 'ipv6.src', 'ipv6.dst', 'ipv6.hlim', 'icmpv6.type', 'icmpv6.checksum.status',
      'icmpv6.nd.na.flag.o', 'icmpv6.nd.na.flag.r', 'icmpv6.nd.na.flag.s', 'icmpv6.nd.na.target_address', 'icmpv6.opt.linkaddr']);
    const common = ['33:33:00:00:00:01', '2001:db8::7', 'ff02::1', '255', '136', '1'];
    expect(rows).toEqual([
      [...common, 'True', 'False', 'False', '2001:db8::7', '00:00:5e:00:02:07'],
      [...common, 'True', 'True', 'False', '2001:db8::7', '00:00:5e:00:02:07'],
    ].map((r) => r.map((v) => (v === 'True' ? expect.stringMatching(/^(1|True)$/) : v === 'False' ? expect.stringMatching(/^(0|False)$/) : v))));
    expect(plain.length).toBe(86);
  });

  it('rejects malformed addresses with a clear error', () => {
    expect(() => buildGratuitousArp('00:00:5e:00:01', '10.0.0.1')).toThrow(/invalid MAC address/);
  });
});

describe('GarpSender in a lab (AF_PACKET via the native addon)', () => {
  let lab: Lab | undefined;
  afterAll(async () => { await lab?.destroy(); });

  it('a GARP / unsolicited NA from r1 rewrites the client\'s neighbour entry to r1\'s MAC', async () => {
    lab = await createLab({ prefix: 'ntgarp', routers: 1, client: true, ipv6: true });
    const vip4 = lab.vip4(150);
    const vip6 = lab.vip6(0x150);
    const bogus = '02:00:00:00:00:99';
    // Pre-existing STALE entries with a wrong MAC: the kernel (arp_accept=0) only updates existing entries.
    await lab.execOk('c', 'ip', ['neigh', 'replace', vip4, 'lladdr', bogus, 'dev', 'eth0', 'nud', 'stale']);
    await lab.execOk('c', 'ip', ['-6', 'neigh', 'replace', vip6, 'lladdr', bogus, 'dev', 'eth0', 'nud', 'stale']);
    const r1Mac = await lab.mac('r1');
    const ifindex = await lab.ifindex('r1');
    const cap = await lab.capture('c', 'eth0', ['arp', 'or', 'icmp6']);
    // arp locktime (1 s) ignores ARP updates to entries younger than that.
    await new Promise((r) => setTimeout(r, 1100));
    // The sender runs inside r1's namespace (a child node process using the built addon).
    const [line] = await runTs<{ results: { ok: boolean; error?: string }[] }>(lab, 'r1',
      join(repoRoot, 'test/net/scripts/garp-send.ts'), ['eth0', String(ifindex), r1Mac, vip4, vip6]);
    const results = line!.results;
    expect(results[0]).toEqual({ ok: true });
    expect(results[1]).toEqual({ ok: true });
    expect(results[2]).toEqual({ ok: false, error: `Error 6 (No such device or address) sending gratuitous ARP on eth0 for ${vip4}` });
    await waitFor(async () => {
      const n = await lab!.neigh('c');
      return n.find((e) => e.dst === vip4)?.lladdr === r1Mac && n.find((e) => e.dst === vip6)?.lladdr === r1Mac;
    }, { timeoutMs: 5000, what: 'client neighbour entries pointing at r1' });
    const file = await cap.stop();
    expect(await tsharkFields(file, 'arp.isgratuitous == 1', ['arp.src.hw_mac', 'arp.src.proto_ipv4'])).toEqual([[r1Mac, vip4]]);
    expect(await tsharkFields(file, 'icmpv6.type == 136', ['icmpv6.nd.na.target_address', 'icmpv6.checksum.status', 'ipv6.hlim']))
      .toEqual([[vip6, '1', '255']]);
  });
});
