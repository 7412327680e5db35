// Two engines on one simulated LAN: every sendAdvert is encoded, wrapped in an IPv4 header, and decoded by the
// other side, with one fake clock. Election, priority-0 failover and preemption, times from the formulas.
import { describe, expect, it } from 'vitest';
import { encodeSendAdvert, type VrrpAction } from '../../src/vrrp/actions.js';
import type { VrrpEvent } from '../../src/vrrp/events.js';
import { VrrpInstance } from '../../src/vrrp/instance.js';
import { buildIpv4Packet } from '../../src/vrrp/packet.js';
import { vrrpParams } from '../../src/vrrp/params.js';

interface Node { name: string; ip: string; inst: VrrpInstance; timers: Map<string, number> }
interface Queued { t: number; seq: number; node: Node; ev: VrrpEvent }

class Lan {
  readonly nodes: Node[] = [];
  readonly transitions: string[] = [];
  private queue: Queued[] = [];
  private seq = 0;

  add(name: string, ip: string, priority: number, version: 2 | 3 = 2): Node {
    const inst = new VrrpInstance(vrrpParams({ iname: name, interface: 'eth0', vrid: 7, priority, version, vips: ['10.0.0.100'], primaryIp: ip }));
    const n = { name, ip, inst, timers: new Map<string, number>() };
    this.nodes.push(n);
    return n;
  }

  at(t: number, node: Node, ev: VrrpEvent): void { this.queue.push({ t, seq: this.seq++, node, ev }); }

  private perform(t: number, from: Node, actions: VrrpAction[]): void {
    for (const a of actions) {
      if (a.type === 'scheduleTimer') from.timers.set(a.timer, a.atMs);
      else if (a.type === 'cancelTimer') from.timers.delete(a.timer);
      else if (a.type === 'stateChange') this.transitions.push(`${t} ${from.name} ${a.from}->${a.to}`);
      else if (a.type === 'sendAdvert') {
        const packet = buildIpv4Packet(encodeSendAdvert(a, from.ip, '224.0.0.18'), from.ip, '224.0.0.18');
        for (const other of this.nodes) if (other !== from) this.at(t, other, { type: 'packetReceived', rx: { family: 4, packet } });
      }
    }
  }

  run(until: number): void {
    for (let guard = 0; guard < 1_000_000; guard++) {
      // Next: earliest queued event or due timer (timers first on ties, as a timer is older than the packet).
      let best: { t: number; node: Node; ev: VrrpEvent; timer?: string } | null = null;
      for (const n of this.nodes) for (const [timer, t] of n.timers) {
        if (!best || t < best.t) best = { t, node: n, ev: { type: 'timerFired', timer: timer as never }, timer };
      }
      this.queue.sort((a, b) => a.t - b.t || a.seq - b.seq);
      const q = this.queue[0];
      if (q && (!best || q.t < best.t)) best = { t: q.t, node: q.node, ev: q.ev };
      if (!best || best.t > until) return;
      if (best.timer) best.node.timers.delete(best.timer);
      else this.queue.shift();
      this.perform(best.t, best.node, best.node.inst.handle(best.ev, best.t));
    }
    throw new Error('simulation did not settle');
  }
}

describe('two engines on one LAN', () => {
  it('elect the higher priority, fail over on priority 0 and preempt back (v2)', () => {
    const lan = new Lan();
    const a = lan.add('A', '10.0.0.1', 150);
    const b = lan.add('B', '10.0.0.2', 100);
    lan.at(0, a, { type: 'start' });
    lan.at(0, b, { type: 'start' });
    lan.at(10_000, a, { type: 'stop' });
    lan.run(14_000);
    // A: 3 s + 106/256 s = 3414.062; B hears A every second and never times out (3 s + 156/256 s).
    // A stops at 10000 with priority 0: B waits Skew_Time(100) = 156*1000000/256 us = 609.375 ms.
    expect(lan.transitions).toEqual([
      '0 A INIT->BACKUP', '0 B INIT->BACKUP',
      '3414.062 A BACKUP->MASTER',
      '10000 A MASTER->STOP',
      '10609.375 B BACKUP->MASTER',
    ]);
    expect(b.inst.stats.pri_zero_rcvd).toBe(1);
    expect(a.inst.stats.pri_zero_sent).toBe(1);
  });

  it('a restarted higher-priority router preempts (v2)', () => {
    const lan = new Lan();
    const b = lan.add('B', '10.0.0.2', 100);
    const a = lan.add('A', '10.0.0.1', 150);
    lan.at(0, b, { type: 'start' });
    lan.at(5_000, a, { type: 'start' });
    lan.run(12_000);
    // B alone: 3 s + 609.375 ms. A starts at 5000, discards B's lower adverts and times out at 5000 + 3414.062;
    // its advert makes B step down at once.
    expect(lan.transitions).toEqual([
      '0 B INIT->BACKUP',
      '3609.375 B BACKUP->MASTER',
      '5000 A INIT->BACKUP',
      '8414.062 A BACKUP->MASTER',
      '8414.062 B MASTER->BACKUP',
    ]);
    expect(a.inst.rejects.checksum + b.inst.rejects.checksum).toBe(0);
  });

  it('equal priorities: the higher address wins (v3)', () => {
    const lan = new Lan();
    const a = lan.add('A', '10.0.0.1', 100, 3);
    const b = lan.add('B', '10.0.0.2', 100, 3);
    lan.at(0, a, { type: 'start' });
    lan.at(0, b, { type: 'start' });
    lan.run(6_000);
    // Both time out at 3609.375 (v3: 3 s + 156*100*625/16 us) and become MASTER at the same instant; each
    // then hears the other's advert: B (.2) keeps it ("forcing new election"), A (.1) yields.
    expect(lan.transitions).toEqual([
      '0 A INIT->BACKUP', '0 B INIT->BACKUP',
      '3609.375 A BACKUP->MASTER', '3609.375 B BACKUP->MASTER',
      '3609.375 A MASTER->BACKUP',
    ]);
    expect(b.inst.state).toBe('MASTER');
    expect(a.inst.state).toBe('BACKUP');
  });
});
