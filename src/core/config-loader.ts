// The one place the daemon loads its configuration, so the config pipeline can be
// swapped in without touching the parent. The parent never hands children a path:
// it sends them `config` over IPC (keepalived children read the parent's memfd copy).
import { pathToFileURL } from 'node:url';
import { hostname } from 'node:os';
import type { StartStopScript } from './start-stop-script.js';

export interface LoadedConfig {
  /** false: the config can't be used (start-up aborts; a reload keeps the running config). */
  ok: boolean;
  /**
   * The config has errors that `-t` reports (a dropped instance, a bad value): start-up runs what is left, as
   * keepalived does, but a reload refuses it and keeps the running config.
   */
  hasErrors?: boolean;
  /** Sent verbatim to the children; must survive structured clone (no functions). */
  config: unknown;
  /** Messages to log, already in keepalived's wording. */
  diagnostics: string[];
  /** A vrrp_instance or static_ipaddress/routes/rules block (keepalived have_vrrp_config). */
  haveVrrpConfig: boolean;
  /** A virtual_server block (have_checker_config). */
  haveCheckerConfig: boolean;
  /** global_defs child_wait_time, seconds (default 5). */
  childWaitTimeSec?: number;
  /** Exit status when !ok at start-up (default 2, KEEPALIVED_EXIT_CONFIG). */
  exitCode?: number;
  /** Text for keepalived_parent.data on SIGUSR1 (global data dump). */
  parentDump?: string;
  /** global_defs startup_script / shutdown_script with their timeouts. */
  startupScript?: StartStopScript;
  shutdownScript?: StartStopScript;
  /**
   * Settings a reload may not change, keyed by keepalived's wording in
   * `Cannot change %s at a reload - please restart keepalived` (e.g. "network namespace").
   */
  fixedAtReload?: Record<string, string>;
  /** Every file read, main file first (logged as `Opening file '%s'.` with -D). */
  files?: string[];
  /** global_defs reload_check_config: its log file ('/dev/null' when given without one). */
  reloadCheckConfig?: string;
  /** global_defs net_namespace, instance, use_pid_dir. */
  netNamespace?: string;
  instance?: string;
  usePidDir?: boolean;
}

export interface LoadFlags {
  /** -e: any missing or unreadable config file is fatal. */
  allConfig?: boolean;
}

export type ConfigLoader = (file: string, configId: string, flags?: LoadFlags) => Promise<LoadedConfig>;

/** keepalived's default config id: the node name up to the first '.'. */
export function defaultConfigId(): string {
  return hostname().split('.')[0] ?? '';
}

interface LoaderModule {
  loadConfig?: ConfigLoader;
  loadDaemonConfig?: ConfigLoader;
}

/** Test and integration hook: a module exporting `loadConfig` replaces the built-in one. */
export const CONFIG_LOADER_ENV = 'KEEPALIVED_TS_CONFIG_LOADER';

/**
 * The loader the daemon uses: `$KEEPALIVED_TS_CONFIG_LOADER` (a module exporting
 * loadConfig with the ConfigLoader signature) if set, else the config pipeline through
 * ./config-adapter.ts.
 */
export async function resolveConfigLoader(env: NodeJS.ProcessEnv = process.env): Promise<ConfigLoader> {
  const override = env[CONFIG_LOADER_ENV];
  const specifier = override ? pathToFileURL(override).href : './config-adapter.js';
  let mod: LoaderModule;
  try {
    mod = (await import(specifier)) as LoaderModule;
  } catch (e) {
    const why = (e as Error).message;
    return async () => ({
      ok: false, config: undefined, haveVrrpConfig: false, haveCheckerConfig: false, exitCode: 1,
      diagnostics: [`Configuration loader unavailable (${override ?? 'src/core/config-adapter.ts'}): ${why}`],
    });
  }
  const load = override ? mod.loadConfig : mod.loadDaemonConfig;
  if (typeof load !== 'function') {
    return async () => ({
      ok: false, config: undefined, haveVrrpConfig: false, haveCheckerConfig: false, exitCode: 1,
      diagnostics: [`Configuration loader ${specifier} exports no ${override ? 'loadConfig' : 'loadDaemonConfig'}()`],
    });
  }
  return load;
}
