// vrrp_track_process by /proc polling. keepalived (core/track_process.c) counts matching
// processes from the proc connector; that needs CAP_NET_ADMIN in the initial user namespace
// and fails in containers (keepalived issue #1469), so we re-count from /proc each poll and
// apply the same quorum / quorum_max and fork_delay / terminate_delay rules.
import { readdir, readFile } from 'node:fs/promises';
import type { TrackProcess } from '../../config/ast.js';

export interface ProcEntry {
  pid: number;
  /** /proc/PID/stat comm (at most 15 characters). */
  comm: string;
  /** /proc/PID/cmdline split at NULs (argv); empty for kernel threads. */
  argv: string[];
}

export interface ProcessMatchSpec {
  /** `process` first word: compared with comm, or with argv[0] when fullCommand. */
  process: string;
  /** `process` further words. */
  args?: readonly string[];
  /** param_match; 'none' unless args or param_match were given (vrrp_parser.c). */
  paramMatch: 'none' | 'exact' | 'partial' | 'initial';
  fullCommand: boolean;
}

/** keepalived's implied settings: args or param_match mean full command with exact matching. */
export function matchSpecOf(t: TrackProcess): ProcessMatchSpec {
  const hasArgs = !!t.args && t.args.length > 0;
  // arguments after the process name mean an exact match of the full command unless param_match says otherwise
  const paramMatch = hasArgs && t.paramMatch === 'none' ? 'exact' : t.paramMatch;
  return { process: t.process ?? '', ...(hasArgs ? { args: t.args } : {}), paramMatch, fullCommand: t.fullCommand || hasArgs };
}

/** check_params() over the NUL-joined parameters ("a\0b\0"), as the kernel's cmdline holds them. */
function paramsMatch(spec: ProcessMatchSpec, argv: readonly string[]): boolean {
  const have = argv.slice(1).map((a) => `${a}\0`).join('');
  const want = spec.args && spec.args.length > 0 ? spec.args.map((a) => `${a}\0`).join('') : undefined;
  if (spec.paramMatch === 'exact') return want === undefined ? have.length === 0 : have === want;
  if (want === undefined) return true;
  if (have.length < want.length) return false;
  if (spec.paramMatch === 'partial') return have.startsWith(want);
  return want.length === 1 || have.startsWith(want.slice(0, -1));
}

export function processMatches(spec: ProcessMatchSpec, p: ProcEntry): boolean {
  const name = spec.fullCommand ? p.argv[0] : p.comm;
  if (name !== spec.process) return false;
  return spec.paramMatch === 'none' || paramsMatch(spec, p.argv);
}

export interface QuorumSpec {
  quorum: number;
  /** Absent = unlimited (keepalived's UINT_MAX). */
  quorumMax?: number;
  forkDelayMs: number;
  terminateDelayMs: number;
}

export type QuorumEvent = { kind: 'quorum'; up: boolean; count: number };

/**
 * Sans-I/O quorum state: counts in, "Quorum gained/lost" out. A change towards quorum waits
 * fork_delay, away from it terminate_delay; if the count moves back first, nothing is reported.
 */
export class ProcessQuorum {
  private haveQuorum: boolean | undefined;
  private pending: { up: boolean; atMs: number } | undefined;
  private lastCount = 0;

  constructor(private readonly q: QuorumSpec) {}

  get up(): boolean { return this.haveQuorum ?? false; }
  get count(): number { return this.lastCount; }
  /** When the caller should call observe() again at the latest (a delay expiring). */
  get nextDeadlineMs(): number | undefined { return this.pending?.atMs; }

  private inRange(n: number): boolean {
    return n >= this.q.quorum && n <= (this.q.quorumMax ?? Number.MAX_SAFE_INTEGER);
  }

