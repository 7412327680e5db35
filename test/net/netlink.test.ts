import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelErrorText } from '../../src/net/rtnl.js';
import { createLab, type Lab, type LabProcess } from '../lab/lab.js';
import { jsonLines, repoRoot, spawnTs, waitForLine } from '../lab/node-script.js';

interface Line { id?: number; result?: any; event?: any; error?: string; ready?: boolean }

describe('rtnetlink error text', () => {
  it('maps the netlink package rejection to strerror text', () => {
    expect(kernelErrorText(new Error('Request rejected: EEXIST'))).toBe('File exists');
    expect(kernelErrorText(new Error('Request rejected: EWHATEVER'))).toBe('EWHATEVER');
    expect(kernelErrorText(new Error('Timeout has been reached'))).toBe('Timeout has been reached');
  });
});

describe('rtnetlink adapters inside a namespace', () => {
  let lab: Lab;
  let p: LabProcess;
  let nextId = 1;
  async function call(op: string, args: object = {}): Promise<any> {
    const id = nextId++;
    p.child.stdin!.write(`${JSON.stringify({ id, op, ...args })}\n`);
    return (await waitForLine<Line>(p, (l) => l.id === id, 10_000, `reply to ${op}`)).result;
  }
  const events = () => jsonLines<Line>(p).filter((l) => l.event).map((l) => l.event);

  beforeAll(async () => {
    lab = await createLab({ prefix: 'ntnl', routers: 1, ipv6: true });
    p = spawnTs(lab, 'r1', join(repoRoot, 'test/net/scripts/netlink.ts'), [], { stdin: true });
    await waitForLine<Line>(p, (l) => !!l.ready, 15_000, 'netlink script ready');
  });
  afterAll(async () => {
    p?.child.stdin?.end();
    await lab?.destroy();
  });

  it('resolves ifindex by name and lists links with MAC and up state', async () => {
    const ifindex = await call('ifindex', { ifname: 'eth0' });
    expect(ifindex).toBe(await lab.ifindex('r1'));
    const links = await call('links');
    const eth0 = links.links.find((l: any) => l.ifname === 'eth0');
    expect(eth0).toMatchObject({ ifindex, mac: await lab.mac('r1'), up: true });
    expect(await call('ifindex', { ifname: 'nosuch0' })).toBeUndefined();
  });

  it('adds a VIP with label eth0:1 and brd, sees it in ip -j addr and as an event, removes it', async () => {
    const ifindex = await lab.ifindex('r1');
    const vip = lab.vip4(150);
    const spec = { ip: vip, prefixLen: 32, ifindex, ifname: 'eth0', label: 'eth0:1', broadcast: lab.vip4(255), scope: 'global' };
    expect(await call('add', { spec })).toEqual({ ok: true });
    const info = (await lab.addresses('r1')).find((i) => i.ifname === 'eth0')!.addr_info.find((a) => a.local === vip);
    expect(info).toMatchObject({ family: 'inet', prefixlen: 32, label: 'eth0:1', scope: 'global' });
    await waitForLine<Line>(p, (l) => l.event?.kind === 'address-added' && l.event.address.ip === vip, 5000, 'address-added event');
    const listed = await call('list', { ifindex });
    expect(listed.addresses.find((a: any) => a.ip === vip)).toMatchObject({ family: 4, prefixLen: 32, label: 'eth0:1', broadcast: lab.vip4(255) });

    // Adding twice is the kernel's EEXIST, reported with address and device, not thrown.
    expect(await call('add', { spec })).toEqual({ ok: false, error: `cannot add ${vip}/32 to eth0: File exists` });

    expect(await call('remove', { spec })).toEqual({ ok: true });
    expect(await lab.addressesOf('r1')).not.toContain(vip);
    await waitForLine<Line>(p, (l) => l.event?.kind === 'address-removed' && l.event.address.ip === vip, 5000, 'address-removed event');
    expect(await call('remove', { spec })).toEqual({ ok: false, error: `cannot remove ${vip}/32 from eth0: Cannot assign requested address` });
  });

  it('IPv6 VIP with nodad and noprefixroute flags', async () => {
    const ifindex = await lab.ifindex('r1');
    const vip = lab.vip6(0x100);
    const spec = { ip: vip, prefixLen: 64, ifindex, ifname: 'eth0', nodad: true, noprefixroute: true };
    expect(await call('add', { spec })).toEqual({ ok: true });
    const out = await lab.execOk('r1', 'ip', ['-6', 'addr', 'show', 'dev', 'eth0']);
    expect(out).toMatch(new RegExp(`inet6 ${vip}/64 scope global nodad noprefixroute`));
    await waitForLine<Line>(p, (l) => l.event?.kind === 'address-added' && l.event.address.ip === vip, 5000, 'IPv6 address-added event');
    expect(await call('remove', { spec })).toEqual({ ok: true });
  });

  it('reports link-down / link-up edges for ip link set (no repeats for unrelated changes)', async () => {
    const before = events().filter((e) => e.kind.startsWith('link-')).length;
    await lab.execOk('r1', 'ip', ['link', 'set', 'eth0', 'down']);
    await waitForLine<Line>(p, (l) => l.event?.kind === 'link-down' && l.event.link.ifname === 'eth0', 5000, 'link-down');
    await lab.execOk('r1', 'ip', ['link', 'set', 'eth0', 'mtu', '1400']);
    await lab.execOk('r1', 'ip', ['link', 'set', 'eth0', 'up']);
    await waitForLine<Line>(p, (l) => l.event?.kind === 'link-up' && l.event.link.ifname === 'eth0', 5000, 'link-up');
    const linkEvents = events().filter((e) => e.kind.startsWith('link-')).slice(before).map((e) => `${e.kind} ${e.link.ifname}`);
    expect(linkEvents).toEqual(['link-down eth0', 'link-up eth0']);
    await lab.execOk('r1', 'ip', ['link', 'add', 'tst7a', 'type', 'veth', 'peer', 'name', 'tst7b']);
    await lab.execOk('r1', 'ip', ['link', 'del', 'tst7a']);
    await waitForLine<Line>(p, (l) => l.event?.kind === 'link-deleted' && l.event.link.ifname === 'tst7a', 5000, 'link-deleted');
    expect(jsonLines<Line>(p).filter((l) => l.error)).toEqual([]);
  });
});
