// Pid files, keepalived core/pidfile.c: written 0644 as "%d\n", removed on exit, and a
// pid file naming a live process means "already running".
import { cError } from './strerror.js';
import { fchmodSync, readFileSync, unlinkSync, writeFileSync, openSync, closeSync, constants as fsc } from 'node:fs';

export const KEEPALIVED_PID_FILE = '/run/keepalived.pid';
export const VRRP_PID_FILE = '/run/keepalived_vrrp.pid';
export const CHECKERS_PID_FILE = '/run/keepalived_checkers.pid';

export type PidLog = (text: string) => void;

/** Writes the pid; on failure logs keepalived's message plus the reason and returns false. */
export function pidfileWrite(path: string, pid: number, log: PidLog): boolean {
  let fd: number | undefined;
  try {
    // O_NOFOLLOW as keepalived: never write through a symlink planted in /run.
    fd = openSync(path, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_TRUNC | fsc.O_NOFOLLOW, 0o644);
    // rw-r--r-- whatever -u/umask says, as keepalived relaxes the umask around this open.
    fchmodSync(fd, 0o644);
    writeFileSync(fd, `${pid}\n`);
    return true;
  } catch (e) {
    const { text } = cError(e);
    log(`pidfile_write : Cannot open ${path} pidfile`);
    log(`pidfile_write : ${path}: ${(e as NodeJS.ErrnoException).code ?? ''} ${text} - is the directory writable?`);
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function pidfileRemove(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** keepalived process_running(): true when the pid file names a live process. */
export function processRunning(path: string, log: PidLog): boolean {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return false;
  }
  const m = /^\s*([+-]?\d+)/.exec(text);
  const pid = m ? Number(m[1]) : 0;
  if (!m) {
    log(`Error reading pid file ${path}`);
    pidfileRemove(path);
  }
  // keepalived: an unreadable pid file counts as running ("we don't know").
  if (!pid) return true;
  if (pid < 0 || !processAlive(pid)) {
    log(`Remove a zombie pid file ${path}`);
    pidfileRemove(path);
    return false;
  }
  return true;
}
