// Issue 7 parts 5-7 in the running daemon, in a private lab (prefix i7n2; i7n is nftables.test.ts's):
// use_vmac (the VMAC, its MAC, sysctls, client ARP at the virtual MAC, failover, removal at stop),
// virtual_routes/virtual_rules following mastership and static ones staying put, accept mode
// (no_accept / vrrp_strict drop rules, accept answering), and a use_vmac pair with Debian keepalived.
// Needs root and `npm run build`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { createLab, waitFor, type Lab } from '../lab/lab.js';
import { startKeepalived, type KeepalivedHandle } from '../lab/keepalived.js';
import { startOurs, vrrpChildPid } from '../daemon/ours.js';

let lab: Lab;
const R = ['r1', 'r2'];

beforeAll(async () => {
  lab = await createLab({ prefix: 'i7n2', routers: 2, client: true, ipv6: true });
}, 30_000);
afterAll(async () => { await lab?.destroy(); });

/** Where each router holds ip now: `ns:ifname`, any interface (VIPs sit on the VMAC). */
async function holdersAnyDev(ip: string): Promise<string[]> {
  const out: string[] = [];
  for (const ns of R) {
    for (const l of await lab.addresses(ns)) if (l.addr_info.some((a) => a.local === ip)) out.push(`${ns}:${l.ifname}`);
  }
  return out;
}

async function waitHolder(ip: string, want: string, timeoutMs = 15_000): Promise<void> {
  await waitFor(async () => { const h = await holdersAnyDev(ip); return h.length === 1 && h[0] === want; }, { timeoutMs, intervalMs: 100, what: `${ip} held by ${want} alone` });
}

async function link(ns: string, dev: string): Promise<{ address?: string; operstate?: string; link?: string } | undefined> {
  const r = await lab.exec(ns, 'ip', ['-j', '-d', 'link', 'show', 'dev', dev]);
  return r.code === 0 ? (JSON.parse(r.stdout) as { address?: string; operstate?: string }[])[0] : undefined;
}

const sysctl = async (ns: string, key: string) => (await lab.execOk(ns, 'sysctl', ['-n', key])).trim();

/**
 * The client forgets the VIP's MAC and pings it: the MACs ARP replies for the VIP gave (from a capture)
 * and the entry `ip neigh` keeps. A master that must ARP for the client first sends its request from
 * eth0 with the VIP as sender, which rewrites the client's entry to eth0's MAC (keepalived's does the
 * same), so the routers learn the client beforehand.
 */
async function clientArp(ip: string): Promise<{ reply: string[]; neigh: string | undefined }> {
  // the routers know the client already (as routers serving it do), so only the client ARPs
  for (const ns of R) await lab.ping(ns, lab.ip4('c'), 1, 1);
  const cap = await lab.capture('c', 'eth0', ['arp'], `arp-${Date.now()}`);
  await lab.exec('c', 'ip', ['neigh', 'flush', 'dev', 'eth0']);
  await waitFor(async () => {
    await lab.exec('c', 'ip', ['neigh', 'flush', 'dev', 'eth0']);
    return lab.ping('c', ip, 1, 1);
  }, { timeoutMs: 8000, intervalMs: 200, what: `client pings ${ip}` });
  await new Promise((r) => setTimeout(r, 200));
  const text = (await lab.exec('c', 'tcpdump', ['-e', '-nn', '-r', await cap.stop()])).stdout;
  const reply = [...text.matchAll(new RegExp(`Reply ${ip.replace(/\./g, '\\.')} is-at ([0-9a-f:]+)`, 'g'))].map((m) => m[1]!);
  const neigh = await lab.exec('c', 'ip', ['neigh', 'show', ip, 'dev', 'eth0']);
  return { reply: [...new Set(reply)], neigh: /lladdr ([0-9a-f:]+)/.exec(neigh.stdout)?.[1] };
}

const conf = (o: { router: string; vrid: number; prio: number; vip: string; inst?: string; global?: string; top?: string }) => `global_defs {
    router_id ${o.router}
${o.global ?? ''}
}
${o.top ?? ''}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id ${o.vrid}
    priority ${o.prio}
    advert_int 1
${o.inst ?? ''}
    virtual_ipaddress {
        ${o.vip}/24
    }
}
`;

