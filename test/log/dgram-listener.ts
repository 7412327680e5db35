// Starts unix-dgram-listener.py: a real /dev/log stand-in receiving our syslog datagrams.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

export interface DgramListener {
  pid: number;
  /** Resolves with every datagram once the listener exits (count reached or timeout). */
  done: Promise<string[]>;
}

export async function startDgramListener(socketPath: string, count: number, timeoutSec: number): Promise<DgramListener> {
  const script = fileURLToPath(new URL('./unix-dgram-listener.py', import.meta.url));
  const proc = spawn('python3', [script, socketPath, String(count), String(timeoutSec)], { stdio: ['ignore', 'pipe', 'inherit'] });
  if (proc.pid === undefined) throw new Error('python3 listener did not start (is python3 installed?)');
  const lines: string[] = [];
  let readyResolve!: () => void;
  const ready = new Promise<void>((r) => { readyResolve = r; });
  createInterface({ input: proc.stdout! }).on('line', (l) => {
    const v = JSON.parse(l) as string;
    if (v === 'READY') readyResolve();
    else lines.push(v);
  });
  const done = new Promise<string[]>((resolve, reject) => {
    proc.on('exit', (code) => (code === 0 ? resolve(lines) : reject(new Error(`listener exited ${code}`))));
    proc.on('error', reject);
  });
  await Promise.race([ready, done.then(() => { throw new Error('listener exited before READY'); })]);
  return { pid: proc.pid, done };
}
