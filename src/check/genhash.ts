// genhash: keepalived 2.2.7's digest tool (check/check_genhash.c), same options, output and exit codes.
// Prints the MD5 of the body of one GET (what an HTTP_GET/SSL_GET `digest` must equal); -v adds
// keepalived's hex dumps of the header, the body and the hash.
import { isIP } from 'node:net';
import { getoptLong, type LongOption } from '../core/getopt.js';
import { buildRequest, extractContentLength, HttpResponseReader, MAX_HEADER_BYTES } from './http-codec.js';
import { connectStream, deadline } from './probes/connect.js';
import { readAll } from './probes/http.js';
import type { ConnOpts, HttpProtocol } from './types.js';

export interface GenhashIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

const LONG: LongOption[] = [
  { name: 'help', hasArg: 'none', val: 'h' },
  { name: 'verbose', hasArg: 'none', val: 'v' },
  { name: 'use-ssl', hasArg: 'none', val: 'S' },
  { name: 'use-sni', hasArg: 'none', val: 'I' },
  { name: 'server', hasArg: 'required', val: 's' },
  { name: 'use-virtualhost', hasArg: 'required', val: 'V' },
  { name: 'port', hasArg: 'required', val: 'p' },
  { name: 'url', hasArg: 'required', val: 'u' },
  { name: 'fwmark', hasArg: 'required', val: 'm' },
  { name: 'protocol', hasArg: 'required', val: 'P' },
  { name: 'timeout', hasArg: 'required', val: 't' },
];

export function genhashUsage(prog: string, amGenhash: boolean): string {
  return `Usage: ${prog}${amGenhash ? '' : ' --genhash'} COMMAND [OPTIONS]\n`
    + 'Commands:\n'
    + '   -s server-address -p port -u url\n'
    + '   -S -s server-address -p port -u url\n'
    + '   -h\n\n'
    + 'Options:\n'
    + 'Either long or short options are allowed.\n'
    + '   --use-ssl         -S       Use SSL connection to remote server.\n'
    + '   --use-sni         -I       Use SNI during SSL handshake (uses virtualhost setting; see -V).\n'
    + '   --server          -s       Use the specified remote server address.\n'
    + '   --port            -p       Use the specified remote server port.\n'
    + '   --url             -u       Use the specified remote server url.\n'
    + '   --use-virtualhost -V       Use the specified virtualhost in GET query.\n'
    + '   --verbose         -v       Use verbose mode output.\n'
    + '   --help            -h       Display this short inlined help screen.\n'
    + '   --fwmark          -m       Use the specified FW mark.\n'
    + "   --protocol        -P       Use the specified HTTP protocol - '1.0', 1.0c', '1.1'.\n"
    + "                                1.0c means 1.0 with 'Connection: close'\n"
    + '   --timeout         -t       Timeout in seconds\n';
}

export interface GenhashArgs {
  server: string;
  port: number;
  url: string;
  ssl: boolean;
  sni: boolean;
  verbose: boolean;
  vhost?: string;
  protocol: HttpProtocol;
  fwmark?: number;
  /** Without -t keepalived keeps connection_to = UINT_MAX µs. */
  timeoutMs: number;
}

const UINT_MAX_US_AS_MS = Math.floor(4294967295 / 1000);

