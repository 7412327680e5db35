// Codec tests: a hand-computed RFC vector, real keepalived 2.2.7 adverts (fixtures/vrrp, see capture.sh),
// round trips, and tshark's own checksum verdict on what we encode.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bytesToIpv6 } from '../../src/vrrp/addr.js';
import {
  buildIpv4Packet, checksumOk, decodeAdvert, decodeIpv4Packet, encodeAdvert, peekVrid, type VrrpAdvert,
} from '../../src/vrrp/packet.js';
import { checkPacket, type CheckConfig, type ReceivedPacket } from '../../src/vrrp/validate.js';
import { newStats } from '../../src/vrrp/stats.js';
import { ethernet, ipv6Packet, readPcap, writePcap } from './pcap.js';

const fixture = join(import.meta.dirname, '../../fixtures/vrrp/keepalived-adverts.pcap');

function advert(p: Partial<VrrpAdvert>): VrrpAdvert {
  return {
    version: 2, type: 1, vrid: 51, priority: 150, family: 4, addresses: ['192.168.200.100'], advertIntCs: 100,
    authType: 0, authData: Buffer.alloc(8), checksum: 0, ...p,
  };
}

describe('VRRP codec', () => {
  it('encodes the RFC 3768 v2 advert computed by hand', () => {
    // 0x2133+0x9601+0x0001+0xc0a8+0xc864 = 0x24041 -> fold 0x4043 -> ~ = 0xbfbc
    const b = encodeAdvert(advert({}));
    expect(b.toString('hex')).toBe('21339601' + '0001bfbc' + 'c0a8c864' + '0000000000000000');
  });

  it('encodes a v3 IPv4 advert with the RFC 5798 pseudo-header', () => {
    const b = encodeAdvert(advert({ version: 3, advertIntCs: 100, authData: Buffer.alloc(0) }), { srcIp: '192.168.200.2', dstIp: '224.0.0.18' });
    // VRRP: 0x3133+0x9601+0x0064+0xc0a8+0xc864 = 0x250a4; pseudo: 0xc0a8+0xc802+0xe000+0x0012+0x0070+0x000c = 0x26938
    // sum 0x4b9dc -> fold 0xb9e0 -> ~ = 0x461f
    expect(b.toString('hex')).toBe('31339601' + '0064461f' + 'c0a8c864');
    expect(checksumOk(b, 3, 4, '192.168.200.2', '224.0.0.18')).toBe(true);
    expect(checksumOk(b, 3, 4, '192.168.200.2', '192.168.200.3')).toBe(false);
  });

  it('v3_checksum_as_v2 leaves the pseudo-header out', () => {
    const b = encodeAdvert(advert({ version: 3, authData: Buffer.alloc(0) }), { srcIp: '10.0.0.1', dstIp: '224.0.0.18', v3ChecksumAsV2: true });
    expect(checksumOk(b, 3, 4, '10.0.0.1', '224.0.0.18', true)).toBe(true);
    expect(checksumOk(b, 3, 4, '10.0.0.1', '224.0.0.18', false)).toBe(false);
  });

  it('truncates auth_pass to 8 bytes and round-trips every version/family', () => {
    const cases: VrrpAdvert[] = [
      advert({ authType: 1, authData: Buffer.from('longpassword'), addresses: ['10.1.1.1', '10.1.1.2'] }),
      advert({ version: 3, advertIntCs: 4095, authData: Buffer.alloc(0) }),
      advert({ version: 3, family: 6, addresses: ['fe80::1', '2001:db8::1:0:0:1'], advertIntCs: 25, authData: Buffer.alloc(0) }),
    ];
    for (const a of cases) {
      const b = encodeAdvert(a, { srcIp: a.family === 4 ? '10.0.0.1' : 'fe80::2', dstIp: a.family === 4 ? '224.0.0.18' : 'ff02::12' });
      const d = decodeAdvert(b, a.family);
      if (!d.ok) throw new Error(d.detail);
      expect({ ...d.value, checksum: 0 }).toEqual({ ...a, authData: a.authData.subarray(0, a.version === 2 ? 8 : 0), checksum: 0 });
    }
  });

  it('decodes a full IPv4 datagram and tolerates Ethernet padding', () => {
    const payload = encodeAdvert(advert({ version: 3, authData: Buffer.alloc(0) }), { srcIp: '10.0.0.1', dstIp: '224.0.0.18' });
    const pkt = buildIpv4Packet(payload, '10.0.0.1', '224.0.0.18', 255);
    const padded = Buffer.concat([pkt, Buffer.alloc(14)]); // 20 + 12 = 32 -> 46 bytes, the Ethernet payload minimum
    const d = decodeIpv4Packet(padded);
    if (!d.ok) throw new Error(d.detail);
    expect(d.value).toMatchObject({ srcIp: '10.0.0.1', dstIp: '224.0.0.18', ttl: 255, protocol: 112, ihl: 20, totalLength: 32 });
    expect(d.value.payload.equals(payload)).toBe(true);
    expect(peekVrid(padded, true)).toBe(51);
    expect(peekVrid(payload, false)).toBe(51);
    expect(decodeIpv4Packet(Buffer.alloc(3)).ok).toBe(false);
  });

  it('prints IPv6 addresses as inet_ntop does', () => {
    const cases: [string, string][] = [
      ['20010db8000000000000000000000001', '2001:db8::1'],
      ['fe800000000000000000000000000000', 'fe80::'],
      ['20010db8000000010000000000000001', '2001:db8:0:1::1'],
      ['20010db8000000000001000000000001', '2001:db8::1:0:0:1'],
      ['00000000000000000000ffff0a000001', '::ffff:10.0.0.1'],
    ];
    for (const [hex, text] of cases) expect(bytesToIpv6(Buffer.from(hex, 'hex'))).toBe(text);
  });
});

