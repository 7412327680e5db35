// Runs inside a lab namespace: issue-7 netlink adapters driven by JSON lines on stdin
// ({"id":1,"op":"vmac-create","spec":{...}}), each answered on stdout with {"id":1,"result":…}.
import { createInterface } from 'node:readline';
import { closeRtnl } from '../../../src/net/rtnl.js';
import { AcceptModeFirewall } from '../../../src/net/nftables.js';
import { Routes } from '../../../src/net/routes.js';
import { Rules } from '../../../src/net/rules.js';
import { Vmacs } from '../../../src/net/vmac.js';

const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
const vmacs = new Vmacs();
const routes = new Routes();
const rules = new Rules();
const fw = new AcceptModeFirewall();
const ops: Record<string, (a: any) => Promise<unknown>> = {
  'vmac-create': (a) => vmacs.create(a.spec),
  'vmac-remove': (a) => vmacs.remove(a.spec),
  'route-add': (a) => routes.add(a.route),
  'route-del': (a) => routes.remove(a.route),
  'rule-add': (a) => rules.add(a.rule),
  'rule-del': (a) => rules.remove(a.rule),
  'fw-set': (a) => fw.setVips(a.vips),
  'fw-clear': (a) => fw.clearVips(a.vips),
  'fw-cleanup': () => fw.cleanup(),
};
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
