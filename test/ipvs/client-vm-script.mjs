// Runs INSIDE the IPVS VM (see client.vm.test.ts), from the built dist/.
// Phase A programs a table step by step through IpvsClient; phase B programs
// the same steps with ipvsadm (the oracle). After each step both phases
// capture ipvsadm's own listings and our listings of what the kernel holds.
// Prints one JSON document on stdout.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const dist = resolve(process.argv[2] ?? 'dist');
const ipvs = await import(`${dist}/src/ipvs/index.js`);
const { IpvsClient, NO_SERVICE_FLAGS, formatIpvsadmList, formatTimeouts, formatDaemons } = ipvs;

const sh = (cmd) => {
  try {
    return { out: execFileSync('/bin/sh', ['-c', cmd], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }), err: '', ok: true };
  } catch (e) {
    return { out: String(e.stdout ?? ''), err: String(e.stderr ?? ''), ok: false };
  }
};

const flags = (f = {}) => ({ ...NO_SERVICE_FLAGS, ...f });
const svc = (key, scheduler, rest = {}) => ({ ...key, scheduler, flags: flags(rest.flags), timeoutSec: rest.timeoutSec ?? 0,
  netmask: rest.netmask ?? (key.family === 'inet' ? 0xffffffff : 128), peName: rest.peName ?? '' });
const dest = (family, address, port, fwdMethod, weight, rest = {}) => ({ family, address, port, fwdMethod, weight,
  upperThreshold: rest.u ?? 0, lowerThreshold: rest.l ?? 0, tunType: rest.tunType ?? 'ipip', tunPort: rest.tunPort ?? 0,
  tunFlags: { csum: rest.csum ?? false, remcsum: false } });

const TCP80 = { family: 'inet', protocol: 'tcp', address: '10.0.0.1', port: 80 };
const TCP443 = { family: 'inet', protocol: 'tcp', address: '10.0.0.1', port: 443 };
const UDP53 = { family: 'inet', protocol: 'udp', address: '10.0.0.1', port: 53 };
const SCTP = { family: 'inet', protocol: 'sctp', address: '10.0.0.1', port: 3868 };
const FWM5 = { family: 'inet', fwmark: 5 };
const TCP6 = { family: 'inet6', protocol: 'tcp', address: '2001:db8::1', port: 80 };
const FWM7v6 = { family: 'inet6', fwmark: 7 };

