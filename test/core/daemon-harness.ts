// Runs the built keepalived-ts (bin/keepalived-ts → dist/) as a real process with the
// test child and the JSON test loader, captures its console log, and guarantees that
// every process it started is gone afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = join(ROOT, 'test/core/fixtures');

/** The daemon runs from dist/: fail loudly if the build is missing or older than src/. */
export function requireFreshBuild(): void {
  const built = join(ROOT, 'dist/src/core/main.js');
  if (!existsSync(built)) throw new Error('dist/ missing: run `npm run build` before test/core');
  const builtAt = statSync(built).mtimeMs;
  for (const dir of ['src/core', 'src/log']) {
    for (const f of readdirSync(join(ROOT, dir))) {
      if (f.endsWith('.ts') && statSync(join(ROOT, dir, f)).mtimeMs > builtAt + 1000) {
        throw new Error(`${dir}/${f} is newer than dist/: run \`npm run build\``);
      }
    }
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface Daemon {
  proc: ChildProcess;
  dir: string;
  pidFiles: { main: string; vrrp: string; checker: string };
  lines: string[];
  /** Waits for a console line matching re (bounded); returns its text and arrival time. */
  waitFor(re: RegExp, timeoutMs?: number, from?: number): Promise<{ line: string; at: number; index: number }>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Every pid this run started (parent, children from `pid=N`). */
  pids(): number[];
  writeConfig(cfg: unknown): void;
}

export interface DaemonOptions {
  config: unknown;
  args?: string[];
  env?: Record<string, string>;
  /** Defaults to -n -l -G (foreground, console log, no syslog). */
  baseArgs?: string[];
  /** Start the daemon as a process-group leader (to send a terminal's Ctrl-C to the group). */
  ownGroup?: boolean;
}

export function startDaemon(opts: DaemonOptions): Daemon {
  const dir = mkdtempSync(join(tmpdir(), 'kats-core-'));
  const configFile = join(dir, 'keepalived.json');
  const pidFiles = { main: join(dir, 'ka.pid'), vrrp: join(dir, 'vrrp.pid'), checker: join(dir, 'chk.pid') };
  const writeConfig = (cfg: unknown): void => writeFileSync(configFile, typeof cfg === 'string' ? cfg : JSON.stringify(cfg));
  writeConfig(opts.config);
  const args = [...(opts.baseArgs ?? ['-n', '-l', '-G']), '-f', configFile, '-p', pidFiles.main, '-r', pidFiles.vrrp, '-c', pidFiles.checker, ...(opts.args ?? [])];
  const proc = spawn(process.execPath, [join(ROOT, 'bin/keepalived-ts'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.ownGroup ?? false,
    env: {
      ...process.env,
      TMPDIR: dir,
      KEEPALIVED_TS_CONFIG_LOADER: join(FIXTURES, 'json-loader.mjs'),
      KEEPALIVED_TS_VRRP_ENTRY: join(FIXTURES, 'test-child.mjs'),
      KEEPALIVED_TS_CHECKER_ENTRY: join(FIXTURES, 'test-child.mjs'),
      ...opts.env,
    },
  });
  const lines: string[] = [];
  const times: number[] = [];
  const waiters = new Set<() => void>();
  let buf = '';
  const onData = (chunk: Buffer): void => {
    buf += chunk.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) !== -1) {
      lines.push(buf.slice(0, nl));
      times.push(Date.now());
      buf = buf.slice(nl + 1);
    }
    for (const w of waiters) w();
  };
  proc.stderr!.on('data', onData);
  proc.stdout!.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.on('exit', (code, signal) => { resolve({ code, signal }); for (const w of waiters) w(); });
  });
  let exitedFlag = false;
  void exited.then(() => { exitedFlag = true; });

  const waitFor: Daemon['waitFor'] = (re, timeoutMs = 10_000, from = 0) => new Promise((resolve, reject) => {
    const check = (): boolean => {
      for (let i = from; i < lines.length; i++) {
        if (re.test(lines[i]!)) {
          resolve({ line: lines[i]!, at: times[i]!, index: i });
          return true;
        }
      }
      return false;
    };
    if (check()) return;
    const timer = setTimeout(() => {
      waiters.delete(w);
      reject(new Error(`timed out waiting for ${re}; log so far:\n${lines.join('\n')}`));
    }, timeoutMs);
    const w = (): void => {
      if (check()) {
        clearTimeout(timer);
        waiters.delete(w);
      } else if (exitedFlag) {
        // give the last chunk a chance, then fail fast
        setTimeout(() => { if (!check()) { clearTimeout(timer); waiters.delete(w); reject(new Error(`daemon exited before ${re}; log:\n${lines.join('\n')}`)); } }, 50);
      }
    };
    waiters.add(w);
  });

  const pids = (): number[] => {
    const found = new Set<number>(proc.pid ? [proc.pid] : []);
    for (const l of lines) {
      const m = /child process, pid=(\d+)/.exec(l);
      if (m) found.add(Number(m[1]));
    }
    return [...found];
  };
  return { proc, dir, pidFiles, lines, waitFor, exited, pids, writeConfig };
}

/** After a test: every process gone (SIGKILL stragglers, then fail), temp dir removed. */
export async function cleanup(d: Daemon | undefined, extraPids: number[] = []): Promise<void> {
  if (!d) return;
  const all = [...d.pids(), ...extraPids];
  const deadline = Date.now() + 8000;
  if (d.proc.exitCode === null && d.proc.signalCode === null) d.proc.kill('SIGTERM');
  while (Date.now() < deadline && all.some(isAlive)) await new Promise((r) => setTimeout(r, 50));
  const survivors = all.filter(isAlive);
  for (const pid of survivors) process.kill(pid, 'SIGKILL');
  rmSync(d.dir, { recursive: true, force: true });
  if (survivors.length) throw new Error(`processes left running after the test: ${survivors.join(' ')}`);
}