/** check_genhash_parse_cmdline(): args, or the error lines to print before the usage. */
export function parseGenhashArgs(argv: string[]): { args: GenhashArgs } | { errors: string[] } {
  const errors: string[] = [];
  if (argv.length <= 2) return { errors };
  const a: Partial<GenhashArgs> & { ssl: boolean; sni: boolean; verbose: boolean; protocol: HttpProtocol; timeoutMs: number } = {
    ssl: false, sni: false, verbose: false, protocol: '1.0', timeoutMs: UINT_MAX_US_AS_MS,
  };
  const res = getoptLong(argv, ':hvSs:V:p:u:m:P:t:I', LONG);
  let bad = false;
  for (const ev of res.events) {
    if (ev.kind === 'unknown') {
      errors.push(typeof ev.optopt === 'string' && ev.optopt && !ev.word.startsWith('--') ? `Unknown option -${ev.optopt}` : `Unknown option ${ev.word}`);
      bad = true;
      continue;
    }
    if (ev.kind === 'missing') {
      errors.push(ev.longIndex < 0 ? `Missing parameter for option -${String(ev.optopt)}` : `Missing parameter for option --${LONG[ev.longIndex]!.name}`);
      bad = true;
      continue;
    }
    const arg = ev.arg ?? '';
    switch (ev.val) {
      case 'h': bad = true; break;
      case 'v': a.verbose = true; break;
      case 'S': a.ssl = true; break;
      case 'I': a.sni = true; break;
      case 's':
        if (!isIP(arg)) return { errors: [...errors, `server should be an IP, not ${arg}`] };
        a.server = arg;
        break;
      case 'V': a.vhost = arg; break;
      case 'p': {
        const n = /^[+-]?\d+$/.test(arg.trimStart()) ? Number(arg) : NaN;
        if (!(n > 0 && n <= 65535)) return { errors: [...errors, `invalid port number '${arg}'`] };
        a.port = n;
        break;
      }
      case 'u': a.url = arg; break;
      case 'm': {
        const s = arg.replace(/^[ \t]+/, '');
        if (!/^\d+$/.test(s)) return { errors: [...errors, `invalid fwmark '${arg}'`] };
        a.fwmark = Number(s);
        break;
      }
      case 'P':
        if (arg === '1.0') a.protocol = '1.0';
        else if (arg === '1.0c' || arg === '1.0C') a.protocol = '1.0C';
        else if (arg === '1.1') a.protocol = '1.1';
        else return { errors: [...errors, `invalid HTTP protocol version '${arg}'`] };
        break;
      case 't': {
        const s = arg.replace(/^[ \t]+/, '');
        if (!/^\d+$/.test(s)) return { errors: [...errors, `invalid timeout '${arg}'`] };
        a.timeoutMs = Number(s) * 1000;
        break;
      }
    }
  }
  if (bad) return { errors };
  if (res.optind < res.argv.length) return { errors: [`Unexpected argument(s): ${res.argv.slice(res.optind).join(' ')}`] };
  if (a.server === undefined || a.port === undefined || a.url === undefined) return { errors };
  return { args: a as GenhashArgs };
}

/** lib/utils.c dump_buffer(): 16 bytes a line, "%.4zu " offset, " -" after 8, ASCII column. */
export function dumpBuffer(b: Buffer): string {
  let out = '';
  const padded = b.length % 16 ? b.length + 16 - (b.length % 16) : b.length;
  for (let i = 0; i < padded; i++) {
    if (i % 16 === 0) out += `${String(i & 0xffff).padStart(4, '0')} `;
    out += i < b.length ? ` ${b[i]!.toString(16).padStart(2, '0')}` : '   ';
    if ((i + 1) % 8 === 0) {
      if ((i + 1) % 16) out += ' -';
      else {
        out += '   ';
        for (let j = i - 15; j <= i; j++) out += j < b.length ? (b[j]! >= 0x20 && b[j]! <= 0x7e ? String.fromCharCode(b[j]!) : '.') : ' ';
        out += '\n';
      }
    }
  }
  return out;
}

const DELIM = (title: string) => `-----------------------[${title}]-----------------------\n`;

