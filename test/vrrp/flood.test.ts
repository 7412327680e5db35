// Engine-level flood: bursts of bogus adverts never move the master-down/advert timers, never change state,
// and log each kind of error once (keepalived log_rate_limited_error).
import { describe, expect, it } from 'vitest';
import { VrrpInstance } from '../../src/vrrp/instance.js';
import { vrrpParams } from '../../src/vrrp/params.js';
import type { VrrpAction } from '../../src/vrrp/actions.js';
import { buildRx, Driver, type AdvertSpec } from './helpers.js';

const params = vrrpParams({ iname: 'VI_1', interface: 'eth0', vrid: 51, priority: 150, vips: ['192.168.200.100'], primaryIp: '192.168.200.2' });
const defaults = { vrid: 51, version: 2 as const, vips: ['192.168.200.100'], advertIntCs: 100 };
const bogus: AdvertSpec[] = [
  { src: '192.168.200.66', priority: 254, badChecksum: true },
  { src: '192.168.200.66', priority: 254, ttl: 1 },
  { src: '192.168.200.66', priority: 254, version: 3 },
  { src: '192.168.200.66', priority: 254, authPass: 'x' },
  { src: '192.168.200.66', priority: 254, advertIntCs: 300 },
  { src: '192.168.200.66', priority: 254, type: 2 },
  { src: '192.168.200.66', priority: 254, vips: ['192.168.200.100', '192.168.200.101'] },
  { src: '192.168.200.66', priority: 254, vips: ['192.168.200.199'] },
  { src: '192.168.200.66', priority: 254, vrid: 99 },
];
const BURST = 20_000;

function flood(drv: Driver, fromMs: number, toMs: number): VrrpAction[] {
  const packets = bogus.map((b) => buildRx(b, defaults));
  const out: VrrpAction[] = [];
  for (let i = 0; i < BURST; i++) {
    const t = fromMs + ((toMs - fromMs) * i) / BURST;
    out.push(...drv.event(t, { type: 'packetReceived', rx: packets[i % packets.length]! }));
  }
  return out;
}

describe('bogus advert flood', () => {
  it('BACKUP: the master-down timer set by the real master still fires on time', () => {
    const inst = new VrrpInstance(params);
    const drv = new Driver(inst);
    drv.event(0, { type: 'start' });
    drv.event(500, { type: 'packetReceived', rx: buildRx({ src: '192.168.200.3', priority: 200 }, defaults) });
    const before = inst.pendingTimers();
    expect(before).toEqual({ masterDown: 3914.062 }); // 500 + 3 s + 106/256 s

    const out = flood(drv, 600, 3900);
    expect(out.filter((a) => a.type !== 'log')).toEqual([]);
    expect(inst.pendingTimers()).toEqual(before);
    expect(inst.state).toBe('BACKUP');
    // One line per distinct error (vrid 99 is not logged without log_unknown_vrids), out of 20,000 packets.
    const logs = out.map((a) => (a.type === 'log' ? a.text : ''));
    expect(logs.length).toBe(bogus.length - 1);
    expect(new Set(logs).size).toBe(logs.length);
    expect(inst.rejects.unknown_vrid).toBe(2222); // i % 9 === 8 for i < 20,000
    expect(inst.suppressedLogs).toBe(BURST - 2222 - logs.length);
    const rejected = Object.values(inst.rejects).reduce((a, b) => a + b, 0);
    expect(rejected).toBe(BURST);

    drv.runUntil(3914.062);
    expect(inst.state).toBe('MASTER');
    expect(drv.log.find((e) => e.action.type === 'stateChange' && e.action.to === 'MASTER')?.t).toBe(3914.062);
  });

  it('MASTER: the advert timer keeps its period and the VIPs stay', () => {
    const inst = new VrrpInstance(vrrpParams({ ...params, priority: 255, state: 'MASTER' }));
    const drv = new Driver(inst);
    drv.event(0, { type: 'start' });
    drv.runUntil(1);
    expect(inst.state).toBe('MASTER');
    const out = flood(drv, 10, 5990);
    const sent = out.filter((a) => a.type === 'sendAdvert');
    expect(out.filter((a) => a.type === 'stateChange' || a.type === 'removeVips')).toEqual([]);
    // adverts only at 1000.001, 2000.001, … 5000.001: the flood neither adds nor delays any
    const advertTimes = drv.log.filter((e) => e.action.type === 'sendAdvert').map((e) => e.t);
    expect(advertTimes).toEqual([0.001, 1000.001, 2000.001, 3000.001, 4000.001, 5000.001]);
    expect(sent).toEqual([]); // the bogus packets themselves trigger no advert
  });
});
