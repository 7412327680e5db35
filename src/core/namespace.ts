// net_namespace / -s and instance: where pid files go, the syslog identity, and how
// children enter the namespace. keepalived setns()s itself into /run/netns/NAME; node
// can't, so each child is exec'd through nsenter(1) --net (util-linux), which does the
// same setns() and keeps the pid.
import { existsSync, mkdirSync, rmdirSync } from 'node:fs';
import { CHECKERS_PID_FILE, KEEPALIVED_PID_FILE, VRRP_PID_FILE } from './pidfile.js';

export const NETNS_DIR = '/run/netns';
/** KEEPALIVED_PID_DIR (include/pidfile.h). */
export const KEEPALIVED_PID_DIR = '/run/keepalived';
const NSENTER = '/usr/bin/nsenter';

export interface Placement {
  netNamespace?: string | undefined;
  instance?: string | undefined;
  /** global_defs use_pid_dir. */
  usePidDir?: boolean;
}

export const netnsPath = (ns: string): string => `${NETNS_DIR}/${ns}`;

export function netnsExists(ns: string): boolean {
  return !ns.includes('/') && existsSync(netnsPath(ns));
}

/** argv prefix that runs a command inside the namespace. */
export function nsenterArgv(ns: string): string[] {
  return [NSENTER, `--net=${netnsPath(ns)}`, '--'];
}

/** make_syslog_ident(): `Keepalived_vrrp` + `_NS` + `_INSTANCE`. */
export function syslogIdent(base: string, p: Placement): string {
  return `${base}${p.netNamespace ? `_${p.netNamespace}` : ''}${p.instance ? `_${p.instance}` : ''}`;
}

/**
 * Default pid files. With an instance, a namespace or use_pid_dir keepalived uses
 * /run/keepalived/ and names them keepalived[_INSTANCE].pid, vrrp[_…].pid, checkers[_…].pid;
 * in a namespace that directory is bind-mounted from /run/keepalived/NS, which is
 * where the files are seen from outside, and where we put them.
 */
export function defaultPidFiles(p: Placement): { dir: string | undefined; main: string; vrrp: string; checker: string } {
  if (!p.netNamespace && !p.instance && !p.usePidDir) {
    return { dir: undefined, main: KEEPALIVED_PID_FILE, vrrp: VRRP_PID_FILE, checker: CHECKERS_PID_FILE };
  }
  const dir = p.netNamespace ? `${KEEPALIVED_PID_DIR}/${p.netNamespace}` : KEEPALIVED_PID_DIR;
  const name = (n: string): string => `${dir}/${n}${p.instance ? `_${p.instance}` : ''}.pid`;
  return { dir, main: name('keepalived'), vrrp: name('vrrp'), checker: name('checkers') };
}

/** create_pid_dir(): mode 0755; returns false (after logging) when it can't. */
export function createPidDir(dir: string, log: (m: string) => void): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    return true;
  } catch {
    log(`Unable to create directory ${dir}`);
    return false;
  }
}

/** remove_pid_dir(): only if empty. */
export function removePidDir(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty (another instance) or gone
  }
}
