// HTTP_GET/SSL_GET request bytes and response accounting, as keepalived check_http.c and lib/html.c do them.
// Pure: no sockets. The probe and genhash feed received chunks in.
import { createHash, type Hash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { HttpProtocol } from './types.js';

/** MAX_BUFFER_LENGTH - 1: headers beyond this without a blank line mean "no data" to keepalived. */
export const MAX_HEADER_BYTES = 4095;

/** request_template / request_template_ipv6 (check_http.c). */
export function buildRequest(path: string, protocol: HttpProtocol, ip: string, port: number, vhost?: string): string {
  const minor = protocol === '1.1' ? 1 : 0;
  const connClose = protocol === '1.0C' || protocol === '1.1' ? 'Connection: close\r\n' : '';
  const host = vhost ?? (isIPv6(ip) ? `[${ip}]:${port}` : `${ip}:${port}`);
  return `GET ${path} HTTP/1.${minor}\r\nUser-Agent: KeepAliveClient\r\n${connClose}Host: ${host}\r\n\r\n`;
}

/** extract_status_code(): the 3 digits between the first space and the next space; 0 if malformed. */
export function extractStatusCode(head: Buffer): number {
  let i = 0;
  while (i < head.length && head[i] !== 0x20 && head[i] !== 0x0d) i++;
  if (head[i] !== 0x20) return 0;
  i++;
  if (i + 3 >= head.length || head[i] === 0x20 || head[i + 3] !== 0x20) return 0;
  const digits = head.subarray(i, i + 3).toString('latin1');
  return /^\d{3}$/.test(digits) ? Number(digits) : 0;
}

/** extract_content_length(): case-sensitive "Content-Length:"; null when absent or malformed (SIZE_MAX). */
export function extractContentLength(head: Buffer): number | null {
  const at = head.indexOf('Content-Length:');
  if (at < 0) return null;
  const m = /^[ \t]*(\d+)(.?)/.exec(head.subarray(at + 15, at + 15 + 32).toString('latin1'));
  if (!m) return null;
  if (m[2] && m[2] !== '\r' && m[2] !== '\n') return null;
  return Number(m[1]);
}

export interface HttpResponseSummary {
  /** Header block complete (keepalived req->extracted). */
  extracted: boolean;
  statusCode: number;
  contentLength: number | null;
  /** Body bytes received (may exceed Content-Length; keepalived counts them all). */
  rxBytes: number;
  /** MD5 of the body, truncated at Content-Length as keepalived hashes it; hex. */
  digest: string;
  /** Body text kept for the regex (first `regexKeepBytes` bytes). */
  bodyText: string;
  /** Header bytes, for genhash -v. */
  head: Buffer;
  overflow: 'header' | 'body' | null;
}

/** Accumulates a response: header (bounded), then body bytes into MD5 up to Content-Length. */
export class HttpResponseReader {
  private head = Buffer.alloc(0);
  private extracted = false;
  private statusCode = 0;
  private contentLength: number | null = null;
  private rxBytes = 0;
  private hashed = 0;
  private readonly md5: Hash;
  private kept: Buffer[] = [];
  private keptBytes = 0;
  private overflow: 'header' | 'body' | null = null;

  constructor(private readonly maxBodyBytes: number, private readonly regexKeepBytes = 0, algo = 'md5') {
    this.md5 = createHash(algo);
  }

  /** Returns false once nothing more should be read (a bound was hit). */
  feed(chunk: Buffer): boolean {
    if (!this.extracted) {
      const all = Buffer.concat([this.head, chunk]);
      const end = all.indexOf('\r\n\r\n');
      // keepalived reads into a 4095-byte buffer: the blank line must end inside it.
      if (end < 0 || end + 4 > MAX_HEADER_BYTES) {
        if (end < 0 && all.length < MAX_HEADER_BYTES) {
          this.head = all;
          return true;
        }
        this.overflow = 'header';
        return false;
      }
      this.extracted = true;
      this.head = all.subarray(0, end + 4);
      this.statusCode = extractStatusCode(this.head);
      this.contentLength = extractContentLength(this.head);
      chunk = all.subarray(end + 4);
    }
    this.body(chunk);
    if (this.rxBytes > this.maxBodyBytes) {
      this.overflow = 'body';
      return false;
    }
    return true;
  }

  private body(chunk: Buffer): void {
    if (!chunk.length) return;
    const limit = this.contentLength ?? Infinity;
    const take = Math.max(0, Math.min(chunk.length, limit - this.hashed));
    if (take) {
      this.md5.update(chunk.subarray(0, take));
      this.hashed += take;
    }
    this.rxBytes += chunk.length;
    if (this.keptBytes < this.regexKeepBytes) {
      const part = chunk.subarray(0, this.regexKeepBytes - this.keptBytes);
      this.kept.push(part);
      this.keptBytes += part.length;
    }
  }

  finish(): HttpResponseSummary {
    return {
      extracted: this.extracted,
      statusCode: this.statusCode,
      contentLength: this.contentLength,
      rxBytes: this.rxBytes,
      digest: this.md5.digest('hex'),
      bodyText: Buffer.concat(this.kept).toString('latin1'),
      head: this.head,
      overflow: this.overflow,
    };
  }
}

/** status_code ranges test (url->status_code bit array, 100..599). */
export function statusAccepted(code: number, ranges: Array<[number, number]>): boolean {
  if (code < 100 || code > 599) return false;
  return ranges.some(([lo, hi]) => code >= lo && code <= hi);
}
