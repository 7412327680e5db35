// Child respawn back-off, lib/scheduler.c calc_restart_delay() (v2.2.7), pure.
//
// A child that ran more than 60 s restarts at once and the back-off resets. Otherwise the
// delay used is the one stored by the previous death, so the sequence is 0, 1, 2, 4, 8,
// 16, 32, 60, 60 ... seconds (keepalived logs "delayed 0 seconds" for the first one).

export interface RestartDecision {
  /** Seconds to wait before restarting. */
  delaySec: number;
  /** Stored for the next death (keepalived's *next_restart_delay). */
  nextDelaySec: number;
  /** Whether keepalived logs "Restart of %s process delayed %u seconds ...". */
  logged: boolean;
}

export const RAN_LONG_ENOUGH_SEC = 60;
export const MAX_RESTART_DELAY_SEC = 60;

export function calcRestartDelay(ranForMs: number, nextDelaySec: number): RestartDecision {
  if (ranForMs >= RAN_LONG_ENOUGH_SEC * 1000) return { delaySec: 0, nextDelaySec: 0, logged: false };
  const next = nextDelaySec === 0 ? 1 : nextDelaySec > 30 ? MAX_RESTART_DELAY_SEC : nextDelaySec * 2;
  return { delaySec: nextDelaySec, nextDelaySec: next, logged: true };
}
