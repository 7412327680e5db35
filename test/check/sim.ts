// Discrete-event driver for the sans-I/O scheduler: a fake clock, timers from scheduleTimer actions,
// probe results delivered after a chosen duration. Records every action with its time.
import { CheckScheduler } from '../../src/check/scheduler.js';
import type { CheckAction, CheckerSpec, ProbeResult } from '../../src/check/types.js';

export interface Timed { t: number; a: CheckAction }
export type SimProbe = (spec: CheckerSpec, urlIndex: number | undefined, nowMs: number, checkerId: string) => { result: ProbeResult; durationMs?: number };

export class SimLoop {
  now = 0;
  readonly actions: Timed[] = [];
  private readonly timers = new Map<string, number>();
  private readonly pending: Array<{ due: number; id: string; result: ProbeResult }> = [];

  constructor(readonly sched: CheckScheduler, private readonly probe: SimProbe) {}

  private take(list: CheckAction[]): void {
    for (const a of list) {
      this.actions.push({ t: this.now, a });
      if (a.type === 'scheduleTimer') this.timers.set(a.timerId, this.now + a.delayMs);
      if (a.type === 'runProbe') {
        const { result, durationMs = 0 } = this.probe(a.spec, a.urlIndex, this.now, a.checkerId);
        this.pending.push({ due: this.now + durationMs, id: a.checkerId, result });
      }
    }
  }

  start(): void {
    this.take(this.sched.start(this.now));
  }

  /** Process events up to untilMs; bounded by a step count. */
  run(untilMs: number): void {
    for (let steps = 0; steps < 100_000; steps++) {
      let best: { due: number; kind: 'timer' | 'result'; id: string; idx: number } | null = null;
      for (const [id, due] of this.timers) if (!best || due < best.due) best = { due, kind: 'timer', id, idx: -1 };
      this.pending.forEach((p, idx) => {
        if (!best || p.due < best.due) best = { due: p.due, kind: 'result', id: p.id, idx };
      });
      if (!best || best.due > untilMs) break;
      const b = best as { due: number; kind: 'timer' | 'result'; id: string; idx: number };
      this.now = b.due;
      if (b.kind === 'timer') {
        this.timers.delete(b.id);
        this.take(this.sched.handle({ type: 'timer', timerId: b.id }, this.now));
      } else {
        const [p] = this.pending.splice(b.idx, 1);
        this.take(this.sched.handle({ type: 'probeResult', checkerId: b.id, result: p!.result }, this.now));
      }
    }
    this.now = untilMs;
  }

  stop(): void {
    this.take(this.sched.stop());
  }

  logs(): Array<[number, string]> {
    return this.actions.flatMap(({ t, a }) => (a.type === 'log' ? [[t, a.text] as [number, string]] : []));
  }

  ipvs(): Array<[number, string]> {
    return this.actions.flatMap(({ t, a }) => {
      switch (a.type) {
        case 'addRealServer': return [[t, `add ${a.rs.ip}:${a.rs.port} w${a.weight}`] as [number, string]];
        case 'removeRealServer': return [[t, `del ${a.rs.ip}:${a.rs.port}`] as [number, string]];
        case 'setWeight': return [[t, `weight ${a.rs.ip}:${a.rs.port} w${a.weight}`] as [number, string]];
        case 'addSorryServer': return [[t, `add-sorry ${a.rs.ip}:${a.rs.port} w${a.weight}`] as [number, string]];
        case 'removeSorryServer': return [[t, `del-sorry ${a.rs.ip}:${a.rs.port}`] as [number, string]];
        default: return [];
      }
    });
  }

  probeTimes(checkerId?: string): number[] {
    return this.actions.filter(({ a }) => a.type === 'runProbe' && (!checkerId || a.checkerId === checkerId)).map(({ t }) => t);
  }
}
