// keepalived's command line (core/main.c parse_cmdline() and usage(), v2.2.7):
// same options, same getopt_long rules, same messages and exit codes.
import { getoptLong, type ArgRule, type LongOption } from './getopt.js';
import { getSignum } from './signum.js';
import { LOG_DAEMON, parseLogFacility } from '../log/facility.js';

export const DEFAULT_CONFIG_FILE = '/etc/keepalived/keepalived.conf';

export interface OptionSpec {
  /** Short letter, if any. */
  short?: string;
  /** Long name without the dashes, if any. */
  long?: string;
  arg: ArgRule;
  /** Placeholder shown in help, e.g. FILE. */
  argName?: string;
  /** Help text, one string per line. */
  help: string[];
  /** Not shown in --help or the man page (keepalived hides --config-fd too). */
  hidden?: boolean;
}

/** keepalived 2.2.7's option table, in its usage() order. */
export const OPTION_TABLE: readonly OptionSpec[] = [
  { short: 'f', long: 'use-file', arg: 'required', argName: 'FILE', help: ['Use the specified configuration file', `default '${DEFAULT_CONFIG_FILE}'`] },
  { short: 'P', long: 'vrrp', arg: 'none', help: ['Only run with VRRP subsystem'] },
  { short: 'C', long: 'check', arg: 'none', help: ['Only run with Health-checker subsystem'] },
  { short: 'B', long: 'no_bfd', arg: 'none', help: ["Don't run BFD subsystem (keepalived-ts has no BFD child)"] },
  { long: 'all', arg: 'none', help: ['Force all child processes to run, even if have no configuration'] },
  { short: 'l', long: 'log-console', arg: 'none', help: ['Log messages to local console (with -n)'] },
  { short: 'D', long: 'log-detail', arg: 'none', help: ['Detailed log messages (twice: extra detail)'] },
  { short: 'S', long: 'log-facility', arg: 'required', argName: '([0-7]|local[0-7]|user|daemon)', help: ['Set syslog facility to LOG_LOCAL[0-7], user or daemon (default)'] },
  { short: 'g', long: 'log-file', arg: 'optional', argName: 'FILE', help: ['Also log to FILE (default $TMPDIR/keepalived.log)'] },
  { long: 'flush-log-file', arg: 'none', help: ['Flush log file on write'] },
  { short: 'G', long: 'no-syslog', arg: 'none', help: ["Don't log via syslog"] },
  { short: 'u', long: 'umask', arg: 'required', argName: 'MASK', help: ['umask for file creation (in numeric form)'] },
  { short: 'X', long: 'release-vips', arg: 'none', help: ['Drop VIP on transition from signal.'] },
  { short: 'V', long: 'dont-release-vrrp', arg: 'none', help: ["Don't remove VRRP VIPs and VROUTEs on daemon stop"] },
  { short: 'I', long: 'dont-release-ipvs', arg: 'none', help: ["Don't remove IPVS topology on daemon stop"] },
  { short: 'R', long: 'dont-respawn', arg: 'none', help: ["Don't respawn child processes"] },
  { short: 'n', long: 'dont-fork', arg: 'none', help: ["Don't fork the daemon process"] },
  { short: 'd', long: 'dump-conf', arg: 'none', help: ['Dump the configuration data'] },
  { short: 'p', long: 'pid', arg: 'required', argName: 'FILE', help: ['Use specified pidfile for parent process'] },
  { short: 'r', long: 'vrrp_pid', arg: 'required', argName: 'FILE', help: ['Use specified pidfile for VRRP child process'] },
  { short: 'T', long: 'genhash', arg: 'none', help: ['Enter into genhash utility mode (this should be the first option used).'] },
  { short: 'c', long: 'checkers_pid', arg: 'required', argName: 'FILE', help: ['Use specified pidfile for checkers child process'] },
  { short: 'a', long: 'address-monitoring', arg: 'none', help: ['Report all address additions/deletions notified via netlink'] },
  { short: 'b', long: 'bfd_pid', arg: 'required', argName: 'FILE', help: ['Use specified pidfile for BFD child process'] },
  { short: 'x', long: 'snmp', arg: 'none', help: ['Enable SNMP subsystem (not supported by keepalived-ts: warns)'] },
  { short: 'A', long: 'snmp-agent-socket', arg: 'required', argName: 'FILE', help: ['Use the specified socket for master agent (not supported: warns)'] },
  { short: 's', long: 'namespace', arg: 'required', argName: 'NAME', help: ['Run in network namespace NAME (overrides config)'] },
  { short: 'm', long: 'core-dump', arg: 'none', help: ['Produce core dump if terminate abnormally'] },
  { short: 'M', long: 'core-dump-pattern', arg: 'optional', argName: 'PATN', help: ["Also set /proc/sys/kernel/core_pattern to PATN (default 'core')"] },
  { short: 'e', long: 'all-config', arg: 'none', help: ['Error if any configuration file missing (same as includet)'] },
  { short: 'i', long: 'config-id', arg: 'required', argName: 'id', help: ["Skip any configuration lines beginning '@' that don't match id", 'or any lines beginning @^ that do match.', 'The config-id defaults to the node name if option not used'] },
  { long: 'signum', arg: 'required', argName: 'SIGFUNC', help: ['Return signal number for STOP, RELOAD, DATA, STATS, STATS_CLEAR, JSON'] },
  { short: 't', long: 'config-test', arg: 'optional', argName: 'LOG_FILE', help: ['Check the configuration for obvious errors, output to', 'stderr by default'] },
  { long: 'json', arg: 'none', help: ['With -t: print the diagnostics as JSON on stdout (keepalived-ts)'] },
  { long: 'config-json', arg: 'none', help: ['With -t: print the resolved configuration, every default', 'explicit, as JSON on stdout (keepalived-ts)'] },
  { long: 'config-fd', arg: 'required', argName: 'fd', help: ['File descriptor to read the consolidated config from (internal)'], hidden: true },
  { short: 'v', long: 'version', arg: 'none', help: ['Display the version number'] },
  { short: 'h', long: 'help', arg: 'none', help: ['Display this help message'] },
];

