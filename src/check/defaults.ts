// keepalived's default resolution for checker timing: checker keyword → real_server → virtual_server →
// per-type default (check_data.c validate_check_config() and the checker allocators).
import type { CheckerTiming, CheckerType } from './types.js';

/** alloc_vs(): delay_loop 60 s, connect_timeout 5 s. */
export const VS_DELAY_LOOP_MS = 60_000;
export const VS_CONNECT_TIMEOUT_MS = 5_000;

/** Keywords as a config block gives them: anything may be absent. */
export interface TimingKeywords {
  delayLoopMs?: number;
  warmupMs?: number;
  retry?: number;
  delayBeforeRetryMs?: number;
  connectTimeoutMs?: number;
  alpha?: boolean;
  logAllFailures?: boolean;
}

/** default_retry / default_delay_before_retry per checker (check_api.c 1 / 1 s; HTTP 3 s; MISC retry 0; DNS 3 and delay_loop). */
export function typeDefaults(type: CheckerType): { retry: number; delayBeforeRetryMs: number | 'delay_loop' } {
  switch (type) {
    case 'HTTP_GET':
    case 'SSL_GET':
      return { retry: 1, delayBeforeRetryMs: 3_000 };
    case 'MISC_CHECK':
      return { retry: 0, delayBeforeRetryMs: 1_000 };
    case 'DNS_CHECK':
      return { retry: 3, delayBeforeRetryMs: 'delay_loop' };
    default:
      return { retry: 1, delayBeforeRetryMs: 1_000 };
  }
}

export interface ResolvedTiming extends CheckerTiming {
  connectTimeoutMs: number;
}

/** Fills a checker's timing the way keepalived does once the whole config is read. */
export function resolveTiming(type: CheckerType, checker: TimingKeywords, rs: TimingKeywords, vs: TimingKeywords, globalLogAllFailures = false): ResolvedTiming {
  const d = typeDefaults(type);
  const rsDelayLoop = rs.delayLoopMs ?? vs.delayLoopMs ?? VS_DELAY_LOOP_MS;
  const delayLoopMs = checker.delayLoopMs ?? rsDelayLoop;
  const rsDbr = rs.delayBeforeRetryMs ?? vs.delayBeforeRetryMs;
  return {
    delayLoopMs,
    warmupMs: checker.warmupMs ?? rs.warmupMs ?? vs.warmupMs ?? delayLoopMs,
    retry: checker.retry ?? rs.retry ?? vs.retry ?? d.retry,
    delayBeforeRetryMs: checker.delayBeforeRetryMs ?? rsDbr ?? (d.delayBeforeRetryMs === 'delay_loop' ? delayLoopMs : d.delayBeforeRetryMs),
    connectTimeoutMs: checker.connectTimeoutMs ?? rs.connectTimeoutMs ?? vs.connectTimeoutMs ?? VS_CONNECT_TIMEOUT_MS,
    alpha: checker.alpha ?? rs.alpha ?? vs.alpha ?? false,
    logAllFailures: globalLogAllFailures || (checker.logAllFailures ?? false),
  };
}

/** misc_timeout unset → the virtual server's delay_loop (misc_check_thread). */
export function miscTimeoutMs(miscTimeoutSecs: number | undefined, vs: TimingKeywords): number {
  return miscTimeoutSecs ? miscTimeoutSecs * 1000 : (vs.delayLoopMs ?? VS_DELAY_LOOP_MS);
}