describe('real keepalived 2.2.7 adverts (fixtures/vrrp/keepalived-adverts.pcap)', () => {
  const frames = readPcap(readFileSync(fixture));
  const base = { iname: 'KA', authType: 0, authPass: Buffer.alloc(8), unicast: false, unicastPeers: [], checkUnicastSrc: false, v3ChecksumAsV2: false, unicastChecksumCompat: 'none', mcastGroup4: '224.0.0.18' } as const;
  const configs: Record<number, CheckConfig> = {
    51: { ...base, family: 4, version: 2, vrid: 51, advertIntCs: 100, vips: ['10.99.0.100', '10.99.0.101'], authType: 1, authPass: Buffer.from('secret1\0') },
    52: { ...base, family: 4, version: 3, vrid: 52, advertIntCs: 50, vips: ['10.99.0.102'] },
    53: { ...base, family: 6, version: 3, vrid: 53, advertIntCs: 100, vips: ['fe80::99:100', 'fd00:99::100'] },
  };

  it('holds adverts of all three instances', () => {
    const vrids = new Set(frames.map((f) => (f.readUInt16BE(12) === 0x0800 ? peekVrid(f.subarray(14), true) : peekVrid(f.subarray(54), false))));
    expect([...vrids].sort()).toEqual([51, 52, 53]);
  });

  it('our encoding of each configured instance equals keepalived\'s bytes', () => {
    // From the capture.sh configuration, not from the decoded packets.
    const want = [
      { src: '10.99.0.1', dst: '224.0.0.18', a: advert({ vrid: 51, priority: 255, addresses: ['10.99.0.100', '10.99.0.101'], authType: 1, authData: Buffer.from('secret1\0') }) },
      { src: '10.99.0.1', dst: '224.0.0.18', a: advert({ version: 3, vrid: 52, priority: 200, addresses: ['10.99.0.102'], advertIntCs: 50, authData: Buffer.alloc(0) }) },
      { src: 'fe80::ff:fe99:1', dst: 'ff02::12', a: advert({ version: 3, family: 6, vrid: 53, priority: 255, addresses: ['fe80::99:100', 'fd00:99::100'], authData: Buffer.alloc(0) }) },
    ];
    for (const w of want) {
      const ours = encodeAdvert(w.a, { srcIp: w.src, dstIp: w.dst });
      const match = frames.find((f) => {
        const payload = f.readUInt16BE(12) === 0x0800 ? f.subarray(14 + 20) : f.subarray(14 + 40);
        return payload.equals(ours);
      });
      expect(match, `no captured frame equals our VRID ${w.a.vrid} advert ${ours.toString('hex')}`).toBeDefined();
    }
  });

  it('every captured advert validates and re-encodes to the same bytes', () => {
    let checked = 0;
    for (const f of frames) {
      const ip = f.subarray(14);
      let rx: ReceivedPacket;
      let payload: Buffer;
      let src: string;
      let dst: string;
      if (f.readUInt16BE(12) === 0x0800) {
        rx = { family: 4, packet: ip };
        const d = decodeIpv4Packet(ip);
        if (!d.ok) throw new Error(d.detail);
        payload = d.value.payload; src = d.value.srcIp; dst = d.value.dstIp;
      } else {
        payload = ip.subarray(40);
        src = bytesToIpv6(ip, 8); dst = bytesToIpv6(ip, 24);
        rx = { family: 6, payload, srcIp: src, dstIp: dst, ttl: ip[7]! };
      }
      const cfg = configs[payload[1]!]!;
      const r = checkPacket(rx, cfg, true, newStats());
      if (!r.ok) throw new Error(`frame ${checked}: ${r.reason}: ${r.detail}`);
      expect(r.advert.addresses).toEqual(cfg.vips);
      expect([0, cfg.vrid === 52 ? 200 : 255]).toContain(r.advert.priority);
      expect(encodeAdvert(r.advert, { srcIp: src, dstIp: dst }).equals(payload)).toBe(true);
      checked++;
    }
    expect(checked).toBe(frames.length);
    expect(checked).toBeGreaterThanOrEqual(10);
  });
});