// keepalived's getopt string, all features built (main.c l.1973).
const OPTSTRING = ':vhlndu:DRS:f:p:i:es:mM::g::Gt::PCr:VXac:ITBb:xA:';

// getopt_long's table; long-only options are keyed by their long name.
const LONGOPTS: readonly LongOption[] = OPTION_TABLE.filter((o) => o.long).map((o) => ({
  name: o.long!,
  hasArg: o.arg,
  val: o.short ?? o.long!,
}));

export interface CliOptions {
  /** -f; undefined means DEFAULT_CONFIG_FILE. */
  configFile: string | undefined;
  /** -P clears checkers, -C clears VRRP, --all forces every child (keepalived daemon_mode bits). */
  daemonVrrp: boolean;
  daemonCheckers: boolean;
  daemonBfd: boolean;
  runAllChildren: boolean;
  logConsole: boolean;
  /** -D count: 0 none, 1 LOG_DETAIL, 2 LOG_EXTRA_DETAIL. */
  logDetail: 0 | 1 | 2;
  /** syslog facility code (LOG_DAEMON unless -S). */
  logFacility: number;
  /** -g: log file name ('' = default $TMPDIR/keepalived.log). */
  logFile: string | undefined;
  flushLogFile: boolean;
  noSyslog: boolean;
  umask: number | undefined;
  releaseVips: boolean;
  dontReleaseVrrp: boolean;
  dontReleaseIpvs: boolean;
  dontRespawn: boolean;
  dontFork: boolean;
  dumpConf: boolean;
  pidFile: string | undefined;
  vrrpPidFile: string | undefined;
  checkersPidFile: string | undefined;
  bfdPidFile: string | undefined;
  addressMonitoring: boolean;
  snmp: boolean;
  snmpAgentSocket: string | undefined;
  namespace: string | undefined;
  coreDump: boolean;
  coreDumpPattern: string | undefined;
  allConfig: boolean;
  configId: string | undefined;
  configTest: boolean;
  /** -t=FILE / --config-test=FILE: diagnostics appended there. */
  configTestLogFile: string | undefined;
  /** --json: -t diagnostics as JSON on stdout. */
  jsonDiagnostics: boolean;
  /** --config-json: the resolved config as JSON on stdout. */
  configJson: boolean;
  configFd: number | undefined;
  /** Non-option words (printed as `Unexpected argument(s):` and otherwise ignored). */
  unexpectedArgs: string[];
}

export type CliResult =
  | { kind: 'run'; options: CliOptions; stdout: string; stderr: string }
  | { kind: 'exit'; exitCode: number; stdout: string; stderr: string }
  /** -T: hand the whole argv to genhash. */
  | { kind: 'genhash'; argv: string[]; stderr: string };

