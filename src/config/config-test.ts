// `keepalived-ts -t`: the contract between the command line (src/core) and the
// config pipeline (src/config). Filled in by the config pipeline.
export interface ConfigTestOptions {
  /** Config file path as given with -f (a glob, as keepalived treats it). */
  file: string;
  /** -i / --config-id; defaults to the node name up to the first '.'. */
  configId?: string;
  /** -t=FILE / --config-test=FILE: diagnostics are appended there instead of stderr. */
  logFile?: string;
  /** --json: machine-readable diagnostics on stdout. */
  json?: boolean;
  /** --dump-resolved-json: print the resolved config as JSON on stdout. */
  dumpResolved?: boolean;
  /** -e / --all-config: any missing or unreadable config file is fatal. */
  allConfig?: boolean;
}

/** Runs the config test and returns keepalived's exit code (0, 2, 4, 5 or 6). */
export async function runConfigTest(_opts: ConfigTestOptions): Promise<number> {
  throw new Error('config pipeline not built yet');
}
