// SMTP alerts (smtp_alert) as keepalived's core/smtp.c sends them: the same subject and body
// texts (vrrp_notify.c vrrp_smtp_notifier), the same dialogue (HELO, MAIL FROM, one RCPT TO per
// notification_email, DATA, headers, QUIT) and log lines. The dialogue is a pure state machine
// (replies in, commands out); sendSmtpAlert() is the thin socket adapter, bounded by
// smtp_connect_timeout per step (keepalived's smtp_connection_to) and never throwing.
import { connect, type Socket } from 'node:net';
import { hostname, userInfo } from 'node:os';
import type { GlobalDefs } from '../../config/ast.js';

export type AlertState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP' | 'DELETED';

export interface SmtpAlert { subject: string; body: string }

/** vrrp_notify.c vrrp_smtp_notifier: subject suffix and body for an instance entering a state. */
const INSTANCE_TEXT: Record<AlertState, [string, string]> = {
  MASTER: ['Entering MASTER state', '=> VRRP Instance is now owning VRRP VIPs <='],
  BACKUP: ['Entering BACKUP state', '=> VRRP Instance is no longer owning VRRP VIPs <='],
  FAULT: ['Entering FAULT state', '=> VRRP Instance is no longer owning VRRP VIPs <='],
  STOP: ['Stopping', '=> VRRP Instance stopping <='],
  DELETED: ['Deleted', '=> VRRP Deleted at reload <='],
};

/** vrrp_notify.c vrrp_sync_smtp_notifier: a sync group (no DELETED alert for groups). */
const GROUP_TEXT: Record<Exclude<AlertState, 'DELETED'>, [string, string]> = {
  MASTER: ['Entering MASTER state', '=> All VRRP group instances are now in MASTER state <='],
  BACKUP: ['Entering BACKUP state', '=> All VRRP group instances are now in BACKUP state <='],
  FAULT: ['Entering FAULT state', '=> All VRRP group instances are now in FAULT state <='],
  STOP: ['Stopping', '=> All VRRP group instances are now stopping <='],
};

/** Subject `[router_id] VRRP Instance VI_1 - Entering MASTER state` (smtp.c smtp_alert). */
export function instanceAlert(routerId: string, iname: string, state: AlertState): SmtpAlert {
  const [what, body] = INSTANCE_TEXT[state];
  return { subject: `[${routerId}] VRRP Instance ${iname} - ${what}`, body };
}

export function groupAlert(routerId: string, gname: string, state: Exclude<AlertState, 'DELETED'>): SmtpAlert {
  const [what, body] = GROUP_TEXT[state];
  return { subject: `[${routerId}] VRRP Group ${gname} - ${what}`, body };
}

export interface SmtpSettings {
  /** smtp_server host (address) and port (default 25). */
  host: string;
  port: number;
  /** smtp_helo_name; keepalived says `localhost` when unset. */
  heloName?: string;
  /** notification_email_from. */
  from: string;
  /** notification_email, in configuration order. */
  to: readonly string[];
  /** smtp_connect_timeout, seconds (keepalived default 30). */
  connectTimeoutS: number;
}

/** keepalived's FMT_SMTP_HOST(): `[host]:port`. */
export const smtpHost = (s: Pick<SmtpSettings, 'host' | 'port'>) => `[${s.host}]:${s.port}`;

/** strftime "%a, %d %b %Y %H:%M:%S %z" in local time, as body_cmd() dates the mail. */
export function rfc822Date(d: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p2 = (n: number) => String(n).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const tz = `${off >= 0 ? '+' : '-'}${p2(Math.floor(Math.abs(off) / 60))}${p2(Math.abs(off) % 60)}`;
  return `${days[d.getDay()]}, ${p2(d.getDate())} ${months[d.getMonth()]} ${d.getFullYear()} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())} ${tz}`;
}