/** SIGHUP with a new config; resolves when the n-th reload of the daemon has finished. */
async function reloadDone(h: KeepalivedHandle, text: string, n: number): Promise<void> {
  writeFileSync(h.confFile, text);
  process.kill(h.pid, 'SIGHUP');
  await waitFor(() => (h.log().match(/Reload complete/g) ?? []).length >= n, { timeoutMs: 8000, what: `reload ${n} complete` });
}

/** Both daemons' VRRP children are up (their start-up work done), even on a busy machine. */
async function started(...hs: KeepalivedHandle[]): Promise<void> {
  await waitFor(() => hs.every((h) => h.log().includes('Startup complete')), { timeoutMs: 15_000, what: 'daemons started' });
}

async function stopAll(...hs: (KeepalivedHandle | undefined)[]): Promise<void> {
  await Promise.all(hs.map((h) => h?.stop()));
}

describe('use_vmac (keepalived-ts pair)', () => {
  it('the VMAC carries the VIP with 00:00:5e:00:01:VRID; ARP from the client resolves to it before and after failover; gone after stop', async () => {
    const vip = lab.vip4(210);
    const mac = '00:00:5e:00:01:33'; // VRID 51
    const before = { ai: await sysctl('r1', 'net.ipv4.conf.eth0.arp_ignore'), af: await sysctl('r1', 'net.ipv4.conf.eth0.arp_filter') };
    const igmp = await lab.capture('c', 'eth0', ['-e', 'igmp'], 'vmac-igmp');
    const a = startOurs(lab, 'r1', conf({ router: 'r1', vrid: 51, prio: 150, vip, inst: '    use_vmac' }));
    const b = startOurs(lab, 'r2', conf({ router: 'r2', vrid: 51, prio: 100, vip, inst: '    use_vmac' }));
    try {
      await started(a, b);
      await waitHolder(vip, 'r1:vrrp.51');
      for (const ns of R) {
        // both routers have their VMAC from start (keepalived creates it at start-up, up), a private macvlan on eth0
        const l = await link(ns, 'vrrp.51');
        expect(l, `${ns} vrrp.51`).toMatchObject({ address: mac, link: 'eth0', linkinfo: { info_kind: 'macvlan', info_data: { mode: 'private' } } });
        expect(await sysctl(ns, 'net.ipv4.conf.vrrp/51.arp_ignore')).toBe('1');
        expect(await sysctl(ns, 'net.ipv4.conf.vrrp/51.accept_local')).toBe('1');
        expect(await sysctl(ns, 'net.ipv4.conf.vrrp/51.rp_filter')).toBe('0');
        expect(await sysctl(ns, 'net.ipv4.conf.eth0.arp_ignore')).toBe('1');
        expect(await sysctl(ns, 'net.ipv4.conf.eth0.arp_filter')).toBe('1');
      }
      // the VMACs' IGMP reports leave from eth0 with its MAC, never with the virtual MAC (keepalived's
      // vmac_map dup rule), so the bridge learns the virtual MAC at the master's port only
      await new Promise((r) => setTimeout(r, 500));
      const reports = (await lab.exec('c', 'tcpdump', ['-e', '-nn', '-r', await igmp.stop()])).stdout;
      expect(reports).toMatch(new RegExp(`${await lab.mac('r2')} > 01:00:5e:00:00:(12|16).*igmp`));
      expect(reports).not.toContain(`${mac} >`);
      expect((await lab.execOk('r2', 'nft', ['list', 'map', 'ip', 'keepalived', 'vmac_map']))).toContain('"vrrp.51" : "eth0"');
      // the adverts leave from the VMAC: source MAC is the virtual MAC
      const cap = await lab.capture('c', 'eth0', ['-e', 'vrrp'], 'vmac-adverts');
      await new Promise((r) => setTimeout(r, 1500));
      expect(await clientArp(vip)).toEqual({ reply: [mac], neigh: mac });
      const text = (await lab.exec('c', 'tcpdump', ['-e', '-nn', '-r', await cap.stop()])).stdout;
      expect(text).toMatch(new RegExp(`${mac} > 01:00:5e:00:00:12.*${lab.ip4('r1')} > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 150`));
      // failover: r1 stops, r2's VMAC takes the VIP, the client still resolves the VIP to the virtual MAC
      await a.stop();
      await waitHolder(vip, 'r2:vrrp.51', 8000);
      expect(await clientArp(vip)).toEqual({ reply: [mac], neigh: mac });
      expect(await link('r1', 'vrrp.51')).toBeUndefined();
      expect(await sysctl('r1', 'net.ipv4.conf.eth0.arp_ignore')).toBe(before.ai);
      expect(await sysctl('r1', 'net.ipv4.conf.eth0.arp_filter')).toBe(before.af);
      expect(a.log()).not.toMatch(/Unable to create VMAC|cannot set net/);
      // a reload that keeps the instance keeps its VMAC (same ifindex) and the VIP on it
      const ifindex = (await link('r2', 'vrrp.51') as { ifindex?: number }).ifindex;
      await reloadDone(b, conf({ router: 'r2', vrid: 51, prio: 100, vip, inst: '    use_vmac' }), 1);
      expect((await link('r2', 'vrrp.51') as { ifindex?: number }).ifindex).toBe(ifindex);
      expect(await holdersAnyDev(vip)).toEqual(['r2:vrrp.51']);
      // a reload that removes the instance removes its VMAC
      await reloadDone(b, conf({ router: 'r2', vrid: 56, prio: 100, vip: lab.vip4(216) }), 2);
      await waitFor(async () => !(await link('r2', 'vrrp.51')), { timeoutMs: 5000, what: 'vrrp.51 removed by the reload' });
      expect(await holdersAnyDev(vip)).toEqual([]);
      await b.stop();
      expect(await link('r2', 'vrrp.51')).toBeUndefined();
    } finally {
      await stopAll(a, b);
    }
  }, 60_000);
});

