// Checker scripts run as their user: notify_up/notify_down/quorum_up/quorum_down as their own
// `user [group]` or global_defs script_user, and the checker child starts the notify_fifo and
// lvs_notify_fifo reader scripts (with the FIFO's name appended) as keepalived does. The FIFO readers
// are compared with Debian's keepalived 2.2.7 run with the same config (`--all -C`: no IPVS needed).
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapConfig } from '../../src/check/config-map.js';
import { notifyScriptIds, runNotifyScript } from '../../src/check/notify-scripts.js';
import { lookupId } from '../../src/core/script-ids.js';
import { loadConfig } from '../../src/config/load.js';

let dir = '';
let out = '';
const started: number[] = [];
const uid = (name: string): number => lookupId('/etc/passwd', name, 2)!;
const gid = (name: string): number => lookupId('/etc/group', name, 2)!;

beforeAll(() => {
  if (process.getuid?.() !== 0) throw new Error('scripts.test.ts needs root: it runs scripts as other users');
  for (const u of ['nobody', 'daemon']) if (lookupId('/etc/passwd', u, 2) === undefined) throw new Error(`user ${u} missing`);
  if (lookupId('/etc/group', 'nogroup', 2) === undefined) throw new Error('group nogroup missing');
  dir = mkdtempSync(join(tmpdir(), 'kts-checkd-scripts-'));
  chmodSync(dir, 0o755);
  out = join(dir, 'out');
  mkdirSync(out);
  chmodSync(out, 0o1777);
  // who.sh NAME [FIFO]: records in out/NAME who it runs as, its arguments, and whether it can read the FIFO.
  writeFileSync(join(dir, 'who.sh'), `#!/bin/sh\nr=-; [ -n "$2" ] && { [ -r "$2" ] && r=readable || r=unreadable; }\necho "$(id -u) $(id -g) $* $r" > ${out}/$1\n`);
  chmodSync(join(dir, 'who.sh'), 0o755);
});

afterAll(() => {
  for (const pid of started) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('notify_up/notify_down/quorum_up/quorum_down', () => {
  it('run as their own user and group, else as script_user', async () => {
    const file = join(dir, 'notify.conf');
    const who = join(dir, 'who.sh');
    writeFileSync(file, `global_defs {\n  script_user daemon\n}\nvirtual_server 10.0.0.1 80 {\n  quorum_up "${who} qup" nobody\n  quorum_down "${who} qdown"\n`
      + `  real_server 10.0.0.2 80 {\n    notify_up "${who} rsup" nobody nogroup\n    notify_down "${who} rsdown"\n    TCP_CHECK {\n    }\n  }\n}\n`);
    const cfg = loadConfig({ file }).config;
    const plan = mapConfig(cfg);
    const ids = notifyScriptIds(cfg, plan);
    const v = plan.virtualServers[0]!.spec;
    const r = v.realServers[0]!;
    const errors: string[] = [];
    // The argv arrays the engine's runScript actions carry.
    const runs: Array<[string, string[] | undefined]> = [['quorum_up', v.quorumUp], ['quorum_down', v.quorumDown], ['notify_up', r.notifyUp], ['notify_down', r.notifyDown]];
    for (const [why, argv] of runs) {
      expect(argv, why).toBeDefined();
      await runNotifyScript({ argv: argv!, why }, ids.get(argv!), (t) => errors.push(t));
    }
    expect(errors).toEqual([]);
    const seen = (name: string) => readFileSync(join(out, name), 'utf8').trim();
    expect(seen('qup')).toBe(`${uid('nobody')} ${lookupId('/etc/passwd', 'nobody', 3)} qup -`);
    expect(seen('qdown')).toBe(`${uid('daemon')} ${lookupId('/etc/passwd', 'daemon', 3)} qdown -`);
    expect(seen('rsup')).toBe(`${uid('nobody')} ${gid('nogroup')} rsup -`);
    expect(seen('rsdown')).toBe(`${uid('daemon')} ${lookupId('/etc/passwd', 'daemon', 3)} rsdown -`);
  });

  it('a notify script that cannot run is logged with its reason, not run as root instead', async () => {
    const errors: string[] = [];
    await runNotifyScript({ argv: [join(dir, 'missing.sh')], why: 'notify_down' }, { uid: uid('nobody') }, (t) => errors.push(t));
    expect(errors).toEqual([expect.stringMatching(/^notify_down script .*missing\.sh: .*No such file or directory/)]);
  });
});

/** Runs a daemon for `ms`, then SIGTERM; resolves with its output once it exited (bounded). */
function runFor(argv: string[], name: string, conf: string, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(argv[0]!, [...argv.slice(1), '--all', '-n', '-l', '-C', '-f', conf, '-p', join(dir, `${name}.pid`), '-c', join(dir, `${name}-c.pid`)], { stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(p.pid!);
    let text = '';
    p.stdout.on('data', (d: Buffer) => { text += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { text += d.toString(); });
    setTimeout(() => p.kill('SIGTERM'), ms);
    const hard = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`${name} did not stop within 20 s:\n${text}`));
    }, ms + 20_000);
    p.on('exit', () => {
      clearTimeout(hard);
      resolve(text);
    });
  });
}

describe('notify_fifo_script and lvs_notify_fifo_script in the checker child', () => {
  const readers = (tag: string) => ['g', 'lvs'].map((n) => {
    const f = join(out, `${tag}-${n}`);
    return existsSync(f) ? readFileSync(f, 'utf8').trim().replaceAll(`${dir}/${tag}-`, 'DIR/') : `${n}: not run`;
  });
  let ours: string[] = [];
  let theirs: string[] = [];
  let oursLog = '';

  beforeAll(async () => {
    for (const [tag, argv] of [['ka', ['/usr/sbin/keepalived']], ['ts', [process.execPath, 'bin/keepalived-ts']]] as const) {
      const who = join(dir, 'who.sh');
      writeFileSync(join(dir, `${tag}.conf`), `global_defs {\n  script_user nobody\n  notify_fifo ${dir}/${tag}-fifo-g daemon\n  notify_fifo_script "${who} ${tag}-g" daemon\n`
        + `  lvs_notify_fifo ${dir}/${tag}-fifo-lvs\n  lvs_notify_fifo_script "${who} ${tag}-lvs"\n}\n`);
      const log = await runFor([...argv], tag, join(dir, `${tag}.conf`), 3_000);
      if (tag === 'ts') oursLog = log;
    }
    ours = readers('ts');
    theirs = readers('ka');
  }, 90_000);

  it('both readers start, each as its user, with the FIFO name appended, as keepalived starts them', () => {
    expect(theirs).toEqual([
      `${uid('daemon')} ${lookupId('/etc/passwd', 'daemon', 3)} ka-g DIR/fifo-g readable`,
      `${uid('nobody')} ${lookupId('/etc/passwd', 'nobody', 3)} ka-lvs DIR/fifo-lvs readable`,
    ]);
    expect(ours.map((l) => l.replace(' ts-', ' ka-'))).toEqual(theirs);
  });

  it('each FIFO belongs to its user (notify_fifo PATH USER, else script_user), so its reader can open it', () => {
    for (const l of ours) expect(l).toMatch(/ readable$/);
    expect(oursLog).toContain('Startup complete');
    expect(oursLog).not.toMatch(/Unable to run notify fifo script/);
  });
});
