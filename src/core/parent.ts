// The keepalived parent process (core/main.c keepalived_main(), start_keepalived(),
// reload_config(), propagate_signal(), sigend()): loads the config, guards the pid
// files, runs the children, turns signals into reloads, dumps and an orderly stop.
import { constants, release, version as osVersion } from 'node:os';
import type { Logger } from '../log/logger.js';
import { DEFAULT_CONFIG_FILE, type CliOptions } from './cli.js';
import type { ConfigLoader, LoadedConfig } from './config-loader.js';
import { defaultConfigId } from './config-loader.js';
import { writeDumpFile, tmpDir } from './dump.js';
import { pidfileRemove, pidfileWrite, processRunning } from './pidfile.js';
import { createPidDir, defaultPidFiles, netnsExists, removePidDir, syslogIdent, type Placement } from './namespace.js';
import { DUMP_AND_RELOAD_SIGNALS, ignoreSignals, onSignal } from './signals.js';
import { SIGJSON, SIGSTATS_CLEAR } from './signum.js';
import { Supervisor } from './supervisor.js';
import { runStartStopScript } from './start-stop-script.js';
import { runReloadCheck } from './reload-check.js';
import { ReloadGate, type GateAction } from './reload-gate.js';
import { cpuSeconds, type ChildCliOptions, type ChildRole, type ParentToChild } from './child-protocol.js';
import { VERSION_STRING } from './version.js';
import { phase } from './phase-times.js';

export const CHILD_WAIT_TIME_SEC = 5;

export interface ParentDeps {
  logger: Logger;
  loadConfig: ConfigLoader;
  /** Entry module of each child daemon. */
  childEntries: Readonly<Record<ChildRole, string>>;
  /** argv as given, for the `Command line:` log line (program name first). */
  commandLine: readonly string[];
  /** Passed to children so they log to the same socket (tests). */
  syslogSocket?: string;
  /** One back-off second in ms (tests shrink it). */
  respawnUnitMs?: number;
  /** Called once the pid file is written and the children are started (daemonize waits for this). */
  onStarted?: () => void;
}

/** keepalived log_options(): `Command line: 'a' 'b' ...`, wrapped at 100 columns on spaces. */
export function commandLineLines(argv: readonly string[]): string[] {
  const label = 'Command line';
  const text = argv.map((a) => `'${a}'`).join(' ');
  const width = 100 - label.length;
  const lines: string[] = [];
  let p = 0;
  while (p < text.length) {
    while (text[p] === ' ') p++;
    let end = Math.min(text.length, p + width);
    if (text.length - p > width && text[end] !== ' ') {
      const space = text.lastIndexOf(' ', end - 1);
      if (space > p) end = space;
    }
    const chunk = text.slice(p, end);
    lines.push(lines.length === 0 ? `${label}: ${chunk}` : `${' '.repeat(label.length + 2)}${chunk}`);
    p = end;
  }
  return lines;
}

function childOptions(o: CliOptions, configId: string): ChildCliOptions {
  return {
    logConsole: o.logConsole, logDetail: o.logDetail, logFacility: o.logFacility, noSyslog: o.noSyslog,
    dontFork: o.dontFork, logFile: o.logFile, flushLogFile: o.flushLogFile, releaseVips: o.releaseVips,
    dontReleaseVrrp: o.dontReleaseVrrp, dontReleaseIpvs: o.dontReleaseIpvs, dumpConf: o.dumpConf,
    addressMonitoring: o.addressMonitoring, namespace: o.namespace, configId,
  };
}

/** running_vrrp() / running_checker() (main.c l.369). */
function wantedRoles(o: CliOptions, cfg: LoadedConfig): ChildRole[] {
  const roles: ChildRole[] = [];
  if (o.daemonCheckers && (cfg.haveCheckerConfig || o.runAllChildren)) roles.push('checker');
  if (o.daemonVrrp && (cfg.haveVrrpConfig || o.runAllChildren)) roles.push('vrrp');
  return roles;
}