describe('use_vmac for IPv6 (keepalived-ts)', () => {
  it('the VMAC has 00:00:5e:00:02:VRID and the parent\'s link-local; the client\'s neighbour discovery resolves the VIP to it', async () => {
    const vip = lab.vip6(217);
    const mac = '00:00:5e:00:02:39'; // VRID 57
    const text = conf({ router: 'r1', vrid: 57, prio: 150, vip: 'fe80::57', inst: '    use_vmac' }).replace('fe80::57/24', `fe80::57/64\n        ${vip}/64`);
    const a = startOurs(lab, 'r1', text);
    try {
      await waitHolder(vip, 'r1:vrrp.57').catch(async (e) => { console.log(a.log(), JSON.stringify(await holdersAnyDev(vip))); throw e; });
      const l = await lab.addresses('r1');
      const vm = l.find((x) => x.ifname === 'vrrp.57');
      const eth0 = l.find((x) => x.ifname === 'eth0');
      expect(vm?.address).toBe(mac);
      const ll = (x: typeof vm) => x?.addr_info.filter((a) => a.family === 'inet6' && a.scope === 'link').map((a) => a.local) ?? [];
      // RFC 5798 7.4: no EUI-64 address from the virtual MAC; the parent's link-local is the advert source
      expect(ll(vm)).toEqual(expect.arrayContaining(ll(eth0)));
      expect(ll(vm).some((x) => x.endsWith('5e:2:39') || x.includes('5eff:fe00:239'))).toBe(false);
      await lab.exec('c', 'ip', ['-6', 'neigh', 'flush', 'dev', 'eth0']);
      await lab.ping('r1', lab.ip6('c'), 1, 1);
      await waitFor(() => lab.ping('c', vip, 1, 1), { timeoutMs: 8000, intervalMs: 200, what: `client pings ${vip}` });
      expect((await lab.neigh('c')).find((n) => n.dst === vip)?.lladdr).toBe(mac);
    } finally {
      await stopAll(a);
    }
    expect(await link('r1', 'vrrp.57')).toBeUndefined();
  }, 30_000);
});

