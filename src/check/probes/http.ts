// HTTP_GET / SSL_GET: one url per run (the scheduler walks the urls as keepalived's url_it does).
// Hand-written request over net/tls so the bytes are exactly keepalived's; connect_timeout bounds each
// step (connect, each read) as in keepalived, the whole probe is bounded by HARD_BOUND_STEPS × that, and the
// body by maxBodyBytes. Failure reasons are keepalived's timeout_epilog texts.
// `regex` is a JS RegExp standing in for PCRE2, matched once against the first REGEX_KEEP_BYTES of the body.
import type net from 'node:net';
import { buildRequest, HttpResponseReader, type HttpResponseSummary, statusAccepted } from '../http-codec.js';
import type { ConnOpts, HttpGetSpec, HttpProtocol, HttpUrlSpec, ProbeResult, TlsClientOpts } from '../types.js';
import { closeStream, connectStream, deadline, type Deadline } from './connect.js';

export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
export const REGEX_KEEP_BYTES = 1024 * 1024;

export type ReadEnd = 'eof' | 'timeout' | 'error' | 'bounded';

/** Reads until EOF, the deadline, an error, or `onData` returning false. */
export function readAll(sock: net.Socket, d: Deadline, onData: (b: Buffer) => boolean): Promise<{ end: ReadEnd; error?: string }> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (end: ReadEnd, error?: string) => {
      if (done) return;
      done = true;
      d.signal.removeEventListener('abort', onAbort);
      closeStream(sock);
      resolve(error ? { end, error } : { end });
    };
    const onAbort = () => finish('timeout');
    d.signal.addEventListener('abort', onAbort, { once: true });
    if (d.signal.aborted) onAbort();
    sock.on('data', (b: Buffer) => {
      d.touch();
      if (!done && !onData(b)) finish('bounded');
    });
    sock.once('end', () => finish('eof'));
    sock.once('close', () => finish('eof'));
    sock.once('error', (e: NodeJS.ErrnoException) => finish('error', e.code ?? e.message));
  });
}

export interface HttpFetch {
  conn: ConnOpts;
  ssl: boolean;
  path: string;
  protocol: HttpProtocol;
  vhost?: string;
  sni: boolean;
  tls?: TlsClientOpts;
  maxBodyBytes: number;
  regexKeepBytes: number;
}

export type FetchOutcome =
  | { stage: 'connect'; reason: string; timedOut: boolean }
  | { stage: 'read'; end: ReadEnd; error?: string; summary: HttpResponseSummary };

/** Connect, send the GET, read the response into a summary. Shared with genhash. */
export async function httpFetch(f: HttpFetch, signal?: AbortSignal): Promise<FetchOutcome> {
  const d = deadline(f.conn.connectTimeoutMs, signal);
  try {
    const sock = await connectStream(f.conn, d, f.ssl ? { servername: f.sni ? f.vhost : undefined, opts: f.tls } : undefined);
    if ('kind' in sock) {
      const reason = sock.kind === 'timeout' ? 'Timeout connecting' : sock.kind === 'fail' ? 'Connection failed' : 'SSL handshake/communication error';
      return { stage: 'connect', reason, timedOut: sock.kind === 'timeout' };
    }
    const reader = new HttpResponseReader(f.maxBodyBytes, f.regexKeepBytes);
    sock.write(buildRequest(f.path, f.protocol, f.conn.connectIp, f.conn.connectPort, f.vhost));
    const r = await readAll(sock, d, (b) => reader.feed(b));
    return { stage: 'read', end: r.end, ...(r.error ? { error: r.error } : {}), summary: reader.finish() };
  } finally {
    d.dispose();
  }
}

export async function probeHttp(spec: HttpGetSpec, urlIndex = 0, signal?: AbortSignal): Promise<ProbeResult> {
  const url = spec.urls[urlIndex];
  if (!url) return noUrl(urlIndex);
  const out = await httpFetch({
    conn: spec.conn, ssl: spec.type === 'SSL_GET', path: url.path, protocol: spec.httpProtocol,
    vhost: url.virtualhost ?? spec.virtualhost, sni: spec.enableSni, tls: spec.tls,
    maxBodyBytes: spec.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, regexKeepBytes: url.regex ? REGEX_KEEP_BYTES : 0,
  }, signal);
  return httpVerdict(spec, url, out);
}

export const noUrl = (urlIndex: number): ProbeResult => ({ ok: false, reason: `No url ${urlIndex} configured for` });

/** The request bytes of a url of an HTTP_GET / SSL_GET (keepalived's request_template). */
export function urlRequest(spec: HttpGetSpec, url: HttpUrlSpec): string {
  return buildRequest(url.path, spec.httpProtocol, spec.conn.connectIp, spec.conn.connectPort, url.virtualhost ?? spec.virtualhost);
}

/** What an exchange means for the checker: http_handle_response() and timeout_epilog()'s texts. */
export function httpVerdict(spec: HttpGetSpec, url: HttpUrlSpec, out: FetchOutcome): ProbeResult {
  if (out.stage === 'connect') return { ok: false, reason: out.reason, timedOut: out.timedOut };
  const s = out.summary;
  if (s.overflow === 'body') return { ok: false, reason: `Read, body over ${spec.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES} bytes from` };
  const ssl = spec.type === 'SSL_GET';
  if (out.end === 'timeout') return { ok: false, reason: ssl ? 'Timeout SSL read' : s.extracted || s.head.length ? 'Timeout HTTP read' : 'Timeout WEB read', timedOut: true };
  if (out.end === 'error') return { ok: false, reason: ssl ? 'SSL read error from' : 'Read error with' };
  if (!s.extracted) return { ok: false, reason: 'Read, no data received from' };
  if (!statusAccepted(s.statusCode, url.statusCodes)) return { ok: false, reason: 'HTTP status code error to' };
  const mismatch = s.contentLength !== null && s.contentLength !== s.rxBytes ? { lengthMismatch: { contentLength: s.contentLength, rxBytes: s.rxBytes } } : {};
  let detail = 'HTTP status code';
  if (url.digest) {
    if (url.digest.toLowerCase() !== s.digest) return { ok: false, reason: 'MD5 digest error to', ...mismatch };
    detail = 'MD5 digest';
  }
  if (url.regex) {
    let matched: boolean;
    try {
      matched = new RegExp(url.regex).test(s.bodyText);
    } catch (err) {
      return { ok: false, reason: 'Regex match failed', logs: [`Invalid regex: '${url.regex}': ${(err as Error).message}`] };
    }
    if (matched === Boolean(url.regexNoMatch)) return { ok: false, reason: 'Regex match failed', ...mismatch };
    detail = 'Regex match';
  }
  return { ok: true, detail, ...mismatch };
}
