import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseCommandLine, defaultOptions, usage, type CliResult, type HostInfo } from '../../src/core/cli.js';
import { SIGJSON, SIGSTATS_CLEAR } from '../../src/core/signum.js';

const host: HostInfo = { programName: 'keepalived', versionBanner: () => 'BANNER\n' };
const parse = (argv: string[]): CliResult => parseCommandLine(argv, host);
const options = (argv: string[]) => {
  const r = parse(argv);
  if (r.kind !== 'run') throw new Error(`expected run, got ${JSON.stringify(r)}`);
  return r.options;
};

describe('parseCommandLine: options', () => {
  it('defaults', () => {
    expect(options([])).toEqual(defaultOptions());
    expect(options([]).logFacility).toBe(3);
  });

  it.each([
    [['-f', '/x.conf'], { configFile: '/x.conf' }],
    [['-f/x.conf'], { configFile: '/x.conf' }],
    [['--use-file=/x.conf'], { configFile: '/x.conf' }],
    [['--use-file', '/x.conf'], { configFile: '/x.conf' }],
    [['--use', '/x.conf'], { configFile: '/x.conf' }],
    [['-nlD'], { dontFork: true, logConsole: true, logDetail: 1 }],
    [['-D', '-D'], { logDetail: 2 }],
    [['-DDD'], { logDetail: 2 }],
    [['-P'], { daemonCheckers: false, daemonVrrp: true }],
    [['-C'], { daemonVrrp: false, daemonCheckers: true }],
    [['-C', '--all'], { daemonVrrp: true, runAllChildren: true }],
    [['-S', 'local3'], { logFacility: 19 }],
    [['-S0'], { logFacility: 16 }],
    [['--log-facility=user'], { logFacility: 1 }],
    [['-t'], { configTest: true, dontFork: true, dontRespawn: true, noSyslog: true, configTestLogFile: undefined }],
    [['-t/tmp/x'], { configTest: true, configTestLogFile: '/tmp/x' }],
    [['-t=/x'], { configTest: true, configTestLogFile: '=/x' }],
    [['--config-test=/y'], { configTest: true, configTestLogFile: '/y' }],
    [['-t', '/notarg'], { configTest: true, configTestLogFile: undefined, unexpectedArgs: ['/notarg'] }],
    [['-M'], { coreDump: true, coreDumpPattern: 'core' }],
    [['-Mpat%p'], { coreDump: true, coreDumpPattern: 'pat%p' }],
    [['-g'], { logFile: '' }],
    [['-g/tmp/k.log'], { logFile: '/tmp/k.log' }],
    [['-u', '022'], { umask: 0o22 }],
    [['-u', '0x12'], { umask: 0x12 }],
    [['-p', 'a', '-r', 'b', '-c', 'c', '-b', 'd'], { pidFile: 'a', vrrpPidFile: 'b', checkersPidFile: 'c', bfdPidFile: 'd' }],
    [['--pid=a', '--vrrp_pid=b', '--checkers_pid=c', '--bfd_pid=d'], { pidFile: 'a', vrrpPidFile: 'b', checkersPidFile: 'c', bfdPidFile: 'd' }],
    [['-i', 'node1', '-e', '-s', 'ns1', '-a', '-X', '-V', '-I', '-R', '-d', '-G', '-m', '-B'],
      { configId: 'node1', allConfig: true, namespace: 'ns1', addressMonitoring: true, releaseVips: true, dontReleaseVrrp: true,
        dontReleaseIpvs: true, dontRespawn: true, dumpConf: true, noSyslog: true, coreDump: true, daemonBfd: false }],
    [['a', '-n', '--', '-l', 'b'], { dontFork: true, logConsole: false, unexpectedArgs: ['a', '-l', 'b'] }],
    [['--config-fd=7'], { configFd: 7 }],
  ])('%j', (argv, expected) => {
    expect(options(argv)).toMatchObject(expected);
  });

  it('-S local3 is clean; a bad facility is reported but not fatal', () => {
    expect(parse(['-S', 'local3'])).toMatchObject({ kind: 'run', stderr: '' });
    expect(parse(['-S', 'kern'])).toMatchObject({ kind: 'run', stderr: "Invalid log facility 'kern'\n" });
  });

  it('-x and -A warn that SNMP is unsupported, once', () => {
    const r = parse(['-x', '-A', '/sock']);
    expect(r.kind).toBe('run');
    expect(r.stderr).toBe('SNMP is not supported by keepalived-ts; -x/-A are ignored\n');
  });

  it('-T dispatches to genhash with what follows it, warning when not first', () => {
    expect(parse(['-T', '-s', '10.0.0.1', '-p', '80'])).toEqual({ kind: 'genhash', argv: ['-s', '10.0.0.1', '-p', '80'], stderr: '' });
    expect(parse(['-n', '--genhash', '-h'])).toEqual({ kind: 'genhash', argv: ['-h'], stderr: 'Warning -- `genhash` not used as first option, previous options ignored\n' });
  });

  it('--signum gives glibc x86_64 numbers', () => {
    expect(SIGJSON).toBe(36);
    expect(SIGSTATS_CLEAR).toBe(63);
    for (const [name, num] of [['STOP', 15], ['RELOAD', 1], ['DATA', 10], ['STATS', 12], ['STATS_CLEAR', 63], ['JSON', 36]] as const) {
      expect(parse([`--signum=${name}`])).toEqual({ kind: 'exit', exitCode: 0, stdout: `${num}\n`, stderr: '' });
    }
  });

  it('-h prints usage to stderr and exits 0; -v prints the banner', () => {
    const h = parse(['-h']);
    expect(h).toMatchObject({ kind: 'exit', exitCode: 0, stdout: '' });
    expect(h.stderr).toBe(usage('keepalived'));
    expect(h.stderr).toContain('  -f, --use-file=FILE          Use the specified configuration file\n');
    expect(h.stderr).toContain('  -t, --config-test[=LOG_FILE] Check the configuration');
    expect(h.stderr).not.toContain('config-fd');
    expect(parse(['-v'])).toEqual({ kind: 'exit', exitCode: 0, stdout: '', stderr: 'BANNER\n' });
  });
});

