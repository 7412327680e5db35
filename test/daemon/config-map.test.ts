// config-map: keepalived.conf text through the real config pipeline → the core's params.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { instanceKey, mapInstances, type InterfaceFacts } from '../../src/vrrp/config-map.js';

const facts = new Map<string, InterfaceFacts>([
  ['eth0', { ifindex: 2, mac: '02:00:00:00:00:01', up: true, ipv4: ['192.168.1.10', '192.168.1.11'], ipv6LinkLocal: 'fe80::1' }],
  ['eth1', { ifindex: 3, up: true, ipv4: [] }],
]);

const dir = mkdtempSync(join(tmpdir(), 'kd-config-map-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function map(text: string) {
  const file = join(dir, `keepalived-${++n}.conf`);
  writeFileSync(file, text);
  const { config } = loadConfig({
    file,
    interfaces: { exists: (n) => facts.has(n), isLoopback: () => false },
  });
  return { config, mapped: mapInstances(config, facts) };
}

const ok = (text: string) => {
  const m = map(text).mapped[0];
  if (!m?.ok) throw new Error(`not mapped: ${JSON.stringify(m)}`);
  return m.params;
};

describe('config-map', () => {
  it('state MASTER without priority is the address owner; v2 advert_int in whole seconds', () => {
    const p = ok(`vrrp_instance VI_1 {
      state MASTER
      interface eth0
      virtual_router_id 51
      advert_int 2
      virtual_ipaddress { 192.168.1.100/24 }
    }`);
    expect(p.priority).toBe(255);
    expect(p.state).toBe('MASTER');
    expect(p.version).toBe(2);
    expect(p.advertIntCs).toBe(200);
    expect(p.family).toBe(4);
    expect(p.primaryIp).toBe('192.168.1.10'); // first IPv4 of the interface
    expect(p.vips).toEqual(['192.168.1.100']);
    expect(p.unicastPeers).toEqual([]);
    expect(p.unicastSrcIp).toBeNull();
    expect(p.garpMasterDelayMs).toBe(5000);
    expect(p.garpMasterRepeat).toBe(5);
  });

  it('v3 sub-second advert_int in centiseconds, unicast peers with the primary address as source', () => {
    const p = ok(`vrrp_instance VI_2 {
      interface eth0
      version 3
      virtual_router_id 7
      priority 120
      advert_int 0.5
      unicast_peer {
        192.168.1.20
        192.168.1.21
      }
      virtual_ipaddress { 192.168.1.101/24 dev eth0 label eth0:v }
    }`);
    expect(p.version).toBe(3);
    expect(p.advertIntCs).toBe(50);
    expect(p.priority).toBe(120);
    expect(p.state).toBe('BACKUP');
    expect(p.unicastSrcIp).toBe('192.168.1.10');
    expect(p.unicastPeers.map((x) => x.ip)).toEqual(['192.168.1.20', '192.168.1.21']);
  });

  it('auth PASS, unicast_src_ip, nopreempt, preempt_delay and garp settings from global and instance', () => {
    const { mapped } = map(`global_defs {
      vrrp_garp_master_delay 3
      vrrp_garp_master_repeat 2
      vrrp_garp_master_refresh 60
    }
    vrrp_instance VI_3 {
      interface eth0
      virtual_router_id 9
      priority 100
      nopreempt
      authentication { auth_type PASS
        auth_pass secret12 }
      unicast_src_ip 192.168.1.11
      unicast_peer { 192.168.1.30 }
      garp_master_repeat 4
      virtual_ipaddress { 192.168.1.102 }
    }
    vrrp_instance VI_4 {
      interface eth0
      virtual_router_id 10
      priority 90
      preempt_delay 2.5
      virtual_ipaddress { 192.168.1.103 }
    }`);
    const [a, b] = mapped;
    if (!a?.ok || !b?.ok) throw new Error('not mapped');
    expect(a.params.auth).toEqual({ type: 'PASS', pass: 'secret12' });
    expect(a.params.nopreempt).toBe(true);
    expect(a.params.unicastSrcIp).toBe('192.168.1.11');
    expect(a.params.primaryIp).toBe('192.168.1.11');
    expect(a.params.garpMasterDelayMs).toBe(3000);
    expect(a.params.garpMasterRepeat).toBe(4); // instance overrides global
    expect(a.params.garpMasterRefreshMs).toBe(60000);
    expect(b.params.preemptDelayMs).toBe(2500);
    expect(b.params.garpMasterRepeat).toBe(2);
    expect(instanceKey(a.params)).not.toBe(instanceKey(b.params));
  });

  it('IPv6 instance advertises from the link-local address; an interface without addresses is an error naming it', () => {
    const { mapped } = map(`vrrp_instance V6 {
      interface eth0
      virtual_router_id 60
      priority 100
      virtual_ipaddress { fe80::60/64 2001:db8::60/64 }
    }
    vrrp_instance NOADDR {
      interface eth1
      virtual_router_id 61
      priority 100
      virtual_ipaddress { 10.9.9.9 }
    }`);
    const [v6, bad] = mapped;
    if (!v6?.ok) throw new Error('v6 not mapped');
    expect(v6.params.family).toBe(6);
    expect(v6.params.version).toBe(3);
    expect(v6.params.primaryIp).toBe('fe80::1');
    expect(bad).toEqual({ ok: false, name: 'NOADDR', error: '(NOADDR) Cannot find an IP address to use for interface eth1' });
  });
});
