// Test helpers: build real advert bytes with the codec, and drive an engine with a fake clock.
import { buildIpv4Packet, encodeAdvert, VRRP_MCAST_GROUP4, VRRP_MCAST_GROUP6 } from '../../src/vrrp/packet.js';
import type { ReceivedPacket } from '../../src/vrrp/validate.js';
import type { VrrpAction } from '../../src/vrrp/actions.js';
import type { VrrpEvent } from '../../src/vrrp/events.js';
import type { VrrpInstance } from '../../src/vrrp/instance.js';
import type { TimerName } from '../../src/vrrp/timers.js';

/** A peer's advert as written in events.jsonl. */
export interface AdvertSpec {
  src: string;
  dst?: string;
  priority: number;
  vrid?: number;
  version?: 2 | 3;
  ttl?: number;
  vips?: string[];
  advertIntCs?: number;
  authType?: number;
  authPass?: string;
  type?: number;
  /** Pseudo-header destination used for the checksum (keepalived < 1.3.6 unicast used the group). */
  checksumDst?: string;
  /** Flip a bit of the checksum after encoding. */
  badChecksum?: boolean;
}

export function buildRx(s: AdvertSpec, defaults: { vrid: number; version: 2 | 3; vips: string[]; advertIntCs: number }): ReceivedPacket {
  const version = s.version ?? defaults.version;
  const family = s.src.includes(':') ? 6 : 4;
  const dst = s.dst ?? (family === 4 ? VRRP_MCAST_GROUP4 : VRRP_MCAST_GROUP6);
  const authData = Buffer.alloc(8);
  if (s.authPass) Buffer.from(s.authPass, 'latin1').copy(authData, 0, 0, 8);
  const payload = encodeAdvert({
    version, type: s.type ?? 1, vrid: s.vrid ?? defaults.vrid, priority: s.priority, family,
    addresses: s.vips ?? defaults.vips, advertIntCs: s.advertIntCs ?? defaults.advertIntCs,
    authType: s.authType ?? (s.authPass ? 1 : 0), authData,
  }, { srcIp: s.src, dstIp: s.checksumDst ?? dst });
  if (s.badChecksum) payload[7] = payload[7]! ^ 0x01;
  if (family === 6) return { family: 6, payload, srcIp: s.src, dstIp: dst, ttl: s.ttl ?? 255 };
  return { family: 4, packet: buildIpv4Packet(payload, s.src, dst, s.ttl ?? 255) };
}

/** Fake clock: delivers events in time order and fires the engine's timers exactly at their deadlines. */
export class Driver {
  readonly log: { t: number; action: VrrpAction }[] = [];
  private readonly timers = new Map<TimerName, number>();

  constructor(readonly inst: VrrpInstance) {}

  private apply(t: number, actions: VrrpAction[]): void {
    for (const a of actions) {
      this.log.push({ t, action: a });
      if (a.type === 'scheduleTimer') this.timers.set(a.timer, a.atMs);
      else if (a.type === 'cancelTimer') this.timers.delete(a.timer);
    }
  }

  /** Fire every timer due at or before `t` (earliest first; bounded). */
  runUntil(t: number): void {
    for (let guard = 0; guard < 100_000; guard++) {
      let next: [TimerName, number] | null = null;
      for (const e of this.timers) if (e[1] <= t && (!next || e[1] < next[1])) next = e;
      if (!next) return;
      this.timers.delete(next[0]);
      this.apply(next[1], this.inst.handle({ type: 'timerFired', timer: next[0] }, next[1]));
    }
    throw new Error('runUntil: timer loop did not settle');
  }

  event(t: number, ev: VrrpEvent): VrrpAction[] {
    this.runUntil(t);
    const actions = this.inst.handle(ev, t);
    this.apply(t, actions);
    return actions;
  }
}

/** Compact JSON form used in expected.jsonl: adverts by priority only (bytes are covered by codec tests). */
export function normalize(t: number, a: VrrpAction): Record<string, unknown> {
  if (a.type === 'sendAdvert') {
    return a.oldUnicastChecksum ? { t, type: 'sendAdvert', priority: a.priority, oldUnicastChecksum: true } : { t, type: 'sendAdvert', priority: a.priority };
  }
  return { t, ...a };
}
