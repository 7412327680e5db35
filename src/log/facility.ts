// syslog facilities and severities (RFC 3164 §4.1.1 / <syslog.h> codes).

export const LOG_USER = 1;
export const LOG_DAEMON = 3;
export const LOG_LOCAL0 = 16;

export type Severity = 'emerg' | 'alert' | 'crit' | 'err' | 'warning' | 'notice' | 'info' | 'debug';
export const SEVERITY_CODE: Readonly<Record<Severity, number>> = {
  emerg: 0, alert: 1, crit: 2, err: 3, warning: 4, notice: 5, info: 6, debug: 7,
};

/**
 * `-S` argument as keepalived reads it (main.c parse_cmdline): `0`-`7` and `local0`-`local7`
 * mean LOG_LOCAL0-7, `user` and `daemon` their facilities. Returns undefined when invalid.
 */
export function parseLogFacility(text: string): number | undefined {
  const digits = /^(?:local)?([0-7])$/.exec(text);
  if (digits) return LOG_LOCAL0 + Number(digits[1]);
  if (text === 'daemon') return LOG_DAEMON;
  if (text === 'user') return LOG_USER;
  return undefined;
}

/** The <PRI> value of a syslog message. */
export const syslogPri = (facility: number, severity: Severity): number => facility * 8 + SEVERITY_CODE[severity];
