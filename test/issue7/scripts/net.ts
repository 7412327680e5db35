// Runs inside a lab namespace: issue-7 netlink adapters driven by JSON lines on stdin
// ({"id":1,"op":"vmac-create","spec":{...}}), each answered on stdout with {"id":1,"result":…}.
import { createInterface } from 'node:readline';
import { closeRtnl } from '../../../src/net/rtnl.js';
import { Vmacs } from '../../../src/net/vmac.js';

const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
const vmacs = new Vmacs();
const ops: Record<string, (a: any) => Promise<unknown>> = {
  'vmac-create': (a) => vmacs.create(a.spec),
  'vmac-remove': (a) => vmacs.remove(a.spec),
};
// Optional adapters load lazily so this script runs while others are being written.
for (const [mod, bind] of [
  ['../../../src/net/routes.js', (m: any) => { const r = new m.Routes(); ops['route-add'] = (a) => r.add(a.route); ops['route-del'] = (a) => r.remove(a.route); }],
  ['../../../src/net/rules.js', (m: any) => { const r = new m.Rules(); ops['rule-add'] = (a) => r.add(a.rule); ops['rule-del'] = (a) => r.remove(a.rule); }],
] as const) {
  try { bind(await import(mod)); } catch { /* not there */ }
}
out({ ready: true });

const rl = createInterface({ input: process.stdin });
rl.on('line', async (line) => {
  const c = JSON.parse(line) as { id: number; op: string };
  try {
    out({ id: c.id, result: await ops[c.op]!(c) });
  } catch (e) {
    out({ id: c.id, thrown: (e as Error).message });
  }
});
const stop = () => { closeRtnl(); process.exit(0); };
rl.on('close', stop);
setTimeout(stop, 60_000);
