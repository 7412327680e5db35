// Timestamps keepalived puts in front of console and log-file lines (lib/logger.c).

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');
const time = (d: Date): string => `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;

/** strftime("%c") in the C locale, local time: `Mon Nov 23 05:50:28 2026` (day space-padded). */
export function consoleTimestamp(d: Date): string {
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${time(d)} ${d.getFullYear()}`;
}

/** Log-file stamp, "%a %b %d %T.%9ld %Y": `Mon Nov 23 05:50:28.123000000 2026`. */
export function logFileTimestamp(d: Date): string {
  const ns = String(d.getMilliseconds() * 1_000_000).padStart(9, '0');
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${two(d.getDate())} ${time(d)}.${ns} ${d.getFullYear()}`;
}
