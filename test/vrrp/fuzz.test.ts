// Decoder fuzz: 1,000,000 random and mutated packets through the validator (and a share through the engine).
// No exception may escape, and every input lands in exactly one reject reason or is accepted.
import { describe, expect, it } from 'vitest';
import { buildIpv4Packet, encodeAdvert } from '../../src/vrrp/packet.js';
import { checkPacket, REJECT_REASONS, type CheckConfig, type ReceivedPacket, type RejectReason } from '../../src/vrrp/validate.js';
import { newStats } from '../../src/vrrp/stats.js';
import { VrrpInstance } from '../../src/vrrp/instance.js';
import { vrrpParams } from '../../src/vrrp/params.js';

const TOTAL = 1_000_000;

/** xorshift32: fast, deterministic. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
}

const base4: CheckConfig = {
  iname: 'FZ', family: 4, version: 2, vrid: 51, authType: 1, authPass: Buffer.from('secret1\0'), advertIntCs: 100,
  vips: ['10.0.0.100', '10.0.0.101'], unicast: false, unicastPeers: [], checkUnicastSrc: false, v3ChecksumAsV2: false,
  unicastChecksumCompat: 'none', mcastGroup4: '224.0.0.18',
};
const configs: CheckConfig[] = [
  base4,
  { ...base4, version: 3, authType: 0, authPass: Buffer.alloc(8), vips: ['10.0.0.100'], advertIntCs: 50 },
  { ...base4, version: 3, authType: 0, authPass: Buffer.alloc(8), vips: ['10.0.0.100'], unicast: true, checkUnicastSrc: true,
    unicastPeers: [{ ip: '10.0.0.2', minTtl: 250, maxTtl: 255 }] },
  { ...base4, family: 6, version: 3, authType: 0, authPass: Buffer.alloc(8), vips: ['fe80::100', '2001:db8::100'] },
  base4, // delivered as payload + addresses, as src/net's IPv4 socket does
];
const PAYLOAD_FORM = 4;

/** A valid packet for each config, the seed of the mutations; `vips` varies the address list. */
function seedPacket(cfg: CheckConfig, vips = cfg.vips, payloadForm = false): ReceivedPacket {
  const dst = cfg.family === 6 ? 'ff02::12' : cfg.unicast ? '10.0.0.1' : '224.0.0.18';
  const src = cfg.family === 6 ? 'fe80::2' : '10.0.0.2';
  const payload = encodeAdvert({
    version: cfg.version, type: 1, vrid: cfg.vrid, priority: 200, family: cfg.family, addresses: [...vips],
    advertIntCs: cfg.advertIntCs, authType: cfg.authType, authData: cfg.authPass,
  }, { srcIp: src, dstIp: dst });
  return cfg.family === 6 || payloadForm
    ? { family: cfg.family, payload, srcIp: src, dstIp: dst, ttl: 255 }
    : { family: 4, packet: buildIpv4Packet(payload, src, dst) };
}

function bytesOf(rx: ReceivedPacket): Buffer { return 'packet' in rx ? rx.packet : rx.payload; }
function withBytes(rx: ReceivedPacket, b: Buffer): ReceivedPacket { return 'packet' in rx ? { family: 4, packet: b } : { ...rx, payload: b }; }

function mutate(rnd: () => number, seed: Buffer, scratch: Buffer): Buffer {
  const kind = rnd() % 6;
  if (kind === 0) { // pure random bytes, random length 0..120
    const len = rnd() % 121;
    for (let i = 0; i < len; i++) scratch[i] = rnd() & 0xff;
    return Buffer.from(scratch.subarray(0, len));
  }
  const b = Buffer.from(seed);
  if (kind === 1) { b[rnd() % b.length] ^= 1 << (rnd() % 8); return b; } // one bit flip
  if (kind === 2) { for (let k = 1 + (rnd() % 4); k > 0; k--) b[rnd() % b.length] = rnd() & 0xff; return b; }
  if (kind === 3) return b.subarray(0, rnd() % b.length); // truncation
  if (kind === 4) { // extension with junk
    const extra = Buffer.alloc(1 + (rnd() % 40));
    for (let i = 0; i < extra.length; i++) extra[i] = rnd() & 0xff;
    return Buffer.concat([b, extra]);
  }
  // header fields that matter most: version/type, vrid, naddr, auth type, interval, IP ttl/len
  const fields = [0, 1, 3, 4, 5];
  const off = b.length > 40 && seed[0] === 0x45 ? 20 : 0;
  b[off + fields[rnd() % fields.length]!] = rnd() & 0xff;
  if (off && rnd() % 2) b[8] = rnd() & 0xff;
  return b;
}

