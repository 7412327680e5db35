// Interfaces over rtnetlink (RTM_GETLINK): name ↔ ifindex, MAC, up/running state.
import { type RtNetlinkSocket, type rt } from 'netlink';
import { bufferToMac } from './inet.js';
import { kernelErrorText, rtnl, RTNL_TIMEOUT_MS } from './rtnl.js';

export interface LinkInfo {
  ifindex: number;
  ifname: string;
  mac?: string;
  mtu?: number;
  /** keepalived's IF_ISUP: IFF_UP and IFF_RUNNING. */
  up: boolean;
  adminUp: boolean;
  running: boolean;
  /** IFLA_LINK: the parent of a macvlan/vlan (VMAC base interface). */
  parentIfindex?: number;
}

export function describeLink(m: rt.LinkMessage): LinkInfo | undefined {
  const ifindex = m.data.index;
  const ifname = m.attrs.ifname;
  if (ifindex === undefined || ifname === undefined) return undefined;
  const adminUp = !!m.data.flags?.up;
  const running = !!m.data.flags?.running;
  const info: LinkInfo = { ifindex, ifname, up: adminUp && running, adminUp, running };
  if (m.attrs.address && m.attrs.address.length === 6) info.mac = bufferToMac(m.attrs.address);
  if (m.attrs.mtu !== undefined) info.mtu = m.attrs.mtu;
  if (m.attrs.link && m.attrs.link.length >= 4) info.parentIfindex = m.attrs.link.readUInt32LE(0);
  return info;
}

export type LinksResult = { ok: true; links: LinkInfo[] } | { ok: false; error: string };

export class Links {
  constructor(private readonly sock: RtNetlinkSocket = rtnl()) {}

  async list(): Promise<LinksResult> {
    try {
      const msgs = await this.sock.getLinks(undefined, undefined, { timeout: RTNL_TIMEOUT_MS });
      return { ok: true, links: msgs.map(describeLink).filter((l): l is LinkInfo => !!l) };
    } catch (e) {
      return { ok: false, error: `cannot list interfaces: ${kernelErrorText(e)}` };
    }
  }

  async byName(ifname: string): Promise<LinkInfo | undefined> {
    const r = await this.list();
    return r.ok ? r.links.find((l) => l.ifname === ifname) : undefined;
  }

  /** ifindex of an interface name, undefined if absent (or the kernel did not answer). */
  async ifindex(ifname: string): Promise<number | undefined> {
    return (await this.byName(ifname))?.ifindex;
  }
}
