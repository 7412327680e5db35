// An SMTP server that never answers the SYN (nft drops it inside a lab namespace): the alert
// gives up after smtp_connect_timeout with keepalived's log line, and the event loop stays free.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLab, type Lab } from '../lab/lab.js';
import { repoRoot, runTs } from '../lab/node-script.js';

let lab: Lab;
beforeAll(async () => {
  lab = await createLab({ prefix: 'i7m', routers: 1 });
  await lab.execOk('r1', 'nft', ['add table ip i7m; add chain ip i7m o { type filter hook output priority 0; }; add rule ip i7m o tcp dport 2525 drop']);
}, 60_000);
afterAll(async () => { await lab?.destroy(); });

it('times out connecting within smtp_connect_timeout (2 s), without stalling the loop', async () => {
  const [line] = await runTs<{ result: unknown; tookMs: number; maxLagMs: number }>(lab, 'r1', join(repoRoot, 'test/issue7/scripts/smtp-send.ts'), ['127.0.0.1', '2525', '2']);
  expect(line!.result).toEqual({ sent: false, logs: ['Timeout connecting SMTP server [127.0.0.1]:2525.'] });
  expect(line!.tookMs).toBeGreaterThanOrEqual(1900);
  expect(line!.tookMs).toBeLessThan(3000);
  // 10 % of a 1 s advert_int
  expect(line!.maxLagMs).toBeLessThan(100);
});