/** What -v reports about the host; injected so parsing stays pure. */
export interface HostInfo {
  versionBanner(): string;
  programName: string;
}

export function defaultOptions(): CliOptions {
  return {
    configFile: undefined, daemonVrrp: true, daemonCheckers: true, daemonBfd: true, runAllChildren: false,
    logConsole: false, logDetail: 0, logFacility: LOG_DAEMON, logFile: undefined, flushLogFile: false,
    noSyslog: false, umask: undefined, releaseVips: false, dontReleaseVrrp: false, dontReleaseIpvs: false,
    dontRespawn: false, dontFork: false, dumpConf: false, pidFile: undefined, vrrpPidFile: undefined,
    checkersPidFile: undefined, bfdPidFile: undefined, addressMonitoring: false, snmp: false,
    snmpAgentSocket: undefined, namespace: undefined, coreDump: false, coreDumpPattern: undefined,
    allConfig: false, configId: undefined, configTest: false, configTestLogFile: undefined, jsonDiagnostics: false, configJson: false,
    configFd: undefined, unexpectedArgs: [],
  };
}

/** C strtoll(text, &end, 0) that must consume the whole string (keepalived set_umask()). */
function parseCLong(text: string): number | undefined {
  const m = /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)?$/.exec(text);
  if (!m) return undefined;
  const body = m[2] ?? '0';
  const value = /^0[xX]/.test(body) ? parseInt(body.slice(2), 16) : body.startsWith('0') ? parseInt(body, 8) : parseInt(body, 10);
  return m[1] === '-' ? -value : value;
}

export const SNMP_WARNING = 'SNMP is not supported by keepalived-ts; -x/-A are ignored';

/**
 * Parses argv (without the program name) exactly as keepalived 2.2.7 does.
 * Messages for stdout/stderr are returned, not printed.
 */
