// Effective priority and tracker FAULT, recomputed from scratch every time (never accumulated:
// keepalived issue #1009 is the bug of adding deltas across reloads). keepalived vrrp_track.c:
// a tracker of weight w > 0 adds w while OK; w < 0 adds w while failed; `reverse` negates what is
// added (w x -1); weight 0 puts the instance in FAULT while failed (with reverse: while OK). Clamped to 1..254;
// an address owner (255) never changes.

export interface TrackerState {
  /** What the log and FAULT reason name, e.g. `script chk_nginx`, `interface eth1`. */
  name: string;
  weight: number;
  reverse: boolean;
  /** The tracked thing is up / succeeding. */
  ok: boolean;
}

/** track_file: the value read from the file times the weight (reverse negates). */
export interface FileTrackerState {
  name: string;
  weight: number;
  reverse: boolean;
  value: number;
}

export interface PriorityResult {
  effective: number;
  /** Trackers putting the instance in FAULT (unweighted and failed, or a file result < -253). */
  faults: string[];
}

export const PRIO_OWNER = 255;

export function effectivePriority(base: number, trackers: readonly TrackerState[], files: readonly FileTrackerState[] = []): PriorityResult {
  const faults: string[] = [];
  let total = base;
  for (const t of trackers) {
    if (t.weight === 0) {
      if (t.ok === t.reverse) faults.push(t.name);
      continue;
    }
    // keepalived: weight x multiplier (-1 with reverse), added while OK for w > 0, while failed for w < 0
    const mult = t.reverse ? -1 : 1;
    if (t.weight > 0 && t.ok) total += t.weight * mult;
    else if (t.weight < 0 && !t.ok) total += t.weight * mult;
  }
  for (const f of files) {
    const v = f.value * f.weight * (f.reverse ? -1 : 1);
    // unweighted: a non-zero value is FAULT, or with `reverse` a zero value (keepalived vrrp_track.c)
    if (f.weight === 0) { if (f.reverse ? f.value === 0 : f.value !== 0) faults.push(f.name); continue; }
    if (v < -253) { faults.push(f.name); continue; }
    total += v;
  }
  if (base === PRIO_OWNER) return { effective: PRIO_OWNER, faults };
  return { effective: total < 1 ? 1 : total >= PRIO_OWNER ? PRIO_OWNER - 1 : total, faults };
}

/** keepalived's log line when the effective priority moves. */
export function priorityChangeLog(iname: string, from: number, to: number): string {
  return `(${iname}) Changing effective priority from ${from} to ${to}`;
}
