// What each checker type does with a probe result: retry bookkeeping, log texts, next delay.
// One function per keepalived epilog: tcp_epilog (check_tcp.c; udp/ping copy it), epilog/timeout_epilog
// (check_http.c), misc_check_child_thread (check_misc.c), dns_final (check_dns.c), smtp_final (check_smtp.c).
import type { CheckerSpec, HttpGetSpec, MiscCheckSpec, ProbeResult } from './types.js';

export interface CheckerState {
  id: string;
  spec: CheckerSpec;
  isUp: boolean;
  hasRun: boolean;
  retryIt: number;
  /** MISC dynamic / FILE weight contribution (checker->cur_weight). */
  curWeight: number;
  lastExitCode: number;
  /** HTTP: url being checked (url_it); null = past the last url. */
  urlIt: number | null;
  /** HTTP: the url that failed (failed_url). */
  failedUrl: number | null;
  /** HTTP: last Content-Length minus received bytes logged, per url (url->len_mismatch); made on the first mismatch. */
  lenMismatch?: Map<number, number>;
  lastRanMs: number;
}

/** Hooks into the pool the epilogs call, in keepalived's order. */
export interface EpilogCtx {
  /** FMT_CHK(checker), e.g. "[10.0.0.2]:tcp:80". */
  fmt: string;
  fmtVs: string;
  nowMs: number;
  log(text: string): void;
  /** update_svr_checker_state() + the checker's smtp_alert when the state changed. */
  update(up: boolean, smtpBody: string): void;
  /** MISC dynamic weight: rs effective weight += delta (update_svr_wgt). */
  addRsWeight(delta: number): void;
  /** rs->effective_weight -= ... without update_svr_wgt (check_misc.c on a final failure). */
  adjustRsWeightSilently(delta: number): void;
  rsBaseWeight: number;
}

/** Delay until the next run; 0 = at once (fast_recovery). */
export type EpilogOutcome = { delayMs: number };

const TCP_NAMES = {
  TCP_CHECK: { conn: 'TCP connection to', check: 'TCP_CHECK', smtp: 'TCP CHECK' },
  UDP_CHECK: { conn: 'UDP connection to', check: 'UDP_CHECK', smtp: 'UDP CHECK' },
  PING_CHECK: { conn: 'ICMP connection to', check: 'ICMP CHECK', smtp: 'ICMP CHECK' },
} as const;

/** Per-failure line logged only with log_all_failures while the checker is up. */
function tcpFailureLine(type: keyof typeof TCP_NAMES, ctx: EpilogCtx, r: ProbeResult & { ok: false }): string {
  if (type === 'UDP_CHECK') return r.reason === 'mismatch' ? `UDP check to ${ctx.fmt} reply data mismatch.` : `UDP connection to ${ctx.fmt} failed.`;
  if (type === 'PING_CHECK') return r.timedOut ? `ICMP connection to address ${ctx.fmt} timeout.` : `ICMP connection to ${ctx.fmt} of ${ctx.fmtVs} failed.`;
  return `TCP connection to ${ctx.fmt} ${r.timedOut ? 'timeout' : 'failed'}.`;
}

/** tcp_epilog(): retries count even while down (retry_it only resets on reaching the limit). */
export function tcpEpilog(c: CheckerState, r: ProbeResult, ctx: EpilogCtx): EpilogOutcome {
  const spec = c.spec as CheckerSpec & { type: keyof typeof TCP_NAMES };
  const names = TCP_NAMES[spec.type];
  if (!r.ok && c.isUp && spec.logAllFailures) ctx.log(tcpFailureLine(spec.type, ctx, r));
  let delayMs: number;
  if (r.ok || c.retryIt >= spec.retry) {
    delayMs = spec.delayLoopMs;
    c.retryIt = 0;
    if (r.ok && (!c.isUp || !c.hasRun)) {
      ctx.log(`${names.conn} ${ctx.fmt} success.`);
      ctx.update(true, `=> ${names.smtp} succeed on service <=`);
    } else if (!r.ok && (c.isUp || !c.hasRun)) {
      const of = spec.type === 'PING_CHECK' ? ` of ${ctx.fmtVs}` : '';
      if (spec.retry && c.hasRun) ctx.log(`${names.check} on service ${ctx.fmt}${of} failed after ${spec.retry} retries.`);
      else ctx.log(`${names.check} on service ${ctx.fmt} failed.`);
      ctx.update(false, `=> ${names.smtp} failed on service <=`);
    }
  } else {
    delayMs = spec.delayBeforeRetryMs;
    c.retryIt++;
  }
  c.hasRun = true;
  return { delayMs };
}

type HttpMethod = 'new' | 'retry' | 'failed';