// Each step: what our client does, and the ipvsadm commands meaning the same.
const steps = [
  { name: 'add services', client: async (c) => {
    await c.addService(svc(TCP80, 'wlc'));
    await c.addService(svc(TCP443, 'rr', { flags: { persistent: true }, timeoutSec: 300, netmask: 0xffffff00 }));
    await c.addService(svc(UDP53, 'sh', { flags: { schedFallback: true, schedPort: true, onePacket: true } }));
    await c.addService(svc(SCTP, 'wrr'));
    await c.addService(svc(FWM5, 'lc', { flags: { persistent: true }, timeoutSec: 600 }));
    await c.addService(svc(TCP6, 'mh', { flags: { schedPort: true, persistent: true }, timeoutSec: 60, netmask: 64 }));
    await c.addService(svc(FWM7v6, 'sed'));
  }, ipvsadm: [
    'ipvsadm -A -t 10.0.0.1:80 -s wlc',
    'ipvsadm -A -t 10.0.0.1:443 -s rr -p 300 -M 255.255.255.0',
    'ipvsadm -A -u 10.0.0.1:53 -s sh -b sh-fallback,sh-port -o',
    'ipvsadm -A --sctp-service 10.0.0.1:3868 -s wrr',
    'ipvsadm -A -f 5 -s lc -p 600',
    'ipvsadm -A -t [2001:db8::1]:80 -s mh -b mh-port -p 60 -M 64',
    'ipvsadm -A -f 7 -6 -s sed',
  ] },
  { name: 'add real servers', client: async (c) => {
    await c.addDest(TCP80, dest('inet', '10.0.0.2', 80, 'droute', 3));
    await c.addDest(TCP80, dest('inet', '10.0.0.3', 8080, 'masq', 1, { u: 100, l: 10 }));
    await c.addDest(TCP80, dest('inet', '10.0.0.4', 80, 'tunnel', 2));
    await c.addDest(TCP80, dest('inet', '10.0.0.5', 80, 'tunnel', 2, { tunType: 'gue', tunPort: 6080, csum: true }));
    await c.addDest(TCP443, dest('inet', '127.0.0.1', 443, 'droute', 1));
    await c.addDest(UDP53, dest('inet', '10.0.0.2', 53, 'masq', 0));
    await c.addDest(SCTP, dest('inet', '10.0.0.7', 3868, 'droute', 4));
    await c.addDest(FWM5, dest('inet', '10.0.0.6', 0, 'droute', 1));
    await c.addDest(TCP6, dest('inet6', '2001:db8::2', 80, 'masq', 5));
    await c.addDest(TCP6, dest('inet6', '2001:db8::10', 80, 'droute', 65535));
    await c.addDest(FWM7v6, dest('inet6', '2001:db8::3', 0, 'droute', 1));
  }, ipvsadm: [
    'ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.2:80 -g -w 3',
    'ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.3:8080 -m -w 1 -x 100 -y 10',
    'ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.4:80 -i -w 2',
    'ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.5:80 -i -w 2 --tun-type gue --tun-port 6080 --tun-csum',
    'ipvsadm -a -t 10.0.0.1:443 -r 127.0.0.1:443 -g -w 1',
    'ipvsadm -a -u 10.0.0.1:53 -r 10.0.0.2:53 -m -w 0',
    'ipvsadm -a --sctp-service 10.0.0.1:3868 -r 10.0.0.7:3868 -g -w 4',
    'ipvsadm -a -f 5 -r 10.0.0.6 -g -w 1',
    'ipvsadm -a -t [2001:db8::1]:80 -r [2001:db8::2]:80 -m -w 5',
    // ipvsadm forces a DR/TUN real server's port to the service's, so keep them equal here.
    'ipvsadm -a -t [2001:db8::1]:80 -r [2001:db8::10]:80 -g -w 65535',
    'ipvsadm -a -f 7 -6 -r 2001:db8::3 -g -w 1',
  ] },
  { name: 'edit', client: async (c) => {
    await c.editService(svc(TCP80, 'rr', { flags: { persistent: true }, timeoutSec: 120 }));
    await c.editDest(TCP80, dest('inet', '10.0.0.2', 80, 'droute', 7, { u: 50, l: 5 }));
    await c.editService(svc(UDP53, 'sh', { flags: { schedPort: true } }));
  }, ipvsadm: [
    'ipvsadm -E -t 10.0.0.1:80 -s rr -p 120',
    'ipvsadm -e -t 10.0.0.1:80 -r 10.0.0.2:80 -g -w 7 -x 50 -y 5',
    'ipvsadm -E -u 10.0.0.1:53 -s sh -b sh-port',
  ] },
  { name: 'delete', client: async (c) => {
    await c.delDest(TCP80, { family: 'inet', address: '10.0.0.3', port: 8080 });
    await c.delService(SCTP);
    await c.delDest(TCP6, { family: 'inet6', address: '2001:db8::10', port: 80 });
  }, ipvsadm: [
    'ipvsadm -d -t 10.0.0.1:80 -r 10.0.0.3:8080',
    'ipvsadm -D --sctp-service 10.0.0.1:3868',
    'ipvsadm -d -t [2001:db8::1]:80 -r [2001:db8::10]:80',
  ] },
  { name: 'timeouts', client: async (c) => {
    await c.setTimeouts({ tcpSec: 1000, tcpFinSec: 60, udpSec: 200 });
    await c.setTimeouts({ tcpSec: 0, tcpFinSec: 90, udpSec: 0 }); // 0 = unchanged
  }, ipvsadm: ['ipvsadm --set 1000 60 200', 'ipvsadm --set 0 90 0'] },
  { name: 'sync daemons', client: async (c) => {
    await c.addDaemon({ state: 'master', mcastIfn: 'lo', syncId: 5, syncMaxLen: 1400, mcastGroup: '224.0.0.82', mcastPort: 8849, mcastTtl: 2 });
    await c.addDaemon({ state: 'backup', mcastIfn: 'lo', syncId: 9, syncMaxLen: 0, mcastGroup: '', mcastPort: 0, mcastTtl: 0 });
  }, ipvsadm: [
    'ipvsadm --start-daemon master --mcast-interface lo --syncid 5 --sync-maxlen 1400 --mcast-group 224.0.0.82 --mcast-port 8849 --mcast-ttl 2',
    'ipvsadm --start-daemon backup --mcast-interface lo --syncid 9',
  ] },
  { name: 'stop backup daemon', client: (c) => c.delDaemon('backup'), ipvsadm: ['ipvsadm --stop-daemon backup'] },
];