describe('use_vmac and kill -9 of the VRRP child (keepalived-ts)', () => {
  it('the respawned child finds its VMAC (same ifindex) with the VIP on it and stays MASTER', async () => {
    const vip = lab.vip4(218);
    const a = startOurs(lab, 'r1', conf({ router: 'r1', vrid: 58, prio: 150, vip, inst: '    use_vmac' }));
    try {
      await waitHolder(vip, 'r1:vrrp.58');
      const ifindex = (await link('r1', 'vrrp.58') as { ifindex?: number }).ifindex;
      const child = await vrrpChildPid(a);
      process.kill(child, 'SIGKILL');
      const started = await waitFor(() => {
        const m = [...a.log().matchAll(/Starting VRRP child process, pid=(\d+)/g)];
        return m.length >= 2 ? Number(m[1]![1]) : undefined;
      }, { timeoutMs: 5000, intervalMs: 20, what: 'VRRP child respawned' });
      await waitFor(() => /\(VI_1\) Entering MASTER STATE/.test(a.log().split(`pid=${started}`)[1] ?? ''), { timeoutMs: 8000, what: 'respawned child MASTER' });
      const after = a.log().split(`pid=${started}`)[1] ?? '';
      expect(after).not.toMatch(/Unable to create VMAC|VMAC set-up failed/);
      expect(after).toContain('(VI_1) VIPs still set from a previous run');
      expect((await link('r1', 'vrrp.58') as { ifindex?: number }).ifindex).toBe(ifindex);
      expect(await holdersAnyDev(vip)).toEqual(['r1:vrrp.58']);
      expect(await clientArp(vip)).toEqual({ reply: ['00:00:5e:00:01:3a'], neigh: '00:00:5e:00:01:3a' });
      await a.stop();
      expect(await link('r1', 'vrrp.58')).toBeUndefined();
    } finally {
      await stopAll(a);
    }
  }, 30_000);
});

describe('use_vmac_addr (keepalived-ts)', () => {
  it('an eVIP of the other family gets its own VMAC (vrrp6.VRID, 00:00:5e:00:02:VRID) while the IPv4 VIP is on vrrp.VRID', async () => {
    const vip = lab.vip4(219);
    const evip = lab.vip6(219);
    const text = conf({ router: 'r1', vrid: 59, prio: 150, vip, inst: `    use_vmac\n    use_vmac_addr\n    virtual_ipaddress_excluded {\n        ${evip}/64\n    }` });
    const a = startOurs(lab, 'r1', text);
    try {
      await waitHolder(vip, 'r1:vrrp.59');
      await waitHolder(evip, 'r1:vrrp6.59');
      expect((await link('r1', 'vrrp6.59'))?.address).toBe('00:00:5e:00:02:3b');
      expect((await link('r1', 'vrrp.59'))?.address).toBe('00:00:5e:00:01:3b');
      await lab.ping('r1', lab.ip6('c'), 1, 1);
      await waitFor(() => lab.ping('c', evip, 1, 1), { timeoutMs: 8000, intervalMs: 200, what: `client pings ${evip}` });
      expect((await lab.neigh('c')).find((n) => n.dst === evip)?.lladdr).toBe('00:00:5e:00:02:3b');
      await a.stop();
      expect(await link('r1', 'vrrp6.59')).toBeUndefined();
      expect(await link('r1', 'vrrp.59')).toBeUndefined();
    } finally {
      await stopAll(a);
    }
  }, 30_000);
});

describe('vmac_xmit_base (keepalived-ts)', () => {
  it('the VIP is on the VMAC and answers ARP with the virtual MAC; adverts leave from eth0 with its own MAC', async () => {
    const vip = lab.vip4(215);
    const a = startOurs(lab, 'r1', conf({ router: 'r1', vrid: 55, prio: 150, vip, inst: '    use_vmac\n    vmac_xmit_base' }));
    try {
      await waitHolder(vip, 'r1:vrrp.55');
      const cap = await lab.capture('c', 'eth0', ['vrrp'], 'xmit-base-adverts');
      expect(await clientArp(vip)).toEqual({ reply: ['00:00:5e:00:01:37'], neigh: '00:00:5e:00:01:37' });
      await new Promise((r) => setTimeout(r, 1200));
      const text = (await lab.exec('c', 'tcpdump', ['-e', '-nn', '-r', await cap.stop()])).stdout;
      expect(text).toContain(`${await lab.mac('r1')} > 01:00:5e:00:00:12`);
      expect(text).not.toContain('00:00:5e:00:01:37 > 01:00:5e:00:00:12');
    } finally {
      await stopAll(a);
    }
  }, 30_000);
});