/** check_http.c epilog(): one url per run; all urls succeeding in turn bring the checker up. */
function httpEpilog(c: CheckerState, spec: HttpGetSpec, method: HttpMethod, ctx: EpilogCtx): EpilogOutcome {
  const last = spec.urls.length - 1;
  if (method === 'new') {
    c.urlIt = c.urlIt === null || c.urlIt >= last ? null : c.urlIt + 1;
    c.retryIt = 0;
  } else if (method === 'retry') c.retryIt++;

  if (method === 'new' && c.urlIt === null && c.failedUrl === null) {
    if (!c.isUp || !c.hasRun) {
      ctx.log(`Remote Web server ${ctx.fmt} succeed on service.`);
      ctx.update(true, '=> CHECK succeed on service <=');
      c.hasRun = true;
    }
    c.urlIt = 0;
    c.retryIt = 0;
  } else if (method === 'retry' && c.retryIt > spec.retry) {
    if (c.isUp || !c.hasRun) {
      if (c.hasRun && spec.retry) ctx.log(`HTTP_CHECK on service ${ctx.fmt} failed after ${c.retryIt - 1} retries.`);
      else ctx.log(`HTTP_CHECK on service ${ctx.fmt} failed.`);
      ctx.update(false, '=> CHECK failed on service : HTTP request failed <=');
    }
    c.failedUrl = c.urlIt;
  } else if (method === 'new' && c.failedUrl !== null) {
    c.failedUrl = null;
    c.urlIt = 0;
    c.retryIt = 0;
  }

  let delayMs: number;
  if (method === 'new') {
    delayMs = spec.delayLoopMs;
    if (!c.hasRun) c.retryIt = spec.retry;
  } else if (c.failedUrl !== null) delayMs = Math.max(spec.delayBeforeRetryMs, spec.delayLoopMs);
  else delayMs = spec.delayBeforeRetryMs;

  if (spec.fastRecovery && (!c.hasRun || (!c.isUp && c.failedUrl === null))) delayMs = 0;
  return { delayMs };
}

/** http_handle_response() + timeout_epilog(). */
export function httpResult(c: CheckerState, r: ProbeResult, ctx: EpilogCtx): EpilogOutcome {
  const spec = c.spec as HttpGetSpec;
  const urlIndex = c.urlIt ?? 0;
  const url = spec.urls[urlIndex];
  // http_handle_response(): report a length mismatch the first time this difference is seen.
  if (r.lengthMismatch && url) {
    const diff = r.lengthMismatch.contentLength - r.lengthMismatch.rxBytes;
    if (c.lenMismatch?.get(urlIndex) !== diff) {
      ctx.log(`http_check for RS ${ctx.fmt} VS ${ctx.fmtVs} url ${url.virtualhost ?? ''}${url.path}: content_length (${r.lengthMismatch.contentLength}) does not match received bytes (${r.lengthMismatch.rxBytes})`);
      (c.lenMismatch ??= new Map()).set(urlIndex, diff);
    }
  } else if (r.ok) c.lenMismatch?.delete(urlIndex); // a difference never is 0: unset and 0 compare alike
  if (r.ok) {
    if (!c.isUp) ctx.log(`${r.detail ?? 'HTTP status code'} success to ${ctx.fmt} url(${spec.urls[c.urlIt ?? 0]?.path ?? ''})`);
    return httpEpilog(c, spec, 'new', ctx);
  }
  if (c.isUp || !c.hasRun) {
    if (spec.logAllFailures) ctx.log(`${r.reason} server ${ctx.fmt}.`);
    c.hasRun = true;
    return httpEpilog(c, spec, 'retry', ctx);
  }
  return httpEpilog(c, spec, 'failed', ctx);
}

