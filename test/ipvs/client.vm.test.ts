// IpvsClient against a real kernel's IPVS (Debian's 6.1 in qemu, one boot
// for this file). client-vm-script.mjs programs the same table twice, once
// through our client and once with ipvsadm (the oracle), capturing after
// every step ipvsadm's listings and ours. Here we check: ours == ipvsadm's
// everywhere, client-programmed == ipvsadm-programmed (text and decoded
// records), the listings hold what each step asked for, and the kernel's
// refusals come back as messages naming the servers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bootVm, type Vm } from '../vm/vm.js';
import { keepalivedRsName, keepalivedVsName } from '../../src/ipvs/format.js';

interface Capture {
  name: string;
  error: string | null;
  ipvsadm: { list: string; timeout: string; daemon: string };
  ours: { list: string; timeout: string; daemon: string };
  records: unknown;
}
interface ScriptResult {
  info: { version: string; connTabSize: number };
  initial: Capture;
  phaseA: Capture[];
  phaseB: Capture[];
  errors: Record<string, { kind?: string; code?: string; message?: string; ok?: boolean; err?: string; value?: unknown } | null>;
  getService: Record<string, unknown>;
  timing: { clientMs: number; ipvsadmMs: number };
}

const started = Date.now();
let vm: Vm | undefined;
let result: ScriptResult;
let scriptMs = 0;
let kaMs = 0;
let ka: Record<string, string> = {};

// The VM runs the built JavaScript: refuse a dist/ older than src/ipvs.
function requireFreshBuild(): void {
  const built = 'dist/src/ipvs/client.js';
  if (!existsSync(built)) throw new Error(`${built} missing: run \`npm run build\` before the VM tests`);
  const builtAt = statSync(built).mtimeMs;
  for (const f of readdirSync('src/ipvs')) {
    if (statSync(join('src/ipvs', f)).mtimeMs > builtAt) throw new Error(`src/ipvs/${f} is newer than ${built}: run \`npm run build\``);
  }
}

beforeAll(async () => {
  requireFreshBuild();
  vm = await bootVm({ name: 'ipvsclient' });
  const t0 = Date.now();
  // A fresh netns: lo down and no routing table, which the no-route case needs.
  const r = await vm.run('ip netns add ktsipvsclient && ip netns exec ktsipvsclient node test/ipvs/client-vm-script.mjs dist', { timeoutMs: 180_000 });
  scriptMs = Date.now() - t0;
  if (r.exitCode !== 0) throw new Error(`VM script failed (${r.exitCode}): ${r.stderr}\n${r.stdout.slice(0, 2000)}`);
  result = JSON.parse(r.stdout) as ScriptResult;

  const t1 = Date.now();
  const k = await vm.run('sh test/ipvs/keepalived-vm.sh', { timeoutMs: 120_000 });
  kaMs = Date.now() - t1;
  if (k.exitCode !== 0) throw new Error(`keepalived VM script failed (${k.exitCode}): ${k.stderr}\n${k.stdout.slice(0, 3000)}`);
  // Sections "=== name" -> text.
  for (const part of k.stdout.split(/^=== /m).slice(1)) {
    const nl = part.indexOf('\n');
    ka[part.slice(0, nl)] = part.slice(nl + 1);
  }
}, 300_000);

afterAll(async () => {
  await vm?.stop();
  if (vm) {
    console.log(`ipvs client VM: boot ${vm.bootMs} ms (${vm.accel}), script ${scriptMs} ms ` +
      `(client steps ${result?.timing.clientMs} ms, ipvsadm steps ${result?.timing.ipvsadmMs} ms), keepalived run ${kaMs} ms (${ka['timing']?.trim()}), file ${Date.now() - started} ms`);
  }
});

const HEADER = 'IP Virtual Server version 1.2.1 (size=4096)\n' +
  'Prot LocalAddress:Port Scheduler Flags\n' +
  '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n';

