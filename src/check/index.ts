// Public face of src/check: engine input types, the sans-I/O scheduler, the runner adapter, probes, genhash.
export * from './types.js';
export { CheckScheduler, checkerId, BOOTSTRAP_DELAY_MS, type SchedulerOptions } from './scheduler.js';
export { CheckRunner, type CheckRunnerOptions, type SinkAction } from './runner.js';
export { runProbe, BFD_NOT_SUPPORTED } from './probes/index.js';
export { parseRequireReply } from './probes/udp.js';
export { resolveTiming, miscTimeoutMs, typeDefaults, VS_DELAY_LOOP_MS, VS_CONNECT_TIMEOUT_MS, type TimingKeywords } from './defaults.js';
export { formatRs, formatVs } from './format.js';
export { genhashMain, genhashUsage } from './genhash.js';
export { resolveScriptPath, type ScriptPath } from './script-path.js';