const errOf = async (f) => { try { await f(); return null; } catch (e) { return { name: e.name, kind: e.kind, code: e.code, message: e.message }; } };

async function capture(c) {
  const table = await c.listAll();
  const [timeouts, daemons] = [await c.getTimeouts(), await c.listDaemons()];
  const strip = (o) => { const { stats, activeConns, inactConns, persistConns, ...rest } = o; return rest; };
  return {
    ipvsadm: { list: sh('ipvsadm -Ln').out, timeout: sh('ipvsadm -Ln --timeout').out, daemon: sh('ipvsadm -L --daemon').out },
    ours: { list: formatIpvsadmList(table), timeout: formatTimeouts(timeouts), daemon: formatDaemons(daemons) },
    records: { services: table.services.map((s) => ({ service: strip(s.service), dests: s.dests.map(strip) })), timeouts, daemons },
  };
}

async function reset(c) {
  await c.flush();
  await c.setTimeouts({ tcpSec: 900, tcpFinSec: 120, udpSec: 300 });
  for (const d of await c.listDaemons()) await c.delDaemon(d.state);
}

const result = { info: null, initial: null, phaseA: [], phaseB: [], errors: {}, timing: {} };
const c = await IpvsClient.open();
result.info = await c.getInfo();

// Run in a fresh network namespace with lo down: no routing table exists yet,
// so the kernel refuses any real server with EINVAL (ipvs-vm.md's quirk).
await c.flush();
await c.addService(svc(TCP80, 'wlc'));
result.errors.noRoute = await errOf(() => c.addDest(TCP80, dest('inet', '10.0.0.2', 80, 'droute', 3)));
const oracle = sh('ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.2:80 -g -w 3');
result.errors.noRouteIpvsadm = { ok: oracle.ok, err: oracle.err };
await c.flush();
const net = sh('ip link set lo up && ip link set lo multicast on && ip route add 10.0.0.0/8 dev lo && ip -6 route add 2001:db8::/32 dev lo');
if (!net.ok) throw new Error(`network setup failed: ${net.err}`);
await reset(c);
result.initial = await capture(c);

let t0 = Date.now();
for (const s of steps) {
  let error = null;
  try { await s.client(c); } catch (e) { error = e.message; }
  result.phaseA.push({ name: s.name, error, ...(await capture(c)) });
}
result.timing.clientMs = Date.now() - t0;

// Error paths, on the table phase A left.
result.errors.unknownScheduler = await errOf(() => c.addService(svc({ ...TCP80, port: 8080 }, 'foo')));
result.errors.multicastDest = await errOf(() => c.addDest(TCP80, dest('inet', '224.0.0.5', 80, 'droute', 1)));
result.errors.serviceExists = await errOf(() => c.addService(svc(TCP80, 'rr')));
result.errors.destExists = await errOf(() => c.addDest(TCP80, dest('inet', '10.0.0.2', 80, 'droute', 1)));
result.errors.noSuchService = await errOf(() => c.delService({ ...TCP80, port: 81 }));
result.errors.noSuchDest = await errOf(() => c.delDest(TCP80, { family: 'inet', address: '10.0.0.99', port: 80 }));
result.errors.destOfMissingService = await errOf(() => c.addDest({ ...TCP80, port: 81 }, dest('inet', '10.0.0.2', 80, 'droute', 1)));
result.errors.daemonRunning = await errOf(() => c.addDaemon({ state: 'master', mcastIfn: 'lo', syncId: 1, syncMaxLen: 0, mcastGroup: '', mcastPort: 0, mcastTtl: 0 }));
result.errors.noDaemon = await errOf(() => c.delDaemon('backup'));
result.errors.getMissingService = await (async () => { try { return { value: (await c.getService({ ...TCP80, port: 81 })) ?? 'undefined' }; } catch (e) { return { message: e.message }; } })();
result.getService = await c.getService(TCP443);

await reset(c);
t0 = Date.now();
for (const s of steps) {
  const errs = s.ipvsadm.map((cmd) => sh(cmd)).filter((r) => !r.ok).map((r) => r.err);
  result.phaseB.push({ name: s.name, error: errs.length ? errs.join('\n') : null, ...(await capture(c)) });
}
result.timing.ipvsadmMs = Date.now() - t0;
await reset(c);
c.close();
process.stdout.write(JSON.stringify(result));
