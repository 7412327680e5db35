// Signal numbers keepalived gives meaning to (lib/signals.c get_signum()).
import { constants } from 'node:os';

// glibc reserves 32 and 33 for NPTL, so its SIGRTMIN is 34; the kernel's SIGRTMAX is 64.
// Node's os.constants.signals has no RT signals, so take them from the platform if it ever does.
const table = constants.signals as Record<string, number | undefined>;
export const SIGRTMIN = table['SIGRTMIN'] ?? 34;
export const SIGRTMAX = table['SIGRTMAX'] ?? 64;

/** SIGJSON = SIGRTMIN + 2, SIGSTATS_CLEAR = SIGRTMAX - 1 (keepalived include/signals.h). */
export const SIGJSON = SIGRTMIN + 2;
export const SIGSTATS_CLEAR = SIGRTMAX - 1;

export type SigFunc = 'STOP' | 'RELOAD' | 'DATA' | 'STATS' | 'STATS_CLEAR' | 'JSON';

export const SIGFUNCS: Readonly<Record<SigFunc, number>> = {
  STOP: constants.signals.SIGTERM,
  RELOAD: constants.signals.SIGHUP,
  DATA: constants.signals.SIGUSR1,
  STATS: constants.signals.SIGUSR2,
  STATS_CLEAR: SIGSTATS_CLEAR,
  JSON: SIGJSON,
};

/** `--signum=NAME`: the number, or -1 for an unknown name (exact, case-sensitive match as keepalived). */
export function getSignum(sigfunc: string): number {
  return Object.prototype.hasOwnProperty.call(SIGFUNCS, sigfunc) ? SIGFUNCS[sigfunc as SigFunc] : -1;
}
