// Gratuitous ARP / unsolicited NA blocks for an instance's addresses (keepalived vrrp_send_link_update()),
// spaced per interface by vrrp_garp_interval / vrrp_gna_interval (0 = all at once, keepalived's default).
import type { GarpSender } from '../../net/garp.js';
import { isIPv6 } from 'node:net';

export interface GarpTarget { ifname: string; ifindex: number; mac: string }

export interface GarpQueueOptions {
  sender: GarpSender;
  garpIntervalMs: number;
  gnaIntervalMs: number;
  /** LOG_DETAIL lines (-D). */
  detail: (text: string) => void;
  info: (text: string) => void;
}

interface Item { target: GarpTarget; ip: string }

export class GarpQueue {
  private readonly queues = new Map<string, Item[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly o: GarpQueueOptions) {}

  /** One block: `count` rounds over `addresses`; the first round logs keepalived's Sending/queueing line. */
  sendBlock(iname: string, addresses: readonly { ip: string; target: GarpTarget }[], count: number): void {
    for (let round = 0; round < count; round++) {
      for (const a of addresses) {
        if (round === 0) {
          this.o.detail(`(${iname}) Sending/queueing ${isIPv6(a.ip) ? 'Unsolicited Neighbour Adverts' : 'gratuitous ARPs'} on ${a.target.ifname} for ${a.ip}`);
        }
        this.enqueue({ target: a.target, ip: a.ip });
      }
    }
  }

  private interval(ip: string): number {
    return isIPv6(ip) ? this.o.gnaIntervalMs : this.o.garpIntervalMs;
  }

  private enqueue(item: Item): void {
    if (this.interval(item.ip) <= 0) {
      this.sendOne(item);
      return;
    }
    const key = `${item.target.ifname}/${isIPv6(item.ip) ? 6 : 4}`;
    const q = this.queues.get(key) ?? [];
    q.push(item);
    this.queues.set(key, q);
    if (!this.timers.has(key)) this.drain(key);
  }

  private drain(key: string): void {
    const q = this.queues.get(key);
    const item = q?.shift();
    if (!item) {
      this.timers.delete(key);
      return;
    }
    this.sendOne(item);
    this.timers.set(key, setTimeout(() => this.drain(key), this.interval(item.ip)));
  }

  private sendOne({ target, ip }: Item): void {
    const v6 = isIPv6(ip);
    this.o.detail(v6 ? `Sending unsolicited Neighbour Advert on ${target.ifname} for ${ip}` : `Sending gratuitous ARP on ${target.ifname} for ${ip}`);
    const r = v6
      ? this.o.sender.sendUnsolicitedNa(target.ifname, target.ifindex, target.mac, ip)
      : this.o.sender.sendGratuitousArp(target.ifname, target.ifindex, target.mac, ip);
    if (!r.ok) this.o.info(r.error);
  }

  close(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.queues.clear();
  }
}
