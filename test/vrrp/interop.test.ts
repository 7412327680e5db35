// Interop with the real keepalived 2.2.7 (/usr/sbin/keepalived) in a private namespace pair:
// our encoder's adverts (v2, PASS auth) hold it in BACKUP, our priority-0 advert makes it take over after
// Skew_Time, and every advert it sends passes our validator. Needs root; fails loudly without it.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIpv4Packet, decodeIpv4Packet, encodeAdvert } from '../../src/vrrp/packet.js';
import { checkPacket } from '../../src/vrrp/validate.js';
import { newStats } from '../../src/vrrp/stats.js';
import { masterDownUs } from '../../src/vrrp/timers.js';
import { readPcapRecords } from './pcap.js';

const NS_KA = 'vrrpcoreIA';
const NS_US = 'vrrpcoreIB';
const KA_IP = '10.98.0.1';
const OUR_IP = '10.98.0.2';
const rawSocketPath = join(import.meta.dirname, '../../node_modules/raw-socket/index.js');
const dir = mkdtempSync(join(tmpdir(), 'vrrpcore-interop-'));
const procs: ChildProcess[] = [];

const sh = (args: string[]) => execFileSync(args[0]!, args.slice(1), { stdio: 'pipe', timeout: 20_000 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function exited(p: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (p.exitCode !== null || p.signalCode !== null) return resolve();
    const t = setTimeout(() => { p.kill('SIGKILL'); resolve(); }, timeoutMs);
    p.once('exit', () => { clearTimeout(t); resolve(); });
  });
}

/** keepalived.conf for the BACKUP instance under test (VRID 61, priority 100, one VIP). */
function kaConf(extra: string[]): string {
  const body = ['state BACKUP', 'interface vrrpcoreia', 'virtual_router_id 61', 'priority 100', ...extra,
    'virtual_ipaddress {', '  10.98.0.100/24', '}'];
  return `vrrp_instance VI_1 {\n${body.map((l) => `  ${l}\n`).join('')}}\n`;
}

function ourAdvert(priority: number, version: 2 | 3 = 2, advertIntCs = 100): string {
  const payload = encodeAdvert({
    version, type: 1, vrid: 61, priority, family: 4, addresses: ['10.98.0.100'], advertIntCs,
    authType: version === 2 ? 1 : 0, authData: Buffer.from(version === 2 ? 'pw' : ''),
  }, { srcIp: OUR_IP, dstIp: '224.0.0.18' });
  return buildIpv4Packet(payload, OUR_IP, '224.0.0.18').toString('hex');
}

const SENDER = `
import { createRequire } from 'node:module';
const raw = createRequire(import.meta.url)(${JSON.stringify(rawSocketPath)});
const plan = JSON.parse(process.argv[2]);
const s = raw.createSocket({ protocol: 112 });
s.setOption(raw.SocketLevel.IPPROTO_IP, raw.SocketOption.IP_HDRINCL, 1);
const t0 = Date.now();
let left = plan.length;
for (const p of plan) setTimeout(() => {
  const b = Buffer.from(p.hex, 'hex');
  s.send(b, 0, b.length, '224.0.0.18', (err) => {
    if (err) { console.error('send failed: ' + err.message); process.exit(1); }
    if (--left === 0) { s.close(); process.exit(0); }
  });
}, p.atMs);
setTimeout(() => { console.error('sender timed out'); process.exit(2); }, 30000);
`;

