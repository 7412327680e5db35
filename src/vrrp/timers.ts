// Timer arithmetic of keepalived include/vrrp.h (VRRP_TIMER_SKEW, VRRP_MS_DOWN_TIMER), in integer microseconds
// like keepalived's TIMER_HZ, so truncation matches; converted to ms only at the action boundary.

export const TIMER_HZ = 1_000_000; // µs per second
export const TIMER_CENTI_HZ = 10_000; // µs per centisecond

/** Timers the engine asks the adapter to run; one pending deadline per name. */
export type TimerName = 'masterDown' | 'advert' | 'garpDelay' | 'garpLowerPrio';

/**
 * Skew for a priority value `priVal` (keepalived VRRP_TIMER_SKEW_CALC):
 * v2 (RFC 3768 §6.1): priVal/256 s, independent of the interval;
 * v3 (RFC 5798 §6.1): priVal × Master_Adver_Interval/256, as `priVal × cs × 625 / 16` µs.
 */
export function skewUs(version: 2 | 3, priVal: number, masterAdverIntUs: number): number {
  if (version === 3) return Math.floor((priVal * Math.floor(masterAdverIntUs / TIMER_CENTI_HZ) * 625) / 16);
  return Math.floor((priVal * TIMER_HZ) / 256);
}

/** Skew_Time for an effective priority: priVal = 256 − priority. */
export function skewTimeUs(version: 2 | 3, priority: number, masterAdverIntUs: number): number {
  return skewUs(version, 256 - priority, masterAdverIntUs);
}

/** Master_Down_Interval = down_timer_adverts × Master_Adver_Interval + Skew_Time. */
export function masterDownUs(version: 2 | 3, priority: number, masterAdverIntUs: number, downTimerAdverts: number): number {
  return downTimerAdverts * masterAdverIntUs + skewTimeUs(version, priority, masterAdverIntUs);
}

export const csToUs = (cs: number): number => cs * TIMER_CENTI_HZ;
export const msToUs = (ms: number): number => Math.round(ms * 1000);
export const usToMs = (us: number): number => us / 1000;
