// Runs inside a lab namespace: a NetlinkMonitor printing every event, plus address/link
// operations read as JSON lines on stdin ({"id":1,"op":"add","spec":{...}}), answered on stdout.
import { createInterface } from 'node:readline';
import { Addresses, type AddressSpec } from '../../../src/net/addresses.js';
import { Links } from '../../../src/net/links.js';
import { NetlinkMonitor } from '../../../src/net/monitor.js';
import { closeRtnl } from '../../../src/net/rtnl.js';

const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
const addrs = new Addresses();
const links = new Links();
const mon = new NetlinkMonitor({ onEvent: (event) => out({ event }), onError: (error) => out({ error }) });
const initial = await links.list();
if (initial.ok) mon.seed(initial.links);
out({ ready: true });

type Cmd = { id: number; op: 'add' | 'remove' | 'list' | 'ifindex' | 'links'; spec?: AddressSpec; ifname?: string; ifindex?: number };
const rl = createInterface({ input: process.stdin });
rl.on('line', async (line) => {
  const c = JSON.parse(line) as Cmd;
  const reply = (result: unknown) => out({ id: c.id, result });
  if (c.op === 'add') reply(await addrs.add(c.spec!));
  else if (c.op === 'remove') reply(await addrs.remove(c.spec!));
  else if (c.op === 'list') reply(await addrs.list({ ifindex: c.ifindex }));
  else if (c.op === 'ifindex') reply(await links.ifindex(c.ifname!));
  else if (c.op === 'links') reply(await links.list());
});
// stdin closed (test done) or a bound on our lifetime: stop cleanly either way.
const stop = () => { mon.close(); closeRtnl(); process.exit(0); };
rl.on('close', stop);
setTimeout(stop, 30_000);
