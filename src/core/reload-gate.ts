// When the parent may start a reload, and when it says `Startup complete` /
// `Reload complete` (core/main.c num_reloading, queue_reload(), config_notify.c). Pure:
// events in, actions out; parent.ts performs them.
//
// One reload at a time. A SIGHUP while a reload is loading or while children are still
// reading a config (start-up included) is remembered and run afterwards; several such
// SIGHUPs make one reload, which reads the newest files anyway.

export type GateAction =
  /** Begin a reload (check, load, hand to children). queued: it had waited. */
  | { kind: 'start-reload'; queued: boolean }
  /** Every child has read the config. */
  | { kind: 'complete'; what: 'Startup' | 'Reload' };

type Phase = 'idle' | 'loading' | 'waiting-children';

export class ReloadGate {
  private phase: Phase = 'idle';
  private pending = 0;
  private queued = false;
  private loadedOnce = false;

  /** Children started at start-up; each will report ready once. */
  startup(children: number): GateAction[] {
    this.pending = children;
    this.phase = children > 0 ? 'waiting-children' : 'idle';
    return [];
  }

  /** SIGHUP. */
  hup(): GateAction[] {
    if (this.phase !== 'idle') {
      this.queued = true;
      return [];
    }
    this.phase = 'loading';
    return [{ kind: 'start-reload', queued: false }];
  }

  /** The reload did not happen (check failed, load failed, unsupported change). */
  reloadAborted(): GateAction[] {
    this.phase = 'idle';
    return this.drainQueue();
  }

  /** The new config went to `children` children (running ones plus newly started ones). */
  reloadApplied(children: number): GateAction[] {
    this.pending = children;
    if (children > 0) {
      this.phase = 'waiting-children';
      return [];
    }
    this.phase = 'idle';
    this.loadedOnce = true;
    return [{ kind: 'complete', what: 'Reload' }, ...this.drainQueue()];
  }

  /** A child read its config. A respawned child nobody waits for changes nothing. */
  childReady(): GateAction[] {
    if (this.pending === 0) return [];
    if (--this.pending > 0) return [];
    const what = this.loadedOnce ? 'Reload' : 'Startup';
    this.loadedOnce = true;
    this.phase = 'idle';
    return [{ kind: 'complete', what }, ...this.drainQueue()];
  }

  private drainQueue(): GateAction[] {
    if (!this.queued) return [];
    this.queued = false;
    this.phase = 'loading';
    return [{ kind: 'start-reload', queued: true }];
  }
}
