// Runs inside a lab namespace. argv[2] is JSON:
//   { family, ifname, mcastGroup?, unicastSrcIp?, unicastPeers?, srcIp?, send?: hex, lifetimeMs }
// Prints {"ready":true}, then one JSON line per received packet or error, and the send results.
import { readFileSync } from 'node:fs';
import { openVrrpSocket, type VrrpSocketOptions } from '../../../src/net/vrrp-socket.js';

const cfg = JSON.parse(process.argv[2]!) as Omit<VrrpSocketOptions, 'ifindex' | 'onPacket'> & { ifindex?: number; send?: string; lifetimeMs: number };
const ifindex = cfg.ifindex ?? Number(readFileSync(`/sys/class/net/${cfg.ifname}/ifindex`, 'utf8'));
const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
const sock = openVrrpSocket({
  ...cfg, ifindex,
  onPacket: (p) => out({ packet: { ...p, payload: p.payload.toString('hex') } }),
  onError: (m) => out({ error: m }),
});
out({ ready: true, ifindex });
if (cfg.send) out({ sent: await sock.sendAdvert(Buffer.from(cfg.send, 'hex')) });
setTimeout(() => { sock.close(); process.exit(0); }, cfg.lifetimeMs);
