// use_vmac in a lab namespace: the macvlan appears with the RFC 5798 MAC in private mode, the
// sysctls keepalived sets, ARP from the client resolves a VIP on it to the virtual MAC, and
// removal restores the parent's sysctls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { macvlanLinkInfo, vmacAddress, vmacName } from '../../src/net/vmac.js';
import { createLab, type Lab } from '../lab/lab.js';
import { nsClient, type NsClient } from './ns-client.js';

describe('VMAC naming and encoding', () => {
  it('RFC 5798 §7.3 addresses and keepalived\'s default name', () => {
    expect(vmacAddress(51, 4)).toBe('00:00:5e:00:01:33');
    expect(vmacAddress(255, 6)).toBe('00:00:5e:00:02:ff');
    expect(vmacName(51)).toBe('vrrp.51');
    expect(vmacName(51, 'vmac1')).toBe('vmac1');
  });
  it('IFLA_LINKINFO: kind macvlan, data { IFLA_MACVLAN_MODE = private (1) }', () => {
    expect(macvlanLinkInfo().toString('hex')).toBe('0c0001006d6163766c616e00' + '0c000200' + '08000100' + '01000000');
  });
});

describe('VMAC in a namespace', () => {
  let lab: Lab;
  let r1: NsClient;
  const sysctl = async (ifname: string, p: string) => (await lab.execOk('r1', 'cat', [`/proc/sys/net/ipv4/conf/${ifname}/${p}`])).trim();
  const spec = { iname: 'VI_1', vrid: 51, family: 4, parent: 'eth0' };

  beforeAll(async () => {
    lab = await createLab({ prefix: 'i7v', routers: 1, client: true, ipv6: true });
    r1 = await nsClient(lab, 'r1');
  }, 60_000);
  afterAll(async () => {
    r1?.close();
    await lab?.destroy();
  });

  it('creates vrrp.51 with 00:00:5e:00:01:33, private macvlan on eth0, up, with keepalived\'s sysctls', async () => {
    expect([await sysctl('eth0', 'arp_ignore'), await sysctl('eth0', 'arp_filter')]).toEqual(['0', '0']);
    const r = await r1.call('vmac-create', { spec });
    expect(r).toMatchObject({ ok: true, warnings: [], link: { ifname: 'vrrp.51', mac: '00:00:5e:00:01:33', parentIfindex: await lab.ifindex('r1') } });
    const [link] = JSON.parse(await lab.execOk('r1', 'ip', ['-d', '-j', 'link', 'show', 'vrrp.51']));
    expect(link).toMatchObject({ ifname: 'vrrp.51', address: '00:00:5e:00:01:33', link: 'eth0', linkinfo: { info_kind: 'macvlan', info_data: { mode: 'private' } } });
    expect(link.flags).toContain('UP');
    expect({
      arp_ignore: await sysctl('vrrp.51', 'arp_ignore'), accept_local: await sysctl('vrrp.51', 'accept_local'),
      rp_filter: await sysctl('vrrp.51', 'rp_filter'), promote_secondaries: await sysctl('vrrp.51', 'promote_secondaries'),
      parent_arp_ignore: await sysctl('eth0', 'arp_ignore'), parent_arp_filter: await sysctl('eth0', 'arp_filter'),
    }).toEqual({ arp_ignore: '1', accept_local: '1', rp_filter: '0', promote_secondaries: '1', parent_arp_ignore: '1', parent_arp_filter: '1' });
    // an IPv4 instance's VMAC runs without IPv6 (keepalived's link_set_ipv6(ifp, false))
    expect((await lab.execOk('r1', 'cat', ['/proc/sys/net/ipv6/conf/vrrp.51/disable_ipv6'])).trim()).toBe('1');
  });

  it('creating it again adopts the existing interface', async () => {
    expect(await r1.call('vmac-create', { spec })).toMatchObject({ ok: true, link: { ifname: 'vrrp.51' } });
  });

  it('ARP from the client resolves a VIP on the VMAC to the virtual MAC (only the VMAC answers)', async () => {
    const vip = lab.vip4(51);
    await lab.execOk('r1', 'ip', ['addr', 'add', `${vip}/32`, 'dev', 'vrrp.51']);
    const cap = await lab.capture('c', 'eth0', ['arp']);
    expect(await lab.ping('c', vip)).toBe(true);
    const file = await cap.stop();
    // Replies (opcode 2) whose sender is the VIP. Later the parent's own ARP requests carry the
    // VIP as sender and refresh the client's cache with the parent MAC: keepalived behaves the
    // same (vmac_xmit_base), so only the ARP answer is asserted.
    const rows = (await lab.execOk('c', 'tshark', ['-r', file, '-Y', `arp.opcode == 2 && arp.src.proto_ipv4 == ${vip}`, '-T', 'fields', '-e', 'arp.src.hw_mac'])).trim().split('\n');
    expect(rows).toEqual(['00:00:5e:00:01:33']);
  });

  it('a name taken by a non-macvlan interface is refused with keepalived\'s message', async () => {
    await lab.execOk('r1', 'ip', ['link', 'add', 'vrrp.52', 'type', 'veth', 'peer', 'name', 'i7vpeer']);
    expect(await r1.call('vmac-create', { spec: { ...spec, vrid: 52 } })).toEqual({ ok: false, error: 'VMAC vrrp.52 conflicts with existing interface' });
    await lab.execOk('r1', 'ip', ['link', 'del', 'vrrp.52']);
  });

  it('removal deletes the interface and restores the parent\'s arp_ignore/arp_filter', async () => {
    expect(await r1.call('vmac-remove', { spec })).toEqual({ ok: true });
    expect((await lab.exec('r1', 'ip', ['link', 'show', 'vrrp.51'])).code).not.toBe(0);
    expect([await sysctl('eth0', 'arp_ignore'), await sysctl('eth0', 'arp_filter')]).toEqual(['0', '0']);
  });

  it('an IPv6 VMAC: 00:00:5e:00:02:VRID, addr_gen_mode none (no EUI-64 from the virtual MAC), the parent\'s link-local as source', async () => {
    const s6 = { ...spec, family: 6, vrid: 60 };
    const r = await r1.call('vmac-create', { spec: s6 });
    expect(r).toMatchObject({ ok: true, warnings: [], link: { ifname: 'vrrp.60', mac: '00:00:5e:00:02:3c' } });
    const [link] = JSON.parse(await lab.execOk('r1', 'ip', ['-d', '-j', 'link', 'show', 'vrrp.60']));
    expect(link.inet6_addr_gen_mode).toBe('none');
    const ll = (ifname: string) => lab.addresses('r1').then((a) => a.find((i) => i.ifname === ifname)!.addr_info.filter((x) => x.family === 'inet6').map((x) => x.local));
    const parentLl = (await ll('eth0')).filter((a) => a.startsWith('fe80:'));
    expect(parentLl.length).toBe(1);
    expect(await ll('vrrp.60')).toEqual(parentLl);
    expect(await r1.call('vmac-remove', { spec: s6 })).toEqual({ ok: true });
  });
});
