// Which VMAC interfaces a config needs and where each instance then runs (pure: config in, plan out).
// keepalived 2.2 vrrp_complete_instance(): with use_vmac the instance's interface (vrrp->ifp) becomes
// the VMAC: adverts are sent and received there unless vmac_xmit_base (then on the configured interface,
// vrrp_create_sockpool), and the VIPs of the instance's family with no dev, or dev = the configured
// interface, go on the VMAC. With use_vmac_addr (or `use_vmac` on an address), a VIP on another
// interface or of the other family gets a VMAC of its own on its interface.
import type { IpAddress, KeepalivedConfig, VrrpInstance } from '../../../config/ast.js';
import type { VmacSpec } from '../../../net/vmac.js';

export interface VmacPlan {
  /** The config with instances moved onto their VMACs (interface and VIP devs rewritten). */
  config: KeepalivedConfig;
  /** Every VMAC to exist, by name; `users` are the instance names that need it. */
  vmacs: Map<string, { spec: VmacSpec; users: Set<string> }>;
  /** Config errors found on the way, keepalived's texts. */
  errors: string[];
}

const IFNAMSIZ = 16;
const famOf = (f: string): 4 | 6 => (f === 'inet6' ? 6 : 4);

/**
 * create_vmac_name(): PREFIX.VRID, then PREFIX1.VRID, PREFIX2.VRID ... (IPv6 tries PREFIX6.VRID first),
 * skipping names another VMAC of this config takes and names of existing non-VMAC interfaces.
 */
export function vmacNameFor(prefix: string, vrid: number, family: 4 | 6, taken: (name: string) => boolean): string {
  const fit = (num: string) => {
    const tail = `${num}.${vrid}`;
    return `${prefix.slice(0, IFNAMSIZ - 1 - tail.length)}${tail}`;
  };
  let name = fit('');
  let num = 0;
  for (let i = 0; i < 100 && taken(name); i++) {
    if (family === 6) num = num === 0 ? 6 : num === 6 ? 1 : num + 1 === 6 ? 7 : num + 1;
    else num++;
    name = fit(String(num));
  }
  return name;
}

/**
 * `existing(name)` answers whether a non-VMAC interface of that name exists (its name cannot be used);
 * VMACs we own or that carry the right MAC are reused by name.
 */
export function planVmacs(cfg: KeepalivedConfig, existing: (name: string) => boolean): VmacPlan {
  const vmacs: VmacPlan['vmacs'] = new Map();
  const errors: string[] = [];
  const prefix = cfg.global.other['vmac_prefix']?.[0] ?? 'vrrp';
  const addrPrefix = cfg.global.other['vmac_addr_prefix']?.[0] ?? prefix;
  const named = new Set(cfg.vrrpInstances.flatMap((v) => (v.useVmac?.name ? [v.useVmac.name] : [])));
  const taken = (n: string) => vmacs.has(n) || named.has(n) || existing(n);
  const use = (spec: VmacSpec) => {
    const name = spec.name as string;
    const cur = vmacs.get(name);
    if (cur) cur.users.add(spec.iname);
    else vmacs.set(name, { spec, users: new Set([spec.iname]) });
  };
  const instances = cfg.vrrpInstances.map((v): VrrpInstance => {
    if (!v.useVmac && !v.useVmacAddr && ![...v.vips, ...v.evips].some((a) => a.useVmac)) return v;
    if (v.vrid === undefined) return v;
    const vrid = v.vrid;
    const family = famOf(v.family);
    const base = v.interface ?? cfg.global.defaultInterface;
    let own: string | undefined;
    if (v.useVmac) {
      own = v.useVmac.name ?? vmacNameFor(prefix, vrid, family, taken);
      const ll = family === 6 ? [v.unicastSrcIp, v.mcastSrcIp].find((x) => x && /^fe[89ab]/i.test(x)) : undefined;
      use({ iname: v.name, vrid, family, parent: base, name: own, ...(v.useVmac.mac ? { mac: v.useVmac.mac } : {}), ...(ll ? { linkLocal: ll } : {}) });
    }
    // use_vmac_addr: one VMAC per (interface, family) for the VIPs that are not on the instance's VMAC
    const byParent = new Map<string, string>();
    const move = (a: IpAddress): IpAddress => {
      const onOwn = (!a.dev || a.dev === base) && famOf(a.family) === family;
      if (onOwn && own) return { ...a, dev: own };
      if (!(a.useVmac || v.useVmacAddr)) return a;
      if (onOwn && a.useVmac) {
        errors.push(`(${v.name}) use_vmac specified for VIP/eVIP ${a.address} and vrrp instance`);
        return a;
      }
      const parent = a.dev ?? base;
      const fam = famOf(a.family);
      const key = `${parent}|${fam}`;
      let name = byParent.get(key);
      if (!name) {
        name = vmacNameFor(addrPrefix, vrid, fam, taken);
        byParent.set(key, name);
        use({ iname: v.name, vrid, family: fam, parent, name, ...(v.useVmac?.mac ? { mac: v.useVmac.mac } : {}) });
      }
      return { ...a, dev: name };
    };
    const moved: VrrpInstance = { ...v, vips: v.vips.map(move), evips: v.evips.map(move) };
    if (own && v.vmacXmitBase && v.strict) {
      errors.push(`(${v.name}) xmit_base is incompatible with strict mode - resetting`);
      moved.vmacXmitBase = false;
    }
    if (own && !moved.vmacXmitBase) moved.interface = own;
    return moved;
  });
  return { config: { ...cfg, vrrpInstances: instances }, vmacs, errors };
}
