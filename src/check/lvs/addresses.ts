// Local addresses for ha_suspend (keepalived kernel_netlink_init in the checker: the address list at
// start, then RTM_NEWADDR/RTM_DELADDR). Counts are per address, since one address may sit on several links.
import { Addresses } from '../../net/addresses.js';
import { NetlinkMonitor } from '../../net/monitor.js';

export class LocalAddresses {
  private readonly count = new Map<string, number>();
  private monitor?: NetlinkMonitor;

  constructor(private readonly onChange: (ip: string, present: boolean) => void, private readonly onError: (text: string) => void) {}

  /** Lists, then subscribes (keepalived's order); a change in between is picked up by the next event on it. */
  async start(): Promise<void> {
    const r = await new Addresses().list();
    if (r.ok) for (const a of r.addresses) this.change(a.ip, true);
    else this.onError(r.error);
    this.monitor = new NetlinkMonitor({
      onEvent: (e) => {
        if (e.kind === 'address-added') this.change(e.address.ip, true);
        else if (e.kind === 'address-removed') this.change(e.address.ip, false);
      },
      onError: this.onError,
    });
  }

  private change(ip: string, present: boolean): void {
    const n = this.count.get(ip) ?? 0;
    if (!present && n === 0) return;
    if (present) this.count.set(ip, n + 1);
    else if (n === 1) this.count.delete(ip);
    else this.count.set(ip, n - 1);
    this.onChange(ip, present);
  }

  /** Every present address once per link it is on (what a new engine must be told on reload). */
  *present(): Iterable<string> {
    for (const [ip, n] of this.count) for (let i = 0; i < n; i++) yield ip;
  }

  close(): void {
    this.monitor?.close();
  }
}
