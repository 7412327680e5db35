// keepalived_modprobe() (lib/utils.c, the exec variant Debian's build uses): when IPVS is missing, run
// `modprobe -s -- ip_vs` with the kernel's modprobe path, then try again. Bounded; never throws.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';

const MODPROBE_TIMEOUT_MS = 10_000;

function modprobePath(): string {
  try {
    return readFileSync('/proc/sys/kernel/modprobe', 'utf8').trim() || '/sbin/modprobe';
  } catch {
    return '/sbin/modprobe';
  }
}

/** true when modprobe exited 0. */
export function modprobe(module: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = execFile(modprobePath(), ['-s', '--', module], { timeout: MODPROBE_TIMEOUT_MS }, (err) => resolve(!err));
    // modprobe's own complaint ("Module ip_vs not found ...") reaches the console as with keepalived.
    child.stderr?.pipe(process.stderr);
  });
}