describe('virtual_routes / virtual_rules follow the master; static ones stay (keepalived-ts pair)', () => {
  it('routes and a rule appear with mastership and leave the old master, both directions; static address/route/rule on both from start', async () => {
    const vip = lab.vip4(211);
    const k = lab.ip4('c').split('.')[1];
    const gw = lab.ip4('c');
    const top = `static_ipaddress {
    192.168.${k}.1/32 dev eth0
}
static_routes {
    10.99.1.0/24 via ${gw} dev eth0 table 101
}
static_rules {
    from 10.99.9.0/24 table 101 priority 200
}`;
    const inst = `    virtual_routes {
        10.99.2.0/24 via ${gw} dev eth0 table 100
        blackhole 10.99.3.0/24 table 100 no_track
        10.99.5.0/24 via 10.200.0.1 table 100 no_track
    }
    virtual_rules {
        from 10.99.4.0/24 table 100 priority 100
    }`;
    const c = (router: string, prio: number) => conf({ router, vrid: 52, prio, vip, top, inst });
    const a = startOurs(lab, 'r1', c('r1', 150));
    const b = startOurs(lab, 'r2', c('r2', 100));
    // `ip route show table T` fails while the table has never held a route
    const routesIn = async (ns: string, t: string) => { const r = await lab.exec(ns, 'ip', ['-j', 'route', 'show', 'table', t]); return r.code === 0 ? r.stdout : '[]'; };
    const table = async (ns: string, t: string) => (JSON.parse(await routesIn(ns, t)) as { dst: string; type?: string }[]).map((r) => `${r.type === 'blackhole' ? 'blackhole ' : ''}${r.dst}`).sort();
    const rules = async (ns: string) => (JSON.parse(await lab.execOk(ns, 'ip', ['-j', 'rule', 'show'])) as { priority: number; src?: string; table?: string }[])
      .filter((r) => r.priority === 100 || r.priority === 200).map((r) => `${r.priority} from ${r.src} lookup ${r.table}`);
    const VIRT = ['10.99.2.0/24', 'blackhole 10.99.3.0/24'];
    const master = async (m: string, bk: string) => {
      await waitHolder(vip, `${m}:eth0`);
      await waitFor(async () => (await table(m, '100')).length === 2 && (await table(bk, '100')).length === 0, { timeoutMs: 5000, what: `virtual routes on ${m} only` });
      expect(await table(m, '100')).toEqual(VIRT);
      expect(await table(bk, '100')).toEqual([]);
      expect(await rules(m)).toEqual(['100 from 10.99.4.0 lookup 100', '200 from 10.99.9.0 lookup 101']);
      expect(await rules(bk)).toEqual(['200 from 10.99.9.0 lookup 101']);
      for (const ns of R) {
        expect(await table(ns, '101'), `static route on ${ns}`).toEqual(['10.99.1.0/24']);
        expect(await lab.addressesOf(ns), `static address on ${ns}`).toContain(`192.168.${k}.1`);
      }
    };
    const reload = (h: KeepalivedHandle, text: string) => { writeFileSync(h.confFile, text); process.kill(h.pid, 'SIGHUP'); };
    try {
      await started(a, b); // static entries are set before the instances start
      await master('r1', 'r2').catch((e) => { console.log(a.log(), '\n=====\n', b.log()); throw e; });
      // the route with an unreachable gateway is logged with the instance and the route; VRRP goes on
      expect(a.log()).toContain('(VI_1) cannot add route 10.99.5.0/24 via 10.200.0.1 table 100: Network is unreachable');
      // r1 drops below r2 by a reload: it leaves MASTER while running, its virtual routes and rule go to r2
      reload(a, c('r1', 50));
      await master('r2', 'r1').catch((e) => { console.log(a.log(), '\n=====\n', b.log()); throw e; });
      expect(a.log()).toContain('(VI_1) Entering BACKUP STATE');
      // and back
      reload(a, c('r1', 150));
      await master('r1', 'r2');
      // a reload of the MASTER that changes its virtual routes: the dropped one goes, the new one comes, no transition
      const transitions = (a.log().match(/Entering \w+ STATE/g) ?? []).length;
      const changed = c('r1', 150).replace('blackhole 10.99.3.0/24 table 100 no_track', `10.99.6.0/24 via ${gw} dev eth0 table 100`);
      await reloadDone(a, changed, 3);
      await waitFor(async () => (await table('r1', '100')).join() === '10.99.2.0/24,10.99.6.0/24', { timeoutMs: 5000, what: 'virtual routes follow the reload' });
      expect((a.log().match(/Entering \w+ STATE/g) ?? []).length).toBe(transitions);
      expect(await rules('r1')).toEqual(['100 from 10.99.4.0 lookup 100', '200 from 10.99.9.0 lookup 101']);
      expect(a.log()).not.toMatch(/Keepalived_vrrp exited|TypeError|Error: /);
      await stopAll(a, b);
      // at stop keepalived removes static entries too (stop_vrrp)
      for (const ns of R) {
        expect(await table(ns, '101')).toEqual([]);
        expect(await table(ns, '100')).toEqual([]);
        expect(await rules(ns)).toEqual([]);
        expect(await lab.addressesOf(ns)).not.toContain(`192.168.${k}.1`);
      }
    } finally {
      await stopAll(a, b);
    }
  }, 90_000);
});