  /** The first observation sets the state without delay and without an event (startup scan). */
  observe(count: number, nowMs: number): QuorumEvent | undefined {
    this.lastCount = count;
    const want = this.inRange(count);
    if (this.haveQuorum === undefined) { this.haveQuorum = want; return undefined; }
    if (want === this.haveQuorum) { this.pending = undefined; return undefined; }
    const delay = want ? this.q.forkDelayMs : this.q.terminateDelayMs;
    if (!this.pending || this.pending.up !== want) this.pending = { up: want, atMs: nowMs + delay };
    if (nowMs < this.pending.atMs) return undefined;
    this.pending = undefined;
    this.haveQuorum = want;
    return { kind: 'quorum', up: want, count };
  }
}

/** keepalived's log line (vrrp_track.c process_update_track_process_status). */
export const quorumLog = (name: string, up: boolean) => `Quorum ${up ? 'gained' : 'lost'} for tracked process ${name}`;

/** One pass over /proc: pid, comm from stat (zombies skipped, as read_procs() does), argv when asked. */
export async function readProcs(withCmdline: boolean, procRoot = '/proc'): Promise<ProcEntry[]> {
  const out: ProcEntry[] = [];
  let names: string[];
  try { names = await readdir(procRoot); } catch { return out; }
  for (const n of names) {
    if (!/^\d+$/.test(n)) continue;
    try {
      const stat = await readFile(`${procRoot}/${n}/stat`, 'latin1');
      const open = stat.indexOf('(');
      const close = stat.lastIndexOf(')');
      if (open < 0 || close < open || stat[close + 2] === 'Z') continue;
      const argv = withCmdline ? (await readFile(`${procRoot}/${n}/cmdline`, 'latin1')).split('\0') : [];
      if (argv.length > 0 && argv[argv.length - 1] === '') argv.pop();
      out.push({ pid: Number(n), comm: stat.slice(open + 1, close), argv });
    } catch { /* the process exited between readdir and read */ }
  }
  return out;
}

export interface ProcessTrackerOptions {
  trackers: readonly TrackProcess[];
  onChange: (name: string, up: boolean, count: number) => void;
  pollIntervalMs?: number;
  log?: (line: string) => void;
  now?: () => number;
}

/** Polls /proc for every vrrp_track_process; one scan serves all of them. */
export class ProcessTracker {
  private readonly items: { name: string; spec: ProcessMatchSpec; quorum: ProcessQuorum }[];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly o: ProcessTrackerOptions) {
    this.now = o.now ?? (() => performance.now());
    this.items = o.trackers.filter((t) => t.process).map((t) => ({
      name: t.name,
      spec: matchSpecOf(t),
      // `delay` sets both; the specific keywords override it.
      quorum: new ProcessQuorum({
        quorum: t.quorum, ...(t.quorumMax !== undefined ? { quorumMax: t.quorumMax } : {}),
        forkDelayMs: t.forkDelayMs || t.delayMs, terminateDelayMs: t.terminateDelayMs || t.delayMs,
      }),
    }));
  }

  /** Current quorum of a tracker (false until the first scan). */
  up(name: string): boolean { return this.items.find((i) => i.name === name)?.quorum.up ?? false; }
  count(name: string): number { return this.items.find((i) => i.name === name)?.quorum.count ?? 0; }

  /** Runs the initial scan (states set, no events), then polls. */
  async start(): Promise<void> {
    await this.scan();
    this.schedule();
  }

  async scan(): Promise<void> {
    const procs = await readProcs(this.items.some((i) => i.spec.fullCommand));
    const t = this.now();
    for (const i of this.items) {
      const n = procs.reduce((acc, p) => acc + (processMatches(i.spec, p) ? 1 : 0), 0);
      const ev = i.quorum.observe(n, t);
      if (ev) {
        this.o.log?.(quorumLog(i.name, ev.up));
        this.o.onChange(i.name, ev.up, ev.count);
      }
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    const poll = this.o.pollIntervalMs ?? 1000;
    const deadlines = this.items.map((i) => i.quorum.nextDeadlineMs).filter((d): d is number => d !== undefined);
    const wait = deadlines.length ? Math.max(0, Math.min(poll, Math.min(...deadlines) - this.now())) : poll;
    this.timer = setTimeout(() => {
      this.scan().catch((e) => this.o.log?.(`track_process: /proc scan failed: ${(e as Error).message}`)).finally(() => this.schedule());
    }, wait);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
