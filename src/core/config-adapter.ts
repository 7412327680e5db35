// Adapts the config pipeline's loadConfig() (src/config/load.ts) to the parent's
// ConfigLoader contract: which children to run, what to log, whether to go on.
import { loadConfig } from '../config/load.js';
import { keepalivedPrefix } from '../config/diagnostics.js';
import type { KeepalivedConfig } from '../config/ast.js';
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

export async function loadDaemonConfig(file: string, configId: string, opts: LoadFlags = {}): Promise<LoadedConfig> {
  const r = loadConfig({ file, configId, allConfig: opts.allConfig ?? false });
  const diagnostics = r.diagnostics.map((d) => `${keepalivedPrefix(d.loc)}${d.message}`);
  // KEEPALIVED_EXIT_NO_CONFIG (6) for file problems, KEEPALIVED_EXIT_CONFIG (2) for a keyword missing its value.
  const exitCode = r.missing || r.fileError ? 6 : r.diagnostics.some((d) => d.fatalMissingParameter) ? 2 : undefined;
  try {
    structuredClone(r.config);
  } catch (e) {
    return { ok: false, config: undefined, diagnostics: [...diagnostics, `internal error: config cannot be sent to the children: ${(e as Error).message}`], haveVrrpConfig: false, haveCheckerConfig: false, exitCode: 70 };
  }
  return {
    ok: exitCode === undefined,
    config: r.config,
    diagnostics,
    haveVrrpConfig: haveVrrpConfig(r.config),
    haveCheckerConfig: r.config.virtualServers.length > 0,
    childWaitTimeSec: r.config.root.childWaitTimeS,
    ...(exitCode !== undefined ? { exitCode } : {}),
    parentDump: globalDump(r.config),
  };
}
