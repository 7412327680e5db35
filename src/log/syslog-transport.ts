// Sends syslog datagrams to a unix socket (/dev/log) in glibc syslog()'s exact format,
// `<PRI>Mon DD HH:MM:SS Ident[pid]: text`.
//
// Node can't open AF_UNIX datagram sockets and syslog-client speaks only UDP/TCP with a
// hostname in the header, so we keep one util-linux `logger` process per daemon process
// and feed it `<PRI>text` lines: with a local socket, logger writes exactly glibc's
// header (tag and --id pid), and --prio-prefix takes each line's facility and severity.
import { spawn, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';

export const DEFAULT_SYSLOG_SOCKET = '/dev/log';
const LOGGER_BINARY = '/usr/bin/logger';
const SOCKET_RECHECK_MS = 5000;

export interface SyslogTransportOptions {
  ident: string;
  pid: number;
  socketPath?: string;
  /** How often to look for a recreated socket (default 5 s). */
  socketRecheckMs?: number;
  /** Called once if the helper can't run; logging then carries on without syslog. */
  onError?: (message: string) => void;
}

export class SyslogTransport {
  private helper: ChildProcess | undefined;
  private failed = false;
  private readonly socketPath: string;

  constructor(private readonly opts: SyslogTransportOptions) {
    this.socketPath = opts.socketPath ?? DEFAULT_SYSLOG_SOCKET;
  }

  send(pri: number, text: string): void {
    this.followSocket();
    // No socket: glibc syslog() drops the line (its connect fails); no helper is started for nothing.
    // A helper per process costs a spawn, and in a 1-vCPU VM a wakeup of it per line.
    if (this.socketIno === undefined && !this.helper) return;
    const helper = this.ensureHelper();
    // One message per line: logger splits on newlines, glibc would keep them; flatten.
    helper?.stdin?.write(`<${pri}>${text.replace(/\r?\n/g, ' ')}\n`);
  }

  // logger(1) connects once; glibc syslog() reconnects when journald/rsyslog recreates
  // the socket. Look at the socket's inode now and then and start a fresh helper if it changed.
  private socketIno: number | undefined;
  private checkedAtMs = 0;
  private followSocket(): void {
    const now = Date.now();
    if (now - this.checkedAtMs < (this.opts.socketRecheckMs ?? SOCKET_RECHECK_MS)) return;
    this.checkedAtMs = now;
    let ino: number | undefined;
    try {
      ino = statSync(this.socketPath).ino;
    } catch {
      ino = undefined;
    }
    if (this.socketIno !== undefined && ino !== this.socketIno && this.helper) {
      this.helper.stdin?.end();
      this.helper = undefined;
    }
    this.socketIno = ino;
  }

  private ensureHelper(): ChildProcess | undefined {
    if (this.helper || this.failed) return this.helper;
    const args = ['-d', '-u', this.socketPath, '--socket-errors=off', '--prio-prefix', '--size', '8192',
      `--id=${this.opts.pid}`, '-t', this.opts.ident];
    const helper = spawn(LOGGER_BINARY, args, { stdio: ['pipe', 'ignore', 'ignore'] });
    const fail = (why: string): void => {
      if (this.failed) return;
      this.failed = true;
      this.helper = undefined;
      this.opts.onError?.(`syslog via ${LOGGER_BINARY} to ${this.socketPath} unavailable: ${why}`);
    };
    helper.on('error', (e) => fail(e.message));
    helper.stdin?.on('error', (e) => fail(e.message));
    helper.on('exit', (code, sig) => { if (this.helper === helper) fail(`helper exited (${sig ?? code})`); });
    // The helper must never keep a process alive: close() flushes on the way out.
    helper.unref();
    (helper.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    this.helper = helper;
    return helper;
  }

  /** Flushes pending lines and waits (bounded) for the helper to exit. */
  close(timeoutMs = 2000): Promise<void> {
    const helper = this.helper;
    this.helper = undefined;
    this.failed = true;
    if (!helper || helper.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => { helper.kill('SIGKILL'); resolve(); }, timeoutMs);
      helper.once('exit', () => { clearTimeout(timer); resolve(); });
      helper.stdin?.end();
    });
  }

  /** PID of the helper process (tests check it is gone after close). */
  get helperPid(): number | undefined {
    return this.helper?.pid;
  }
}