describe('tshark agrees with our checksums', () => {
  it('dissects every encoded advert with a Good checksum', () => {
    const frames: Buffer[] = [];
    const v4 = (a: VrrpAdvert, src: string, dst: string) =>
      frames.push(ethernet(buildIpv4Packet(encodeAdvert(a, { srcIp: src, dstIp: dst }), src, dst), 4));
    v4(advert({}), '192.168.200.2', '224.0.0.18');
    v4(advert({ authType: 1, authData: Buffer.from('secret1\0'), addresses: ['10.0.0.100', '10.0.0.101'] }), '10.0.0.1', '224.0.0.18');
    v4(advert({ version: 3, advertIntCs: 50, authData: Buffer.alloc(0) }), '192.168.200.2', '224.0.0.18');
    v4(advert({ version: 3, authData: Buffer.alloc(0), priority: 0 }), '192.168.200.2', '192.168.200.3'); // unicast
    const a6 = advert({ version: 3, family: 6, addresses: ['fe80::100', '2001:db8::100'], authData: Buffer.alloc(0) });
    frames.push(ethernet(ipv6Packet(encodeAdvert(a6, { srcIp: 'fe80::2', dstIp: 'ff02::12' }), 'fe80::2', 'ff02::12'), 6));
    const dir = mkdtempSync(join(tmpdir(), 'vrrpcore-'));
    try {
      const file = join(dir, 'ours.pcap');
      writeFileSync(file, writePcap(frames));
      let out: string;
      try {
        out = execFileSync('tshark', ['-r', file, '-V', '-o', 'ip.check_checksum:TRUE'], { encoding: 'utf8', timeout: 60_000 });
      } catch (e) {
        throw new Error(`tshark is required for this test (apt-get install tshark): ${(e as Error).message}`);
      }
      const good = out.match(/\[Checksum Status: Good\]/g) ?? [];
      expect(out).not.toMatch(/Checksum Status: Bad/);
      expect(good.length).toBe(frames.length);
      expect(out).toMatch(/Auth Type: Simple Text Authentication/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
