// Netlink message framing and request tracking, sans I/O. Many requests go out in one datagram:
// the kernel's netlink_rcv_skb() runs every nlmsghdr of a datagram in order and answers an
// error (NLMSG_ERROR with the request's seq) whether or not NLM_F_ACK was asked, so only the
// last message of a datagram asks for an ACK; when it (or any later final reply) arrives, every
// earlier request that got no error has succeeded. 11,000 IPVS commands become ~30 sendmsg().
import { AttrDecodeError } from './attrs.js';
import { endianness } from 'node:os';

const LE = endianness() === 'LE';
export const NLMSG_HDRLEN = 16;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const NLM_F_REQUEST = 0x1;
export const NLM_F_MULTI = 0x2;
export const NLM_F_ACK = 0x4;
export const NLM_F_DUMP = 0x300;

const align4 = (n: number) => (n + 3) & ~3;

/** struct nlmsghdr plus its payload. */
export interface NlMessage {
  type: number;
  flags: number;
  seq: number;
  pid: number;
  data: Buffer;
}

/** Writes one message (header + payload parts, padded to 4) into `out` at `off`; returns the next offset. */
function writeMessage(out: Buffer, off: number, m: { type: number; flags: number; seq: number; pid: number }, parts: Buffer[]): number {
  let len = NLMSG_HDRLEN;
  for (const p of parts) len += p.length;
  if (LE) {
    out.writeUInt32LE(len, off); out.writeUInt16LE(m.type, off + 4); out.writeUInt16LE(m.flags, off + 6);
    out.writeUInt32LE(m.seq >>> 0, off + 8); out.writeUInt32LE(m.pid >>> 0, off + 12);
  } else {
    out.writeUInt32BE(len, off); out.writeUInt16BE(m.type, off + 4); out.writeUInt16BE(m.flags, off + 6);
    out.writeUInt32BE(m.seq >>> 0, off + 8); out.writeUInt32BE(m.pid >>> 0, off + 12);
  }
  let p = off + NLMSG_HDRLEN;
  for (const part of parts) p += part.copy(out, p);
  return off + align4(len);
}

export interface OutMessage {
  type: number;
  flags: number;
  seq: number;
  pid: number;
  /** Payload pieces (genl header, attributes), concatenated on the wire. */
  parts: Buffer[];
}

/** Size of one message on the wire, padding included. */
export function messageSize(parts: Buffer[]): number {
  let len = NLMSG_HDRLEN;
  for (const p of parts) len += p.length;
  return align4(len);
}

/** Several messages in one datagram, in order. */
export function encodeMessages(msgs: OutMessage[]): Buffer {
  let total = 0;
  for (const m of msgs) total += messageSize(m.parts);
  const out = Buffer.alloc(total);
  let off = 0;
  for (const m of msgs) off = writeMessage(out, off, m, m.parts);
  return out;
}

/** Every nlmsghdr in a received datagram; a header or length running past the end is an AttrDecodeError. */
export function decodeMessages(buf: Buffer): NlMessage[] {
  const out: NlMessage[] = [];
  let off = 0;
  while (off < buf.length) {
    if (buf.length - off < NLMSG_HDRLEN) throw new AttrDecodeError(`netlink reply: ${buf.length - off} bytes at offset ${off}, shorter than a message header`);
    const len = LE ? buf.readUInt32LE(off) : buf.readUInt32BE(off);
    if (len < NLMSG_HDRLEN || off + len > buf.length) {
      throw new AttrDecodeError(`netlink reply: message at offset ${off} has length ${len}, ${buf.length - off} bytes left (truncated?)`);
    }
    const rd16 = (o: number) => (LE ? buf.readUInt16LE(off + o) : buf.readUInt16BE(off + o));
    const rd32 = (o: number) => (LE ? buf.readUInt32LE(off + o) : buf.readUInt32BE(off + o));
    out.push({ type: rd16(4), flags: rd16(6), seq: rd32(8), pid: rd32(12), data: buf.subarray(off + NLMSG_HDRLEN, off + len) });
    off += align4(len);
  }
  return out;
}

/** How a request ended: its data messages, the kernel's errno, or a reply that made no sense. */
export type Outcome =
  | { kind: 'ok'; payloads: Buffer[] }
  | { kind: 'errno'; errno: number }
  | { kind: 'malformed'; reason: string }
  /** The socket failed or stalled: the request's fate is unknown. */
  | { kind: 'io'; reason: string };

export interface TrackedRequest<T> {
  /** Netlink message type: the genl family id (replies carry the same). */
  type: number;
  /** genl header + attributes. */
  parts: Buffer[];
  /** A dump (NLM_F_DUMP): data until NLMSG_DONE. Always sent as a datagram of its own. */
  dump?: boolean;
  /** Expects a data reply (a get): sent with NLM_F_ACK wherever it sits. */
  wantsData?: boolean;
  tag: T;
}

interface InFlight<T> {
  req: TrackedRequest<T>;
  seq: number;
  acked: boolean;
  payloads: Buffer[];
  done: boolean;
}

export interface Completion<T> {
  tag: T;
  outcome: Outcome;
}

/**
 * Requests queued, framed into datagrams and matched with the kernel's replies. Bounded in
 * flight: `maxInFlight` messages (each may come back as an error of up to ~1 KB of receive
 * buffer, so the caller derives it from SO_RCVBUF) and `maxBytes` per datagram (SO_SNDBUF).
 */