/** Runs one fetch, writes genhash's output, returns its exit status (always 0 once the options parsed). */
export async function runGenhash(a: GenhashArgs, io: GenhashIo): Promise<number> {
  const t0 = performance.now();
  const conn: ConnOpts = { connectIp: a.server, connectPort: a.port, connectTimeoutMs: a.timeoutMs };
  const d = deadline(a.timeoutMs);
  try {
    const sock = await connectStream(conn, d, a.ssl ? { servername: a.sni ? a.vhost : undefined } : undefined);
    if ('kind' in sock) {
      io.stdout(`${sock.kind === 'timeout' ? 'Timeout connecting' : sock.kind === 'fail' ? 'Connection failed' : 'SSL handshake/communication error'}\n`);
      return 0;
    }
    // Body is hashed without a bound, as genhash does; only the header is bounded.
    const reader = new HttpResponseReader(Number.MAX_SAFE_INTEGER);
    const dump = a.verbose ? new VerboseDump(io) : null;
    let gotAny = false;
    sock.write(buildRequest(a.url, a.protocol, a.server, a.port, a.vhost));
    const r = await readAll(sock, d, (chunk) => {
      gotAny = true;
      dump?.chunk(chunk);
      return reader.feed(chunk);
    });
    const sum = reader.finish();
    if (r.end === 'timeout') {
      io.stdout(`${gotAny ? 'Timeout HTTP read' : 'Timeout WEB read'}\n`);
      return 0;
    }
    if (r.end === 'error') {
      io.stdout('Read error with\n');
      return 0;
    }
    if (!sum.extracted) {
      io.stderr('no data received from remote webserver\n');
      return 0;
    }
    if (dump) io.stdout(`\n${DELIM('    HTML hash resulting    ')}${dumpBuffer(Buffer.from(sum.digest, 'hex'))}${DELIM(' HTML hash final resulting ')}`);
    io.stdout(`${sum.digest}\n`);
    if (dump) io.stdout(`\nGlobal response time for [${a.url}] = ${Math.round((performance.now() - t0) * 1000)} usecs\n`);
    return 0;
  } finally {
    d.dispose();
  }
}

/** http_process_response() with GENHASH_VERBOSE: dumps per received chunk, body clipped at Content-Length. */
class VerboseDump {
  private head: Buffer = Buffer.alloc(0);
  private extracted = false;
  private contentLength: number | null = null;
  private rx = 0;

  constructor(private readonly io: GenhashIo) {}

  chunk(chunk: Buffer): void {
    if (!this.extracted) {
      this.io.stdout(DELIM('    HTTP Header Buffer    '));
      const all = Buffer.concat([this.head, chunk]);
      const end = all.indexOf('\r\n\r\n');
      if (end < 0 || end + 4 > MAX_HEADER_BYTES) {
        this.head = all;
        return;
      }
      this.extracted = true;
      const head = all.subarray(0, end + 4);
      this.contentLength = extractContentLength(head);
      this.io.stdout(`${dumpBuffer(head)}${DELIM(' HTTP Header Ascii Buffer ')}${head.toString('latin1')}\n`);
      const body = all.subarray(end + 4);
      const part = this.clip(body);
      if (part.length) this.io.stdout(`${DELIM('        HTML Buffer        ')}${dumpBuffer(part)}`);
      this.rx = body.length;
      return;
    }
    const part = this.clip(chunk);
    if (part.length) this.io.stdout(dumpBuffer(part));
    this.rx += chunk.length;
  }

  private clip(b: Buffer): Buffer {
    if (this.contentLength === null) return b;
    if (this.contentLength <= this.rx) return b.subarray(0, 0);
    return b.subarray(0, Math.min(b.length, this.contentLength - this.rx));
  }
}

/** Entry point for bin/genhash-ts and `keepalived-ts -T`: argv[0] is the program name. */
export async function genhashMain(argv: string[], io: GenhashIo = {
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
}, amGenhash = true): Promise<number> {
  const parsed = parseGenhashArgs(argv);
  if ('errors' in parsed) {
    for (const e of parsed.errors) io.stderr(`${e}\n`);
    io.stderr(genhashUsage(argv[0] ?? 'genhash', amGenhash));
    return 1;
  }
  return runGenhash(parsed.args, io);
}

