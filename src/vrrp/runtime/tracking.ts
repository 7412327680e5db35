// The trackers of the VRRP child (keepalived vrrp_track.c, vrrp_scheduler.c, track_file.c,
// track_process.c): vrrp_script runs, track_file values, vrrp_track_process quorums and
// track_interface link states. It owns their I/O (scripts, inotify, /proc polls) and answers one
// question for the runtime: given an instance (and its sync group), what are its effective priority
// and its tracker faults now. The answer is recomputed from the current states every time, never
// accumulated (keepalived issue #1009). Any change calls `onChange` so the runtime re-asks.
import type { KeepalivedConfig, SyncGroup, Tracked, VrrpInstance as ConfInstance, VrrpScript } from '../../config/ast.js';
import type { Logger } from '../../log/logger.js';
import type { NetEvent } from '../../net/monitor.js';
import { FileTracker, initTrackFile } from '../track/file-tracker.js';
import { effectivePriority, type FileTrackerState, type PriorityResult, type TrackerState } from '../track/priority.js';
import { ProcessTracker } from '../track/process-tracker.js';
import { scriptIds } from '../../core/script-ids.js';
import { runScript } from '../track/script-runner.js';
import { ScriptState } from '../track/script-state.js';

export interface TrackingOptions {
  logger: Logger;
  /** A tracker changed state: re-evaluate the instances. */
  onChange: () => void;
  /** Link state by interface name at start (netlink dump). */
  linkUp: ReadonlyMap<string, boolean>;
}

interface ScriptRun {
  conf: VrrpScript;
  state: ScriptState;
  timer: NodeJS.Timeout | undefined;
  running: boolean;
}

/** What an instance tracks: its own lines plus its sync group's. */
function trackedOf(v: ConfInstance, g: SyncGroup | undefined, k: 'trackScripts' | 'trackFiles' | 'trackProcesses' | 'trackInterfaces'): Tracked[] {
  return g ? [...v[k], ...g[k]] : v[k];
}

export class Tracking {
  private readonly scripts = new Map<string, ScriptRun>();
  private readonly files = new Map<string, FileTracker>();
  private procs: ProcessTracker | undefined;
  private readonly linkUp: Map<string, boolean>;
  private cfg!: KeepalivedConfig;
  private stopped = false;
  private readonly abort = new AbortController();

  constructor(private readonly o: TrackingOptions) {
    this.linkUp = new Map(o.linkUp);
  }

  private get log(): Logger { return this.o.logger; }

  /** Names of the trackers some instance or sync group uses (keepalived only runs those). */
  private used(cfg: KeepalivedConfig, k: 'trackScripts' | 'trackFiles' | 'trackProcesses'): Set<string> {
    return new Set([...cfg.vrrpInstances, ...cfg.syncGroups].flatMap((x) => x[k].map((t) => t.name)));
  }

  /** Start every tracker in use; resolves once process tracking has its first count. */
  async start(cfg: KeepalivedConfig, reload = false): Promise<void> {
    this.cfg = cfg;
    const scripts = this.used(cfg, 'trackScripts');
    for (const s of cfg.vrrpScripts) {
      if (!scripts.has(s.name) || !s.script) continue;
      const old = this.scripts.get(s.name);
      // A script kept by a reload keeps its result and its schedule (keepalived SCRIPT_INIT_STATE_INIT_RELOAD).
      if (old && old.conf.rise === s.rise && old.conf.fall === s.fall && old.conf.script?.cmd === s.script.cmd) {
        old.conf = s;
        continue;
      }
      if (old) clearTimeout(old.timer);
      const run: ScriptRun = { conf: s, state: new ScriptState({ name: s.name, rise: s.rise, fall: s.fall, initFail: s.initFail }), timer: undefined, running: false };
      this.scripts.set(s.name, run);
      this.runScriptNow(run);
    }
    for (const [name, old] of [...this.scripts]) if (!scripts.has(name) || !cfg.vrrpScripts.some((s) => s.name === name)) { clearTimeout(old.timer); this.scripts.delete(name); }

    for (const f of this.files.values()) f.stop();
    this.files.clear();
    const files = this.used(cfg, 'trackFiles');
    for (const tf of cfg.trackFiles) {
      if (!files.has(tf.name) || !tf.file) continue;
      if (tf.initFile) {
        const err = initTrackFile(tf.name, tf.file, tf.initFile, reload);
        if (err) this.log.info(err);
      }
      const t = new FileTracker({ name: tf.name, path: tf.file, onChange: () => this.o.onChange(), log: (l) => this.log.info(l) });
      t.start();
      this.files.set(tf.name, t);
    }

    this.procs?.stop();
    this.procs = undefined;
    const procs = this.used(cfg, 'trackProcesses');
    const tps = cfg.trackProcesses.filter((t) => procs.has(t.name));
    if (tps.length) {
      this.procs = new ProcessTracker({ trackers: tps, onChange: () => this.o.onChange(), log: (l) => this.log.info(l) });
      await this.procs.start();
    }
  }