export class RequestTracker<T> {
  private queue: TrackedRequest<T>[] = [];
  private inFlight: InFlight<T>[] = [];
  private bySeq = new Map<number, InFlight<T>>();
  private seq: number;

  constructor(private readonly pid: number, private readonly maxInFlight: number, private readonly maxBytes: number, firstSeq = 1) {
    this.seq = firstSeq;
  }

  enqueue(req: TrackedRequest<T>): void {
    this.queue.push(req);
  }

  get pending(): number {
    return this.queue.length + this.inFlight.length;
  }

  get inFlightCount(): number {
    return this.inFlight.length;
  }

  private nextSeq(): number {
    const s = this.seq;
    this.seq = (this.seq % 0xffffffff) + 1;
    return s;
  }

  /**
   * The next datagram to send, or undefined when nothing is queued or the in-flight bound is
   * reached. A dump travels alone and nothing is sent while one is running (the kernel runs one
   * dump per socket); the last message always asks for an ACK.
   */
  takeDatagram(): Buffer | undefined {
    if (!this.queue.length || this.inFlight.some((f) => f.req.dump)) return undefined;
    const room = this.maxInFlight - this.inFlight.length;
    if (room <= 0) return undefined;
    if (this.queue[0]!.dump) {
      if (this.inFlight.length) return undefined;
      return this.frame([this.queue.shift()!]);
    }
    const take: TrackedRequest<T>[] = [];
    let bytes = 0;
    while (this.queue.length && take.length < room && !this.queue[0]!.dump) {
      const size = messageSize(this.queue[0]!.parts);
      if (take.length && bytes + size > this.maxBytes) break;
      bytes += size;
      take.push(this.queue.shift()!);
    }
    return this.frame(take);
  }

  private frame(reqs: TrackedRequest<T>[]): Buffer {
    const out: OutMessage[] = reqs.map((req, i) => {
      const acked = i === reqs.length - 1 || !!req.wantsData || !!req.dump;
      const f: InFlight<T> = { req, seq: this.nextSeq(), acked, payloads: [], done: false };
      this.inFlight.push(f);
      this.bySeq.set(f.seq, f);
      const flags = NLM_F_REQUEST | (acked ? NLM_F_ACK : 0) | (req.dump ? NLM_F_DUMP : 0);
      return { type: req.type, flags, seq: f.seq, pid: this.pid, parts: req.parts };
    });
    return encodeMessages(out);
  }

  private finish(f: InFlight<T>, outcome: Outcome, out: Completion<T>[]): void {
    if (f.done) return;
    f.done = true;
    this.bySeq.delete(f.seq);
    out.push({ tag: f.req.tag, outcome });
  }

  /** A request ended: it and every earlier unacked request without an error are complete. */
  private settle(f: InFlight<T>, outcome: Outcome, out: Completion<T>[]): void {
    const idx = this.inFlight.indexOf(f);
    for (let i = 0; i < idx; i++) {
      const e = this.inFlight[i]!;
      if (!e.acked) this.finish(e, { kind: 'ok', payloads: e.payloads }, out);
    }
    this.finish(f, outcome, out);
    this.inFlight = this.inFlight.filter((e) => !e.done);
  }

  /**
   * One received datagram: the requests it completes, in the order they were sent. Messages
   * for unknown sequence numbers (a late reply to a request that timed out) are ignored; a
   * datagram that does not decode throws AttrDecodeError (the caller fails what is in flight).
   */
  receive(buf: Buffer): Completion<T>[] {
    const out: Completion<T>[] = [];
    for (const m of decodeMessages(buf)) {
      const f = this.bySeq.get(m.seq);
      if (!f) continue;
      if (m.type === NLMSG_ERROR) {
        if (m.data.length < 4) {
          this.settle(f, { kind: 'malformed', reason: `netlink error message of ${m.data.length} bytes` }, out);
          continue;
        }
        const errno = -(LE ? m.data.readInt32LE(0) : m.data.readInt32BE(0));
        if (errno !== 0) {
          // An unacked request's error says nothing about the ones before it: only it completes.
          if (f.acked) this.settle(f, { kind: 'errno', errno }, out);
          else {
            this.finish(f, { kind: 'errno', errno }, out);
            this.inFlight = this.inFlight.filter((e) => !e.done);
          }
        } else this.settle(f, { kind: 'ok', payloads: f.payloads }, out);
        continue;
      }
      if (m.type === NLMSG_DONE) {
        this.settle(f, { kind: 'ok', payloads: f.payloads }, out);
        continue;
      }
      if (m.type !== f.req.type) {
        this.settle(f, { kind: 'malformed', reason: `reply of netlink type ${m.type}, expected ${f.req.type}` }, out);
        continue;
      }
      f.payloads.push(m.data);
      // A get's single data reply is followed by its ACK; a dump's parts by NLMSG_DONE.
    }
    return out;
  }

  /**
   * The socket failed, stalled or sent garbage: every request in flight (and, with `queued`,
   * every queued one) completes with this outcome.
   */
  failAll(outcome: Extract<Outcome, { kind: 'io' | 'malformed' }>, queued: boolean): Completion<T>[] {
    const out: Completion<T>[] = [];
    for (const f of this.inFlight) this.finish(f, outcome, out);
    this.inFlight = [];
    if (queued) {
      for (const req of this.queue) out.push({ tag: req.tag, outcome });
      this.queue = [];
    }
    return out;
  }
}
