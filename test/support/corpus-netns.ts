// A network namespace holding the interfaces keepalived's sample configs name (eth0..eth3,
// eth0.1, enp1s0), as the reference `-t` outputs in ../shared/corpus were made.
import { execFile, execFileSync } from 'node:child_process';

export const CORPUS_INTERFACES: Record<string, string | undefined> = {
  eth0: '192.168.200.2/24', eth1: '192.168.100.2/24', eth2: '10.0.0.2/24', eth3: undefined, 'eth0.1': undefined, enp1s0: undefined,
};

export function createCorpusNetns(name: string): void {
  try { execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' }); } catch { /* not there */ }
  execFileSync('ip', ['netns', 'add', name]);
  let i = 0;
  for (const [ifname, addr] of Object.entries(CORPUS_INTERFACES)) {
    execFileSync('ip', ['-n', name, 'link', 'add', ifname, 'type', 'veth', 'peer', 'name', `kp${i++}`]);
    execFileSync('ip', ['-n', name, 'link', 'set', ifname, 'up']);
    if (addr) execFileSync('ip', ['-n', name, 'addr', 'add', addr, 'dev', ifname]);
  }
  execFileSync('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
}

export function deleteNetns(name: string): void {
  try { execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' }); } catch { /* already gone */ }
}

export interface RunResult { code: number; stdout: string; stderr: string }

/** Runs a command, never rejecting; exit 143 stands for a SIGTERM death as the shell reports it. */
export function run(cmd: string, args: string[], cwd: string, timeoutMs = 30_000): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      let code = 0;
      if (err) {
        const e = err as { code?: unknown; signal?: string };
        code = typeof e.code === 'number' ? e.code : e.signal === 'SIGTERM' ? 143 : e.signal === 'SIGKILL' ? 137 : 1;
      }
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}
