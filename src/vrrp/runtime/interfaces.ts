// Interface facts from the kernel (rtnetlink): ifindex, MAC, up state, primary IPv4 and IPv6 link-local,
// as keepalived's netlink_interface_lookup() / netlink_address_lookup() learn them at start-up.
import { Addresses } from '../../net/addresses.js';
import { Links } from '../../net/links.js';
import type { InterfaceFacts } from '../config-map.js';

export async function readInterfaceFacts(links: Links, addrs: Addresses): Promise<Map<string, InterfaceFacts>> {
  const l = await links.list();
  if (!l.ok) throw new Error(l.error);
  const a = await addrs.list();
  if (!a.ok) throw new Error(a.error);
  const out = new Map<string, InterfaceFacts>();
  for (const link of l.links) {
    const mine = a.addresses.filter((x) => x.ifindex === link.ifindex);
    const ll = mine.find((x) => x.family === 6 && /^fe80:/i.test(x.ip));
    out.set(link.ifname, {
      ifindex: link.ifindex,
      ...(link.mac !== undefined ? { mac: link.mac } : {}),
      up: link.up,
      ipv4: mine.filter((x) => x.family === 4).map((x) => x.ip),
      ...(ll ? { ipv6LinkLocal: ll.ip } : {}),
    });
  }
  return out;
}
