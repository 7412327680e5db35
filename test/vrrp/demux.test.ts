// Socket-level dispatch by VRID, including unicast instances sharing a VRID (matched by peer).
import { describe, expect, it } from 'vitest';
import { VrrpDemux } from '../../src/vrrp/demux.js';
import { VrrpInstance } from '../../src/vrrp/instance.js';
import { vrrpParams } from '../../src/vrrp/params.js';
import { buildRx } from './helpers.js';

const defaults = { vrid: 51, version: 2 as const, vips: ['10.0.0.100'], advertIntCs: 100 };

describe('VrrpDemux', () => {
  it('hands each advert to the instance with its VRID and counts the rest', () => {
    const a = new VrrpInstance(vrrpParams({ iname: 'A', interface: 'eth0', vrid: 51, vips: ['10.0.0.100'], primaryIp: '10.0.0.1' }));
    const b = new VrrpInstance(vrrpParams({ iname: 'B', interface: 'eth0', vrid: 52, vips: ['10.0.0.200'], primaryIp: '10.0.0.1' }));
    const d = new VrrpDemux('eth0', true);
    d.add(a); d.add(b);
    a.handle({ type: 'start' }, 0);
    b.handle({ type: 'start' }, 0);
    const r = d.dispatch(buildRx({ src: '10.0.0.2', priority: 200 }, defaults), 100);
    expect(r.ok && r.instance).toBe(a);
    expect(a.stats.advert_rcvd).toBe(1);
    expect(b.stats.advert_rcvd).toBe(0);
    const u = d.dispatch(buildRx({ src: '10.0.0.2', priority: 200, vrid: 77 }, defaults), 200);
    expect(u).toEqual({ ok: false, vrid: 77, log: 'Unknown VRID(77) received on interface(eth0). ignoring...' });
    const s = d.dispatch({ family: 4, packet: Buffer.alloc(10) }, 300);
    expect(s.ok).toBe(false);
    expect([d.unknownVrids, d.tooShort]).toEqual([1, 1]);
  });

  it('separates unicast instances sharing a VRID by their peers', () => {
    const mk = (iname: string, peer: string) => new VrrpInstance(vrrpParams({
      iname, interface: 'eth0', vrid: 51, vips: ['10.0.0.100'], primaryIp: '10.0.0.1', unicastSrcIp: '10.0.0.1',
      unicastPeers: [{ ip: peer, minTtl: 0, maxTtl: 255 }],
    }));
    const x = mk('X', '10.0.0.2');
    const y = mk('Y', '10.0.0.3');
    const d = new VrrpDemux('eth0');
    d.add(x); d.add(y);
    x.handle({ type: 'start' }, 0);
    y.handle({ type: 'start' }, 0);
    const r = d.dispatch(buildRx({ src: '10.0.0.3', dst: '10.0.0.1', priority: 200 }, defaults), 100);
    expect(r.ok && r.instance).toBe(y);
    expect(y.masterAddress).toBe('10.0.0.3');
    const u = d.dispatch(buildRx({ src: '10.0.0.9', dst: '10.0.0.1', priority: 200 }, defaults), 200);
    expect(u).toEqual({ ok: false, vrid: 51, log: null });
  });
});