describe('accept mode (keepalived-ts)', () => {
  it('vrrp_strict and no_accept: the VIP does not answer while master (nft drop set); accept: it answers', async () => {
    const vip = lab.vip4(212);
    const strict = conf({ router: 'r1', vrid: 53, prio: 150, vip, global: '    vrrp_strict' });
    const a = startOurs(lab, 'r1', strict);
    const reload = (text: string) => { writeFileSync(a.confFile, text); process.kill(a.pid, 'SIGHUP'); };
    const inSet = async () => (await lab.exec('r1', 'nft', ['list', 'set', 'ip', 'keepalived', 'vips'])).stdout.includes(vip);
    try {
      await waitHolder(vip, 'r1:eth0');
      expect(await inSet()).toBe(true);
      expect(await lab.ping('c', vip, 2, 1)).toBe(false);
      // one clear warning at start that the VIP will not answer (keepalived issues #474, #2319)
      expect(a.log().match(/will not answer/g)).toHaveLength(1);
      // and keepalived's own line about the default firewall (vrrp_complete_instance), once
      expect(a.log().match(/use_vmac or no_accept\/strict specified, but no firewall configured - using nftables/g)).toHaveLength(1);
      // accept: the drop entry goes, the VIP answers
      reload(conf({ router: 'r1', vrid: 53, prio: 150, vip, inst: '    accept' }));
      await waitFor(() => lab.ping('c', vip, 1, 1), { timeoutMs: 8000, what: 'VIP answers with accept' });
      expect(await inSet()).toBe(false);
      // no_accept (VRRPv3): dropped again while master
      reload(conf({ router: 'r1', vrid: 53, prio: 150, vip, inst: '    version 3\n    no_accept' }));
      await waitFor(inSet, { timeoutMs: 8000, what: 'VIP back in the drop set' });
      expect(await lab.ping('c', vip, 2, 1)).toBe(false);
      await a.stop();
      // the table goes at stop (firewall_fini)
      expect((await lab.exec('r1', 'nft', ['list', 'table', 'ip', 'keepalived'])).code).not.toBe(0);
    } finally {
      await stopAll(a);
    }
  }, 60_000);
});

describe('use_vmac mixed pair with Debian keepalived', () => {
  it('one master; failover both ways; the client ARPs the VIP to the virtual MAC from either', async () => {
    const vip = lab.vip4(213);
    const mac = '00:00:5e:00:01:36'; // VRID 54
    const c = (router: string, prio: number) => conf({ router, vrid: 54, prio, vip, inst: '    use_vmac' });
    let a = startOurs(lab, 'r1', c('r1', 150));
    const b = startKeepalived(lab, 'r2', c('r2', 100));
    try {
      await waitHolder(vip, 'r1:vrrp.54');
      expect(await clientArp(vip)).toEqual({ reply: [mac], neigh: mac });
      // ours stops: keepalived's VMAC takes the VIP
      await a.stop();
      await waitHolder(vip, 'r2:vrrp.54', 8000);
      expect(await clientArp(vip)).toEqual({ reply: [mac], neigh: mac });
      // ours comes back with the higher priority and preempts keepalived
      a = startOurs(lab, 'r1', c('r1', 150));
      await waitHolder(vip, 'r1:vrrp.54', 15_000);
      expect(await clientArp(vip)).toEqual({ reply: [mac], neigh: mac });
      expect(b.log()).toContain('(VI_1) Entering BACKUP STATE');
      expect(a.log()).toContain('(VI_1) Entering MASTER STATE');
    } finally {
      await stopAll(a, b);
    }
  }, 60_000);
});
