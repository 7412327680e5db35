// Keepalived_vrrp: the VRRP child entry (dist/src/vrrp/daemon.js, started by the keepalived-ts parent).
import { runChild } from '../core/child.js';
import type { KeepalivedConfig } from '../config/ast.js';
import { VrrpRuntime } from './runtime/vrrp-runtime.js';

await runChild(async ({ config, options, logger }) => {
  const rt = new VrrpRuntime({ logger, dontReleaseVrrp: options.dontReleaseVrrp });
  await rt.start(config as KeepalivedConfig);
  return {
    stop: async () => {
      await rt.stop();
    },
    reload: (cfg) => rt.reload(cfg as KeepalivedConfig),
    dumpData: () => rt.dumpData(),
    dumpStats: (clear) => rt.dumpStats(clear),
    dumpJson: () => rt.dumpJson(),
  };
});
