// Number, timer and boolean readers with keepalived's rules and messages (lib/parser.c
// read_int_func, read_unsigned_func, read_decimal_unsigned_long_func, check_true_false).
import { ConfigErr, type DiagnosticSink, type SourceLoc } from './diagnostics.js';

export const TIMER_HZ = 1_000_000;

/** strtol/strtoul base 10 (or 0): null when the whole string is not a number. */
function parseC(s: string, base: 0 | 10): number | null {
  const t = s.replace(/^[ \t\n\r\f\v]+/, '');
  if (base === 10) return /^[+-]?\d+$/.test(t) ? Number(t) : null;
  if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(t)) return (t.startsWith('-') ? -1 : 1) * parseInt(t.replace(/^[+-]?0[xX]/, ''), 16);
  if (/^[+-]?0[0-7]*$/.test(t)) return (t.startsWith('-') ? -1 : 1) * parseInt(t.replace(/^[+-]/, '') || '0', 8);
  return /^[+-]?\d+$/.test(t) ? Number(t) : null;
}

export class ValueReader {
  constructor(private readonly sink: DiagnosticSink) {}

  private err(message: string, loc: SourceLoc): void {
    this.sink.report({ err: ConfigErr.INVALID_NUMBER, message, loc });
  }

  /** read_int(): signed, base 10. */
  int(s: string, min: number, max: number, loc: SourceLoc): number | undefined {
    const v = parseC(s, 10);
    if (v === null) { this.err(`invalid number '${s}'`, loc); return undefined; }
    if (v < -2147483648 || v > 2147483647) { this.err(`number '${s}' outside integer range`, loc); return undefined; }
    if (v < min || v > max) { this.err(`number '${s}' outside range [${min}, ${max}]`, loc); return undefined; }
    return v;
  }

  /** read_unsigned(): leading blanks skipped, '-' rejected. */
  uint(s: string, min: number, max: number, loc: SourceLoc, base: 0 | 10 = 10): number | undefined {
    const t = s.replace(/^[ \t\n\r\f\v]+/, '');
    if (t.startsWith('-')) { this.err(`negative number '${s}'`, loc); return undefined; }
    const v = parseC(t, base);
    if (v === null) { this.err(`invalid number '${s}'`, loc); return undefined; }
    if (v > 4294967295) { this.err(`number '${s}' outside unsigned integer range`, loc); return undefined; }
    if (v < min || v > max) { this.err(`number '${s}' outside range [${min}, ${max}]`, loc); return undefined; }
    return v;
  }

  /**
   * read_decimal_unsigned_long_func(): a decimal with up to `digits` places, returned scaled by
   * 10^digits (e.g. µs for timers). min and max are in the scaled unit.
   */
  decimal(s: string, min: number, max: number, digits: number, loc: SourceLoc): number | undefined {
    if (s.startsWith('-')) { this.err(`negative number '${s}'`, loc); return undefined; }
    const dot = s.indexOf('.');
    const intPart = dot >= 0 ? s.slice(0, dot) : s;
    let frac = dot >= 0 ? s.slice(dot + 1) : '';
    let roundUp = false;
    if (frac.length > digits) {
      this.err(`number '${s}' has too many decimal places`, loc);
      roundUp = frac[digits]! >= '5';
      frac = frac.slice(0, digits);
    }
    const joined = intPart + frac.padEnd(digits, '0');
    if (!/^\d+$/.test(joined)) { this.err(`invalid number '${s}'`, loc); return undefined; }
    let v = Number(joined);
    if (roundUp) v++;
    if (!Number.isSafeInteger(v)) { this.err(`number '${s}' outside unsigned decimal range`, loc); return undefined; }
    if (v < min || v > max) {
      const scale = 10 ** digits;
      const f = (x: number) => `${Math.floor(x / scale)}.${String(x % scale).padStart(digits, '0')}`;
      this.err(`number '${s}' outside range [${f(min)}, ${f(max)}]`, loc);
      return undefined;
    }
    return v;
  }

  /** read_timer(): seconds with µs resolution, returned in µs. */
  timerUs(s: string, minS: number, maxS: number, loc: SourceLoc): number | undefined {
    return this.decimal(s, Math.round(minS * TIMER_HZ), Math.round(maxS * TIMER_HZ), 6, loc);
  }
}

/** check_true_false(): exactly true/on/yes or false/off/no, lower case. */
export function checkTrueFalse(s: string): boolean | undefined {
  if (s === 'true' || s === 'on' || s === 'yes') return true;
  if (s === 'false' || s === 'off' || s === 'no') return false;
  return undefined;
}
