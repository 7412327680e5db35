// Kernel change notifications (RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR)
// as typed events, like keepalived's netlink kernel_netlink() reflector.
import { createRtNetlink, rt, type RtNetlinkSocket } from 'netlink';
import { describeAddress, type AddressInfo } from './addresses.js';
import { describeLink, type LinkInfo } from './links.js';

export type NetEvent =
  | { kind: 'link-up'; link: LinkInfo }
  | { kind: 'link-down'; link: LinkInfo }
  | { kind: 'link-deleted'; link: LinkInfo }
  | { kind: 'address-added'; address: AddressInfo }
  | { kind: 'address-removed'; address: AddressInfo };

export interface MonitorOptions {
  onEvent: (e: NetEvent) => void;
  /** Undecodable notifications and socket errors; the monitor keeps running. */
  onError?: (message: string) => void;
}

/**
 * Link events are edge-triggered on keepalived's notion of up (IFF_UP && IFF_RUNNING): the
 * kernel repeats RTM_NEWLINK for many attribute changes, only transitions are reported.
 */
export class NetlinkMonitor {
  private readonly sock: RtNetlinkSocket;
  private readonly upByIndex = new Map<number, boolean>();
  private closed = false;

  constructor(private readonly o: MonitorOptions) {
    // A large receive buffer: a burst of notifications (many VIPs) must not overflow (ENOBUFS).
    this.sock = createRtNetlink({ ref: true, recvBufferSize: 1 << 20, sendBufferSize: 0 });
    for (const g of ['LINK', 'IPV4_IFADDR', 'IPV6_IFADDR'] as const) this.sock.addMembership(g);
    this.sock.socket.on('message', (msgs) => {
      for (const m of msgs) {
        try {
          this.handle(m.type, rt.parseMessage(m.type, m.data));
        } catch (e) {
          this.o.onError?.(`netlink: cannot decode notification type ${m.type}: ${(e as Error).message}`);
        }
      }
    });
    this.sock.socket.on('error', (e) => this.o.onError?.(`netlink monitor socket error: ${e.message}`));
  }

  /** Seeds the up/down state so the first notification for a known link is only reported if it changes. */
  seed(links: LinkInfo[]): void {
    for (const l of links) this.upByIndex.set(l.ifindex, l.up);
  }

  private handle(type: number, msg: rt.Message): void {
    if (msg.kind === 'link') {
      const link = describeLink(msg);
      if (!link) return;
      if (type === rt.MessageType.DELLINK) {
        this.upByIndex.delete(link.ifindex);
        this.o.onEvent({ kind: 'link-deleted', link });
        return;
      }
      const was = this.upByIndex.get(link.ifindex);
      this.upByIndex.set(link.ifindex, link.up);
      if (was !== link.up) this.o.onEvent({ kind: link.up ? 'link-up' : 'link-down', link });
    } else if (msg.kind === 'address') {
      const address = describeAddress(msg);
      if (!address) return;
      this.o.onEvent({ kind: type === rt.MessageType.DELADDR ? 'address-removed' : 'address-added', address });
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sock.socket.close();
  }
}
