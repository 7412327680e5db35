// virtual_routes / virtual_rules from a parsed keepalived.conf, installed over rtnetlink in a
// lab namespace and read back with `ip -j route` / `ip -j rule`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Route, Rule } from '../../src/config/ast.js';
import { loadConfig } from '../../src/config/load.js';
import { describeRoute, encodeRoute, RTPROT_KEEPALIVED } from '../../src/net/routes.js';
import { describeRule, encodeRule } from '../../src/net/rules.js';
import { createLab, type Lab } from '../lab/lab.js';
import { nsClient, type NsClient } from './ns-client.js';

const dir = mkdtempSync(join(tmpdir(), 'i7-rr-'));
function parse(k: number): { routes: Route[]; rules: Rule[] } {
  const file = join(dir, 'keepalived.conf');
  writeFileSync(file, `
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  priority 100
  virtual_ipaddress { 10.${k}.0.200/24 dev eth0 }
  virtual_routes {
    10.77.0.0/24 via 10.${k}.0.254 dev eth0 table 100 metric 5
    blackhole 10.78.0.0/16 table 100
    unreachable 10.79.0.0/16 table 1000 no_track
    10.80.0.0/24 dev eth0 scope link table 100 protocol static
    10.81.0.0/24 via 10.200.200.1 dev eth0 table 100
    10.82.0.0/24 via 10.200.200.1 dev eth0 onlink table 100 mtu lock 1400
  }
  virtual_rules {
    from 10.${k}.0.0/24 table 100 preference 100
    to 10.77.0.0/24 fwmark 0x10/0xff iif eth0 lookup 1000 priority 101
    not from 10.66.0.0/16 blackhole preference 102
  }
}
`);
  const r = loadConfig({ file, configId: 'i7' });
  const vi = r.config.vrrpInstances[0]!;
  return { routes: vi.vroutes, rules: vi.vrules };
}
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('route and rule encoding (netlink_route / netlink_rule)', () => {
  const { routes, rules } = parse(9);
  it('protocol keepalived (18) and scope universe unless configured; table > 255 goes in RTA_TABLE', () => {
    expect(routes.map(describeRoute)).toEqual([
      '10.77.0.0/24 via 10.9.0.254 dev eth0 table 100 metric 5', 'blackhole 10.78.0.0/16 table 100', 'unreachable 10.79.0.0/16 table 1000',
      '10.80.0.0/24 dev eth0 table 100', '10.81.0.0/24 via 10.200.200.1 dev eth0 table 100', '10.82.0.0/24 via 10.200.200.1 dev eth0 table 100',
    ]);
    const a = encodeRoute(routes[0]!, false, () => 2);
    expect(a.data).toMatchObject({ family: 2, table: 100, dstLen: 24, protocol: RTPROT_KEEPALIVED, scope: 0, type: 1 });
    expect(a.attrs).toMatchObject({ oif: 2, priority: 5 });
    const c = encodeRoute(routes[2]!, false, () => 2);
    expect(c.data).toMatchObject({ table: 0, type: 7 });
    expect(c.attrs.table).toBe(1000);
    expect(encodeRoute(routes[3]!, false, () => 2).data).toMatchObject({ scope: 253, protocol: 4 });
    // delete: scope nowhere, so it matches whatever scope the kernel stored
    expect(encodeRoute(routes[0]!, true, () => 2).data.scope).toBe(255);
  });
  it('rules: preference always sent, goto/table/blackhole actions, fwmark/mask, not', () => {
    expect(rules.map(describeRule)).toEqual([
      'from 10.9.0.0/24 lookup 100 pref 100', 'from all to 10.77.0.0/24 iif eth0 fwmark 0x10/0xff lookup 1000 pref 101',
      'from 10.66.0.0/16 blackhole pref 102',
    ]);
    expect(encodeRule(rules[1]!)).toMatchObject({ data: { table: 0, action: 1, dstLen: 24 }, attrs: { table: 1000, fwmark: 16, fwmask: 255, iifname: 'eth0', priority: 101 } });
    expect(encodeRule(rules[2]!).data).toMatchObject({ flags: { invert: true }, action: 6, srcLen: 16 });
  });
});

