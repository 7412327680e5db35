// track_interface: link state per tracked interface name, fed from NetlinkMonitor events and
// reported as TrackerState for effectivePriority(). Up is keepalived's IF_ISUP (IFF_UP and
// IFF_RUNNING); a deleted or never-seen interface is down. Sans-I/O: events in, changes out.
import type { Tracked } from '../../config/ast.js';
import type { LinkInfo } from '../../net/links.js';
import type { NetEvent } from '../../net/monitor.js';
import type { TrackerState } from './priority.js';

export interface InterfaceChange { ifname: string; up: boolean }

export class InterfaceTracker {
  private readonly upByName = new Map<string, boolean>();

  /** `tracked`: the instance's (or sync group's) track_interface lines. */
  constructor(private readonly tracked: readonly Tracked[]) {
    for (const t of tracked) this.upByName.set(t.name, false);
  }

  /** Initial state from a link dump (Links.list()); returns the interfaces that changed. */
  seed(links: readonly LinkInfo[]): InterfaceChange[] {
    const out: InterfaceChange[] = [];
    for (const name of this.upByName.keys()) out.push(...this.set(name, links.find((l) => l.ifname === name)?.up ?? false));
    return out;
  }

  /** One monitor event; returns the tracked interfaces whose state changed (usually none or one). */
  onEvent(e: NetEvent): InterfaceChange[] {
    if (e.kind !== 'link-up' && e.kind !== 'link-down' && e.kind !== 'link-deleted') return [];
    return this.set(e.link.ifname, e.kind === 'link-up');
  }

  private set(ifname: string, up: boolean): InterfaceChange[] {
    const was = this.upByName.get(ifname);
    if (was === undefined || was === up) return [];
    this.upByName.set(ifname, up);
    return [{ ifname, up }];
  }

  isUp(ifname: string): boolean { return this.upByName.get(ifname) ?? false; }

  /** TrackerState per track_interface line; weight 0 (keepalived's default) means FAULT while down. */
  states(): TrackerState[] {
    return this.tracked.map((t) => ({ name: `interface ${t.name}`, weight: t.weight ?? 0, reverse: t.reverse ?? false, ok: this.isUp(t.name) }));
  }
}

/** vrrp_track.c: the line logged when a weight-0 tracked interface puts an instance in FAULT. */
export const interfaceFaultLog = (iname: string, ifname: string) => `(${iname}): entering FAULT state (interface ${ifname} down)`;
