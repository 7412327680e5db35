// Default resolution checker → RS → VS → type default, as keepalived's validate_check_config().
import { describe, expect, it } from 'vitest';
import { miscTimeoutMs, resolveTiming } from '../../src/check/defaults.js';

describe('resolveTiming', () => {
  it('bare checkers get keepalived\'s defaults per type', () => {
    expect(resolveTiming('TCP_CHECK', {}, {}, {})).toEqual({ delayLoopMs: 60_000, warmupMs: 60_000, retry: 1, delayBeforeRetryMs: 1_000, connectTimeoutMs: 5_000, alpha: false, logAllFailures: false });
    expect(resolveTiming('HTTP_GET', {}, {}, {})).toMatchObject({ retry: 1, delayBeforeRetryMs: 3_000 });
    expect(resolveTiming('MISC_CHECK', {}, {}, {})).toMatchObject({ retry: 0 });
    expect(resolveTiming('DNS_CHECK', {}, {}, { delayLoopMs: 7_000 })).toMatchObject({ retry: 3, delayBeforeRetryMs: 7_000 });
  });
  it('checker keywords beat the real server\'s, which beat the virtual server\'s', () => {
    const t = resolveTiming('HTTP_GET', { retry: 5 }, { retry: 4, delayBeforeRetryMs: 2_000, alpha: true }, { retry: 3, delayLoopMs: 10_000, connectTimeoutMs: 2_000, delayBeforeRetryMs: 9_000 });
    expect(t).toEqual({ delayLoopMs: 10_000, warmupMs: 10_000, retry: 5, delayBeforeRetryMs: 2_000, connectTimeoutMs: 2_000, alpha: true, logAllFailures: false });
    // warmup defaults to the checker's own delay_loop.
    expect(resolveTiming('TCP_CHECK', { delayLoopMs: 3_000 }, {}, { delayLoopMs: 10_000 }).warmupMs).toBe(3_000);
  });
  it('misc_timeout defaults to the VS delay_loop', () => {
    expect(miscTimeoutMs(undefined, { delayLoopMs: 6_000 })).toBe(6_000);
    expect(miscTimeoutMs(3, {})).toBe(3_000);
  });
});
