// Per-socket dispatch of received adverts to instances by VRID (keepalived vrrp_dispatcher_read()).
import { compareIp } from './addr.js';
import type { VrrpAction } from './actions.js';
import type { VrrpInstance } from './instance.js';
import { peekVrid } from './packet.js';
import { sourceOf, type ReceivedPacket } from './validate.js';

export type DispatchResult =
  | { ok: true; instance: VrrpInstance; actions: VrrpAction[] }
  | { ok: false; vrid: number | null; log: string | null };

export class VrrpDemux {
  /** Packets for VRIDs no instance here owns (and unicast VRIDs from unknown sources). */
  unknownVrids = 0;
  /** Packets too short to carry a VRID. */
  tooShort = 0;
  private readonly byVrid = new Map<number, VrrpInstance[]>();

  /** `ifname` names the interface in log lines; `logUnknownVrids` is global_defs log_unknown_vrids. */
  constructor(readonly ifname: string, readonly logUnknownVrids = false) {}

  add(inst: VrrpInstance): void {
    const list = this.byVrid.get(inst.params.vrid) ?? [];
    if (!list.includes(inst)) list.push(inst);
    this.byVrid.set(inst.params.vrid, list);
  }

  remove(inst: VrrpInstance): void {
    const list = (this.byVrid.get(inst.params.vrid) ?? []).filter((i) => i !== inst);
    if (list.length) this.byVrid.set(inst.params.vrid, list);
    else this.byVrid.delete(inst.params.vrid);
  }

  dispatch(rx: ReceivedPacket, nowMs: number): DispatchResult {
    const vrid = 'packet' in rx ? peekVrid(rx.packet, true) : peekVrid(rx.payload, false);
    const src = sourceOf(rx);
    if (vrid === null) {
      this.tooShort++;
      return { ok: false, vrid, log: `IPv${rx.family} VRRP packet too short on interface(${this.ifname})${src ? ` from ${src}` : ''}` };
    }
    const list = this.byVrid.get(vrid) ?? [];
    // Unicast instances may share a VRID on one interface when their peers differ (keepalived PR #2022):
    // prefer the one whose master sent this, then the one that lists the sender as a peer.
    const inst = list.length <= 1 ? list[0]
      : list.find((i) => src !== null && i.masterAddress === src)
        ?? list.find((i) => src !== null && i.params.unicastPeers.some((p) => compareIp(p.ip, src) === 0));
    if (!inst) {
      this.unknownVrids++;
      const log = !this.logUnknownVrids ? null : list.length
        ? `Unknown VRID(${vrid}) received on interface(${this.ifname}) from ${src}. ignoring...`
        : `Unknown VRID(${vrid}) received on interface(${this.ifname}). ignoring...`;
      return { ok: false, vrid, log };
    }
    return { ok: true, instance: inst, actions: inst.handle({ type: 'packetReceived', rx }, nowMs) };
  }
}
