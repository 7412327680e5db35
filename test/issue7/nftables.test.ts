// Accept mode: keepalived's nftables drop rules for the VIPs, applied with nft in a lab
// namespace; the client's ping to the VIP fails while the VIP is in the set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptModeWarning, elementsScript, needsDropRules, setupScript } from '../../src/net/nftables.js';
import { createLab, type Lab } from '../lab/lab.js';
import { nsClient, type NsClient } from './ns-client.js';

describe('ruleset text (vrrp_nftables.c)', () => {
  it('IPv4: table keepalived, set vips, input/output chains at priority -1 dropping to/from @vips', () => {
    expect(setupScript(4)).toBe([
      'add table ip keepalived', 'delete table ip keepalived', 'table ip keepalived {',
      '  set vips { type ipv4_addr; }',
      '  chain in { type filter hook input priority -1; policy accept; ip daddr @vips drop; }',
      '  chain out { type filter hook output priority -1; policy accept; ip saddr @vips drop; }', '}', '',
    ].join('\n'));
    expect(setupScript(4, { table: 'ka', priority: -5, counters: true })).toContain('chain in { type filter hook input priority -5; policy accept; ip daddr @vips counter drop; }');
  });
  it('elements per family; IPv6 link-local VIPs keyed with their interface', () => {
    expect(elementsScript('add', [{ family: 4, address: '10.0.0.1', ifname: 'eth0' }, { family: 6, address: 'fe80::1', ifname: 'eth0' }, { family: 6, address: 'fd00::1', ifname: 'eth0' }]))
      .toBe('add element ip keepalived vips { 10.0.0.1 }\nadd element ip6 keepalived vips { fd00::1 }\nadd element ip6 keepalived vips_link_local { fe80::1 . "eth0" }\n');
  });
  it('owners and accept-mode instances install nothing', () => {
    expect([needsDropRules(255, false), needsDropRules(100, true), needsDropRules(100, false)]).toEqual([false, false, true]);
    expect(acceptModeWarning('VI_1', ['10.0.0.1'], true)).toBe("(VI_1) Warning - vrrp_strict: traffic addressed to the VIPs (10.0.0.1) is dropped while MASTER (nftables table keepalived); add 'accept' to the vrrp_instance to answer it");
  });
});

describe('drop rules in a namespace', () => {
  let lab: Lab;
  let r1: NsClient;
  let vips: { family: 4 | 6; address: string; ifname: string }[];
  /** Elements of the IPv4 `vips` set as nft lists them. */
  const elems = async () => (JSON.parse(await lab.execOk('r1', 'nft', ['-j', 'list', 'set', 'ip', 'keepalived', 'vips'])).nftables as any[]).find((x) => x.set).set.elem ?? [];

  beforeAll(async () => {
    lab = await createLab({ prefix: 'i7n', routers: 1, client: true, ipv6: true });
    vips = [{ family: 4, address: lab.vip4(200), ifname: 'eth0' }, { family: 6, address: lab.ip6('r1').replace(/::1$/, '::c8'), ifname: 'eth0' }];
    await lab.execOk('r1', 'ip', ['addr', 'add', `${vips[0]!.address}/32`, 'dev', 'eth0']);
    await lab.execOk('r1', 'ip', ['-6', 'addr', 'add', `${vips[1]!.address}/128`, 'dev', 'eth0', 'nodad']);
    r1 = await nsClient(lab, 'r1');
  }, 60_000);
  afterAll(async () => {
    r1?.close();
    await lab?.destroy();
  });

  it('the VIPs answer before the rules', async () => {
    expect(await lab.ping('c', vips[0]!.address)).toBe(true);
    expect(await lab.ping('c', vips[1]!.address)).toBe(true);
  });

  it('with the VIPs in the set the client gets no answer, and nft lists keepalived\'s table', async () => {
    expect(await r1.call('fw-set', { vips })).toEqual({ ok: true });
    expect(await lab.ping('c', vips[0]!.address)).toBe(false);
    expect(await lab.ping('c', vips[1]!.address)).toBe(false);
    const j = JSON.parse(await lab.execOk('r1', 'nft', ['-j', 'list', 'table', 'ip', 'keepalived'])).nftables as any[];
    const chains = j.filter((x) => x.chain).map((x) => x.chain);
    expect(chains).toEqual(expect.arrayContaining([
      expect.objectContaining({ name: 'in', type: 'filter', hook: 'input', prio: -1, policy: 'accept' }),
      expect.objectContaining({ name: 'out', type: 'filter', hook: 'output', prio: -1, policy: 'accept' }),
    ]));
    expect(j.find((x) => x.set)?.set).toMatchObject({ name: 'vips', type: 'ipv4_addr', elem: [vips[0]!.address] });
    expect(j.filter((x) => x.rule).length).toBe(2);
    const text = await lab.execOk('r1', 'nft', ['list', 'table', 'ip6', 'keepalived']);
    expect(text).toContain(`elements = { ${vips[1]!.address} }`);
  });

  it('a VIP shared by a second instance stays in the set until the last one clears it', async () => {
    expect(await r1.call('fw-set', { vips: [vips[0]] })).toEqual({ ok: true });
    expect(await r1.call('fw-clear', { vips: [vips[0]] })).toEqual({ ok: true });
    expect(await elems()).toEqual([vips[0]!.address]);
    // clearing a VIP this firewall never added sends nothing (nft would refuse the delete)
    expect(await r1.call('fw-clear', { vips: [{ family: 4, address: lab.vip4(222), ifname: 'eth0' }] })).toEqual({ ok: true });
  });

  it('removing the VIPs from the set restores answers; cleanup deletes the tables', async () => {
    expect(await r1.call('fw-clear', { vips })).toEqual({ ok: true });
    expect(await elems()).toEqual([]);
    expect(await lab.ping('c', vips[0]!.address)).toBe(true);
    expect(await lab.ping('c', vips[1]!.address)).toBe(true);
    expect(await r1.call('fw-cleanup')).toEqual({ ok: true });
    expect((await lab.execOk('r1', 'nft', ['list', 'tables'])).trim()).toBe('');
  });

  it('a second instance of the adapter replaces a stale table instead of failing', async () => {
    await lab.execOk('r1', 'nft', ['add', 'table', 'ip', 'keepalived']);
    await lab.execOk('r1', 'nft', ['add', 'chain', 'ip', 'keepalived', 'stale']);
    expect(await r1.call('fw-set', { vips: [vips[0]] })).toEqual({ ok: true });
    expect(await lab.execOk('r1', 'nft', ['list', 'table', 'ip', 'keepalived'])).not.toContain('stale');
    expect(await r1.call('fw-cleanup')).toEqual({ ok: true });
  });
});