/** The DATA payload: SMTP_HEADERS_CMD SMTP_BODY_CMD SMTP_SEND_CMD of smtp.h. */
export function mailData(s: SmtpSettings, alert: SmtpAlert, now: Date): string {
  return `Date: ${rfc822Date(now)}\r\nFrom: ${s.from}\r\nSubject: ${alert.subject}\r\n`
    + `X-Mailer: Keepalived\r\nTo: ${s.to.join(', ')}\r\n\r\n${alert.body}\r\n\r\n.\r\n`;
}

type Stage = 'GREETING' | 'HELO' | 'MAIL' | 'RCPT' | 'DATA' | 'BODY' | 'QUIT' | 'END';

/** Expected reply code and keepalived's command name per stage (smtp.c SMTP_FSM). */
const EXPECT: Record<Exclude<Stage, 'END'>, [number, string]> = {
  GREETING: [220, '(E)SMTP'], HELO: [250, 'HELO'], MAIL: [250, 'MAIL'], RCPT: [250, 'RCPT'],
  DATA: [354, 'DATA'], BODY: [250, 'BODY'], QUIT: [221, 'QUIT'],
};

export interface DialogStep { send?: string; log?: string; done?: boolean; sent?: boolean }

/**
 * The client side of the dialogue. Feed it complete reply lines; multi-line replies
 * (`250-…`) are skipped until the last line, whose code decides. A wrong code logs
 * keepalived's message and goes to QUIT, like smtp_read_thread().
 */
export class SmtpDialog {
  private stage: Stage = 'GREETING';
  private rcpt = 0;
  private sent = false;

  constructor(private readonly s: SmtpSettings, private readonly alert: SmtpAlert, private readonly now: () => Date = () => new Date()) {}

  get finished(): boolean { return this.stage === 'END'; }
  get delivered(): boolean { return this.sent; }

  onLine(line: string): DialogStep {
    if (this.stage === 'END' || line.length < 3 || line[3] === '-') return {};
    const status = Number.parseInt(line.slice(0, 3), 10);
    const [want, name] = EXPECT[this.stage];
    if (status !== want) {
      this.stage = 'QUIT';
      return { log: `Error processing ${name} cmd on SMTP server ${smtpHost(this.s)}. SMTP status code = ${Number.isNaN(status) ? -1 : status}`, send: 'QUIT\r\n' };
    }
    switch (this.stage) {
      case 'GREETING': this.stage = 'HELO'; return { send: `HELO ${this.s.heloName ?? 'localhost'}\r\n` };
      case 'HELO': this.stage = 'MAIL'; return { send: `MAIL FROM:<${this.s.from}>\r\n` };
      case 'MAIL': this.stage = 'RCPT'; return { send: `RCPT TO:<${this.s.to[this.rcpt++]}>\r\n` };
      case 'RCPT':
        if (this.rcpt < this.s.to.length) return { send: `RCPT TO:<${this.s.to[this.rcpt++]}>\r\n` };
        this.stage = 'DATA'; return { send: 'DATA\r\n' };
      case 'DATA': this.stage = 'BODY'; return { send: mailData(this.s, this.alert, this.now()) };
      case 'BODY': this.stage = 'QUIT'; this.sent = true; return { send: 'QUIT\r\n', sent: true };
      case 'QUIT': this.stage = 'END'; return { done: true };
    }
  }
}

export interface SmtpResult { sent: boolean; logs: string[] }

/**
 * Sends one alert. Resolves (never rejects) once the dialogue ends or fails; every step
 * (connect, each reply) is bounded by connectTimeoutS. Log lines are keepalived's.
 */
