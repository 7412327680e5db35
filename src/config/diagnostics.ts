// Config diagnostics. Severity classes are keepalived's config_err_t (lib/parser.h):
// `-t` exits with a code chosen from the numerically largest class reported.

export enum ConfigErr {
  OK = 0,
  FILE_NOT_FOUND = 1,
  BAD_IF = 2,
  FATAL = 3,
  MULTIPLE_FILES = 4,
  UNKNOWN_KEYWORD = 5,
  UNEXPECTED_BOB = 6,
  MISSING_BOB = 7,
  UNEXPECTED_EOB = 8,
  MISSING_EOB = 9,
  UNMATCHED_QUOTE = 10,
  MISSING_PARAMETER = 11,
  INVALID_NUMBER = 12,
  GENERAL_ERROR = 13,
  WARNING = 14,
  DEPRECATED = 15,
  SECURITY_ERROR = 16,
}

/** Where the user wrote the text a diagnostic is about. */
export interface SourceLoc {
  file: string;
  line: number;
  /** 1-based column of the first character, when known. */
  col?: number;
  /** Length of the span to underline, when known. */
  len?: number;
}

export interface Diagnostic {
  /** keepalived's class; OK means a notice that does not change the exit code. */
  err: ConfigErr;
  message: string;
  loc?: SourceLoc;
  /** Extra help beyond keepalived's text (did-you-mean, replacement keyword, ...). */
  hint?: string;
  /** Set when the message is keepalived-ts's own addition (keepalived prints nothing there). */
  ours?: boolean;
  /** Keyword line that started a missing-parameter abort (keepalived exits 2 there). */
  fatalMissingParameter?: boolean;
}

export class DiagnosticSink {
  readonly items: Diagnostic[] = [];
  private seen = new Set<string>();

  report(d: Diagnostic): void {
    // Every problem once: keepalived prints top-level errors once per process pass.
    const key = `${d.loc?.file ?? ''}:${d.loc?.line ?? ''}:${d.err}:${d.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push(d);
  }

  error(err: ConfigErr, message: string, loc?: SourceLoc, hint?: string): void {
    this.report({ err, message, loc, hint });
  }

  worst(): ConfigErr {
    let w = ConfigErr.OK;
    for (const d of this.items) if (d.err > w) w = d.err;
    return w;
  }
}

/** keepalived's `-t` exit status (core/main.c config_test_exit, lib/scheduler.h chk_exit_code). */
export function configTestExitCode(diags: readonly Diagnostic[]): number {
  if (diags.some((d) => d.fatalMissingParameter)) return 2;
  let worst = ConfigErr.OK;
  for (const d of diags) if (d.err > worst) worst = d.err;
  if (worst === ConfigErr.OK) return 0;
  if (worst === ConfigErr.SECURITY_ERROR) return 6;
  if (worst <= ConfigErr.FATAL) return 4;
  return 5;
}

/** keepalived's prefix: `(FILE: Line N) ` (post-parse messages have none). */
export function keepalivedPrefix(loc: SourceLoc | undefined): string {
  if (!loc) return '';
  return `(${loc.file}: Line ${loc.line}) `;
}
