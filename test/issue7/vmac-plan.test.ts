// planVmacs(): which VMACs a parsed keepalived.conf needs and where its instances then run
// (keepalived 2.2 vrrp_complete_instance / create_vmac_name), without touching the kernel.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { planVmacs, vmacNameFor } from '../../src/vrrp/runtime/extras/vmac-plan.js';

const dir = mkdtempSync(join(tmpdir(), 'i7-vplan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function load(body: string) {
  const file = join(dir, `k${Math.random().toString(36).slice(2)}.conf`);
  writeFileSync(file, `global_defs {\n    dynamic_interfaces\n}\n${body}`);
  return loadConfig({ file, configId: 'vplan' }).config;
}

const inst = (name: string, vrid: number, extra: string, vips = '10.1.0.10/24') => `
vrrp_instance ${name} {
    interface eth0
    virtual_router_id ${vrid}
    priority 100
${extra}
    virtual_ipaddress {
${vips.split(';').map((v) => `        ${v}`).join('\n')}
    }
}
`;

describe('VMAC names (create_vmac_name)', () => {
  it('vrrp.VRID, then vrrp1.VRID...; IPv6 tries vrrp6.VRID second; names cut to IFNAMSIZ', () => {
    const taken = (...n: string[]) => (x: string) => n.includes(x);
    expect(vmacNameFor('vrrp', 51, 4, taken())).toBe('vrrp.51');
    expect(vmacNameFor('vrrp', 51, 4, taken('vrrp.51', 'vrrp1.51'))).toBe('vrrp2.51');
    expect(vmacNameFor('vrrp', 51, 6, taken('vrrp.51'))).toBe('vrrp6.51');
    expect(vmacNameFor('vrrp', 51, 6, taken('vrrp.51', 'vrrp6.51'))).toBe('vrrp1.51');
    expect(vmacNameFor('averyveryverylongprefix', 200, 4, taken())).toBe('averyveryve.200');
  });
});

describe('planVmacs', () => {
  it('use_vmac: the instance runs on vrrp.VRID and its VIPs go there; a VIP on another interface stays put', () => {
    const cfg = load(inst('VI_1', 51, '    use_vmac', '10.1.0.10/24;10.2.0.10/24 dev eth1'));
    const p = planVmacs(cfg, () => false);
    expect([...p.vmacs.keys()]).toEqual(['vrrp.51']);
    expect(p.vmacs.get('vrrp.51')).toMatchObject({ spec: { iname: 'VI_1', vrid: 51, family: 4, parent: 'eth0', name: 'vrrp.51' }, users: new Set(['VI_1']) });
    const v = p.config.vrrpInstances[0]!;
    expect(v.interface).toBe('vrrp.51');
    expect(v.vips.map((a) => `${a.address} ${a.dev}`)).toEqual(['10.1.0.10 vrrp.51', '10.2.0.10 eth1']);
    // the parsed config itself is left as it was
    expect(cfg.vrrpInstances[0]!.interface).toBe('eth0');
  });

  it('use_vmac NAME and a MAC; vmac_xmit_base keeps the adverts on the configured interface', () => {
    const p = planVmacs(load(inst('VI_1', 52, '    use_vmac vmac52 02:00:00:00:00:52\n    vmac_xmit_base')), () => false);
    expect(p.vmacs.get('vmac52')?.spec).toMatchObject({ name: 'vmac52', mac: '02:00:00:00:00:52', parent: 'eth0' });
    const v = p.config.vrrpInstances[0]!;
    expect(v.interface).toBe('eth0');
    expect(v.vips[0]!.dev).toBe('vmac52');
  });

  it('vmac_xmit_base with strict mode is reset, as keepalived does', () => {
    const p = planVmacs(load(inst('VI_1', 56, '    use_vmac\n    vmac_xmit_base\n    strict_mode on')), () => false);
    expect(p.errors).toEqual(['(VI_1) xmit_base is incompatible with strict mode - resetting']);
    expect(p.config.vrrpInstances[0]!.interface).toBe('vrrp.56');
  });

  it('two instances with the same VRID and different families get vrrp.N and vrrp6.N; an existing interface name is skipped', () => {
    const cfg = load(inst('VI_4', 53, '    use_vmac') + inst('VI_6', 53, '    use_vmac', 'fe80::53;fd00::53/64'));
    expect([...planVmacs(cfg, () => false).vmacs.keys()]).toEqual(['vrrp.53', 'vrrp6.53']);
    expect([...planVmacs(cfg, (n) => n === 'vrrp.53').vmacs.keys()]).toEqual(['vrrp1.53', 'vrrp6.53']);
  });

  it('use_vmac_addr: a VIP on another interface gets a VMAC of its own there, shared by the VIPs on that interface', () => {
    const p = planVmacs(load(inst('VI_1', 54, '    use_vmac\n    use_vmac_addr', '10.1.0.10/24;10.2.0.10/24 dev eth1;10.2.0.11/24 dev eth1')), () => false);
    expect([...p.vmacs.keys()]).toEqual(['vrrp.54', 'vrrp1.54']);
    expect(p.vmacs.get('vrrp1.54')?.spec).toMatchObject({ parent: 'eth1', family: 4 });
    expect(p.config.vrrpInstances[0]!.vips.map((a) => a.dev)).toEqual(['vrrp.54', 'vrrp1.54', 'vrrp1.54']);
  });

  it('instances without VMAC options are returned as they were', () => {
    const cfg = load(inst('VI_1', 55, ''));
    const p = planVmacs(cfg, () => false);
    expect(p.vmacs.size).toBe(0);
    expect(p.config.vrrpInstances[0]).toBe(cfg.vrrpInstances[0]);
  });
});
