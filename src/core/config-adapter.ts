// Adapts the config pipeline's loadConfig() (src/config/load.ts) to the parent's
// ConfigLoader contract: which children to run, what to log, whether to go on.
import { loadConfig } from '../config/load.js';
import { ConfigErr, keepalivedPrefix } from '../config/diagnostics.js';
import type { KeepalivedConfig, Script } from '../config/ast.js';
import type { StartStopScript } from './start-stop-script.js';
import type { LoadedConfig, LoadFlags } from './config-loader.js';

/** keepalived have_vrrp_config: instances, or static addresses/routes/rules (vrrp_parser.c). */
export function haveVrrpConfig(c: KeepalivedConfig): boolean {
  return c.vrrpInstances.length > 0 || c.staticIpaddress.length > 0 || c.staticRoutes.length > 0 || c.staticRules.length > 0;
}

/** keepalived dump_global_data(), abridged: the global_defs values, one per line. */
function globalDump(c: KeepalivedConfig): string {
  const lines = ['------< Global definitions >------'];
  for (const [key, value] of Object.entries(c.global)) {
    if (value === undefined || key === 'other') continue;
    lines.push(` ${key} = ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  }
  return `${lines.join('\n')}\n`;
}

function scripts(c: KeepalivedConfig): Pick<LoadedConfig, 'startupScript' | 'shutdownScript'> {
  const g = c.global;
  const conv = (s: Script, timeoutSec: number): StartStopScript => ({
    argv: s.argv, timeoutSec, ...(s.user !== undefined ? { user: s.user } : {}), ...(s.group !== undefined ? { group: s.group } : {}),
  });
  return {
    ...(g.startupScript ? { startupScript: conv(g.startupScript, g.startupScriptTimeoutS) } : {}),
    ...(g.shutdownScript ? { shutdownScript: conv(g.shutdownScript, g.shutdownScriptTimeoutS) } : {}),
  };
}

/** What keepalived's reload_config() refuses to change (core/main.c). */
function fixedAtReload(c: KeepalivedConfig): Record<string, string> {
  const word = (k: string): string => (c.global.other[k] ? c.global.other[k]!.join(' ') || 'set' : '');
  return {
    'network namespace': c.root.netNamespace ?? '',
    'IPVS network namespace': c.root.netNamespaceIpvs ?? '',
    'instance name': c.root.instance ?? '',
    'nftables table name': word('nftables'),
    'IPVS nftables table name': word('nftables_ipvs'),
    config_directory: word('tmp_config_directory'),
    disable_local_igmp: word('disable_local_igmp'),
  };
}

export async function loadDaemonConfig(file: string, configId: string, opts: LoadFlags = {}): Promise<LoadedConfig> {
  const r = loadConfig({ file, configId, allConfig: opts.allConfig ?? false });
  const diagnostics = r.diagnostics.map((d) => `${keepalivedPrefix(d.loc)}${d.message}`);
  // KEEPALIVED_EXIT_NO_CONFIG (6) for file problems, KEEPALIVED_EXIT_CONFIG (2) for a keyword missing its value.
  const exitCode = r.missing || r.fileError ? 6 : r.diagnostics.some((d) => d.fatalMissingParameter) ? 2 : undefined;
  // The config goes to the children as is (child_process 'advanced' serialization): it is plain
  // data, which test/core/config-clone.test.ts checks for every fixture and corpus config; a send
  // that still fails is logged by the supervisor and stops the child (no copy is made here to check).
  // Errors that make `-t` fail (not warnings, deprecations or the script-security warning).
  const hasErrors = r.diagnostics.some((d) => d.err !== ConfigErr.OK && d.err < ConfigErr.WARNING);
  return {
    ok: exitCode === undefined,
    hasErrors,
    config: r.config,
    diagnostics,
    haveVrrpConfig: haveVrrpConfig(r.config),
    // keepalived starts the checker child once a virtual_server keyword is read (vs_handler sets
    // have_checker_config), even when every one is then dropped ("has no real servers - ignoring").
    haveCheckerConfig: r.sawVirtualServer,
    childWaitTimeSec: r.config.root.childWaitTimeS,
    ...(exitCode !== undefined ? { exitCode } : {}),
    parentDump: globalDump(r.config),
    ...scripts(r.config),
    fixedAtReload: fixedAtReload(r.config),
    ...(r.config.root.netNamespace !== undefined ? { netNamespace: r.config.root.netNamespace } : {}),
    ...(r.config.root.instance !== undefined ? { instance: r.config.root.instance } : {}),
    usePidDir: r.config.root.usePidDir,
    files: r.config.files,
    ...(r.config.global.reloadCheckConfig !== undefined
      ? { reloadCheckConfig: r.config.global.reloadCheckConfig === true ? '/dev/null' : r.config.global.reloadCheckConfig }
      : {}),
  };
}
