// SMTP alerts against a real SMTP listener on 127.0.0.1 started by the test.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { GlobalDefs } from '../../src/config/ast.js';
// @ts-expect-error -- a plain .mjs helper shared with the lab's SMTP listener, no type declarations
import { serveSmtp } from './scripts/smtp-sink.mjs';
import { groupAlert, instanceAlert, rfc822Date, sendSmtpAlert, SmtpDialog, SmtpNotifier, smtpSettingsFrom, type SmtpSettings } from '../../src/vrrp/notify/smtp.js';

interface Session { commands: string[]; data: string }

/** A minimal SMTP server: records the commands and the DATA payload; `mode` bends its behaviour. */
function smtpServer(mode: 'ok' | 'silent' | 'reject-rcpt' | 'multiline'): Promise<{ server: Server; port: number; sessions: Session[]; sockets: Socket[] }> {
  const sessions: Session[] = [];
  const sockets: Socket[] = [];
  const server = createServer((sock) => {
    sockets.push(sock);
    const s = serveSmtp(sock, mode);
    if (s) sessions.push(s);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ server, port: (server.address() as { port: number }).port, sessions, sockets });
  }));
}

const servers: { server: Server; sockets: Socket[] }[] = [];
afterAll(() => { for (const s of servers) { for (const k of s.sockets) k.destroy(); s.server.close(); } });

const settings = (port: number, extra: Partial<SmtpSettings> = {}): SmtpSettings => ({
  host: '127.0.0.1', port, from: 'keepalived@lb1.example', to: ['ops@example.com', 'noc@example.com'], connectTimeoutS: 2, ...extra,
});

describe('smtp alert texts (vrrp_notify.c)', () => {
  it('subjects and bodies as keepalived words them', () => {
    expect(instanceAlert('lb1', 'VI_1', 'MASTER')).toEqual({ subject: '[lb1] VRRP Instance VI_1 - Entering MASTER state', body: '=> VRRP Instance is now owning VRRP VIPs <=' });
    expect(instanceAlert('lb1', 'VI_1', 'BACKUP').body).toBe('=> VRRP Instance is no longer owning VRRP VIPs <=');
    expect(instanceAlert('lb1', 'VI_1', 'FAULT').subject).toBe('[lb1] VRRP Instance VI_1 - Entering FAULT state');
    expect(instanceAlert('lb1', 'VI_1', 'STOP')).toEqual({ subject: '[lb1] VRRP Instance VI_1 - Stopping', body: '=> VRRP Instance stopping <=' });
    expect(groupAlert('lb1', 'G1', 'MASTER')).toEqual({ subject: '[lb1] VRRP Group G1 - Entering MASTER state', body: '=> All VRRP group instances are now in MASTER state <=' });
  });
  it('dates like strftime %a, %d %b %Y %H:%M:%S %z', () => {
    expect(rfc822Date(new Date(2021, 2, 1, 9, 44, 8))).toMatch(/^Mon, 01 Mar 2021 09:44:08 [+-]\d{4}$/);
  });
  it('a reply that is not a 3-digit code ends the dialogue with keepalived\'s message', () => {
    const d = new SmtpDialog(settings(25), instanceAlert('lb1', 'VI_1', 'MASTER'));
    expect(d.onLine('garbage')).toEqual({ log: 'Error processing (E)SMTP cmd on SMTP server [127.0.0.1]:25. SMTP status code = -1', send: 'QUIT\r\n' });
  });
});

