// Runs a TypeScript script (via vite-node, no build needed) inside a lab namespace,
// so adapters open their sockets in that namespace. Scripts talk JSON lines on stdout.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor, type Lab, type LabProcess } from './lab.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const viteNode = join(repoRoot, 'node_modules', '.bin', 'vite-node');

/** Starts `vite-node script args…` in ns; the process is tracked (destroyed with the lab). */
export function spawnTs(lab: Lab, ns: string, script: string, args: string[] = [], opts: { stdin?: boolean } = {}): LabProcess {
  return lab.spawn(ns, viteNode, [script, ...args], { cwd: repoRoot, ...opts });
}

/** Every JSON object the script printed so far (non-JSON lines are ignored). */
export function jsonLines<T = Record<string, unknown>>(p: LabProcess): T[] {
  const out: T[] = [];
  for (const line of p.output().stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try { out.push(JSON.parse(line) as T); } catch { /* partial line */ }
  }
  return out;
}

/** Waits (bounded) for a JSON line matching pred; throws with the script's stderr if it exits first. */
export async function waitForLine<T = Record<string, unknown>>(
  p: LabProcess, pred: (l: T) => boolean, timeoutMs: number, what: string,
): Promise<T> {
  return waitFor<T | undefined>(() => {
    const hit = jsonLines<T>(p).find(pred);
    if (hit) return hit;
    if (p.child.exitCode !== null) throw new Error(`script exited (${p.child.exitCode}) before ${what}: ${p.output().stderr.slice(-2000)}`);
    return undefined;
  }, { timeoutMs, what, intervalMs: 50 }) as Promise<T>;
}

/** Runs a script to completion (bounded) and returns its JSON lines; throws on a non-zero exit. */
export async function runTs<T = Record<string, unknown>>(lab: Lab, ns: string, script: string, args: string[] = [], timeoutMs = 20_000): Promise<T[]> {
  const p = spawnTs(lab, ns, script, args);
  const code = await Promise.race([p.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs))]);
  if (code === 'timeout') {
    await p.stop();
    throw new Error(`${script} in ${ns} timed out after ${timeoutMs} ms: ${p.output().stderr.slice(-2000)}`);
  }
  if (code !== 0) throw new Error(`${script} in ${ns} exited ${code}: ${p.output().stderr.slice(-2000)}`);
  return jsonLines<T>(p);
}