/** misc_check_child_thread(): exit 0 up, 1 down, 2..255 with misc_dynamic up with weight status-2. */
export function miscResult(c: CheckerState, r: ProbeResult, ctx: EpilogCtx): EpilogOutcome {
  const spec = c.spec as MiscCheckSpec;
  const script = spec.miscPath[0] ?? '';
  let exitType: string | null = null;
  let success = false;
  let messageOnly = false;
  let reason: string | null = null;
  let reasonCode = 0;
  const status = r.exitStatus;
  const isExit = status !== undefined && !('signal' in r && r.signal) && !('timedOut' in r && r.timedOut);

  if (isExit && (status === 0 || (spec.miscDynamic && status >= 2 && status <= 255))) {
    if (status !== c.lastExitCode) {
      const old = c.curWeight;
      c.curWeight = status ? status - 2 - ctx.rsBaseWeight : 0;
      ctx.addRsWeight(c.curWeight - old);
      c.lastExitCode = status;
    }
    if (!c.isUp || !c.hasRun) {
      exitType = 'succeeded';
      success = true;
    }
    c.retryIt = 0;
  } else if (c.isUp || !c.hasRun) {
    if (isExit) {
      exitType = 'failed';
      reason = 'exited with status';
      reasonCode = status;
    } else if (!r.ok && r.timedOut) exitType = 'timed out';
    else {
      exitType = 'failed';
      reason = r.ok ? null : r.signal ? 'due to signal' : r.reason;
      reasonCode = r.ok ? 0 : r.signal ? signalNumber(r.signal) : (r.exitStatus ?? 0);
    }
    if (c.retryIt < spec.retry) {
      c.retryIt++;
      if (spec.logAllFailures) messageOnly = true;
      else exitType = null;
    } else {
      c.retryIt = 0;
      if (isExit) {
        ctx.adjustRsWeightSilently(-c.curWeight);
        c.curWeight = 0;
        c.lastExitCode = status;
      }
    }
  }

  if (exitType) {
    let message = '';
    if (!success) {
      const plural = spec.retry === 1 ? 'retry' : 'retries';
      if (!spec.retry) message = ' with retry disabled';
      else if (c.retryIt === 1) message = `, will do ${spec.retry} ${plural}`;
      else if (c.retryIt > 1) message = ` on retry ${c.retryIt - 1}/${spec.retry}`;
      else message = ` after ${spec.retry} ${plural}`;
    }
    const head = `Misc check for [${ctx.fmt} VS ${ctx.fmtVs}] by [${script}] ${exitType}${message}`;
    ctx.log(reason ? `${head} (${reason} ${reasonCode}).` : `${head}.`);
    if (!messageOnly) {
      ctx.update(success, `=> MISC CHECK ${exitType} on service <=`);
      if (!success) c.curWeight = 0;
    }
  }
  // Next run counts from when the script started (timer_add_long(last_ran, ...)).
  const period = c.retryIt ? spec.delayBeforeRetryMs : spec.delayLoopMs;
  c.hasRun = true;
  return { delayMs: Math.max(0, c.lastRanMs + period - ctx.nowMs) };
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15 };
function signalNumber(name: string): number {
  return SIGNALS[name] ?? 0;
}

/**
 * dns_final() shape: failures are retried only while up; a down checker is re-tried every delay_loop.
 * `prefix` is "DNS_CHECK (fmt) " (BFD reuses it for its not-supported result).
 */
export function upRetryResult(c: CheckerState, r: ProbeResult, ctx: EpilogCtx, names: { prefix: string; success?: string; smtp: string }): EpilogOutcome {
  const spec = c.spec;
  if (!r.ok) {
    if (c.isUp || !c.hasRun) {
      if (spec.logAllFailures || c.retryIt >= spec.retry) {
        const after = c.hasRun && c.retryIt >= spec.retry && names.prefix.startsWith('DNS') ? ` after ${spec.retry} retries` : '';
        ctx.log(`${names.prefix}${r.reason}${after}`);
      }
      if (c.retryIt < spec.retry) {
        c.retryIt++;
        c.hasRun = true;
        return { delayMs: spec.delayBeforeRetryMs };
      }
      ctx.update(false, `=> ${names.smtp}failed on service <=`);
    }
  } else if (!c.isUp || !c.hasRun) {
    if (names.success) ctx.log(names.success);
    ctx.update(true, `=> ${names.smtp}succeed on service <=`);
  }
  c.retryIt = 0;
  c.hasRun = true;
  return { delayMs: spec.delayLoopMs };
}

/** smtp_final(): `++retry_it <= retry` retries (even while down); retry_it only resets on success. */
export function smtpResult(c: CheckerState, r: ProbeResult, ctx: EpilogCtx): EpilogOutcome {
  const spec = c.spec;
  if (!r.ok) {
    if ((c.isUp || !c.hasRun) && (spec.logAllFailures || c.retryIt >= spec.retry)) ctx.log(`SMTP_CHECK ${r.reason}`);
    if (++c.retryIt <= spec.retry) return { delayMs: spec.delayBeforeRetryMs };
    if (c.isUp || !c.hasRun) ctx.update(false, `=> CHECK failed on service : ${r.reason} <=`);
    return { delayMs: spec.delayLoopMs };
  }
  c.retryIt = 0;
  if (!c.isUp || !c.hasRun) {
    ctx.log(`Remote SMTP server ${ctx.fmt} succeed on service.`);
    ctx.update(true, '=> CHECK succeed on service <=');
  }
  c.hasRun = true;
  return { delayMs: spec.delayLoopMs };
}