describe('IpvsClient on a real kernel', () => {
  it('reads the IPVS info the kernel reports', () => {
    expect(result.info).toMatchObject({ version: '1.2.1', connTabSize: 4096 });
    expect(result.initial.ours).toEqual(result.initial.ipvsadm);
    expect(result.initial.ipvsadm.list).toBe(HEADER);
    expect(result.initial.ipvsadm.timeout).toBe('Timeout (tcp tcpfin udp): 900 120 300\n');
  });

  it('every step succeeds through the client and through ipvsadm', () => {
    expect(result.phaseA.map((s) => [s.name, s.error])).toEqual(result.phaseA.map((s) => [s.name, null]));
    expect(result.phaseB.map((s) => [s.name, s.error])).toEqual(result.phaseB.map((s) => [s.name, null]));
  });

  it('lists exactly what ipvsadm lists, after every step of both phases', () => {
    for (const s of [...result.phaseA, ...result.phaseB]) {
      expect({ step: s.name, ...s.ours }).toEqual({ step: s.name, ...s.ipvsadm });
    }
  });

  it('programs the same kernel state as the same ipvsadm commands', () => {
    result.phaseA.forEach((a, i) => {
      const b = result.phaseB[i]!;
      expect({ step: a.name, ...a.ipvsadm }).toEqual({ step: b.name, ...b.ipvsadm });
      expect({ step: a.name, records: a.records }).toEqual({ step: b.name, records: b.records });
    });
  });

  it('adds TCP/UDP/SCTP/fwmark services, IPv4 and IPv6, with schedulers, flags and persistence, and real servers of every method', () => {
    expect(result.phaseA[1]!.ipvsadm.list).toBe(HEADER +
      'TCP  10.0.0.1:80 wlc\n' +
      '  -> 10.0.0.2:80                  Route   3      0          0         \n' +
      '  -> 10.0.0.3:8080                Masq    1      0          0         \n' +
      '  -> 10.0.0.4:80                  Tunnel  2      0          0         \n' +
      '  -> 10.0.0.5:80                  Tunnel  2      0          0         \n' +
      'TCP  10.0.0.1:443 rr persistent 300 mask 255.255.255.0\n' +
      '  -> 127.0.0.1:443                Route   1      0          0         \n' +
      'UDP  10.0.0.1:53 sh (sh-fallback,sh-port) ops\n' +
      '  -> 10.0.0.2:53                  Masq    0      0          0         \n' +
      'SCTP 10.0.0.1:3868 wrr\n' +
      '  -> 10.0.0.7:3868                Route   4      0          0         \n' +
      'TCP  [2001:db8::1]:80 mh (mh-port) persistent 60 mask 64\n' +
      '  -> [2001:db8::2]:80             Masq    5      0          0         \n' +
      '  -> [2001:db8::10]:80            Route   65535  0          0         \n' +
      'FWM  5 lc persistent 600\n' +
      '  -> 10.0.0.6:0                   Route   1      0          0         \n' +
      'FWM  7 IPv6 sed\n' +
      '  -> [2001:db8::3]:0              Route   1      0          0         \n');
  });

  it('keeps thresholds and tunnel options (not shown by -Ln) as set', () => {
    const records = result.phaseA[2]!.records as { services: { service: { port?: number; protocol?: string }; dests: Record<string, unknown>[] }[] };
    const tcp80 = records.services.find((s) => s.service.protocol === 'tcp' && s.service.port === 80 && (s.service as { family: string }).family === 'inet')!;
    const byAddr = Object.fromEntries(tcp80.dests.map((d) => [d['address'], d]));
    expect(byAddr['10.0.0.2']).toMatchObject({ weight: 7, upperThreshold: 50, lowerThreshold: 5, fwdMethod: 'droute' });
    expect(byAddr['10.0.0.3']).toMatchObject({ weight: 1, upperThreshold: 100, lowerThreshold: 10, fwdMethod: 'masq', port: 8080 });
    expect(byAddr['10.0.0.5']).toMatchObject({ fwdMethod: 'tunnel', tunType: 'gue', tunPort: 6080, tunFlags: { csum: true, remcsum: false } });
    expect(byAddr['10.0.0.4']).toMatchObject({ fwdMethod: 'tunnel', tunType: 'ipip' });
  });

  it('edits and deletes', () => {
    const edited = result.phaseA[2]!.ipvsadm.list;
    expect(edited).toContain('TCP  10.0.0.1:80 rr persistent 120\n  -> 10.0.0.2:80                  Route   7 ');
    expect(edited).toContain('UDP  10.0.0.1:53 sh (sh-port)\n');
    const deleted = result.phaseA[3]!.ipvsadm.list;
    expect(deleted).not.toContain('10.0.0.3:8080');
    expect(deleted).not.toContain('SCTP');
    expect(deleted).not.toContain('[2001:db8::10]');
    expect(deleted).toContain('  -> 10.0.0.4:80 ');
  });

  it('sets timeouts (0 leaves a value unchanged)', () => {
    expect(result.phaseA[4]!.ipvsadm.timeout).toBe('Timeout (tcp tcpfin udp): 1000 90 200\n');
  });

  it('starts and stops sync daemons with their options', () => {
    expect(result.phaseA[5]!.ipvsadm.daemon).toBe(
      'master sync daemon (mcast=lo, syncid=5, maxlen=1400, group=224.0.0.82, port=8849, ttl=2)\n' +
      'backup sync daemon (mcast=lo, syncid=9, maxlen=65507, group=224.0.0.81, port=8848, ttl=1)\n');
    expect(result.phaseA[6]!.ipvsadm.daemon).toBe('master sync daemon (mcast=lo, syncid=5, maxlen=1400, group=224.0.0.82, port=8849, ttl=2)\n');
  });

  it('reads one service by key, and undefined for a missing one', () => {
    expect(result.getService).toMatchObject({ protocol: 'tcp', address: '10.0.0.1', port: 443, scheduler: 'rr', timeoutSec: 300, netmask: 0xffffff00 });
    expect(result.getService['stats']).toMatchObject({ conns: 0, inbytes: 0 });
    expect(result.errors['getMissingService']).toEqual({ value: 'undefined' });
  });

  it('names the servers in kernel refusals', () => {
    const e = result.errors;
    // The ipvs-vm.md quirk: no routing table yet -> EINVAL, which ipvsadm reports as an "Invalid operation".
    expect(e['noRouteIpvsadm']).toEqual({ ok: false, err: 'Invalid operation.  Possibly wrong module version, address not unicast, ...\n' });
    expect(e['noRoute']).toMatchObject({ kind: 'kernel', code: 'EINVAL',
      message: 'cannot add real server 10.0.0.2:80 to TCP 10.0.0.1:80: invalid argument (no route to the real server?)' });
    expect(e['multicastDest']).toMatchObject({ code: 'EINVAL', message: expect.stringContaining('cannot add real server 224.0.0.5:80 to TCP 10.0.0.1:80: ') });
    expect(e['unknownScheduler']).toMatchObject({ code: 'ENOENT', message: "cannot add virtual server TCP 10.0.0.1:8080: no such scheduler 'foo'" });
    expect(e['serviceExists']?.message).toBe('cannot add virtual server TCP 10.0.0.1:80: virtual server already exists');
    expect(e['destExists']?.message).toBe('cannot add real server 10.0.0.2:80 to TCP 10.0.0.1:80: real server already exists');
    expect(e['noSuchService']?.message).toBe('cannot delete virtual server TCP 10.0.0.1:81: no such virtual server');
    expect(e['noSuchDest']?.message).toBe('cannot delete real server 10.0.0.99:80 from TCP 10.0.0.1:80: no such real server');
    expect(e['destOfMissingService']?.message).toBe('cannot add real server 10.0.0.2:80 to TCP 10.0.0.1:81: no such virtual server');
    expect(e['daemonRunning']?.message).toBe('cannot start master sync daemon on lo (syncid 1): sync daemon already running');
    expect(e['noDaemon']?.message).toBe('cannot stop backup sync daemon: no sync daemon running');
  });
});