/** Runs the daemon until it is told to stop; returns the exit status. */
export async function runParent(o: CliOptions, deps: ParentDeps): Promise<number> {
  const { logger } = deps;
  const early = ignoreSignals(DUMP_AND_RELOAD_SIGNALS);
  logger.info(`Starting ${VERSION_STRING}`);
  logger.info(`Running on Linux ${release()} ${osVersion()}`);
  for (const line of commandLineLines(deps.commandLine)) logger.info(line);
  if (o.coreDump) logger.info('Core dump options -m/-M are not supported by keepalived-ts (node sets no RLIMIT_CORE); ignored');

  const stopped = async (code: number): Promise<number> => {
    early.close();
    logger.info(`Stopped ${VERSION_STRING}`);
    return code;
  };

  const configFile = o.configFile ?? DEFAULT_CONFIG_FILE;
  const configId = o.configId ?? defaultConfigId();
  phase('parent: loading config');
  let current = await deps.loadConfig(configFile, configId, { allConfig: o.allConfig });
  phase('parent: config loaded');
  for (const f of current.files ?? []) logger.detail(`Opening file '${f}'.`);
  for (const d of current.diagnostics) logger.info(d);
  if (!current.ok) return stopped(current.exitCode ?? 2);
  logger.info(`Configuration file ${configFile}`);
  // -d: dump the parsed global data to the log (keepalived dump_global_data(NULL, ...)).
  const dumpConf = (cfg: LoadedConfig): void => {
    if (o.dumpConf && cfg.parentDump) for (const line of cfg.parentDump.trimEnd().split('\n')) logger.info(line);
  };
  dumpConf(current);

  // -s overrides net_namespace; instance / namespace change the syslog ident and pid files.
  if (o.namespace && current.netNamespace) {
    logger.info(`Overriding config net_namespace '${current.netNamespace}' with command line namespace '${o.namespace}'`);
  }
  const placement: Placement = { netNamespace: o.namespace ?? current.netNamespace, instance: current.instance, usePidDir: current.usePidDir };
  const identSuffix = syslogIdent('', placement);
  if (identSuffix) {
    logger.info(`Changing syslog ident to Keepalived${identSuffix}`);
    logger.changeIdent(`Keepalived${identSuffix}`);
  }
  const defaults = defaultPidFiles(placement);
  const pidFiles: Readonly<Record<'main' | ChildRole, string>> = {
    main: o.pidFile ?? defaults.main,
    vrrp: o.vrrpPidFile ?? defaults.vrrp,
    checker: o.checkersPidFile ?? defaults.checker,
  };
  const pidDir = defaults.dir && createPidDir(defaults.dir, (m) => logger.info(m)) ? defaults.dir : undefined;
  const netns = placement.netNamespace;
  if (netns && !netnsExists(netns)) {
    logger.err(`Unable to set network namespace ${netns} - exiting`);
    if (pidDir) removePidDir(pidDir);
    return stopped(1);
  }
  // keepalived_running(): the parent's pid file, and those of the children we may run.
  const logInfo = (m: string): void => logger.info(m);
  if (processRunning(pidFiles.main, logInfo)
    || (o.daemonVrrp && processRunning(pidFiles.vrrp, logInfo))
    || (o.daemonCheckers && processRunning(pidFiles.checker, logInfo))) {
    logger.info('daemon is already running');
    early.close();
    return 0;
  }
  if (!pidfileWrite(pidFiles.main, process.pid, (m) => logger.err(m))) {
    if (pidDir) removePidDir(pidDir);
    return stopped(1);
  }

  let finish!: (code: number) => void;
  const finished = new Promise<number>((resolve) => { finish = resolve; });
  let exitCode: number | undefined;
  const terminate = (code: number): void => {
    if (exitCode !== undefined) return;
    exitCode = code;
    finish(code);
  };

  const gate = new ReloadGate();
  const perform = (actions: GateAction[]): void => {
    for (const a of actions) {
      if (a.kind === 'complete') logger.info(`${a.what} complete`);
      else {
        if (a.queued) logger.detail('Processing queued reload');
        startReload().catch((e: unknown) => {
          logger.err(`Reload failed: ${(e as Error).message}`);
          perform(gate.reloadAborted());
        });
      }
    }
  };

  const supervisor = new Supervisor({
    logger,
    dontRespawn: o.dontRespawn,
    respawnUnitMs: deps.respawnUnitMs ?? 1000,
    startMessage: (role): ParentToChild => ({
      type: 'start', role, config: current.config, options: childOptions(o, configId), tmpDir: tmpDir(), identSuffix,
      ...(deps.syslogSocket !== undefined ? { syslogSocket: deps.syslogSocket } : {}),
    }),
    onReady: () => perform(gate.childReady()),
    onTerminate: terminate,
  });

  const startWanted = (): number => {
    let started = 0;
    for (const role of wantedRoles(o, current)) {
      if (supervisor.isRunning(role)) continue;
      supervisor.start({ role, entry: deps.childEntries[role], pidFile: pidFiles[role], ...(netns ? { netns } : {}) });
      started++;
    }
    return started;
  };

  const startReload = async (): Promise<void> => {
    if (current.reloadCheckConfig !== undefined && !(await runReloadCheck(deps.commandLine.slice(1), current.reloadCheckConfig, logger))) {
      perform(gate.reloadAborted());
      return;
    }
    if (exitCode !== undefined) return;
    logger.info('Reloading ...');
    let next: LoadedConfig;
    try {
      phase('parent: reloading config');
      next = await deps.loadConfig(configFile, configId, { allConfig: o.allConfig });
      phase('parent: config reloaded');
    } catch (e) {
      next = { ok: false, config: undefined, diagnostics: [`Configuration loader failed: ${(e as Error).message}`], haveVrrpConfig: false, haveCheckerConfig: false };
    }
    if (exitCode !== undefined) return;
    for (const d of next.diagnostics) logger.info(d);
    const unsupported = Object.entries(current.fixedAtReload ?? {})
      .filter(([k, v]) => (next.fixedAtReload?.[k] ?? '') !== v).map(([k]) => k);
    for (const k of unsupported) logger.info(`Cannot change ${k} at a reload - please restart keepalived`);
    if (next.ok && next.hasErrors) logger.info(`${configFile} has configuration errors - not applying it`);
    if (!next.ok || next.hasErrors || unsupported.length) {
      // keepalived 2.2.7 would let the children die on a broken config (PR #1660); we keep it running.
      logger.err(`Reload of ${configFile} failed - keeping the running configuration`);
      perform(gate.reloadAborted());
      return;
    }
    current = next;
    dumpConf(current);
    let count = 0;
    for (const role of supervisor.runningRoles()) if (supervisor.reload(role, current.config)) count++;
    phase('parent: reload sent');
    count += startWanted();
    perform(gate.reloadApplied(count));
  };

  const propagate = (signum: number, roles: readonly ChildRole[]): void => {
    for (const role of roles) supervisor.signal(role, signum);
  };
  const S = constants.signals;
  const handles = [
    onSignal(S.SIGHUP, () => perform(gate.hup())),
    onSignal(S.SIGUSR1, () => {
      logger.info(`Printing parent data for process(${process.pid}) on signal`);
      try {
        writeDumpFile('keepalived_parent.data', current.parentDump ?? `------< Global definitions >------\n Config file = ${configFile}\n`);
      } catch (e) {
        logger.err((e as Error).message);
      }
      propagate(S.SIGUSR1, ['vrrp', 'checker']);
    }),
    // Only the VRRP process consumes STATS, STATS_CLEAR and JSON.
    onSignal(S.SIGUSR2, () => propagate(S.SIGUSR2, ['vrrp'])),
    onSignal(SIGSTATS_CLEAR, () => propagate(SIGSTATS_CLEAR, ['vrrp'])),
    onSignal(SIGJSON, () => propagate(SIGJSON, ['vrrp'])),
    onSignal(S.SIGTERM, () => terminate(0)),
    onSignal(S.SIGINT, () => terminate(0)),
    onSignal(S.SIGPIPE, () => undefined),
  ];
  early.close();
  // Signal handlers don't hold the event loop; this does until we stop.
  const keepAlive = setInterval(() => undefined, 1 << 30);

  if (current.startupScript) await runStartStopScript('startup', current.startupScript, logger, netns);
  const started = exitCode === undefined ? startWanted() : 0;
  perform(gate.startup(started));
  if (started === 0 && exitCode === undefined) logger.info('Warning - keepalived has no configuration to run');
  deps.onStarted?.();

  const code = await finished;
  logger.info('Stopping');
  await supervisor.stopAll((current.childWaitTimeSec ?? CHILD_WAIT_TIME_SEC) * 1000);
  if (current.shutdownScript) await runStartStopScript('shutdown', current.shutdownScript, logger, netns);
  for (const h of handles) h.close();
  clearInterval(keepAlive);
  pidfileRemove(pidFiles.main);
  if (pidDir) removePidDir(pidDir);
  if (o.logDetail) {
    const self = process.resourceUsage();
    const kids = supervisor.childCpu;
    logger.info(`CPU usage (self/children) user: ${cpuSeconds(self.userCPUTime)}/${cpuSeconds(kids.userUs)} system: ${cpuSeconds(self.systemCPUTime)}/${cpuSeconds(kids.systemUs)}`);
  }
  return stopped(code);
}
