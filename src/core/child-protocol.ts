// Messages between the parent and its VRRP / checker children over the node IPC
// channel ('advanced' serialization, so Buffers, Maps and Dates survive).
import type { CliOptions } from './cli.js';

export type ChildRole = 'vrrp' | 'checker';

/** The command-line settings a child needs (keepalived's `debug` bits it inherits). */
export type ChildCliOptions = Pick<CliOptions,
  'logConsole' | 'logDetail' | 'logFacility' | 'noSyslog' | 'dontFork' | 'logFile' | 'flushLogFile' |
  'releaseVips' | 'dontReleaseVrrp' | 'dontReleaseIpvs' | 'dumpConf' | 'addressMonitoring' | 'namespace' | 'configId'>;

export type ParentToChild =
  /** First message: start with this config. */
  | { type: 'start'; role: ChildRole; config: unknown; options: ChildCliOptions; syslogSocket?: string; tmpDir: string;
    /** `_NS_INSTANCE` appended to the child's syslog identity. */
    identSuffix: string }
  /** SIGHUP: the parent already loaded and validated the new config. */
  | { type: 'reload'; config: unknown };

export type ChildToParent =
  /** Config read and applied (start-up or reload): counts towards `Startup complete` / `Reload complete`. */
  | { type: 'ready' }
  /** Sent just before a clean exit: CPU time used, for the parent's `CPU usage (self/children)` line. */
  | { type: 'stopped'; userUs: number; systemUs: number };

export const CHILD_ROLE_ENV = 'KEEPALIVED_TS_CHILD_ROLE';

/** keepalived's "%ld.%6.6ld" rendering of a CPU time. */
export function cpuSeconds(us: number): string {
  return `${Math.floor(us / 1e6)}.${String(Math.round(us % 1e6)).padStart(6, '0')}`;
}