describe('VRRP decoder fuzz', () => {
  it(`survives ${TOTAL} random and mutated packets, each counted once`, () => {
    const rnd = prng(0x5eed1234);
    const seeds = configs.map((c, i) => seedPacket(c, c.vips, i === PAYLOAD_FORM));
    // Well-formed adverts with other address lists (count or content), pre-generated.
    const others = configs.map((c, i) => [[], c.vips.slice(0, 1).map((a) => a.replace(/100$/, '99')), [...c.vips, ...c.vips]]
      .map((v) => seedPacket(c, v, i === PAYLOAD_FORM)));
    const counts = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>;
    let accepted = 0;
    const scratch = Buffer.alloc(256);
    const stats = newStats();
    const started = Date.now();
    for (let i = 0; i < TOTAL; i++) {
      const which = i % configs.length;
      const seed = seeds[which]!;
      const rx = i % 50 === 0 ? withBytes(seed, Buffer.from(bytesOf(seed)))
        : i % 25 === 2 ? others[which]![rnd() % 3]!
        : withBytes(seed, mutate(rnd, bytesOf(seed), scratch));
      if ('payload' in rx && i % 7 === 0) rx.ttl = i % 14 === 0 ? null : i % 21 === 0 ? -1 : 64;
      let r;
      try {
        r = checkPacket(rx, configs[which]!, (i & 1) === 0, stats);
      } catch (e) {
        throw new Error(`input ${i} (${bytesOf(rx).toString('hex')}) threw: ${(e as Error).stack}`);
      }
      if (r.ok) accepted++;
      else counts[r.reason]++;
    }
    const elapsedMs = Date.now() - started;
    const rejected = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(`fuzz: ${TOTAL} inputs in ${elapsedMs} ms, accepted ${accepted}`, counts);
    expect(accepted + rejected).toBe(TOTAL);
    expect(accepted).toBeGreaterThanOrEqual(TOTAL / 50 / 2); // the unmutated seeds at least (half skip the VIP check)
    // The mutations reach deep into the checks, not only the first one.
    for (const r of ['too_short', 'unknown_vrid', 'packet_len', 'ttl', 'version', 'checksum', 'invalid_type', 'addr_count', 'advert_interval', 'auth_failure', 'addr_list', 'ip_len', 'peer_ttl', 'cast_mismatch'] as const) {
      expect(counts[r], r).toBeGreaterThan(0);
    }
  }, 120_000);

  it('the engine takes 100,000 mutated packets without throwing or leaving BACKUP', () => {
    const rnd = prng(42);
    const inst = new VrrpInstance(vrrpParams({ iname: 'FZ', interface: 'eth0', vrid: 51, priority: 100, vips: ['10.0.0.100'], primaryIp: '10.0.0.1', version: 3, advertIntCs: 50 }));
    inst.handle({ type: 'start' }, 0);
    const seed = bytesOf(seedPacket(configs[1]!));
    const scratch = Buffer.alloc(256);
    for (let i = 0; i < 100_000; i++) {
      const b = mutate(rnd, seed, scratch);
      inst.handle({ type: 'packetReceived', rx: { family: 4, packet: b } }, 1 + i * 0.001);
    }
    // Some mutants are valid adverts from priority 200 masters, so BACKUP is the only possible state.
    expect(inst.state).toBe('BACKUP');
    const rejected = Object.values(inst.rejects).reduce((a, b) => a + b, 0);
    // advert_rcvd also counts adverts rejected after it (address list / unicast peer checks), as keepalived does.
    const lateRejects = inst.rejects.addr_list + inst.rejects.not_peer + inst.rejects.peer_ttl;
    expect(rejected + inst.stats.advert_rcvd - lateRejects).toBe(100_000);
  }, 60_000);
});
