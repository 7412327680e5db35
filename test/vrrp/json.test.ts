// The engine's share of keepalived's JSON dump equals the real 2.2.7 dump taken from the same scenario
// (fixtures/vrrp/keepalived-live.{conf,json}: SIGRTMIN+2 dump written 4 s after becoming MASTER).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VrrpInstance } from '../../src/vrrp/instance.js';
import { vrrpParams } from '../../src/vrrp/params.js';
import { statsJson } from '../../src/vrrp/stats.js';
import { Driver } from './helpers.js';

const sample = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/vrrp/keepalived-live.json'), 'utf8')) as
  { data: Record<string, unknown>; stats: Record<string, number> }[];

describe('JSON dump fields', () => {
  it('match keepalived.json for live.conf', () => {
    const inst = new VrrpInstance(vrrpParams({ iname: 'VI_1', interface: 'eth0', vrid: 51, priority: 150, vips: ['192.168.200.100'], primaryIp: '192.168.200.2' }));
    const drv = new Driver(inst);
    drv.event(0, { type: 'start' });
    // live.log: MASTER at :32, JSON dump at :36 → 4 s later, after the advert sent at +4 s.
    drv.runUntil(3414.062 + 4000 + 100);
    const want = sample[0]!;
    const snap = inst.snapshot();
    for (const [k, v] of Object.entries(snap)) expect([k, v]).toEqual([k, want.data[k]]);
    expect(Object.keys(snap).length).toBeGreaterThanOrEqual(15);
    expect(statsJson(inst.stats)).toEqual(want.stats);
  });
});
