// Signal adapter: named signals through process.on, and the real-time ones keepalived
// uses (SIGJSON = SIGRTMIN+2, SIGSTATS_CLEAR = SIGRTMAX-1) through node's signal_wrap
// binding, because os.constants.signals has no RT names and their default action kills us.
import { constants } from 'node:os';
import { createRequire } from 'node:module';
import { SIGJSON, SIGSTATS_CLEAR } from './signum.js';

type SignalHandle = { close(): void };
interface SignalWrap {
  onsignal: (signum: number) => void;
  start(signum: number): number;
  close(): void;
  unref(): void;
}

const byNumber = new Map<number, string>(
  Object.entries(constants.signals).map(([name, num]) => [num, name] as [number, string]),
);

export function signalName(signum: number): string {
  return byNumber.get(signum) ?? `SIG${signum}`;
}

let SignalCtor: (new () => SignalWrap) | undefined;
function rtSignalCtor(): new () => SignalWrap {
  if (!SignalCtor) {
    const proc = createRequire(import.meta.url)('node:process') as NodeJS.Process & { binding(name: string): unknown };
    // process.binding is deprecated; silence only this one access.
    const saved = proc.noDeprecation;
    proc.noDeprecation = true;
    try {
      SignalCtor = (proc.binding('signal_wrap') as { Signal: new () => SignalWrap }).Signal;
    } finally {
      proc.noDeprecation = saved;
    }
  }
  return SignalCtor;
}

/** Calls handler on each delivery of signum; returns a handle that uninstalls it. */
export function onSignal(signum: number, handler: (signum: number) => void): SignalHandle {
  const name = byNumber.get(signum);
  if (name) {
    const listener = (): void => handler(signum);
    process.on(name as NodeJS.Signals, listener);
    return { close: () => { process.off(name as NodeJS.Signals, listener); } };
  }
  const wrap = new (rtSignalCtor())();
  wrap.onsignal = (n) => handler(n);
  const err = wrap.start(signum);
  if (err !== 0) throw new Error(`cannot catch signal ${signum}: uv error ${err}`);
  // Like process.on for signals: don't keep the event loop alive on its own.
  wrap.unref();
  return { close: () => wrap.close() };
}

/** The signals keepalived ignores until its handlers are set (main.c signals_ignore()). */
export const DUMP_AND_RELOAD_SIGNALS: readonly number[] = [
  constants.signals.SIGHUP, constants.signals.SIGUSR1, constants.signals.SIGUSR2, SIGSTATS_CLEAR, SIGJSON,
];

/** Catches and drops these signals until close(). */
export function ignoreSignals(signums: readonly number[]): SignalHandle {
  let handles = signums.map((n) => onSignal(n, () => undefined));
  return { close: () => { for (const h of handles) h.close(); handles = []; } };
}
