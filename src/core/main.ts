// Entry point of bin/keepalived-ts: command line, then config test, genhash or the daemon.
// Only the command line and the config test are imported up front: `-t` is run on every config
// change and must not load the daemon's modules (about 20 of them: logger, supervisor, IPC...).
import { closeSync, openSync, readFileSync, constants as fsc } from 'node:fs';
import { release, version as osVersion } from 'node:os';
import { resolve } from 'node:path';
import { parseCommandLine, type CliOptions, type HostInfo } from './cli.js';
import { cError } from './strerror.js';
import { COPYRIGHT_STRING, PROGRAM_NAME, VERSION_STRING } from './version.js';

/** Test hooks: syslog socket path and back-off unit (documented in docs/keepalived-ts.8). */
export const SYSLOG_SOCKET_ENV = 'KEEPALIVED_TS_SYSLOG_SOCKET';
export const RESPAWN_UNIT_ENV = 'KEEPALIVED_TS_RESPAWN_UNIT_MS';

function distro(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'));
    return m?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export const host: HostInfo = {
  programName: PROGRAM_NAME,
  versionBanner: () =>
    `${VERSION_STRING}\n\n${COPYRIGHT_STRING}\n\n` +
    `Running on Linux ${release()} ${osVersion()}\nDistro: ${distro()}\n\n` +
    `Node.js ${process.version}\n\nSNMP, DBus and BFD are not supported.\n`,
};

type GenhashMain = (argv: string[], io?: undefined, amGenhash?: boolean) => Promise<number> | number;

/**
 * genhash mode: `keepalived-ts -T ARGS` (amGenhash false: keepalived's usage wording) or
 * bin/genhash-ts. argv[0] given to genhash is the program name, as check_genhash() sees it.
 */
export async function genhash(args: string[], amGenhash = false, programName = PROGRAM_NAME): Promise<number> {
  try {
    const specifier = '../check/genhash.js';
    const mod = (await import(specifier)) as { genhashMain?: GenhashMain };
    if (typeof mod.genhashMain !== 'function') throw new Error('src/check/genhash.ts exports no genhashMain()');
    return await mod.genhashMain([programName, ...args], undefined, amGenhash);
  } catch (e) {
    process.stderr.write(`genhash mode is not available in this build: ${(e as Error).message}\n`);
    return 1;
  }
}

async function configTest(o: CliOptions): Promise<number> {
  if (o.configTestLogFile !== undefined) {
    // keepalived opens it O_WRONLY|O_APPEND|O_CREAT|O_NOFOLLOW and exits 1 if it can't.
    try {
      closeSync(openSync(o.configTestLogFile, fsc.O_WRONLY | fsc.O_APPEND | fsc.O_CREAT | fsc.O_NOFOLLOW, 0o644));
    } catch (e) {
      const { errno, text } = cError(e);
      process.stderr.write(`Unable to open config-test log file ${o.configTestLogFile} ${errno} - ${text}\n`);
      return 1;
    }
  }
  const { runConfigTest } = await import('../config/config-test.js');
  return runConfigTest({
    file: o.configFile ?? '/etc/keepalived/keepalived.conf',
    ...(o.configId !== undefined ? { configId: o.configId } : {}),
    ...(o.configTestLogFile !== undefined ? { logFile: o.configTestLogFile } : {}),
    allConfig: o.allConfig,
    json: o.jsonDiagnostics,
    dumpResolved: o.configJson,
  });
}

/** The daemon copy resolves relative paths against the directory the operator used. */
function absolutePaths(o: CliOptions, cwd: string | undefined): CliOptions {
  if (!cwd) return o;
  const abs = (p: string | undefined): string | undefined => (p ? resolve(cwd, p) : p);
  return {
    ...o, configFile: abs(o.configFile), pidFile: abs(o.pidFile), vrrpPidFile: abs(o.vrrpPidFile),
    checkersPidFile: abs(o.checkersPidFile), bfdPidFile: abs(o.bfdPidFile), logFile: o.logFile ? abs(o.logFile) : o.logFile,
  };
}

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, host);
  if (parsed.kind === 'genhash') {
    process.stderr.write(parsed.stderr);
    return genhash(parsed.argv);
  }
  process.stdout.write(parsed.stdout);
  process.stderr.write(parsed.stderr);
  if (parsed.kind === 'exit') return parsed.exitCode;

  let o = parsed.options;
  if (o.configTest) return configTest(o);
  const [{ createLogger }, { resolveConfigLoader }, { childEntries }, { daemonize, isDaemonProcess, ORIGINAL_CWD_ENV, reportDaemonStarted }, { tmpDir }, { runParent }, { KEEPALIVED_EXIT }] = await Promise.all([
    import('../log/logger.js'), import('./config-loader.js'), import('./child-entries.js'), import('./daemonize.js'),
    import('./dump.js'), import('./parent.js'), import('./child.js'),
  ]);
  if (o.umask !== undefined) process.umask(o.umask);
  if (!o.dontFork && !isDaemonProcess()) return daemonize(argv);
  o = absolutePaths(o, process.env[ORIGINAL_CWD_ENV]);

  if (o.logFile === '') o = { ...o, logFile: `${tmpDir()}/keepalived.log` };
  const syslogSocket = process.env[SYSLOG_SOCKET_ENV];
  const logger = createLogger({
    ident: 'Keepalived',
    facility: o.logFacility,
    syslog: !o.noSyslog,
    ...(syslogSocket ? { syslogSocket } : {}),
    console: o.logConsole && o.dontFork,
    ...(o.logFile !== undefined ? { logFile: o.logFile } : {}),
    flushLogFile: o.flushLogFile,
    detailLevel: o.logDetail,
  });
  // A bug in the parent must at least say so in the log; the children follow it out
  // (they stop when the IPC channel closes) and the next start removes the stale pid file.
  const crash = (e: unknown): void => {
    logger.err(`internal error, exiting: ${(e as Error)?.stack ?? String(e)}`);
    void logger.close().finally(() => process.exit(KEEPALIVED_EXIT.PROGRAM_ERROR));
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  const unit = Number(process.env[RESPAWN_UNIT_ENV]);
  try {
    return await runParent(o, {
      logger,
      loadConfig: await resolveConfigLoader(),
      childEntries: childEntries(),
      commandLine: [process.argv[1] ?? PROGRAM_NAME, ...argv],
      ...(syslogSocket ? { syslogSocket } : {}),
      ...(unit > 0 ? { respawnUnitMs: unit } : {}),
      onStarted: reportDaemonStarted,
    });
  } finally {
    await logger.close();
    // A daemon that stops before reporting start-up must not hang on the launcher's channel.
    if (process.connected) process.disconnect();
  }
}
