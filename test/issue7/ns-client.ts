// Drives test/issue7/scripts/net.ts inside a lab namespace: call(op, args) → the adapter's result.
import { join } from 'node:path';
import type { Lab, LabProcess } from '../lab/lab.js';
import { repoRoot, spawnTs, waitForLine } from '../lab/node-script.js';

interface Line { id?: number; result?: unknown; thrown?: string; ready?: boolean }

export interface NsClient { call(op: string, args?: object): Promise<any>; close(): void }

export async function nsClient(lab: Lab, ns: string): Promise<NsClient> {
  const p: LabProcess = spawnTs(lab, ns, join(repoRoot, 'test/issue7/scripts/net.ts'), [], { stdin: true });
  await waitForLine<Line>(p, (l) => !!l.ready, 20_000, `issue7 net script ready in ${ns}`);
  let nextId = 1;
  return {
    async call(op, args = {}) {
      const id = nextId++;
      p.child.stdin!.write(`${JSON.stringify({ id, op, ...args })}\n`);
      const l = await waitForLine<Line>(p, (x) => x.id === id, 10_000, `reply to ${op}`);
      if (l.thrown) throw new Error(`${op} threw in ${ns}: ${l.thrown}`);
      return l.result;
    },
    close() { p.child.stdin?.end(); },
  };
}
