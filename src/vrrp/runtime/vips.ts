// VIP / eVIP add and remove over rtnetlink with the options the config gave each address
// (dev, brd, scope, label, flags), as keepalived's netlink_ipaddress() does.
import type { IpAddress } from '../../config/ast.js';
import { SCOPES, type Addresses, type AddressSpec, type ScopeName } from '../../net/addresses.js';

export interface VipSetup {
  addrs: Addresses;
  /** ifindex of an interface name at the time of the call (undefined: gone). */
  ifindex: (ifname: string) => number | undefined;
  log: (text: string) => void;
}

function scopeOf(s: string | undefined): ScopeName | number | undefined {
  if (s === undefined) return undefined;
  if (s in SCOPES) return s as ScopeName;
  const n = Number(s);
  return Number.isInteger(n) ? n : undefined;
}

export function addressSpec(a: IpAddress, defaultDev: string, ifindex: number): AddressSpec {
  const scope = scopeOf(a.scope);
  return {
    ip: a.address, prefixLen: a.prefixLen, ifindex, ifname: a.dev ?? defaultDev,
    ...(a.broadcast !== undefined ? { broadcast: a.broadcast } : {}),
    ...(scope !== undefined ? { scope } : {}),
    ...(a.label !== undefined ? { label: a.label } : {}),
    ...(a.flags.nodad ? { nodad: true } : {}),
    ...(a.flags.noprefixroute ? { noprefixroute: true } : {}),
    ...(a.flags.home ? { home: true } : {}),
  };
}

/** Adds (or removes) each address; "File exists" / "Cannot assign" on the way are expected and quiet. */
export async function applyVips(s: VipSetup, kind: 'add' | 'remove', list: readonly IpAddress[], defaultDev: string): Promise<void> {
  for (const a of list) {
    const dev = a.dev ?? defaultDev;
    const ifindex = s.ifindex(dev);
    if (ifindex === undefined) {
      s.log(`Cannot ${kind} address ${a.address}/${a.prefixLen}: interface ${dev} not found`);
      continue;
    }
    const spec = addressSpec(a, defaultDev, ifindex);
    const r = kind === 'add' ? await s.addrs.add(spec) : await s.addrs.remove(spec);
    if (!r.ok && !/exists|EEXIST|EADDRNOTAVAIL|Cannot assign/i.test(r.error)) s.log(r.error);
  }
}
