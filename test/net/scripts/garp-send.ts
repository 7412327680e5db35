// Runs inside a lab namespace: sends one GARP, one unsolicited NA, and one GARP on a bad ifindex.
import { GarpSender } from '../../../src/net/garp.js';

const [ifname, ifindex, mac, vip4, vip6] = process.argv.slice(2) as [string, string, string, string, string];
const s = new GarpSender();
const results = [
  s.sendGratuitousArp(ifname, Number(ifindex), mac, vip4),
  s.sendUnsolicitedNa(ifname, Number(ifindex), mac, vip6),
  s.sendGratuitousArp(ifname, 9999, mac, vip4),
];
s.close();
console.log(JSON.stringify({ results }));
