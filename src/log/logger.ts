// keepalived's log_message(): syslog (unless -G), the console with -l when not forking
// (lib/logger.c vlog_message), and optionally a log file (-g).
import { openSync, closeSync, writeSync } from 'node:fs';
import { syslogPri, type Severity } from './facility.js';
import { consoleTimestamp, logFileTimestamp } from './timestamp.js';
import { SyslogTransport } from './syslog-transport.js';

/** syslog identities (keepalived PROG_*). */
export type ProcessIdent = 'Keepalived' | 'Keepalived_vrrp' | 'Keepalived_healthcheckers' | 'Keepalived_bfd';

export interface LoggerOptions {
  ident: ProcessIdent | string;
  pid?: number;
  /** syslog facility code (LOG_DAEMON = 3 by default). */
  facility: number;
  /** false with -G or -t. */
  syslog: boolean;
  syslogSocket?: string;
  /** -l together with -n: lines go to stderr with keepalived's timestamp prefix. */
  console: boolean;
  consoleWrite?: (line: string) => void;
  /** -g resolved to this process's file name. */
  logFile?: string;
  /** --flush-log-file: accepted; lines are written unbuffered anyway. */
  flushLogFile?: boolean;
  /** -D count. */
  detailLevel: 0 | 1 | 2;
  now?: () => Date;
}

export interface Logger {
  /** Current syslog identity. */
  readonly ident: string;
  readonly detailLevel: 0 | 1 | 2;
  log(severity: Severity, text: string): void;
  info(text: string): void;
  notice(text: string): void;
  warning(text: string): void;
  err(text: string): void;
  alert(text: string): void;
  /** Logged only with -D (keepalived's __test_bit(LOG_DETAIL_BIT)). */
  detail(text: string): void;
  /** Logged only with -D -D (LOG_EXTRA_DETAIL_BIT). */
  extraDetail(text: string): void;
  /** keepalived reopens syslog as Keepalived_NS_INSTANCE once it knows them (make_syslog_ident). */
  changeIdent(ident: string): void;
  /** Flushes and stops the syslog helper. */
  close(): Promise<void>;
}

/** `-g` for a child: keepalived inserts `_vrrp` etc. before the last '.' of the name. */
export function childLogFileName(name: string, suffix: string): string {
  const slash = name.lastIndexOf('/');
  const dot = name.lastIndexOf('.');
  return dot > slash ? `${name.slice(0, dot)}_${suffix}${name.slice(dot)}` : `${name}_${suffix}`;
}

export function createLogger(opts: LoggerOptions): Logger {
  const now = opts.now ?? (() => new Date());
  const consoleWrite = opts.consoleWrite ?? ((line: string) => { process.stderr.write(line); });
  const openSyslog = (ident: string): SyslogTransport | undefined => (opts.syslog
    ? new SyslogTransport({
      ident,
      pid: opts.pid ?? process.pid,
      ...(opts.syslogSocket !== undefined ? { socketPath: opts.syslogSocket } : {}),
      onError: (m) => { if (opts.console) consoleWrite(`${consoleTimestamp(now())}: ${m}\n`); },
    })
    : undefined);
  let ident = opts.ident;
  let syslog = openSyslog(ident);
  const closing: Promise<void>[] = [];
  let logFd: number | undefined;
  if (opts.logFile) {
    try {
      logFd = openSync(opts.logFile, 'a', 0o644);
    } catch (e) {
      consoleWrite(`Unable to open log file ${opts.logFile}: ${(e as Error).message}\n`);
    }
  }

  const log = (severity: Severity, text: string): void => {
    if (opts.console || logFd !== undefined) {
      const d = now();
      if (opts.console) consoleWrite(`${consoleTimestamp(d)}: ${text}\n`);
      if (logFd !== undefined) {
        try {
          // Unbuffered write(2): every line is already "flushed" (--flush-log-file is implied).
          writeSync(logFd, `${logFileTimestamp(d)}: ${text}\n`);
        } catch {
          // A full disk must not stop the daemon; syslog still gets the line.
        }
      }
    }
    syslog?.send(syslogPri(opts.facility, severity), text);
  };

  return {
    get ident() { return ident; },
    detailLevel: opts.detailLevel,
    log,
    info: (t) => log('info', t),
    notice: (t) => log('notice', t),
    warning: (t) => log('warning', t),
    err: (t) => log('err', t),
    alert: (t) => log('alert', t),
    detail: (t) => { if (opts.detailLevel >= 1) log('info', t); },
    extraDetail: (t) => { if (opts.detailLevel >= 2) log('info', t); },
    changeIdent: (next) => {
      if (next === ident) return;
      ident = next;
      if (syslog) closing.push(syslog.close());
      syslog = openSyslog(ident);
    },
    close: async () => {
      await Promise.all([...closing, syslog?.close()]);
      if (logFd !== undefined) closeSync(logFd);
      logFd = undefined;
    },
  };
}