describe('interop with keepalived 2.2.7', () => {
  beforeAll(() => {
    if (process.getuid?.() !== 0) throw new Error('interop test needs root (network namespaces)');
    if (!existsSync('/usr/sbin/keepalived')) throw new Error('interop test needs /usr/sbin/keepalived (Debian package keepalived)');
    for (const ns of [NS_KA, NS_US]) try { sh(['ip', 'netns', 'del', ns]); } catch { /* not there */ }
    sh(['ip', 'netns', 'add', NS_KA]);
    sh(['ip', 'netns', 'add', NS_US]);
    sh(['ip', 'link', 'add', 'vrrpcoreia', 'netns', NS_KA, 'type', 'veth', 'peer', 'name', 'vrrpcoreib', 'netns', NS_US]);
    sh(['ip', '-n', NS_KA, 'addr', 'add', `${KA_IP}/24`, 'dev', 'vrrpcoreia']);
    sh(['ip', '-n', NS_US, 'addr', 'add', `${OUR_IP}/24`, 'dev', 'vrrpcoreib']);
    for (const [ns, dev] of [[NS_KA, 'vrrpcoreia'], [NS_US, 'vrrpcoreib']] as const) {
      sh(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
      sh(['ip', '-n', ns, 'link', 'set', dev, 'up']);
    }
    sh(['ip', '-n', NS_US, 'route', 'add', '224.0.0.0/4', 'dev', 'vrrpcoreib']);
  });

  afterAll(async () => {
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => exited(p, 3000)));
    for (const ns of [NS_KA, NS_US]) try { sh(['ip', 'netns', 'del', ns]); } catch { /* already gone */ }
    rmSync(dir, { recursive: true, force: true });
  });

  /** Run keepalived with `conf` in NS_KA while the sender plays `plan` from NS_US; returns its log and the capture. */
  async function scenario(name: string, conf: string, plan: { atMs: number; hex: string }[], afterMs: number) {
    const d = join(dir, name);
    mkdirSync(d);
    writeFileSync(join(d, 'ka.conf'), conf);
    writeFileSync(join(d, 'sender.mjs'), SENDER);
    const spawnIn = (ns: string, args: string[], out: string) => {
      const p = spawn('ip', ['netns', 'exec', ns, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      const chunks: Buffer[] = [];
      p.stdout!.on('data', (c: Buffer) => chunks.push(c));
      p.stderr!.on('data', (c: Buffer) => chunks.push(c));
      p.on('exit', () => writeFileSync(join(d, out), Buffer.concat(chunks)));
      procs.push(p);
      return p;
    };
    const pcap = join(d, 'cap.pcap');
    const tcpdump = spawnIn(NS_US, ['tcpdump', '-i', 'vrrpcoreib', '-U', '-w', pcap, 'ip proto 112'], 'tcpdump.log');
    await sleep(800);
    const ka = spawnIn(NS_KA, ['/usr/sbin/keepalived', '-n', '-l', '-D', '-f', join(d, 'ka.conf'),
      '-p', join(d, 'ka.pid'), '-r', join(d, 'vrrp.pid'), '-c', join(d, 'chk.pid'), '-b', join(d, 'bfd.pid')], 'ka.log');
    await sleep(300);
    const sender = spawnIn(NS_US, [process.execPath, join(d, 'sender.mjs'), JSON.stringify(plan)], 'sender.log');
    await exited(sender, 15_000);
    await sleep(50);
    expect(sender.exitCode, readFileSync(join(d, 'sender.log'), 'utf8')).toBe(0);
    await sleep(afterMs);
    ka.kill('SIGTERM');
    await exited(ka, 5000);
    await sleep(300);
    tcpdump.kill('SIGTERM');
    await exited(tcpdump, 3000);
    await sleep(50);
    const records = readPcapRecords(readFileSync(pcap)).map((r) => {
      const ip = decodeIpv4Packet(r.frame.subarray(14));
      if (!ip.ok) throw new Error(ip.detail);
      return { tsMs: r.tsMs, ip: ip.value, raw: r.frame.subarray(14) };
    });
    return {
      log: readFileSync(join(d, 'ka.log'), 'utf8'),
      ours: records.filter((r) => r.ip.srcIp === OUR_IP),
      theirs: records.filter((r) => r.ip.srcIp === KA_IP),
    };
  }

  it('keepalived obeys our adverts and its adverts pass our validator', async () => {
    const conf = kaConf(['advert_int 1', 'authentication {', '  auth_type PASS', '  auth_pass pw', '}']);
    // Priority 200 every second for 5 s (its Master_Down_Interval is 3.61 s), then priority 0.
    const plan = [0, 1000, 2000, 3000, 4000, 5000].map((atMs) => ({ atMs, hex: ourAdvert(200) }));
    plan.push({ atMs: 5500, hex: ourAdvert(0) });
    const { log, ours, theirs } = await scenario('v2', conf, plan, 2500);
    expect(log).toContain('(VI_1) Entering BACKUP STATE (init)');
    expect(log).not.toMatch(/invalid passwd|checksum|auth type|interval mismatch|too (short|long)/);
    expect(log.match(/\(VI_1\) Entering MASTER STATE/g)?.length, log).toBe(1);

    expect(ours.length).toBe(7);
    const zeroAt = ours[6]!.tsMs;
    // Held in BACKUP: nothing from keepalived before our priority 0.
    expect(theirs.filter((r) => r.tsMs < zeroAt)).toEqual([]);
    // Priority 0 → Master_Down_Timer = Skew_Time = (256-100)/256 s = 609 ms (RFC 3768 §6.4.2).
    const takeoverMs = theirs[0]!.tsMs - zeroAt;
    console.log(`keepalived took over ${takeoverMs.toFixed(1)} ms after our priority-0 advert (expected ~609 ms)`);
    expect(takeoverMs).toBeGreaterThan(500);
    expect(takeoverMs).toBeLessThan(1200);

    const cfg = {
      iname: 'VI_1', family: 4 as const, version: 2 as const, vrid: 61, authType: 1, authPass: Buffer.from('pw\0\0\0\0\0\0'),
      advertIntCs: 100, vips: ['10.98.0.100'], unicast: false, unicastPeers: [], checkUnicastSrc: false,
      v3ChecksumAsV2: false, unicastChecksumCompat: 'none' as const, mcastGroup4: '224.0.0.18',
    };
    const prios = theirs.map((r) => {
      const res = checkPacket({ family: 4, packet: r.raw }, cfg, true, newStats());
      if (!res.ok) throw new Error(`keepalived advert rejected: ${res.reason}: ${res.detail}`);
      return res.advert.priority;
    });
    expect(prios.length).toBeGreaterThanOrEqual(2);
    expect(prios.at(-1)).toBe(0); // SIGTERM: "(VI_1) sent 0 priority"
    expect(prios.slice(0, -1).every((p) => p === 100)).toBe(true);
  }, 40_000);

  it('VRRPv3: keepalived learns our 2 s interval; its takeover time equals our masterDownUs()', async () => {
    const conf = kaConf(['version 3', 'advert_int 0.5']);
    // Its own Master_Down is 1.8 s, so three adverts 400 ms apart keep it (or put it back) in BACKUP;
    // after the last one it must wait 3 x 2 s + Skew(100, 2 s).
    const plan = [0, 400, 800].map((atMs) => ({ atMs, hex: ourAdvert(200, 3, 200) }));
    const expectedMs = masterDownUs(3, 100, 2_000_000, 3) / 1000; // 6000 + 156*200*625/16 us = 7218.75 ms
    const { log, ours, theirs } = await scenario('v3', conf, plan, expectedMs + 800);
    expect(log).not.toMatch(/checksum|wrong VRRP version|too (short|long)/);
    expect(ours.length).toBe(3);
    const last = ours[2]!.tsMs;
    const takeover = theirs.find((r) => r.tsMs > last + 100);
    if (!takeover) throw new Error(`keepalived never took over; its log:\n${log}`);
    const waitedMs = takeover.tsMs - last;
    console.log(`keepalived v3 took over ${waitedMs.toFixed(1)} ms after our last advert (engine formula: ${expectedMs} ms)`);
    expect(Math.abs(waitedMs - expectedMs)).toBeLessThan(150);
  }, 40_000);
});