describe('routes and rules in a namespace', () => {
  let lab: Lab;
  let r1: NsClient;
  let routes: Route[];
  let rules: Rule[];
  const ipj = async (...args: string[]) => JSON.parse(await lab.execOk('r1', 'ip', ['-j', ...args]));

  beforeAll(async () => {
    lab = await createLab({ prefix: 'i7r', routers: 1 });
    ({ routes, rules } = parse(Number(lab.ip4('r1').split('.')[1])));
    r1 = await nsClient(lab, 'r1');
  }, 60_000);
  afterAll(async () => {
    r1?.close();
    await lab?.destroy();
  });

  it('adds the virtual routes: ip route show table 100 / 1000 lists them', async () => {
    for (const r of routes.slice(0, 4)) expect(await r1.call('route-add', { route: r }), describeRoute(r)).toEqual({ ok: true });
    const t100 = await ipj('route', 'show', 'table', '100');
    expect(t100).toEqual(expect.arrayContaining([
      expect.objectContaining({ dst: '10.77.0.0/24', gateway: routes[0]!.via, dev: 'eth0', protocol: 'keepalived', metric: 5 }),
      expect.objectContaining({ type: 'blackhole', dst: '10.78.0.0/16', protocol: 'keepalived' }),
      expect.objectContaining({ dst: '10.80.0.0/24', dev: 'eth0', scope: 'link', protocol: 'static' }),
    ]));
    expect(await ipj('route', 'show', 'table', '1000')).toEqual([expect.objectContaining({ type: 'unreachable', dst: '10.79.0.0/16' })]);
  });

  it('onlink lets a gateway outside the subnet in; mtu lock goes in RTA_METRICS', async () => {
    expect(await r1.call('route-add', { route: routes[5] })).toEqual({ ok: true });
    const r = (await ipj('route', 'show', 'table', '100')).find((x: { dst: string }) => x.dst === '10.82.0.0/24');
    expect(r).toMatchObject({ gateway: '10.200.200.1', dev: 'eth0', flags: ['onlink'], metrics: [{ mtu: 1400 }] });
    expect(await lab.execOk('r1', 'ip', ['route', 'show', 'table', '100', '10.82.0.0/24'])).toContain('mtu lock 1400');
    expect(await r1.call('route-del', { route: routes[5] })).toEqual({ ok: true });
  });

  it('adding an existing route reports the route and the kernel\'s reason', async () => {
    expect(await r1.call('route-add', { route: routes[0] })).toEqual({ ok: false, error: `cannot add route ${describeRoute(routes[0]!)}: File exists` });
  });

  it('an unreachable gateway gives an error naming the route', async () => {
    expect(await r1.call('route-add', { route: routes[4] })).toEqual({ ok: false, error: 'cannot add route 10.81.0.0/24 via 10.200.200.1 dev eth0 table 100: Network is unreachable' });
  });

  it('a missing interface is reported, not thrown', async () => {
    const r = { ...routes[0]!, dev: 'nosuch0' };
    expect(await r1.call('route-add', { route: r })).toEqual({ ok: false, error: `cannot add route ${describeRoute(r)}: no interface nosuch0` });
  });

  it('deletes them again', async () => {
    for (const r of routes.slice(0, 4)) expect(await r1.call('route-del', { route: r })).toEqual({ ok: true });
    expect(await ipj('route', 'show', 'table', '100')).toEqual([]);
    expect(await ipj('route', 'show', 'table', '1000')).toEqual([]);
    expect((await r1.call('route-del', { route: routes[0] })).ok).toBe(false);
  });

  it('adds the virtual rules (ip rule show) and deletes them', async () => {
    for (const r of rules) expect(await r1.call('rule-add', { rule: r }), describeRule(r)).toEqual({ ok: true });
    const shown = await ipj('rule', 'show');
    expect(shown).toEqual(expect.arrayContaining([
      expect.objectContaining({ priority: 100, src: routes[0]!.via!.replace(/\.254$/, '.0'), srclen: 24, table: '100' }),
      expect.objectContaining({ priority: 101, dst: '10.77.0.0', dstlen: 24, iif: 'eth0', fwmark: '0x10', fwmask: '0xff', table: '1000' }),
      expect.objectContaining({ priority: 102, not: null, src: '10.66.0.0', srclen: 16, action: 'blackhole' }),
    ]));
    expect(await r1.call('rule-add', { rule: rules[0] })).toEqual({ ok: false, error: `cannot add rule ${describeRule(rules[0]!)}: File exists` });
    for (const r of rules) expect(await r1.call('rule-del', { rule: r })).toEqual({ ok: true });
    expect((await ipj('rule', 'show')).map((x: { priority: number }) => x.priority)).toEqual([0, 32766, 32767]);
  });
});
