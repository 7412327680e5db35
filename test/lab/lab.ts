// Network-namespace lab: routers r1..rN and a client c, each with eth0 on one
// bridge that lives in its own namespace, so nothing touches the host's interfaces.
import { execFile, execFileSync, spawn as nodeSpawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LabOptions {
  prefix: string;
  routers: number;
  client?: boolean;
  ipv6?: boolean;
}

export interface ExecResult { stdout: string; stderr: string; code: number }

export interface LabProcess {
  pid: number;
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after killAfterMs; resolves when the process is gone. */
  stop(killAfterMs?: number): Promise<void>;
}

export interface IpAddrInfo {
  ifname: string;
  ifindex: number;
  address?: string;
  operstate?: string;
  flags?: string[];
  addr_info: { family: 'inet' | 'inet6'; local: string; prefixlen: number; label?: string; scope?: string }[];
}

export interface NeighEntry { dst: string; dev: string; lladdr?: string; state?: string[] }

export interface Capture { file: string; stop(): Promise<string> }

export interface WaitOptions { timeoutMs: number; intervalMs?: number; what?: string }

/** Polls until predicate is truthy; throws after timeoutMs naming what was awaited. */
export async function waitFor<T>(predicate: () => T | Promise<T>, opts: WaitOptions): Promise<T> {
  const interval = opts.intervalMs ?? 100;
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await predicate();
      if (v) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.what ?? 'condition'}${why}`);
    }
    await sleep(interval);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs a command, never rejecting: the caller reads code/stderr. Bounded by timeoutMs. */
export function run(cmd: string, args: string[], timeoutMs = 20_000): Promise<ExecResult> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ stdout: String(stdout), stderr: String(stderr) || (err && code === -1 ? err.message : ''), code });
    });
  });
}

async function must(cmd: string, args: string[], timeoutMs?: number): Promise<string> {
  const r = await run(cmd, args, timeoutMs);
  if (r.code !== 0) throw new Error(`lab: \`${cmd} ${args.join(' ')}\` failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

/** A small stable hash: each prefix gets its own 10.<k>.0.0/24 and fd00:<k>::/64. */
export function subnetFor(prefix: string): number {
  let h = 0;
  for (const ch of prefix) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return 16 + (h % 224);
}

function listNamespaces(): string[] {
  try {
    return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.split(' ')[0]!)
      .filter(Boolean);
  } catch {
    return [];
  }
}

function nsPids(ns: string): number[] {
  try {
    return execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n').map(Number).filter((n) => n > 0);
  } catch {
    return [];
  }
}

/** A zombie counts as gone: our own children are only reaped once the event loop runs again. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Synchronous teardown (usable from 'exit' handlers): kill by PID, then delete namespaces. */
function teardownSync(namespaces: string[], pids: number[]): void {
  // Processes inside our namespaces were all started by this lab (or a stale run of it).
  const all = new Set(pids);
  for (const ns of namespaces) for (const p of nsPids(ns)) all.add(p);
  for (const p of all) { try { process.kill(p, 'SIGTERM'); } catch { /* gone */ } }
  const deadline = Date.now() + 2000;
  while ([...all].some(alive) && Date.now() < deadline) execFileSync('sleep', ['0.05']);
  for (const p of all) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
  for (const ns of namespaces) {
    try { execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' }); } catch { /* already gone */ }
  }
}

const liveLabs = new Set<Lab>();
let hooksInstalled = false;
function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => { for (const l of liveLabs) l.destroySync(); });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      for (const l of liveLabs) l.destroySync();
      process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
    });
  }
}

export class Lab {
  readonly prefix: string;
  readonly subnet: number;
  readonly routers: string[];
  readonly client: string | undefined;
  readonly bridgeNs: string;
  readonly ipv6: boolean;
  readonly tmpDir: string;
  private readonly procs = new Map<number, LabProcess>();
  private destroyed = false;

  constructor(opts: LabOptions) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,30}$/.test(opts.prefix)) throw new Error(`lab: invalid prefix ${JSON.stringify(opts.prefix)} (letters, digits, - and _ only)`);
    this.prefix = opts.prefix;
    this.subnet = subnetFor(opts.prefix);
    this.routers = Array.from({ length: opts.routers }, (_, i) => `${opts.prefix}-r${i + 1}`);
    this.client = opts.client ? `${opts.prefix}-c` : undefined;
    this.bridgeNs = `${opts.prefix}-br`;
    this.ipv6 = !!opts.ipv6;
    this.tmpDir = mkdtempSync(join(tmpdir(), `${opts.prefix}-lab-`));
  }

  /** Host namespaces (routers then client), full names. */
  get hosts(): string[] { return this.client ? [...this.routers, this.client] : [...this.routers]; }
  get namespaces(): string[] { return [...this.hosts, this.bridgeNs]; }

  /** Accepts 'r1' / 'c' / 'br' or a full namespace name. */
  ns(name: string): string { return name.startsWith(`${this.prefix}-`) ? name : `${this.prefix}-${name}`; }

  /** Host number i in 10.<k>.0.<i> and fd00:<k>::<i in hex>: r1..rN → 1..N, client → 100. */
  hostIndex(ns: string): number {
    const full = this.ns(ns);
    if (full === this.client) return 100;
    const i = this.routers.indexOf(full);
    if (i < 0) throw new Error(`lab ${this.prefix}: no host namespace ${ns}`);
    return i + 1;
  }
  ip4(ns: string): string { return `10.${this.subnet}.0.${this.hostIndex(ns)}`; }
  ip6(ns: string): string { return `fd00:${this.subnet}::${this.hostIndex(ns).toString(16)}`; }
  /** An unused address in the lab subnet (for VIPs): 10.<k>.0.<host> / fd00:<k>::<host in hex>. */
  vip4(host = 200): string { return `10.${this.subnet}.0.${this.freeHost(host)}`; }
  vip6(host = 200): string { return `fd00:${this.subnet}::${this.freeHost(host).toString(16)}`; }
  private freeHost(host: number): number {
    if (host === 100 || (host >= 1 && host <= this.routers.length)) throw new Error(`lab: host ${host} is a lab host address, not free for a VIP`);
    return host;
  }

  async setup(): Promise<void> {
    if (process.getuid?.() !== 0) throw new Error('lab: must run as root (network namespaces)');
    const stale = listNamespaces().filter((n) => n.startsWith(`${this.prefix}-`));
    if (stale.length) teardownSync(stale, []);
    liveLabs.add(this);
    installExitHooks();
    for (const ns of this.namespaces) {
      const r = await run('ip', ['netns', 'add', ns]);
      if (r.code !== 0) throw new Error(`lab: ip netns add ${ns} failed: ${r.stderr.trim()}`);
    }
    const br = this.bridgeNs;
    await must('ip', ['-n', br, 'link', 'set', 'lo', 'up']);
    // The bridge side stays silent: no IPv6 link-locals, no DAD/MLD noise in captures.
    await must('ip', ['netns', 'exec', br, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
    await must('ip', ['-n', br, 'link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '0']);
    await must('ip', ['-n', br, 'link', 'set', 'br0', 'up']);
    for (const ns of this.hosts) {
      const port = ns.slice(this.prefix.length + 1); // r1, r2, c
      if (this.ipv6) {
        // No DAD: lab addresses are unique by construction and tests should not wait 1-2 s.
        await must('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']);
      }
      await must('ip', ['-n', br, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
      await must('ip', ['-n', br, 'link', 'set', port, 'master', 'br0', 'up']);
      await must('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      await must('ip', ['-n', ns, 'addr', 'add', `${this.ip4(ns)}/24`, 'dev', 'eth0']);
      if (this.ipv6) await must('ip', ['-n', ns, 'addr', 'add', `${this.ip6(ns)}/64`, 'dev', 'eth0', 'nodad']);
      await must('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
    }
  }

  exec(ns: string, cmd: string, args: string[] = [], timeoutMs = 20_000): Promise<ExecResult> {
    return run('ip', ['netns', 'exec', this.ns(ns), cmd, ...args], timeoutMs);
  }

  /** Like exec but throws with stderr on a non-zero exit. */
  async execOk(ns: string, cmd: string, args: string[] = [], timeoutMs = 20_000): Promise<string> {
    return must('ip', ['netns', 'exec', this.ns(ns), cmd, ...args], timeoutMs);
  }

  /** Starts cmd in ns, tracked by PID; stdin is a pipe only when asked (child.stdin). */
  spawn(ns: string, cmd: string, args: string[] = [], opts: { env?: NodeJS.ProcessEnv; cwd?: string; stdin?: boolean } = {}): LabProcess {
    if (this.destroyed) throw new Error(`lab ${this.prefix}: spawn after destroy`);
    const child = nodeSpawn('ip', ['netns', 'exec', this.ns(ns), cmd, ...args], {
      env: opts.env ?? process.env, cwd: opts.cwd, stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    if (child.pid === undefined) throw new Error(`lab: cannot spawn ${cmd} in ${ns}`);
    const pid = child.pid;
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<number | null>((resolve) => {
      child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null)));
      child.on('error', () => resolve(-1));
    });
    const proc: LabProcess = {
      pid, child, exited,
      output: () => ({ stdout, stderr }),
      stop: async (killAfterMs = 3000) => {
        if (child.exitCode === null && child.signalCode === null) {
          try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ }
          const timer = sleep(killAfterMs).then(() => 'timeout' as const);
          if ((await Promise.race([exited, timer])) === 'timeout') {
            try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
            await Promise.race([exited, sleep(2000)]);
          }
        }
        this.procs.delete(pid);
      },
    };
    this.procs.set(pid, proc);
    return proc;
  }

  async addresses(ns: string): Promise<IpAddrInfo[]> {
    return JSON.parse(await must('ip', ['-n', this.ns(ns), '-j', 'addr', 'show'])) as IpAddrInfo[];
  }

  /** Addresses (local) on one device, e.g. ['10.16.0.1', 'fe80::...'] */
  async addressesOf(ns: string, dev = 'eth0'): Promise<string[]> {
    const info = (await this.addresses(ns)).find((i) => i.ifname === dev);
    return info ? info.addr_info.map((a) => a.local) : [];
  }

  async ping(fromNs: string, ip: string, count = 1, timeoutS = 2): Promise<boolean> {
    const args = ['-c', String(count), '-W', String(timeoutS), ...(ip.includes(':') ? ['-6'] : []), ip];
    const r = await this.exec(fromNs, 'ping', args, (count * timeoutS + 5) * 1000);
    return r.code === 0;
  }

  async neigh(ns: string): Promise<NeighEntry[]> {
    return JSON.parse(await must('ip', ['-n', this.ns(ns), '-j', 'neigh', 'show'])) as NeighEntry[];
  }

  async mac(ns: string, dev = 'eth0'): Promise<string> {
    const info = (await this.addresses(ns)).find((i) => i.ifname === dev);
    if (!info?.address) throw new Error(`lab: no MAC for ${dev} in ${ns}`);
    return info.address;
  }

  async ifindex(ns: string, dev = 'eth0'): Promise<number> {
    const info = (await this.addresses(ns)).find((i) => i.ifname === dev);
    if (!info) throw new Error(`lab: no ${dev} in ${ns}`);
    return info.ifindex;
  }

  /** tcpdump -w into a temp pcap; resolves once tcpdump is listening. stop() returns the file. */
  async capture(ns: string, iface: string, filter: string[] = [], name?: string): Promise<Capture> {
    const file = join(this.tmpDir, `${name ?? `${this.ns(ns)}-${iface}-${Date.now()}`}.pcap`);
    // --immediate-mode: otherwise TPACKET_V3 holds frames up to 1 s and SIGTERM loses them.
    const p = this.spawn(ns, 'tcpdump', ['-i', iface, '--immediate-mode', '-U', '-n', '-w', file, ...filter]);
    await waitFor(() => p.output().stderr.includes('listening on') || p.child.exitCode !== null,
      { timeoutMs: 10_000, what: `tcpdump listening on ${iface} in ${ns}` });
    if (p.child.exitCode !== null) throw new Error(`lab: tcpdump failed in ${ns}: ${p.output().stderr}`);
    return {
      file,
      stop: async () => {
        await sleep(100); // frames still in flight on the veth
        await p.stop();
        return file;
      },
    };
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    await Promise.all([...this.procs.values()].map((p) => p.stop(2000)));
    this.destroySync();
  }

  destroySync(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    liveLabs.delete(this);
    teardownSync(this.namespaces, [...this.procs.keys()]);
    this.procs.clear();
    rmSync(this.tmpDir, { recursive: true, force: true });
  }
}

/** Creates and sets up a lab; on any setup failure it is torn down and the error rethrown. */
export async function createLab(opts: LabOptions): Promise<Lab> {
  const lab = new Lab(opts);
  try {
    await lab.setup();
  } catch (e) {
    lab.destroySync();
    throw e;
  }
  return lab;
}

/** Namespaces currently present with this prefix (tests assert cleanup with it). */
export function labNamespaces(prefix: string): string[] {
  return listNamespaces().filter((n) => n.startsWith(`${prefix}-`));
}
