// Runs inside a test namespace (vite-node under `ip netns exec`): probes the address given in argv
// and prints one JSON line per checker type with the result and how long it took.
import { runProbe } from '../../src/check/probes/index.js';
import type { CheckerSpec } from '../../src/check/types.js';

const ip = process.argv[2] ?? '10.99.0.5';
const base = { delayLoopMs: 1000, warmupMs: 0, retry: 1, delayBeforeRetryMs: 1000, alpha: false, logAllFailures: false };
const conn = { connectIp: ip, connectPort: 80, connectTimeoutMs: 3000 };
const specs: CheckerSpec[] = [
  { type: 'HTTP_GET', conn, urls: [{ path: '/', statusCodes: [[200, 299]] }], httpProtocol: '1.0', fastRecovery: false, enableSni: false, ...base },
  { type: 'SSL_GET', conn, urls: [{ path: '/', statusCodes: [[200, 299]] }], httpProtocol: '1.0', fastRecovery: false, enableSni: false, ...base },
  { type: 'TCP_CHECK', conn, ...base },
  { type: 'SMTP_CHECK', conn: { ...conn, connectPort: 25 }, heloName: 'x', ...base },
  { type: 'UDP_CHECK', conn: { ...conn, connectPort: 53 }, payload: Buffer.from('x'), minReplyLength: 0, maxReplyLength: 255, ...base },
  { type: 'DNS_CHECK', conn: { ...conn, connectPort: 53 }, dnsType: 'A', dnsName: 'example.com', ...base },
  { type: 'PING_CHECK', conn, ...base },
];
for (const spec of specs) {
  const t0 = performance.now();
  const result = await runProbe(spec);
  console.log(JSON.stringify({ type: spec.type, result, ms: Math.round(performance.now() - t0) }));
}
