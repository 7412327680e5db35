// AcceptMode in the daemon: which VIPs go in the drop set, in which nft scripts, and what a failing
// nft does (logged with the instance and the VIPs; never thrown). nft itself is replaced by a recorder.
import { describe, expect, it } from 'vitest';
import type { IpAddress, VrrpInstance } from '../../src/config/ast.js';
import type { Logger } from '../../src/log/logger.js';
import type { NftResult } from '../../src/net/nftables.js';
import { AcceptMode, nftSettings } from '../../src/vrrp/runtime/extras/accept-mode.js';

function recorder(result: NftResult = { ok: true }) {
  const scripts: string[] = [];
  const errors: string[] = [];
  const log = { err: (t: string) => errors.push(t), info: () => {}, detail: () => {} } as unknown as Logger;
  return { scripts, errors, log, run: async (s: string) => { scripts.push(s); return result; } };
}

const vip = (address: string, dev?: string): IpAddress => ({ family: address.includes(':') ? 'inet6' : 'inet', address, prefixLen: 24, flags: {}, noTrack: false, ...(dev ? { dev } : {}), loc: { file: 'k.conf', line: 1 } });
const inst = (o: { priority: number; accept: boolean; vips: IpAddress[] }) => ({ name: 'VI_1', evips: [], ...o }) as unknown as VrrpInstance;

describe('AcceptMode.dropVips (vrrp_handle_accept_mode)', () => {
  it('no accept and not the owner: the VIPs it holds, with their interface; accept or priority 255: none', () => {
    const v = inst({ priority: 100, accept: false, vips: [vip('10.1.0.10'), vip('10.2.0.10', 'eth1')] });
    expect(AcceptMode.dropVips(v, 'eth0', new Set(['10.1.0.10', '10.2.0.10']))).toEqual([
      { family: 4, address: '10.1.0.10', ifname: 'eth0' }, { family: 4, address: '10.2.0.10', ifname: 'eth1' },
    ]);
    expect(AcceptMode.dropVips(v, 'eth0', new Set(['10.2.0.10']))).toHaveLength(1);
    expect(AcceptMode.dropVips({ ...v, accept: true }, 'eth0', new Set(['10.1.0.10']))).toEqual([]);
    expect(AcceptMode.dropVips({ ...v, priority: 255 }, 'eth0', new Set(['10.1.0.10']))).toEqual([]);
  });

  it('global_defs nftables NAME, nftables_priority and nftables_counters', () => {
    expect(nftSettings({ other: { nftables: ['kts'], nftables_priority: ['-5'], nftables_counters: [] } } as never)).toEqual({ table: 'kts', priority: -5, counters: true });
    expect(nftSettings({ other: {} } as never)).toEqual({ table: 'keepalived', priority: -1, counters: false });
  });
});

describe('AcceptMode.set', () => {
  it('creates the table with the first entry, adds and deletes elements as mastership moves, deletes the table at stop', async () => {
    const r = recorder();
    const am = new AcceptMode(r.log, r.run);
    const drop = [{ family: 4 as const, address: '10.1.0.10', ifname: 'eth0' }];
    await am.set('VI_1', drop);
    expect(r.scripts[0]).toContain('table ip keepalived {');
    expect(r.scripts[0]).toContain('add element ip keepalived vips { 10.1.0.10 }');
    expect(am.holders()).toEqual(['VI_1']);
    await am.set('VI_1', drop); // already held: nothing to run
    expect(r.scripts).toHaveLength(1);
    await am.set('VI_1', []);
    expect(r.scripts[1]).toBe('delete element ip keepalived vips { 10.1.0.10 }\n');
    expect(am.holders()).toEqual([]);
    await am.stop();
    expect(r.scripts[2]).toBe('delete table ip keepalived\n');
    expect(r.errors).toEqual([]);
  });

  it('nft missing: the error names the instance and the VIPs, nothing is thrown, nothing counts as held', async () => {
    const r = recorder({ ok: false, error: 'cannot run nft: spawn nft ENOENT' });
    const am = new AcceptMode(r.log, r.run);
    await expect(am.set('VI_1', [{ family: 4, address: '10.1.0.10', ifname: 'eth0' }])).resolves.toBeUndefined();
    expect(r.errors).toEqual(['(VI_1) cannot install the accept-mode drop rules for 10.1.0.10: cannot run nft: spawn nft ENOENT']);
    expect(am.holders()).toEqual([]);
  });
});

describe('AcceptMode VMAC report rules (firewall_add_vmac)', () => {
  it('the first VMAC creates the map and the dup rule; the VIP set joins the same table without recreating it', async () => {
    const r = recorder();
    const am = new AcceptMode(r.log, r.run);
    await am.addVmac({ iname: 'VI_1', vrid: 51, family: 4, parent: 'eth0' });
    expect(r.scripts[0]).toContain('add table ip keepalived\ndelete table ip keepalived\n');
    expect(r.scripts[0]).toContain('ip protocol igmp meta oifkind "macvlan" dup to ip daddr device oif map @vmac_map drop;');
    expect(r.scripts[0]).toContain('add element ip keepalived vmac_map { "vrrp.51" : "eth0" }');
    await am.set('VI_1', [{ family: 4, address: '10.1.0.10', ifname: 'vrrp.51' }]);
    expect(r.scripts[1]).not.toContain('delete table');
    expect(r.scripts[1]).toContain('set vips { type ipv4_addr; }');
    await am.addVmac({ iname: 'VI_6', vrid: 51, family: 6, parent: 'eth0', name: 'vrrp6.51' });
    expect(r.scripts[2]).toContain('icmpv6 type mld2-listener-report meta oifkind "macvlan" dup to ip6 daddr device oif map @vmac_map drop;');
    expect(r.scripts[2]).toContain('add element ip6 keepalived vmac_set { "vrrp6.51" }');
    await am.removeVmac({ iname: 'VI_1', vrid: 51, family: 4, parent: 'eth0' });
    expect(r.scripts[3]).toBe('delete element ip keepalived vmac_map { "vrrp.51" }\n');
    await am.stop();
    expect(r.scripts[4]).toBe('delete table ip keepalived\ndelete table ip6 keepalived\n');
  });
});
