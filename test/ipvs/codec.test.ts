// The IPVS codec on the host: round trips of every record, decoding of
// attribute buffers written by hand from include/uapi/linux/ip_vs.h (so the
// encoder is not checking itself), malformed input turned into errors, and
// address text matching glibc's inet_ntop (python's socket module is the oracle).
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import {
  decodeDaemon, decodeDest, decodeInfo, decodeService, decodeTimeouts,
  encodeDaemon, encodeDest, encodeInfo, encodeService, encodeTimeouts,
  NO_SERVICE_FLAGS, type IpvsDaemon, type IpvsDest, type IpvsService,
} from '../../src/ipvs/codec.js';
import { AttrDecodeError, encodeAttrs } from '../../src/ipvs/attrs.js';
import { addressToBytes, bytesToAddress, ipv4ToNumber } from '../../src/ipvs/addr.js';
import { isIPv4 } from 'node:net';
import { replyPayloads, toIpvsError } from '../../src/ipvs/client.js';
import { IpvsError } from '../../src/ipvs/errors.js';
import { destLabel, keepalivedRsName, keepalivedVsName, serviceLabel } from '../../src/ipvs/format.js';

const enc = (attrs: Parameters<typeof encodeAttrs>[0]) => encodeAttrs(attrs);

/** struct nlattr by hand: u16 len (host order, LE here), u16 type, value, pad to 4. */
function nla(type: number, value: number[] | Buffer): Buffer {
  const v = Buffer.from(value);
  const len = 4 + v.length;
  const b = Buffer.alloc((len + 3) & ~3);
  b.writeUInt16LE(len, 0);
  b.writeUInt16LE(type, 2);
  v.copy(b, 4);
  return b;
}
const le16 = (n: number) => [n & 0xff, n >> 8];
const le32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
const cstr = (s: string) => [...Buffer.from(s), 0];

const services: IpvsService[] = [
  { family: 'inet', protocol: 'tcp', address: '10.0.0.1', port: 80, scheduler: 'wlc', flags: NO_SERVICE_FLAGS, timeoutSec: 0, netmask: 0xffffffff, peName: '' },
  { family: 'inet', protocol: 'udp', address: '192.168.1.254', port: 53, scheduler: 'sh',
    flags: { ...NO_SERVICE_FLAGS, schedFallback: true, schedPort: true, onePacket: true }, timeoutSec: 0, netmask: 0xffffffff, peName: '' },
  { family: 'inet', protocol: 'sctp', address: '10.1.2.3', port: 3868, scheduler: 'rr',
    flags: { ...NO_SERVICE_FLAGS, persistent: true }, timeoutSec: 300, netmask: 0xffffff00, peName: 'sip' },
  { family: 'inet', fwmark: 5, scheduler: 'lc', flags: { ...NO_SERVICE_FLAGS, persistent: true, hashed: true }, timeoutSec: 600, netmask: 0xffff0000, peName: '' },
  { family: 'inet6', protocol: 'tcp', address: '2001:db8::1', port: 443, scheduler: 'mh',
    flags: { ...NO_SERVICE_FLAGS, schedPort: true, sched3: true, persistent: true }, timeoutSec: 60, netmask: 64, peName: '' },
  { family: 'inet6', fwmark: 0xffffffff, scheduler: 'fo', flags: NO_SERVICE_FLAGS, timeoutSec: 0, netmask: 128, peName: '' },
];

