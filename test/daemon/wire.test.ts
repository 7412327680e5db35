// On the wire (lab prefix kd3): for the same config in the same namespace, keepalived-ts's adverts are
// byte for byte keepalived 2.2.7's (IP header apart from the ID/checksum, VRRP payload whole), and tshark
// dissects every one of ours as VRRP with a good checksum. Variants: v2, v2 PASS auth, v3, v2 unicast.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLab, waitFor, type Lab } from '../lab/lab.js';
import { startKeepalived, vrrpConf, type KeepalivedHandle } from '../lab/keepalived.js';
import { tsharkFields } from '../net/pcap.js';
import { readPcapRecords } from '../vrrp/pcap.js';
import { startOurs } from './ours.js';

let lab: Lab;
beforeAll(async () => { lab = await createLab({ prefix: 'kd3', routers: 2 }); }, 30_000);
afterAll(async () => { await lab?.destroy(); });

interface Advert { ip: Buffer; payload: Buffer }

/** IPv4 VRRP packets in a capture (Ethernet framing removed). */
function vrrpPackets(file: string): Advert[] {
  return readPcapRecords(readFileSync(file))
    .filter((r) => r.frame.readUInt16BE(12) === 0x0800 && r.frame[14 + 9] === 112)
    .map((r) => {
      const ip = r.frame.subarray(14);
      const ihl = (ip[0]! & 0x0f) * 4;
      return { ip: ip.subarray(0, ihl), payload: ip.subarray(ihl, ip.readUInt16BE(2)) };
    });
}

/** IPv4 header with ID and header checksum zeroed (keepalived increments the ID per packet). */
function ipComparable(h: Buffer): string {
  const c = Buffer.from(h);
  c.writeUInt16BE(0, 4);
  c.writeUInt16BE(0, 10);
  return c.toString('hex');
}

/** Runs one daemon as the only router on r1 until it has sent 2 adverts as master; returns its capture. */
async function adverts(which: 'ours' | 'keepalived', conf: string): Promise<{ file: string; adverts: Advert[] }> {
  const cap = await lab.capture('r2', 'eth0', ['ip', 'proto', '112'], `${which}-${Date.now()}`);
  const h: KeepalivedHandle = which === 'ours' ? startOurs(lab, 'r1', conf) : startKeepalived(lab, 'r1', conf);
  try {
    await waitFor(() => h.log().includes('Entering MASTER STATE'), { timeoutMs: 15_000, what: `${which} becomes master` });
    await new Promise((r) => setTimeout(r, 1300));
  } finally {
    await h.stop();
  }
  const file = await cap.stop();
  return { file, adverts: vrrpPackets(file) };
}

const VARIANTS = [
  { name: 'v2 multicast', extra: '' },
  { name: 'v2 PASS auth', extra: 'authentication {\n        auth_type PASS\n        auth_pass s3cret\n    }' },
  { name: 'v3 multicast', extra: 'version 3' },
  { name: 'v2 unicast', extra: 'unicast_peer {\n        PEER\n    }' },
];

describe('adverts on the wire', () => {
  for (const [i, v] of VARIANTS.entries()) {
    it(`${v.name}: tshark-valid, equal to keepalived's bytes`, async () => {
      const conf = vrrpConf({
        routerId: 'wire', vrid: 70 + i, priority: 150, advertInt: 1, state: 'MASTER',
        vips: [`${lab.vip4(200)}/24`, `${lab.vip4(201)}/24`], extra: v.extra.replace('PEER', lab.ip4('r2')),
      });
      const ours = await adverts('ours', conf);
      const theirs = await adverts('keepalived', conf);
      expect(ours.adverts.length).toBeGreaterThanOrEqual(2);
      expect(theirs.adverts.length).toBeGreaterThanOrEqual(2);

      const rows = await tsharkFields(ours.file, 'vrrp', ['vrrp.version', 'vrrp.prio', 'vrrp.checksum.status']);
      expect(rows.length).toBe(ours.adverts.length);
      // tshark prints proto_checksum_enum_e: 0 Bad, 1 Good, 2 Unverified.
      for (const [, , status] of rows) expect(status).toBe('1');
      expect(rows[0]![0]).toBe(v.name.startsWith('v3') ? '3' : '2');

      // Master adverts (priority 150) and the final priority-0 advert, each compared with keepalived's.
      const pick = (a: Advert[], prio: number) => a.find((x) => x.payload[2] === prio);
      for (const prio of [150, 0]) {
        const o = pick(ours.adverts, prio);
        const t = pick(theirs.adverts, prio);
        expect(o, `our advert with priority ${prio}`).toBeDefined();
        expect(t, `keepalived's advert with priority ${prio}`).toBeDefined();
        expect(o!.payload.toString('hex')).toBe(t!.payload.toString('hex'));
        expect(ipComparable(o!.ip)).toBe(ipComparable(t!.ip));
      }
    }, 60_000);
  }
});

/** Starts `which` with TMPDIR=dir (both daemons write their dumps there), waits for MASTER, takes the JSON and stats dumps. */
async function dumps(which: 'ours' | 'keepalived', conf: string, dir: string): Promise<{ json: unknown; stats: string }> {
  mkdirSync(dir, { recursive: true });
  const saved = process.env['TMPDIR'];
  process.env['TMPDIR'] = dir; // lab.spawn passes process.env on; vitest isolates this file's process
  let h: KeepalivedHandle;
  try {
    h = which === 'ours' ? startOurs(lab, 'r1', conf) : startKeepalived(lab, 'r1', conf);
  } finally {
    if (saved === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = saved;
  }
  try {
    await waitFor(() => h.log().includes('Entering MASTER STATE'), { timeoutMs: 15_000, what: `${which} becomes master` });
    await new Promise((r) => setTimeout(r, 1200));
    execFileSync('kill', ['-s', 'RTMIN+2', String(h.pid)]);
    execFileSync('kill', ['-s', 'USR2', String(h.pid)]);
    const json = join(dir, 'keepalived.json');
    const stats = join(dir, 'keepalived.stats');
    await waitFor(() => existsSync(json) && existsSync(stats) && readFileSync(json, 'utf8').trimEnd().endsWith(']'),
      { timeoutMs: 5000, what: `${which} writes keepalived.json and keepalived.stats` });
    return { json: JSON.parse(readFileSync(json, 'utf8')), stats: readFileSync(stats, 'utf8') };
  } finally {
    await h.stop();
  }
}

describe('dumps', () => {
  it('keepalived.json and keepalived.stats have keepalived\'s keys, order and values for a running master', async () => {
    const conf = vrrpConf({ routerId: 'dump', vrid: 80, priority: 150, state: 'MASTER', vips: [`${lab.vip4(210)}/24`] });
    const ours = await dumps('ours', conf, join(lab.tmpDir, 'dump-ours'));
    const theirs = await dumps('keepalived', conf, join(lab.tmpDir, 'dump-ka'));
    type Dump = { data: Record<string, unknown>; stats: Record<string, number> }[];
    const [o] = ours.json as Dump;
    const [t] = theirs.json as Dump;
    expect(Object.keys(o!.data)).toEqual(Object.keys(t!.data));
    expect(Object.keys(o!.stats)).toEqual(Object.keys(t!.stats));
    const stable = (d: Record<string, unknown>) => ({ ...d, last_transition: 0 });
    expect(stable(o!.data)).toEqual(stable(t!.data));
    expect(o!.stats['become_master']).toBe(1);
    expect(ours.stats.replace(/\d+/g, 'N')).toBe(theirs.stats.replace(/\d+/g, 'N'));
  }, 60_000);
});
