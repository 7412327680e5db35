// holo-vrrp style conformance: each test/vrrp/conformance/<case>/events.jsonl is replayed against a fresh
// engine with a fake clock and the produced actions are compared with expected.jsonl (timings computed by
// hand from the RFC/keepalived formulas, see each line's "why").
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VrrpInstance } from '../../src/vrrp/instance.js';
import { vrrpParams, type VrrpInstanceParams } from '../../src/vrrp/params.js';
import type { VrrpEvent } from '../../src/vrrp/events.js';
import { buildRx, Driver, normalize, type AdvertSpec } from './helpers.js';

const dir = join(import.meta.dirname, 'conformance');

type Line =
  | { params: Partial<VrrpInstanceParams> & Pick<VrrpInstanceParams, 'iname' | 'interface' | 'vrid' | 'primaryIp' | 'vips'> }
  | { t: number; event: VrrpEvent }
  | { t: number; advert: AdvertSpec }
  | { t: number; check: { state?: string; priority?: number; stats?: Record<string, number>; rejects?: Record<string, number> } }
  | { t: number; end: true };

function readJsonl(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l, i) => {
    try { return JSON.parse(l) as Record<string, unknown>; } catch (e) { throw new Error(`${file}:${i + 1}: ${(e as Error).message}`); }
  });
}

function canon(o: Record<string, unknown>): string {
  const { why: _why, ...rest } = o;
  return JSON.stringify(rest, Object.keys(rest).sort());
}

function diff(expected: string[], actual: string[]): string {
  const out: string[] = [];
  const n = Math.max(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    if (expected[i] === actual[i]) out.push(`  ${expected[i]}`);
    else {
      if (expected[i] !== undefined) out.push(`- ${expected[i]}`);
      if (actual[i] !== undefined) out.push(`+ ${actual[i]}`);
    }
  }
  return out.join('\n');
}

const cases = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

describe('VRRP conformance', () => {
  it('has the cases the brief requires', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });

  for (const name of cases) {
    it(name, () => {
      const lines = readJsonl(join(dir, name, 'events.jsonl')) as Line[];
      const first = lines[0];
      if (!first || !('params' in first)) throw new Error(`${name}: first line must be {"params": …}`);
      const params = vrrpParams(first.params);
      const inst = new VrrpInstance(params);
      const drv = new Driver(inst);
      const defaults = { vrid: params.vrid, version: params.version, vips: params.vips, advertIntCs: params.advertIntCs };
      for (const l of lines.slice(1)) {
        if ('event' in l && l.event.type === 'reload') drv.event(l.t, { type: 'reload', params: vrrpParams(l.event.params) });
        else if ('event' in l) drv.event(l.t, l.event);
        else if ('advert' in l) drv.event(l.t, { type: 'packetReceived', rx: buildRx(l.advert, defaults) });
        else if ('end' in l) drv.runUntil(l.t);
        else if ('check' in l) {
          drv.runUntil(l.t);
          if (l.check.state) expect(inst.state, `${name} state at t=${l.t}`).toBe(l.check.state);
          if (l.check.priority !== undefined) expect(inst.priority).toBe(l.check.priority);
          for (const [k, v] of Object.entries(l.check.stats ?? {})) expect(inst.stats[k as keyof typeof inst.stats], `stats.${k}`).toBe(v);
          for (const [k, v] of Object.entries(l.check.rejects ?? {})) expect(inst.rejects[k as keyof typeof inst.rejects], `rejects.${k}`).toBe(v);
        } else throw new Error(`${name}: unknown line ${JSON.stringify(l)}`);
      }
      const actual = drv.log.map((e) => canon(normalize(e.t, e.action)));
      const expected = readJsonl(join(dir, name, 'expected.jsonl')).map(canon);
      if (actual.join('\n') !== expected.join('\n')) {
        throw new Error(`${name}: actions differ (- expected, + actual)\n${diff(expected, actual)}`);
      }
    });
  }
});