export function parseCommandLine(argv: readonly string[], host: HostInfo): CliResult {
  const opts = defaultOptions();
  let stdout = '';
  let stderr = '';
  let badOption = false;
  let snmpWarned = false;
  const { events, argv: permuted, optind } = getoptLong([host.programName, ...argv], OPTSTRING, LONGOPTS);

  for (const [n, ev] of events.entries()) {
    if (ev.kind === 'unknown') {
      stderr += ev.optopt && ev.word[1] !== '-' ? `Unknown option -${String(ev.optopt)}\n` : `Unknown option ${ev.word}\n`;
      badOption = true;
      continue;
    }
    if (ev.kind === 'missing') {
      stderr += ev.optopt && ev.word[1] !== '-'
        ? `Missing parameter for option -${String(ev.optopt)}\n`
        : `Missing parameter for option --${LONGOPTS[ev.longIndex]?.name ?? String(ev.optopt)}\n`;
      badOption = true;
      continue;
    }
    const arg = ev.arg;
    // --use-file= (empty) counts as a missing parameter (keepalived checks this itself).
    if (ev.longIndex >= 0 && LONGOPTS[ev.longIndex]!.hasArg === 'required' && arg === '') {
      stderr += `Missing parameter for option --${LONGOPTS[ev.longIndex]!.name}\n`;
      badOption = true;
      continue;
    }
    switch (ev.val) {
      case 'v':
        return { kind: 'exit', exitCode: 0, stdout, stderr: stderr + host.versionBanner() };
      case 'h':
        return { kind: 'exit', exitCode: 0, stdout, stderr: stderr + usage(host.programName) };
      case 'T':
        if (n > 0) stderr += `Warning -- \`${ev.longIndex === -1 ? '-T' : 'genhash'}\` not used as first option, previous options ignored\n`;
        return { kind: 'genhash', argv: argv.slice(genhashWordIndex(argv) + 1), stderr };
      case 'l': opts.logConsole = true; break;
      case 'n': opts.dontFork = true; break;
      case 'd': opts.dumpConf = true; break;
      case 'V': opts.dontReleaseVrrp = true; break;
      case 'I': opts.dontReleaseIpvs = true; break;
      case 'D': opts.logDetail = opts.logDetail === 0 ? 1 : 2; break;
      case 'R': opts.dontRespawn = true; break;
      case 'X': opts.releaseVips = true; break;
      case 'S': {
        const facility = parseLogFacility(arg!);
        if (facility === undefined) stderr += `Invalid log facility '${arg!}'\n`;
        else opts.logFacility = facility;
        break;
      }
      case 'g': opts.logFile = arg ?? ''; break;
      case 'flush-log-file': opts.flushLogFile = true; break;
      case 'G': opts.noSyslog = true; break;
      case 'u': {
        const mask = parseCLong(arg!);
        // keepalived prints this without a newline.
        if (mask === undefined || mask < 0 || (mask & ~0o777) !== 0) stderr += `Invalid --umask option ${arg!}`;
        else opts.umask = mask;
        break;
      }
      case 't':
        opts.configTest = true;
        opts.dontRespawn = true;
        opts.dontFork = true;
        opts.noSyslog = true;
        if (arg) opts.configTestLogFile = arg;
        break;
      case 'f': opts.configFile = arg; break;
      case 'P': opts.daemonCheckers = false; break;
      case 'C': opts.daemonVrrp = false; break;
      case 'B': opts.daemonBfd = false; break;
      case 'p': opts.pidFile = arg; break;
      case 'c': opts.checkersPidFile = arg; break;
      case 'a': opts.addressMonitoring = true; break;
      case 'r': opts.vrrpPidFile = arg; break;
      case 'b': opts.bfdPidFile = arg; break;
      case 'x':
      case 'A':
        if (ev.val === 'x') opts.snmp = true;
        else opts.snmpAgentSocket = arg;
        if (!snmpWarned) stderr += `${SNMP_WARNING}\n`;
        snmpWarned = true;
        break;
      case 'M':
        opts.coreDumpPattern = arg || 'core';
        opts.coreDump = true;
        break;
      case 'm': opts.coreDump = true; break;
      case 's': opts.namespace = arg; break;
      case 'e': opts.allConfig = true; break;
      case 'i': opts.configId = arg; break;
      case 'signum': {
        const signum = getSignum(arg!);
        if (signum === -1) return { kind: 'exit', exitCode: 1, stdout, stderr: stderr + `Unknown sigfunc ${arg!}\n` };
        return { kind: 'exit', exitCode: 0, stdout: stdout + `${signum}\n`, stderr };
      }
      case 'all':
        opts.runAllChildren = true;
        opts.daemonVrrp = opts.daemonCheckers = opts.daemonBfd = true;
        break;
      case 'config-fd': opts.configFd = Number.parseInt(arg!, 10) || 0; break;
      case 'json': opts.jsonDiagnostics = true; break;
      case 'config-json': opts.configJson = true; break;
      default:
        return { kind: 'exit', exitCode: 1, stdout, stderr };
    }
  }

  if (optind < permuted.length) {
    opts.unexpectedArgs = permuted.slice(optind);
    stdout += `Unexpected argument(s): ${opts.unexpectedArgs.map((a) => `${a} `).join('')}\n`;
  }
  if (badOption) return { kind: 'exit', exitCode: 1, stdout, stderr };
  return { kind: 'run', options: opts, stdout, stderr };
}

// genhash re-parses from getopt's position: everything after the word holding -T.
function genhashWordIndex(argv: readonly string[]): number {
  return argv.findIndex((w) =>
    w.startsWith('--') ? w.length > 2 && 'genhash'.startsWith(w.slice(2)) : /^-[^-]*T/.test(w));
}

/** Left column of a help line, e.g. `-f, --use-file=FILE`. */
export function optionSynopsis(o: OptionSpec): string {
  const short = o.short ? `-${o.short}` : '';
  let long = o.long ? `--${o.long}` : '';
  if (o.long && o.argName) long += o.arg === 'optional' ? `[=${o.argName}]` : o.long === 'config-id' ? ` ${o.argName}` : `=${o.argName}`;
  return short && long ? `${short}, ${long}` : short || long;
}

const HELP_COLUMN = 31;

/** Our usage(), laid out like keepalived's. */
export function usage(programName: string): string {
  let text = `Usage: ${programName} [OPTION...]\n`;
  for (const o of OPTION_TABLE) {
    if (o.hidden) continue;
    let left = `${o.short ? '  ' : '      '}${optionSynopsis(o)}`;
    left = left.length < HELP_COLUMN ? left.padEnd(HELP_COLUMN) : `${left}\n${' '.repeat(HELP_COLUMN)}`;
    text += `${left}${o.help[0]}\n`;
    for (const more of o.help.slice(1)) text += `${' '.repeat(HELP_COLUMN + 1)}${more}\n`;
  }
  return text;
}
