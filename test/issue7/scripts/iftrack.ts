// Runs inside a lab namespace: NetlinkMonitor → InterfaceTracker → effectivePriority, one JSON
// line per change. argv[2]: JSON of the track_interface lines; argv[3]: base priority.
import { Links } from '../../../src/net/links.js';
import { NetlinkMonitor } from '../../../src/net/monitor.js';
import { closeRtnl } from '../../../src/net/rtnl.js';
import { InterfaceTracker } from '../../../src/vrrp/track/interface-tracker.js';
import { effectivePriority } from '../../../src/vrrp/track/priority.js';

const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
const tracker = new InterfaceTracker(JSON.parse(process.argv[2]!));
const base = Number(process.argv[3]);
const report = (changes: unknown[]) => out({ changes, ...effectivePriority(base, tracker.states()) });
const mon = new NetlinkMonitor({
  onEvent: (e) => { const c = tracker.onEvent(e); if (c.length) report(c); },
  onError: (error) => out({ error }),
});
const links = await new Links().list();
if (!links.ok) throw new Error(links.error);
mon.seed(links.links);
report(tracker.seed(links.links));
out({ ready: true });
const stop = () => { mon.close(); closeRtnl(); process.exit(0); };
process.stdin.on('end', stop);
process.stdin.resume();
setTimeout(stop, 60_000);