const baseDest = { upperThreshold: 0, lowerThreshold: 0, tunType: 'ipip', tunPort: 0, tunFlags: { csum: false, remcsum: false } } as const;
const dests: IpvsDest[] = [
  { ...baseDest, family: 'inet', address: '10.0.0.2', port: 80, fwdMethod: 'droute', weight: 3 },
  { ...baseDest, family: 'inet', address: '10.0.0.3', port: 8080, fwdMethod: 'masq', weight: 0, upperThreshold: 1000, lowerThreshold: 100 },
  { ...baseDest, family: 'inet', address: '10.0.0.4', port: 80, fwdMethod: 'local', weight: 65535 },
  { ...baseDest, family: 'inet', address: '10.0.0.5', port: 80, fwdMethod: 'bypass', weight: 1 },
  { ...baseDest, family: 'inet', address: '10.0.0.6', port: 80, fwdMethod: 'tunnel', weight: 2 },
  { ...baseDest, family: 'inet', address: '10.0.0.7', port: 80, fwdMethod: 'tunnel', weight: 2, tunType: 'gue', tunPort: 6080, tunFlags: { csum: true, remcsum: false } },
  { ...baseDest, family: 'inet', address: '10.0.0.8', port: 80, fwdMethod: 'tunnel', weight: 2, tunType: 'gre', tunFlags: { csum: false, remcsum: true } },
  { ...baseDest, family: 'inet6', address: 'fe80::1:2', port: 8443, fwdMethod: 'masq', weight: 10 },
];

const daemons: IpvsDaemon[] = [
  { state: 'master', mcastIfn: 'eth0', syncId: 5, syncMaxLen: 0, mcastGroup: '', mcastPort: 0, mcastTtl: 0 },
  { state: 'backup', mcastIfn: 'bond0.100', syncId: 255, syncMaxLen: 1400, mcastGroup: '224.0.0.82', mcastPort: 8849, mcastTtl: 2 },
  { state: 'master', mcastIfn: 'eth1', syncId: 1, syncMaxLen: 1472, mcastGroup: 'ff02::1:81', mcastPort: 8848, mcastTtl: 1 },
];

describe('round trips', () => {
  it.each(services.map((s) => [serviceLabel(s), s] as const))('service %s', (_l, s) => {
    expect(decodeService(enc(encodeService(s)))).toEqual(s);
  });
  it.each(dests.map((d) => [`${d.fwdMethod} ${destLabel(d)}`, d] as const))('real server %s', (_l, d) => {
    expect(decodeDest(enc(encodeDest(d)), 'inet')).toEqual(d);
  });
  it.each(daemons.map((d) => [`${d.state} ${d.mcastIfn}`, d] as const))('sync daemon %s', (_l, d) => {
    expect(decodeDaemon(enc(encodeDaemon(d)))).toEqual(d);
  });
  it('timeouts and info', () => {
    const t = { tcpSec: 900, tcpFinSec: 120, udpSec: 300 };
    expect(decodeTimeouts(enc(encodeTimeouts(t)))).toEqual(t);
    const i = { version: '1.2.1', versionCode: 0x010201, connTabSize: 4096 };
    expect(decodeInfo(enc(encodeInfo(i)))).toEqual(i);
  });
});