describe('smtp alert over a real socket', () => {
  it('sends HELO, MAIL FROM, one RCPT TO per notification_email, headers, body, QUIT', async () => {
    const srv = await smtpServer('ok');
    servers.push(srv);
    const r = await sendSmtpAlert(settings(srv.port, { heloName: 'lb1.example' }), instanceAlert('lb1', 'VI_1', 'MASTER'));
    expect(r.sent).toBe(true);
    expect(r.logs).toEqual(['SMTP alert successfully sent.']);
    const s = srv.sessions[0]!;
    expect(s.commands).toEqual(['HELO lb1.example', 'MAIL FROM:<keepalived@lb1.example>', 'RCPT TO:<ops@example.com>', 'RCPT TO:<noc@example.com>', 'DATA', 'QUIT']);
    // keepalived ends the body with \r\n then \r\n.\r\n: body line, an empty line, the dot.
    const [headers, body, rest] = s.data.split('\n\n');
    expect(headers).toMatch(/^Date: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}\n/);
    expect(headers!.split('\n').slice(1)).toEqual(['From: keepalived@lb1.example', 'Subject: [lb1] VRRP Instance VI_1 - Entering MASTER state', 'X-Mailer: Keepalived', 'To: ops@example.com, noc@example.com']);
    expect([body, rest]).toEqual(['=> VRRP Instance is now owning VRRP VIPs <=', '']);
  });

  it('HELO localhost without smtp_helo_name; multi-line replies are read to their last line', async () => {
    const srv = await smtpServer('multiline');
    servers.push(srv);
    const r = await sendSmtpAlert(settings(srv.port, { to: ['a@x'] }), groupAlert('lb1', 'G1', 'BACKUP'));
    expect(r.sent).toBe(true);
    expect(srv.sessions[0]!.commands.slice(0, 3)).toEqual(['HELO localhost', 'MAIL FROM:<keepalived@lb1.example>', 'RCPT TO:<a@x>']);
  });

  it('a refused recipient logs keepalived\'s error and quits without sending', async () => {
    const srv = await smtpServer('reject-rcpt');
    servers.push(srv);
    const r = await sendSmtpAlert(settings(srv.port), instanceAlert('lb1', 'VI_1', 'FAULT'));
    expect(r.sent).toBe(false);
    expect(r.logs).toEqual([`Error processing RCPT cmd on SMTP server [127.0.0.1]:${srv.port}. SMTP status code = 550`]);
    expect(srv.sessions[0]!.commands.at(-1)).toBe('QUIT');
  });

  it('a silent server times out within smtp_connect_timeout, without throwing or blocking the loop', async () => {
    const srv = await smtpServer('silent');
    servers.push(srv);
    let maxLagMs = 0;
    let last = Date.now();
    const tick = setInterval(() => { const now = Date.now(); maxLagMs = Math.max(maxLagMs, now - last - 10); last = now; }, 10);
    const t0 = Date.now();
    const r = await sendSmtpAlert(settings(srv.port, { connectTimeoutS: 1 }), instanceAlert('lb1', 'VI_1', 'MASTER'));
    const took = Date.now() - t0;
    clearInterval(tick);
    expect(r).toEqual({ sent: false, logs: [`Timeout reading data to remote SMTP server [127.0.0.1]:${srv.port}.`] });
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(2000);
    expect(maxLagMs).toBeLessThan(100);
  });

  it('a closed port gives keepalived\'s connection error', async () => {
    const srv = await smtpServer('ok');
    const port = srv.port;
    await new Promise<void>((r) => srv.server.close(() => r()));
    const r = await sendSmtpAlert(settings(port), instanceAlert('lb1', 'VI_1', 'MASTER'));
    expect(r).toEqual({ sent: false, logs: [`SMTP connection ERROR to [127.0.0.1]:${port}.`] });
  });
});

describe('global_defs defaults and the per-instance notifier', () => {
  const g = { notificationEmail: ['ops@example.com'], smtpConnectTimeoutS: 30 } as unknown as GlobalDefs;
  it('no smtp_server or no notification_email: no mail; otherwise keepalived\'s defaults from the host name', () => {
    expect(smtpSettingsFrom(g, 'lb1', 'root')).toBeUndefined();
    expect(smtpSettingsFrom({ ...g, smtpServer: { host: '127.0.0.1', port: 25 }, notificationEmail: [] }, 'lb1', 'root')).toBeUndefined();
    expect(smtpSettingsFrom({ ...g, smtpServer: { host: '127.0.0.1', port: 25 } }, 'lb1', 'root')).toEqual({
      host: '127.0.0.1', port: 25, heloName: 'lb1', from: 'root@lb1', to: ['ops@example.com'], connectTimeoutS: 30, routerId: 'lb1',
    });
  });

  it('one mail per state change (last_email_state), none when smtp_alert is off or for FAULT under no_email_faults', async () => {
    const srv = await smtpServer('ok');
    servers.push(srv);
    const settings = smtpSettingsFrom({ ...g, routerId: 'r1', smtpServer: { host: '127.0.0.1', port: srv.port } }, 'lb1', 'root')!;
    const logs: string[] = [];
    const n = new SmtpNotifier(settings, (l) => logs.push(l), { noEmailFaults: true });
    const t0 = performance.now();
    const first = n.instance('VI_1', true, 'MASTER');
    expect(performance.now() - t0).toBeLessThan(20);   // returns before the dialogue runs
    expect(n.instance('VI_1', true, 'MASTER')).toBeUndefined();
    expect(n.instance('VI_2', false, 'MASTER')).toBeUndefined();
    expect(n.instance('VI_1', true, 'FAULT')).toBeUndefined();
    const second = n.group('G1', true, 'BACKUP');
    expect((await first)!.sent).toBe(true);
    expect((await second)!.sent).toBe(true);
    await n.drain();
    const subjects = srv.sessions.map((x) => x.data.split('\n').find((l) => l.startsWith('Subject: ')));
    expect(subjects.sort()).toEqual(['Subject: [r1] VRRP Group G1 - Entering BACKUP state', 'Subject: [r1] VRRP Instance VI_1 - Entering MASTER state']);
  });
});