describe('a table programmed by Debian keepalived 2.2.7 (checker only)', () => {
  it('reads back through our client exactly as ipvsadm lists it', () => {
    const ours = JSON.parse(ka['ours']!) as { list: string; services: { service: Record<string, unknown>; dests: Record<string, unknown>[] }[] };
    expect(ours.list).toBe(ka['ipvsadm']);
    expect(ka['ipvsadm']).toBe(HEADER +
      'TCP  10.0.0.1:80 wrr persistent 50\n' +
      '  -> 10.0.0.2:80                  Route   0      0          0         \n' +
      'FWM  9 sh (sh-port)\n' +
      '  -> 10.0.0.4:53                  Masq    1      0          0         \n');
    const tcp = ours.services.find((s) => s.service['port'] === 80)!;
    expect(tcp.service).toMatchObject({ family: 'inet', protocol: 'tcp', scheduler: 'wrr', timeoutSec: 50, netmask: 0xffffffff,
      flags: { persistent: true, hashed: true, onePacket: false, schedFallback: false, schedPort: false, sched3: false } });
    expect(tcp.dests).toEqual([expect.objectContaining({ address: '10.0.0.2', port: 80, fwdMethod: 'droute', weight: 0 })]);
  });

  it('failed TCP_CHECKs disabled (inhibit_on_failure) or removed the real servers, and stop removed everything', () => {
    const vs = { family: 'inet', protocol: 'tcp', address: '10.0.0.1', port: 80 } as const;
    const fwm = { family: 'inet', fwmark: 9 } as const;
    expect(ka['log']).toContain(`Disabling service ${keepalivedRsName(vs, { address: '10.0.0.2', port: 80 })} of VS ${keepalivedVsName(vs)}\n`);
    expect(ka['log']).toContain(`Removing service ${keepalivedRsName(vs, { address: '10.0.0.3', port: 80 })} from VS ${keepalivedVsName(vs)}\n`);
    expect(ka['log']).toContain(`Shutting down service ${keepalivedRsName(fwm, { address: '10.0.0.4', port: 53 })} from VS ${keepalivedVsName(fwm)}\n`);
    expect(ka['log']).toContain('Disabling service [10.0.0.2]:tcp:80 of VS [10.0.0.1]:tcp:80\n');
    expect(ka['log']).toContain('Shutting down service [10.0.0.4]:none:53 from VS FWM 9\n');
    expect(ka['after stop']).toBe(HEADER);
  });
});