describe('decoding buffers laid out by hand from ip_vs.h', () => {
  it('a TCP service as the kernel dumps it (16-byte address, flags+mask, stats64)', () => {
    const stats64 = Buffer.concat([1, 2, 3, 4, 5].map((t) => nla(t, [...le32(t * 10), 0, 0, 0, 0])));
    const buf = Buffer.concat([
      nla(1, le16(2)), // IPVS_SVC_ATTR_AF = AF_INET
      nla(2, le16(6)), // PROTOCOL = TCP
      nla(3, [10, 0, 0, 1, ...new Array(12).fill(0)]), // ADDR, union nf_inet_addr
      nla(4, [0x00, 0x50]), // PORT 80, network order
      nla(6, cstr('wrr')), // SCHED_NAME
      nla(7, [...le32(0x0003), ...le32(0xffffffff)]), // FLAGS: persistent|hashed, mask
      nla(8, le32(360)), // TIMEOUT
      nla(9, [255, 255, 255, 0]), // NETMASK, network order
      nla(12, stats64), // STATS64
    ]);
    expect(decodeService(buf)).toEqual({
      family: 'inet', protocol: 'tcp', address: '10.0.0.1', port: 80, scheduler: 'wrr',
      flags: { ...NO_SERVICE_FLAGS, persistent: true, hashed: true }, timeoutSec: 360, netmask: 0xffffff00, peName: '',
      stats: { conns: 10, inpkts: 20, outpkts: 30, inbytes: 40, outbytes: 50, cps: 0, inpps: 0, outpps: 0, inbps: 0, outbps: 0 },
    });
  });

  it('an IPv6 fwmark service (prefix length as plain u32)', () => {
    const buf = Buffer.concat([
      nla(1, le16(10)), nla(5, le32(77)), nla(6, cstr('sh')), nla(7, [...le32(0x18), ...le32(0xffffffff)]),
      nla(8, le32(0)), nla(9, le32(96)), nla(11, cstr('sip')),
    ]);
    expect(decodeService(buf)).toEqual({
      family: 'inet6', fwmark: 77, scheduler: 'sh', flags: { ...NO_SERVICE_FLAGS, schedFallback: true, schedPort: true },
      timeoutSec: 0, netmask: 96, peName: 'sip',
    });
  });

  it('a real server with counters, old-style 32-bit stats and a GUE tunnel', () => {
    const stats = Buffer.concat([nla(1, le32(7)), nla(4, [...le32(1000), 0, 0, 0, 0])]); // conns u32, inbytes u64
    const buf = Buffer.concat([
      nla(1, [10, 0, 0, 9, ...new Array(12).fill(0)]), nla(2, [0x1f, 0x90]), nla(3, le32(2)), nla(4, le32(5)),
      nla(5, le32(50)), nla(6, le32(5)), nla(7, le32(3)), nla(8, le32(4)), nla(9, le32(1)), nla(10, stats),
      nla(11, le16(2)), nla(13, [1]), nla(14, [0x17, 0xc0]), nla(15, le16(3)),
    ]);
    expect(decodeDest(buf, 'inet6')).toEqual({
      family: 'inet', address: '10.0.0.9', port: 8080, fwdMethod: 'tunnel', weight: 5, upperThreshold: 50, lowerThreshold: 5,
      tunType: 'gue', tunPort: 6080, tunFlags: { csum: true, remcsum: true }, activeConns: 3, inactConns: 4, persistConns: 1,
      stats: { conns: 7, inpkts: 0, outpkts: 0, inbytes: 1000, outbytes: 0, cps: 0, inpps: 0, outpps: 0, inbps: 0, outbps: 0 },
    });
  });

  it('a real server without ADDR_FAMILY takes the service family (kernels before 4.x)', () => {
    const v6 = [0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 2];
    const buf = Buffer.concat([nla(1, v6), nla(2, [0, 80]), nla(3, le32(0)), nla(4, le32(1)), nla(5, le32(0)), nla(6, le32(0))]);
    expect(decodeDest(buf, 'inet6')).toMatchObject({ family: 'inet6', address: '2001:db8::2', port: 80, fwdMethod: 'masq' });
  });

  it('a sync daemon with the 4.x options and the GET_INFO / GET_CONFIG replies', () => {
    const d = Buffer.concat([nla(1, le32(2)), nla(2, cstr('eth0')), nla(3, le32(9)), nla(4, le16(1500)),
      nla(5, [224, 0, 0, 81]), nla(7, le16(8848)), nla(8, [1])]);
    expect(decodeDaemon(d)).toEqual({ state: 'backup', mcastIfn: 'eth0', syncId: 9, syncMaxLen: 1500, mcastGroup: '224.0.0.81', mcastPort: 8848, mcastTtl: 1 });
    expect(decodeInfo(Buffer.concat([nla(1, le32(0x010201)), nla(2, le32(4096))]))).toEqual({ version: '1.2.1', versionCode: 0x010201, connTabSize: 4096 });
    expect(decodeTimeouts(Buffer.concat([nla(4, le32(900)), nla(5, le32(120)), nla(6, le32(300))]))).toEqual({ tcpSec: 900, tcpFinSec: 120, udpSec: 300 });
  });

  it('encodes what the kernel parses: ip_vs_flags with a full mask, IPv4 netmask in network order', () => {
    const out = enc(encodeService(services[2]!));
    expect(out.includes(Buffer.from([...le32(1), ...le32(0xffffffff)]))).toBe(true);
    expect(out.includes(nla(9, [255, 255, 255, 0]))).toBe(true);
    expect(out.includes(nla(4, [0x0f, 0x1c]))).toBe(true); // port 3868 big-endian
    expect(out.includes(nla(11, cstr('sip')))).toBe(true);
  });
});

