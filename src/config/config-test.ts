// `keepalived-ts -t`: the contract between the command line (src/core) and the config pipeline.
// Output: keepalived's `(FILE: Line N) text` line for each problem, once each, then an
// indented excerpt with a caret under the column, and a hint where we know better.
import * as fs from 'node:fs';
import { ConfigErr, configTestExitCode, type Diagnostic, keepalivedPrefix } from './diagnostics.js';
import { loadConfig, type LoadResult } from './load.js';

export interface ConfigTestOptions {
  /** Config file path as given with -f (a glob, as keepalived treats it). */
  file: string;
  /** -i / --config-id; defaults to the node name up to the first '.'. */
  configId?: string;
  /** -t=FILE / --config-test=FILE: diagnostics are appended there instead of stderr. */
  logFile?: string;
  /** --json: machine-readable diagnostics on stdout. */
  json?: boolean;
  /** --config-json: print the resolved config as JSON on stdout. */
  dumpResolved?: boolean;
  /** -e / --all-config: any missing or unreadable config file is fatal. */
  allConfig?: boolean;
  /** Where text output goes (default: stderr, or the log file). */
  write?: (s: string) => void;
  /** Where JSON goes (default: stdout). */
  writeOut?: (s: string) => void;
}

/** keepalived's exit code when the main config file is missing and we refuse it (KEEPALIVED_EXIT_NO_CONFIG). */
export const EXIT_NO_CONFIG = 6;

/** Control characters from a broken file must not reach the terminal as such. */
export function printable(s: string): string {
  return s.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function excerpt(d: Diagnostic, lines: Map<string, string[]>): string {
  const loc = d.loc;
  if (!loc || !loc.line) return '';
  const src = lines.get(loc.file)?.[loc.line - 1];
  if (src === undefined) return '';
  const shown = printable(src.replace(/\t/g, ' '));
  const num = String(loc.line);
  let out = `  ${num} | ${shown}\n`;
  if (loc.col) {
    const len = Math.max(1, Math.min(loc.len ?? 1, shown.length - loc.col + 1));
    out += `  ${' '.repeat(num.length)} | ${' '.repeat(loc.col - 1)}${'^'.repeat(len)}\n`;
  }
  return out;
}

export function formatDiagnostic(d: Diagnostic, sources: Map<string, string[]>): string {
  // keepalived logs its notices (LOG_INFO) instead of printing them with -t: they are notes here, as ours are.
  const note = d.err === ConfigErr.OK;
  const msg = printable(d.message);
  const head = note ? `${keepalivedPrefix(d.loc)}note: ${msg}\n` : `${keepalivedPrefix(d.loc)}${msg}\n`;
  let s = head + excerpt(d, sources);
  if (d.hint) s += `  hint: ${d.hint}\n`;
  return s;
}

/** Source lines of every file read, keyed by the name diagnostics use, for excerpts. */
function sourcesOf(r: LoadResult, diags: Diagnostic[]): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  const wanted = new Set(diags.map((d) => d.loc?.file).filter((f): f is string => !!f));
  for (const name of wanted) {
    const abs = r.config.files.find((f) => f === name || f.endsWith('/' + name.replace(/^\.\//, '')));
    const p = abs ?? name;
    try { byName.set(name, fs.readFileSync(p, 'utf8').split('\n')); } catch { /* excerpt omitted */ }
  }
  return byName;
}

export function diagnosticsJson(diags: Diagnostic[]): object[] {
  return diags.map((d) => ({
    class: ConfigErr[d.err],
    severity: d.err === ConfigErr.OK ? 'notice' : d.err === ConfigErr.WARNING || d.err === ConfigErr.DEPRECATED ? 'warning' : 'error',
    message: d.message,
    file: d.loc?.file,
    line: d.loc?.line,
    column: d.loc?.col,
    hint: d.hint,
    keepalivedTs: d.ours ?? false,
  }));
}

/** Runs the config test and returns keepalived's exit code (0, 2, 4, 5 or 6). */
export async function runConfigTest(opts: ConfigTestOptions): Promise<number> {
  let write = opts.write ?? ((s: string) => process.stderr.write(s));
  const writeOut = opts.writeOut ?? ((s: string) => process.stdout.write(s));
  if (opts.logFile !== undefined) {
    let fd: number;
    try {
      fd = fs.openSync(opts.logFile, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW, 0o644);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      process.stderr.write(`Unable to open config-test log file ${opts.logFile} ${err.errno ? -err.errno : ''} - ${err.message}\n`);
      return 1;
    }
    write = (s: string) => { fs.writeSync(fd, s); };
  }
  const r = loadConfig({ file: opts.file, configId: opts.configId, allConfig: opts.allConfig, retainVirtualServers: !!opts.dumpResolved });
  const diags = [...r.diagnostics];
  let code = configTestExitCode(diags);
  if (r.missing) {
    // keepalived 2.2.7 says `Config files missing` and exits 0 (its issue #955); a missing file is an error here.
    diags.push({ err: ConfigErr.FILE_NOT_FOUND, message: `Unable to read configuration file ${opts.file}`, ours: true, hint: 'keepalived 2.2.7 exits 0 here; keepalived-ts refuses a missing config' });
    code = EXIT_NO_CONFIG;
  } else if (r.fileError && code !== 2) code = EXIT_NO_CONFIG;

  if (opts.json || opts.dumpResolved) {
    const out: Record<string, unknown> = {};
    if (opts.json) { out['exitCode'] = code; out['diagnostics'] = diagnosticsJson(diags); }
    if (opts.dumpResolved) out['config'] = r.config;
    writeOut(JSON.stringify(opts.json ? out : out['config'], null, 2) + '\n');
    if (!opts.json) {
      const sources = sourcesOf(r, diags);
      for (const d of diags) if (d.err !== ConfigErr.OK || d.ours) write(formatDiagnostic(d, sources));
    }
    return code;
  }
  const sources = sourcesOf(r, diags);
  for (const d of diags) write(formatDiagnostic(d, sources));
  return code;
}