export function sendSmtpAlert(s: SmtpSettings, alert: SmtpAlert, log: (line: string) => void = () => {}): Promise<SmtpResult> {
  const logs: string[] = [];
  const say = (l: string) => { logs.push(l); log(l); };
  return new Promise((resolve) => {
    if (s.to.length === 0) { resolve({ sent: false, logs }); return; }
    const dialog = new SmtpDialog(s, alert);
    const host = smtpHost(s);
    let connected = false;
    let settled = false;
    let buf = '';
    const sock: Socket = connect({ host: s.host, port: s.port });
    const finish = () => {
      if (settled) return;
      settled = true;
      sock.destroy();
      resolve({ sent: dialog.delivered, logs });
    };
    sock.setTimeout(s.connectTimeoutS * 1000, () => {
      say(connected ? `Timeout reading data to remote SMTP server ${host}.` : `Timeout connecting SMTP server ${host}.`);
      finish();
    });
    sock.on('connect', () => { connected = true; });
    sock.on('error', () => {
      if (!connected) say(`SMTP connection ERROR to ${host}.`);
      else if (!dialog.finished) say(`Error reading data from remote SMTP server ${host}.`);
      finish();
    });
    sock.on('end', () => {
      if (!dialog.finished) say(`Remote SMTP server ${host} has closed the connection.`);
      finish();
    });
    sock.on('data', (chunk) => {
      buf += chunk.toString('latin1');
      // keepalived's SMTP_BUFFER_MAX bound: a server that never ends a line cannot grow us.
      if (buf.length > 1024 && !buf.includes('\r\n')) {
        say(`Received buffer from remote SMTP server ${host} overflow our get read buffer length.`);
        finish();
        return;
      }
      for (let i = buf.indexOf('\r\n'); i >= 0 && !settled; i = buf.indexOf('\r\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const step = dialog.onLine(line);
        if (step.log) say(step.log);
        if (step.sent) say('SMTP alert successfully sent.');
        if (step.send) sock.write(step.send, 'latin1');
        if (step.done) finish();
      }
    });
  });
}

/**
 * SmtpSettings from global_defs with keepalived's defaults (global_data.c init_global_data):
 * router_id = hostname, notification_email_from = USER@hostname, smtp_helo_name = hostname.
 * Undefined when no mail can go out (no smtp_server or no notification_email), as smtp_alert().
 */
export function smtpSettingsFrom(g: GlobalDefs, host: string = hostname(), user: string = userInfo().username): (SmtpSettings & { routerId: string }) | undefined {
  if (!g.smtpServer || g.notificationEmail.length === 0) return undefined;
  return {
    host: g.smtpServer.host, port: g.smtpServer.port, heloName: g.smtpHeloName ?? host, from: g.notificationEmailFrom ?? `${user}@${host}`,
    to: g.notificationEmail, connectTimeoutS: g.smtpConnectTimeoutS, routerId: g.routerId ?? host,
  };
}

/**
 * Per-instance alerts as vrrp_smtp_notifier() sends them: only when smtp_alert is on, not for
 * FAULT under no_email_faults, and not twice for the same state (last_email_state). Sending
 * runs in the background; send() returns at once so VRRP timing never waits on mail.
 */
export class SmtpNotifier {
  private readonly last = new Map<string, AlertState>();
  private readonly inflight = new Set<Promise<SmtpResult>>();

  constructor(
    private readonly s: (SmtpSettings & { routerId: string }) | undefined,
    private readonly log: (line: string) => void,
    private readonly opts: { noEmailFaults?: boolean } = {},
  ) {}

  /** Returns the mail's promise when one was started (tests await it), else undefined. */
  instance(iname: string, smtpAlert: boolean, state: AlertState): Promise<SmtpResult> | undefined {
    return this.send(`i:${iname}`, smtpAlert, state, () => instanceAlert(this.s!.routerId, iname, state));
  }

  group(gname: string, smtpAlert: boolean, state: Exclude<AlertState, 'DELETED'>): Promise<SmtpResult> | undefined {
    return this.send(`g:${gname}`, smtpAlert, state, () => groupAlert(this.s!.routerId, gname, state));
  }

  private send(key: string, on: boolean, state: AlertState, alert: () => SmtpAlert): Promise<SmtpResult> | undefined {
    if (!this.s || !on || (this.opts.noEmailFaults && state === 'FAULT') || this.last.get(key) === state) return undefined;
    this.last.set(key, state);
    const p = sendSmtpAlert(this.s, alert(), this.log);
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
    return p;
  }

  /** Waits for mails still being sent (shutdown), bounded by their own timeouts. */
  async drain(): Promise<void> { await Promise.all([...this.inflight]); }
}