describe('malformed input', () => {
  const good = enc(encodeService(services[0]!));
  it('a truncated attribute', () => {
    expect(() => decodeService(good.subarray(0, good.length - 3))).toThrow(AttrDecodeError);
    expect(() => decodeService(Buffer.from([2, 0, 1, 0]))).toThrow(/length 2/);
  });
  it('missing or short required attributes', () => {
    expect(() => decodeService(nla(1, le16(2)))).toThrow(/service: missing attribute 2/);
    expect(() => decodeService(Buffer.concat([nla(1, [2]), nla(2, le16(6))]))).toThrow(/service af: expected 2 bytes, got 1/);
    expect(() => decodeDest(nla(1, [10, 0, 0]), 'inet')).toThrow(/IPv4 address needs 4 bytes, got 3/);
  });
  it('unknown enumerations', () => {
    expect(() => decodeService(Buffer.concat([nla(1, le16(99))]))).toThrow(/unknown address family 99/);
    expect(() => decodeService(Buffer.concat([nla(1, le16(2)), nla(2, le16(1)), nla(3, [1, 2, 3, 4]), nla(4, [0, 1])]))).toThrow(/unknown protocol 1/);
    expect(() => decodeDaemon(Buffer.concat([nla(1, le32(3)), nla(2, cstr('x')), nla(3, le32(1))]))).toThrow(/unknown state 3/);
  });
  it('a kernel errno, an unexpected message type and a short message become IpvsErrors naming the servers', () => {
    const ctx = { service: { family: 'inet' as const, protocol: 'tcp' as const, address: '10.0.0.1', port: 80 },
      dest: { family: 'inet' as const, address: '10.0.0.2', port: 80 } };
    const errMsg = (errno: number) => ({ type: 2, flags: 0, seq: 1, port: 0, data: Buffer.from([...le32(-errno >>> 0), ...new Array(16).fill(0)]) });
    expect(() => replyPayloads([errMsg(22)], 30, 'addDest', ctx)).toThrow(
      'cannot add real server 10.0.0.2:80 to TCP 10.0.0.1:80: invalid argument (no route to the real server?)');
    expect(() => replyPayloads([errMsg(17)], 30, 'delService', ctx)).toThrow('cannot delete virtual server TCP 10.0.0.1:80: file already exists');
    expect(replyPayloads([errMsg(0)], 30, 'flush', {})).toEqual([]);
    for (const bad of [{ type: 31, flags: 0, seq: 1, port: 0, data: Buffer.alloc(8) }, { type: 30, flags: 0, seq: 1, port: 0, data: Buffer.alloc(2) },
      { type: 2, flags: 0, seq: 1, port: 0, data: Buffer.alloc(2) }]) {
      let caught: unknown;
      try { replyPayloads([bad], 30, 'listDests', ctx); } catch (e) { caught = toIpvsError(e, 'listDests', ctx); }
      expect(caught).toBeInstanceOf(IpvsError);
      expect((caught as IpvsError).kind).toBe('malformed');
      expect((caught as IpvsError).message).toMatch(/^cannot list real servers of TCP 10\.0\.0\.1:80: malformed reply from the kernel: /);
    }
  });
});