// Cases where Debian's keepalived exits during option parsing (it never starts a daemon).
const ORACLE_CASES: string[][] = [
  ['-z'], ['--foo'], ['-f'], ['-p'], ['-A'], ['--use-file='], ['--help=x'], ['--all=x'], ['--vrrp=x'], ['--d'], ['--dont-re'],
  ['x', '--foo'], ['x', '-z'], ['-nz', 'a', 'b'], ['--signum=STOP'], ['--signum=RELOAD'], ['--signum=DATA'], ['--signum=STATS'],
  ['--signum=STATS_CLEAR'], ['--signum=JSON'], ['--signum=BOGUS'], ['--signum=stop'], ['--sig=RELOAD'], ['-z', '--signum=DATA'],
  ['-S', 'bogus', '-z'], ['-S', 'local3', '-z'], ['-S', '9', '-z'], ['-u', '999', '-z'], ['-u', '0x1ff', '-z'], ['--ignore-sigint'], ['-ppp', '-z'],
  ['-nlD', '-q'], ['--use-file', '/x', '--bogus=1', 'extra'], ['-i'], ['--config-id'.slice(0, 8) + '=', '-z'],
];
// Cases where we differ on purpose: glibc leaves longindex unset and keepalived prints
// `Missing parameter for option --X` (garbage); we name the option.
const NAMED_MISSING: Array<[string[], string]> = [
  [['--use-file'], 'Missing parameter for option --use-file\n'],
  [['--signum'], 'Missing parameter for option --signum\n'],
  [['--pid'], 'Missing parameter for option --pid\n'],
];

describe('same stdout, stderr and exit code as Debian keepalived 2.2.7', () => {
  const oracle = '/usr/sbin/keepalived';
  it('the oracle is installed', () => {
    if (!existsSync(oracle)) throw new Error(`${oracle} missing: install the keepalived package (test/install-deps.sh)`);
  });

  it.each(ORACLE_CASES)('%j', (...argv) => {
    const real = spawnSync(oracle, argv, { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'pipe'] });
    expect(real.status).not.toBeNull();
    const ours = parse(argv);
    expect(ours.kind).toBe('exit');
    if (ours.kind !== 'exit') return;
    expect({ rc: ours.exitCode, out: ours.stdout, err: ours.stderr }).toEqual({ rc: real.status, out: real.stdout, err: real.stderr });
  });

  it.each(NAMED_MISSING)('%j names the option (keepalived prints garbage)', (argv, message) => {
    // keepalived reads past its option name here (the garbage), and now and then dies of SIGSEGV
    // doing so (~1 run in 6 for --signum): ask it again, at most 10 times.
    const ask = () => spawnSync(oracle, argv, { encoding: 'utf8', timeout: 5000 });
    let real = ask();
    for (let i = 0; i < 10 && real.signal === 'SIGSEGV'; i++) real = ask();
    expect(real.status).toBe(1);
    expect(real.stderr).toMatch(/^Missing parameter for option --/);
    expect(parse(argv)).toEqual({ kind: 'exit', exitCode: 1, stdout: '', stderr: message });
  });
});
