// keepalived forks into the background unless -n (xdaemon()). Node can't fork, so the
// foreground process re-runs itself detached (new session, cwd /, stdio on /dev/null)
// with DAEMON_ENV set, and exits 0 once the daemon reports that its pid file is written
// and its children are started, or with the daemon's own status if it dies first.
import { spawn } from 'node:child_process';

export const DAEMON_ENV = 'KEEPALIVED_TS_DAEMON';
/** The directory the operator started us from: relative -f/-p/-g paths are resolved against it. */
export const ORIGINAL_CWD_ENV = 'KEEPALIVED_TS_CWD';

const STARTED = 'keepalived-ts-daemon-started';

export function isDaemonProcess(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[DAEMON_ENV] === '1';
}

/** In the foreground process: start the daemon copy and wait for its word. */
export function daemonize(argv: readonly string[], timeoutMs = 60_000): Promise<number> {
  const script = process.argv[1];
  if (!script) return Promise.resolve(1);
  const child = spawn(process.execPath, [...process.execArgv, script, ...argv], {
    detached: true,
    cwd: '/',
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    env: { ...process.env, [DAEMON_ENV]: '1', [ORIGINAL_CWD_ENV]: process.cwd() },
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      process.stderr.write(`keepalived-ts: daemon (pid ${child.pid}) did not report start-up within ${timeoutMs / 1000} s\n`);
      done(1);
    }, timeoutMs);
    const done = (code: number): void => {
      clearTimeout(timer);
      child.removeAllListeners();
      if (child.connected) child.disconnect();
      child.unref();
      resolve(code);
    };
    child.on('message', (m) => { if (m === STARTED) done(0); });
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
    child.on('error', (e) => {
      process.stderr.write(`keepalived-ts: cannot start daemon: ${e.message}\n`);
      done(1);
    });
  });
}

/** In the daemon: tell the foreground process we are up, and drop the channel. */
export function reportDaemonStarted(): void {
  if (!process.send) return;
  process.send(STARTED, () => {
    if (process.connected) process.disconnect();
  });
}