describe('addresses', () => {
  // glibc inet_ntop through python: the same text ipvsadm and keepalived print.
  const samples = ['2001:db8::1', '::1', '::', '::ffff:1.2.3.4', '2001:db8:0:1:0:0:0:1', '1:0:0:2:0:0:0:3', '0:0:1:0:0:0:0:0',
    'fe80::1:2', '2001:DB8:0:0:1:0:0:1', '1:2:3:4:5:6:7:8', '::7f00:1', '::1.2.3.4', '1::', 'ff02::1:81', '2001:db8::a:0:0:1'];
  it('IPv6 text matches inet_ntop(inet_pton(x)) for tricky cases', () => {
    const py = 'import socket,sys\nfor a in sys.argv[1:]: print(socket.inet_ntop(socket.AF_INET6, socket.inet_pton(socket.AF_INET6, a)))';
    const expected = execFileSync('python3', ['-c', py, ...samples], { encoding: 'utf8' }).trim().split('\n');
    expect(samples.map((s) => bytesToAddress(addressToBytes(s, 'inet6'), 'inet6'))).toEqual(expected);
  });
  it('rejects text that is not an address of the family', () => {
    expect(() => addressToBytes('10.0.0.1', 'inet6')).toThrow(/not an IPv6 address/);
    expect(() => addressToBytes('10.0.0.256', 'inet')).toThrow(/not an IPv4 address/);
  });
  it('IPv4 text is parsed without split or regex, accepting exactly what node\'s isIPv4 accepts', () => {
    const fixed = ['0.0.0.0', '255.255.255.255', '10.1.3.250', '1.2.3.4', '01.2.3.4', '1.2.3.04', '00.0.0.0', '1.2.3', '1.2.3.4.5',
      '1..3.4', '.1.2.3', '1.2.3.', '256.1.1.1', '1.2.3.4 ', ' 1.2.3.4', '1.2.3.4/24', '1.2.3.-4', '', '1234.1.1.1', '::1', '1.2.3.a'];
    // Random strings over the characters that matter, mostly near-addresses.
    let seed = 12345;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) >>> 0; return seed % n; };
    const alphabet = '0123456789...';
    const random = Array.from({ length: 5000 }, () => Array.from({ length: 1 + rnd(15) }, () => alphabet[rnd(alphabet.length)]).join(''));
    const octets = Array.from({ length: 2000 }, () => Array.from({ length: 4 }, () => String(rnd(300))).join('.'));
    for (const t of [...fixed, ...random, ...octets]) {
      const n = ipv4ToNumber(t);
      expect(n !== undefined, t).toBe(isIPv4(t));
      if (n !== undefined) expect(n, t).toBe(t.split('.').reduce((a, p) => a * 256 + Number(p), 0));
    }
    expect(addressToBytes('10.1.3.250', 'inet')).toEqual(Buffer.from([10, 1, 3, 250]));
  });
});

describe('labels', () => {
  const tcp6 = { family: 'inet6', protocol: 'udp', address: '2001:db8::1', port: 53 } as const;
  const fwm = { family: 'inet6', fwmark: 9 } as const;
  it('ipvsadm style, as error messages use them', () => {
    expect(serviceLabel(tcp6)).toBe('UDP [2001:db8::1]:53');
    expect(serviceLabel(fwm)).toBe('FWM 9 IPv6');
    expect(destLabel({ family: 'inet6', address: 'fe80::2', port: 0 })).toBe('[fe80::2]:0');
  });
  it('keepalived style (FMT_VS / FMT_RS), as its log lines use them', () => {
    expect(keepalivedVsName(tcp6)).toBe('[2001:db8::1]:udp:53');
    expect(keepalivedRsName(tcp6, { address: '2001:db8::2', port: 5353 })).toBe('[2001:db8::2]:udp:5353');
    expect(keepalivedVsName(fwm)).toBe('FWM 9');
    expect(keepalivedRsName(fwm, { address: '10.0.0.4', port: 53 })).toBe('[10.0.0.4]:none:53');
  });
});