  /** keepalived vrrp_script_thread(): one run at a time; the next `interval` after the previous started. */
  private runScriptNow(run: ScriptRun): void {
    if (this.stopped || this.scripts.get(run.conf.name) !== run) return;
    const s = run.conf;
    if (run.running) {
      this.log.info(`Track script ${s.name} is already running, expect idle - skipping run`);
      run.timer = setTimeout(() => this.runScriptNow(run), s.intervalMs);
      return;
    }
    const started = performance.now();
    run.running = true;
    const ids = scriptIds(s.script?.user ?? s.user ?? this.cfg.global.scriptUser?.user, s.script?.group ?? s.group ?? (s.user === undefined ? this.cfg.global.scriptUser?.group : undefined));
    void runScript({ argv: s.script?.argv ?? [], timeoutMs: s.timeoutMs, ...ids, signal: this.abort.signal }).then((r) => {
      run.running = false;
      if (this.stopped || this.scripts.get(s.name) !== run) return;
      const u = run.state.handle(r.outcome);
      for (const l of u.logs) {
        if (l.startsWith('Script `')) this.log.detail(l);
        else this.log.info(l);
      }
      if (u.changed) this.o.onChange();
      const wait = Math.max(0, started + s.intervalMs - performance.now());
      run.timer = setTimeout(() => this.runScriptNow(run), wait);
    });
  }

  /** Link events from the runtime's netlink monitor. */
  onNetEvent(ev: NetEvent): void {
    if (ev.kind !== 'link-up' && ev.kind !== 'link-down' && ev.kind !== 'link-deleted') return;
    const up = ev.kind === 'link-up';
    if (this.linkUp.get(ev.link.ifname) === up) return;
    this.linkUp.set(ev.link.ifname, up);
    this.o.onChange();
  }

  /** True while an unweighted script of the instance has not reported yet (keepalived num_script_init: the instance waits). */
  waitingForScripts(v: ConfInstance, g: SyncGroup | undefined): boolean {
    return trackedOf(v, g, 'trackScripts').some((t) => {
      const run = this.scripts.get(t.name);
      return run !== undefined && (t.weight ?? run.conf.weight) === 0 && run.state.initialising;
    });
  }

  /** Effective priority and FAULT reasons of an instance from the trackers' current states. */
  evaluate(v: ConfInstance, g: SyncGroup | undefined): PriorityResult {
    const trackers: TrackerState[] = [];
    for (const t of trackedOf(v, g, 'trackInterfaces')) {
      trackers.push({ name: `interface ${t.name}`, weight: t.weight ?? 0, reverse: t.reverse ?? false, ok: this.linkUp.get(t.name) ?? false });
    }
    for (const t of trackedOf(v, g, 'trackScripts')) {
      const run = this.scripts.get(t.name);
      if (!run) continue;
      const weight = t.weight ?? run.conf.weight;
      // Before its first result a weighted script adds nothing (initialise_track_script_state).
      if (run.state.initialising && weight !== 0) continue;
      trackers.push({ name: `script ${t.name}`, weight, reverse: t.reverse ?? run.conf.weightReverse, ok: run.state.ok });
    }
    for (const t of trackedOf(v, g, 'trackProcesses')) {
      const conf = this.cfg.trackProcesses.find((p) => p.name === t.name);
      if (!conf || !this.procs) continue;
      trackers.push({ name: `process ${t.name}`, weight: t.weight ?? conf.weight, reverse: t.reverse ?? conf.weightReverse, ok: this.procs.up(t.name) });
    }
    const files: FileTrackerState[] = [];
    for (const t of trackedOf(v, g, 'trackFiles')) {
      const conf = this.cfg.trackFiles.find((f) => f.name === t.name);
      const ft = this.files.get(t.name);
      if (!conf || !ft) continue;
      files.push({ name: `file ${t.name}`, weight: t.weight ?? conf.weight, reverse: t.reverse ?? conf.weightReverse, value: ft.value });
    }
    return effectivePriority(v.priority, trackers, files);
  }

  /** Daemon stop: timers and watchers end, running scripts are killed with their process groups. */
  stop(): void {
    this.stopped = true;
    this.abort.abort();
    for (const r of this.scripts.values()) clearTimeout(r.timer);
    for (const f of this.files.values()) f.stop();
    this.procs?.stop();
  }
}
