// SMTP_CHECK (check_smtp.c smtp_engine_thread): banner 220, "HELO <helo_name>", 250, "QUIT", one more line.
// Reasons are keepalived's smtp_final() texts; the scheduler prefixes "SMTP_CHECK ".
import type net from 'node:net';
import { formatPair } from '../format.js';
import type { ProbeResult, SmtpCheckSpec } from '../types.js';
import { closeStream, connectStream, deadline, type Deadline } from './connect.js';

/** SMTP_BUFF_MAX: a line longer than this is an overflow. */
export const SMTP_BUFF_MAX = 512;

/** smtp_get_status(): three digits then end or a space; -1 otherwise. */
export function smtpStatus(line: string): number {
  const m = /^(\d{3})(?: |$)/.exec(line);
  return m ? Number(m[1]) : -1;
}

class LineReader {
  private buf = '';
  private waiters: Array<(l: string | Error) => void> = [];
  private failure: Error | null = null;
  constructor(sock: net.Socket, d: Deadline) {
    sock.on('data', (b: Buffer) => {
      d.touch();
      this.buf += b.toString('latin1');
      if (this.buf.length > SMTP_BUFF_MAX && !this.buf.includes('\n')) this.fail(new Error('overflow'));
      this.pump();
    });
    sock.on('error', (e) => this.fail(new Error(`Read failure (${e.message})`)));
    sock.on('end', () => this.fail(new Error('eof')));
    d.signal.addEventListener('abort', () => this.fail(new Error('timeout')), { once: true });
  }
  private fail(e: Error): void {
    if (!this.failure) this.failure = e;
    this.pump();
  }
  private pump(): void {
    while (this.waiters.length) {
      const nl = this.buf.indexOf('\n');
      if (nl >= 0) {
        const line = this.buf.slice(0, nl).replace(/\r$/, '');
        this.buf = this.buf.slice(nl + 1);
        this.waiters.shift()!(line);
      } else if (this.failure) this.waiters.shift()!(this.failure);
      else return;
    }
  }
  next(): Promise<string | Error> {
    return new Promise((r) => {
      this.waiters.push(r);
      this.pump();
    });
  }
}

export async function probeSmtp(spec: SmtpCheckSpec, signal?: AbortSignal): Promise<ProbeResult> {
  const server = formatPair(spec.conn.connectIp, spec.conn.connectPort);
  const d = deadline(spec.conn.connectTimeoutMs, signal);
  try {
    const sock = await connectStream(spec.conn, d);
    if ('kind' in sock) {
      if (sock.kind === 'timeout') return { ok: false, reason: `Connection timeout to server ${server}`, timedOut: true };
      return { ok: false, reason: `Error connecting to server ${server}` };
    }
    const lines = new LineReader(sock, d);
    const readLine = async (): Promise<string | ProbeResult> => {
      const l = await lines.next();
      if (!(l instanceof Error)) return l;
      if (l.message === 'timeout') return { ok: false, reason: `Read timeout from server ${server}`, timedOut: true };
      if (l.message === 'overflow') return { ok: false, reason: `Buffer overflow reading from server ${server}` };
      return { ok: false, reason: `Read failure from server ${server}` };
    };
    try {
      const banner = await readLine();
      if (typeof banner !== 'string') return banner;
      if (smtpStatus(banner) !== 220) return { ok: false, reason: `Bad greeting banner from server ${server}` };
      sock.write(`HELO ${spec.heloName}\r\n`);
      const helo = await readLine();
      if (typeof helo !== 'string') return helo;
      if (smtpStatus(helo) !== 250) return { ok: false, reason: `Bad HELO response from server ${server}` };
      sock.write('QUIT\r\n');
      const quit = await readLine();
      if (typeof quit !== 'string') return quit;
      return { ok: true };
    } finally {
      closeStream(sock);
    }
  } finally {
    d.dispose();
  }
}
