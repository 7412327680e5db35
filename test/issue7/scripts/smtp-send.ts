// Runs inside a lab namespace: one SMTP alert to argv[2]:argv[3] with smtp_connect_timeout argv[4];
// prints the result, the time taken and the worst event-loop lag seen meanwhile.
import { instanceAlert, sendSmtpAlert } from '../../../src/vrrp/notify/smtp.js';

let maxLagMs = 0;
let last = performance.now();
const tick = setInterval(() => { const now = performance.now(); maxLagMs = Math.max(maxLagMs, now - last - 10); last = now; }, 10);
const t0 = performance.now();
const result = await sendSmtpAlert(
  { host: process.argv[2]!, port: Number(process.argv[3]), from: 'keepalived@lb1', to: ['ops@example.com'], connectTimeoutS: Number(process.argv[4]) },
  instanceAlert('lb1', 'VI_1', 'MASTER'),
);
clearInterval(tick);
process.stdout.write(`${JSON.stringify({ result, tookMs: Math.round(performance.now() - t0), maxLagMs: Math.round(maxLagMs) })}\n`);
