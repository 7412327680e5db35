// DNS_CHECK query and reply header, as check_dns.c dns_make_query() / dns_recv_thread() build and judge them.
import type { DnsType } from './types.js';

export const DNS_TYPES: Record<DnsType, number> = { A: 1, NS: 2, CNAME: 5, SOA: 6, MX: 15, TXT: 16, AAAA: 28 };
const HEADER_LEN = 12;

/** Header with RD set, one question of class IN. A name of "." is the root (a single zero byte). */
export function encodeDnsQuery(id: number, name: string, type: DnsType): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(HEADER_LEN);
  header.writeUInt16BE(id & 0xffff, 0);
  header.writeUInt16BE(0x0100, 2); // RD
  header.writeUInt16BE(1, 4);
  parts.push(header);
  for (const label of name.split('.').filter((l) => l.length)) {
    const b = Buffer.from(label, 'latin1');
    if (b.length > 63) throw new RangeError(`DNS label too long in ${name}`);
    parts.push(Buffer.from([b.length]), b);
  }
  const tail = Buffer.alloc(5);
  tail.writeUInt16BE(DNS_TYPES[type], 1);
  tail.writeUInt16BE(1, 3); // IN
  parts.push(tail);
  return Buffer.concat(parts);
}

export type DnsVerdict =
  | { kind: 'ignore'; why: string }
  | { kind: 'error'; rcode: number }
  | { kind: 'ok' };

/** keepalived: short, other-id and non-response datagrams are ignored; RCODE ≠ 0 fails; else success. */
export function judgeDnsReply(queryId: number, reply: Buffer): DnsVerdict {
  if (reply.length < HEADER_LEN) return { kind: 'ignore', why: `too small message. (${reply.length} bytes)` };
  const id = reply.readUInt16BE(0);
  if (id !== (queryId & 0xffff)) return { kind: 'ignore', why: `ID does not match.` };
  const flags = reply.readUInt16BE(2);
  if (!(flags & 0x8000)) return { kind: 'ignore', why: 'receive query message?' };
  const rcode = flags & 0x000f;
  return rcode ? { kind: 'error', rcode } : { kind: 'ok' };
}
