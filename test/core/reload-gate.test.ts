import { describe, it, expect } from 'vitest';
import { ReloadGate } from '../../src/core/reload-gate.js';

const start = (queued: boolean) => ({ kind: 'start-reload', queued });
const complete = (what: 'Startup' | 'Reload') => ({ kind: 'complete', what });

describe('ReloadGate', () => {
  it('start-up: complete when every child is ready; a HUP before that waits', () => {
    const g = new ReloadGate();
    expect(g.startup(2)).toEqual([]);
    expect(g.hup()).toEqual([]);
    expect(g.childReady()).toEqual([]);
    expect(g.childReady()).toEqual([complete('Startup'), start(true)]);
  });

  it('several HUPs during a reload make one queued reload', () => {
    const g = new ReloadGate();
    g.startup(1);
    g.childReady();
    expect(g.hup()).toEqual([start(false)]);
    expect(g.hup()).toEqual([]);
    expect(g.hup()).toEqual([]);
    expect(g.reloadApplied(1)).toEqual([]);
    expect(g.hup()).toEqual([]);
    expect(g.childReady()).toEqual([complete('Reload'), start(true)]);
    expect(g.reloadApplied(1)).toEqual([]);
    expect(g.childReady()).toEqual([complete('Reload')]);
    expect(g.hup()).toEqual([start(false)]);
  });

  it('an aborted reload frees the gate and runs what was queued', () => {
    const g = new ReloadGate();
    g.startup(0);
    expect(g.hup()).toEqual([start(false)]);
    expect(g.reloadAborted()).toEqual([]);
    expect(g.hup()).toEqual([start(false)]);
    expect(g.hup()).toEqual([]);
    expect(g.reloadAborted()).toEqual([start(true)]);
  });

  it('a reload with no children completes at once; a respawned child changes nothing', () => {
    const g = new ReloadGate();
    g.startup(0);
    expect(g.childReady()).toEqual([]);
    g.hup();
    expect(g.reloadApplied(0)).toEqual([complete('Reload')]);
    expect(g.childReady()).toEqual([]);
  });
});
