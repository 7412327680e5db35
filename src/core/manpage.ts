// Generates docs/keepalived-ts.8 from the option table in cli.ts, so the man page and
// --help can't drift apart. Regenerate: node dist/src/core/manpage.js > docs/keepalived-ts.8
import { fileURLToPath } from 'node:url';
import { OPTION_TABLE, DEFAULT_CONFIG_FILE, optionSynopsis } from './cli.js';
import { CHECKERS_PID_FILE, KEEPALIVED_PID_FILE, VRRP_PID_FILE } from './pidfile.js';
import { SIGFUNCS } from './signum.js';
import { COMPAT_VERSION, VERSION } from './version.js';

/** roff-escapes text: backslashes, leading dots/quotes, hyphens in option names. */
const esc = (s: string): string => s.replace(/\\/g, '\\e').replace(/-/g, '\\-').replace(/^([.'])/, '\\&$1');

export function renderManPage(): string {
  const out: string[] = [];
  out.push(`.TH KEEPALIVED-TS 8 "" "keepalived-ts ${VERSION}" "System Manager's Manual"`);
  out.push('.SH NAME', 'keepalived\\-ts \\- load\\-balancing and high\\-availability service (keepalived replacement)');
  out.push('.SH SYNOPSIS', '.B keepalived\\-ts', '[\\fIOPTION\\fR...]');
  out.push('.SH DESCRIPTION',
    `keepalived\\-ts is a drop\\-in replacement for keepalived ${COMPAT_VERSION}: it reads the same`,
    `configuration (default \\fI${esc(DEFAULT_CONFIG_FILE)}\\fR), speaks VRRP with keepalived peers,`,
    'manages the same virtual addresses and IPVS tables, runs the same health checks and notify scripts,',
    'and writes the same log lines. A parent process starts a VRRP child and a health\\-checker child',
    'as the configuration requires, respawns them, and forwards signals to them.');
  out.push('.SH OPTIONS');
  out.push('Optional arguments must be attached: \\fB\\-t/path\\fR or \\fB\\-\\-config\\-test=/path\\fR.',
    'Long options may be abbreviated to a unique prefix.');
  for (const o of OPTION_TABLE) {
    if (o.hidden) continue;
    out.push('.TP', `.B ${esc(optionSynopsis(o))}`, ...o.help.map(esc));
  }
  out.push('.SH SIGNALS', 'Send signals to the parent process; \\fB\\-\\-signum=\\fR\\fISIGFUNC\\fR prints the number.');
  const meaning: Record<string, string> = {
    STOP: 'stop the children (SIGKILL after child_wait_time), remove the pid files and exit',
    RELOAD: 'reload the configuration; if it cannot be loaded the running configuration is kept',
    DATA: 'write keepalived_parent.data, keepalived.data and keepalived_check.data in $TMPDIR or /tmp',
    STATS: 'write keepalived.stats (VRRP)',
    STATS_CLEAR: 'write keepalived.stats and clear the counters (VRRP)',
    JSON: 'write keepalived.json (VRRP)',
  };
  for (const [name, num] of Object.entries(SIGFUNCS)) out.push('.TP', `.B ${esc(name)} (${num})`, esc(meaning[name] ?? ''));
  out.push('.SH FILES',
    `.TP\n.I ${esc(DEFAULT_CONFIG_FILE)}\nconfiguration`,
    `.TP\n.I ${esc(KEEPALIVED_PID_FILE)}\nparent pid file (\\-p)`,
    `.TP\n.I ${esc(VRRP_PID_FILE)}\nVRRP child pid file (\\-r)`,
    `.TP\n.I ${esc(CHECKERS_PID_FILE)}\nhealth\\-checker child pid file (\\-c)`);
  out.push('.SH ENVIRONMENT',
    '.TP\n.B TMPDIR\nwhere dump files go when it is an absolute path (else /tmp)',
    '.TP\n.B KEEPALIVED_TS_VRRP_ENTRY\\fR, \\fBKEEPALIVED_TS_CHECKER_ENTRY\nentry modules of the VRRP and checker children (default: the built daemons)',
    '.TP\n.B KEEPALIVED_TS_CONFIG_LOADER\na module exporting loadConfig() used instead of the built\\-in configuration loader (tests)',
    '.TP\n.B KEEPALIVED_TS_SYSLOG_SOCKET\nsyslog socket instead of /dev/log (tests)',
    '.TP\n.B KEEPALIVED_TS_RESPAWN_UNIT_MS\nlength of one respawn back\\-off second in ms (tests)');
  out.push('.SH EXIT STATUS',
    '0 on a normal stop (also when another instance already runs, as keepalived);',
    '1 for a bad option or an unwritable pid file; a child exiting 1, 2 or 4 stops the daemon with that status.',
    'With \\fB\\-t\\fR: 0 clean, 4, 5 or 6 as keepalived 2.2.7.');
  out.push('.SH DIFFERENCES FROM KEEPALIVED',
    'SNMP (\\-x, \\-A), DBus and BFD are not supported; \\-x and \\-A print a warning.',
    '\\-g/\\-\\-log\\-file works (Debian\\(aqs keepalived is built without it).',
    'A missing argument to a long option names the option.');
  out.push('.SH SEE ALSO', 'keepalived.conf(5), keepalived(8), ipvsadm(8)');
  return `${out.join('\n')}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.stdout.write(renderManPage());
