// Batch framing of netlink requests (src/ipvs/nlmsg.ts) on the host: N messages in one
// datagram, replies that mix ACKs, errors and data matched back to the request that caused
// them, and a truncated reply turned into an error. Headers are written by hand here, so the
// encoder is not checking itself.
import { describe, expect, it } from 'vitest';
import {
  decodeMessages, encodeMessages, NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR, RequestTracker,
} from '../../src/ipvs/nlmsg.js';
import { AttrDecodeError } from '../../src/ipvs/attrs.js';
import { outcomePayloads } from '../../src/ipvs/client.js';

/** struct nlmsghdr by hand (little-endian host). */
function hdr(len: number, type: number, flags: number, seq: number, pid: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32LE(len, 0); b.writeUInt16LE(type, 4); b.writeUInt16LE(flags, 6); b.writeUInt32LE(seq, 8); b.writeUInt32LE(pid, 12);
  return b;
}
/** NLMSG_ERROR for `seq`: -errno then the echoed request header. */
function errReply(seq: number, errno: number): Buffer {
  const body = Buffer.alloc(20);
  body.writeInt32LE(-errno, 0);
  hdr(16, 30, NLM_F_REQUEST, seq, 77).copy(body, 4);
  return Buffer.concat([hdr(36, NLMSG_ERROR, 0, seq, 0), body]);
}
function dataReply(type: number, seq: number, payload: number[], flags = 0): Buffer {
  const p = Buffer.from(payload);
  const pad = Buffer.alloc((4 - (p.length % 4)) % 4);
  return Buffer.concat([hdr(16 + p.length, type, flags, seq, 0), p, pad]);
}
const done = (seq: number) => Buffer.concat([hdr(20, NLMSG_DONE, 2, seq, 0), Buffer.alloc(4)]);

describe('netlink batch framing', () => {
  it('encodes N messages back to back, each padded to 4 bytes, with its own header', () => {
    const buf = encodeMessages([
      { type: 30, flags: NLM_F_REQUEST, seq: 1, pid: 9, parts: [Buffer.from([1, 2, 3, 4]), Buffer.from([5])] },
      { type: 30, flags: NLM_F_REQUEST | NLM_F_ACK, seq: 2, pid: 9, parts: [Buffer.from([6, 7, 8, 9])] },
    ]);
    expect(buf).toEqual(Buffer.concat([
      hdr(21, 30, NLM_F_REQUEST, 1, 9), Buffer.from([1, 2, 3, 4, 5, 0, 0, 0]),
      hdr(20, 30, NLM_F_REQUEST | NLM_F_ACK, 2, 9), Buffer.from([6, 7, 8, 9]),
    ]));
    const back = decodeMessages(buf);
    expect(back.map((m) => [m.type, m.flags, m.seq, m.pid, [...m.data]])).toEqual([
      [30, NLM_F_REQUEST, 1, 9, [1, 2, 3, 4, 5]], [30, NLM_F_REQUEST | NLM_F_ACK, 2, 9, [6, 7, 8, 9]],
    ]);
  });

  it('a truncated reply is an error naming the offset, not a crash', () => {
    const whole = Buffer.concat([errReply(1, 0), errReply(2, 22)]);
    expect(() => decodeMessages(whole.subarray(0, whole.length - 8))).toThrow(AttrDecodeError);
    expect(() => decodeMessages(whole.subarray(0, whole.length - 8))).toThrow(/offset 36 has length 36, 28 bytes left/);
    expect(() => decodeMessages(whole.subarray(0, 40))).toThrow(/4 bytes at offset 36, shorter than a message header/);
  });

  it('only the last message of a datagram asks for an ACK; mixed errors and the ACK settle every request', () => {
    const t = new RequestTracker<string>(77, 100, 1 << 16);
    for (const tag of ['svc', 'd1', 'd2', 'd3']) t.enqueue({ type: 30, parts: [Buffer.from([1, 0, 0, 0])], tag });
    const dgram = t.takeDatagram()!;
    const sent = decodeMessages(dgram);
    expect(sent.map((m) => [m.seq, m.flags])).toEqual([[1, 1], [2, 1], [3, 1], [4, 1 | NLM_F_ACK]]);
    expect(t.takeDatagram()).toBeUndefined();
    // The kernel answers d1's error, then the final ACK: svc and d2 succeeded.
    const first = t.receive(errReply(2, 22));
    expect(first).toEqual([{ tag: 'd1', outcome: { kind: 'errno', errno: 22 } }]);
    const rest = t.receive(errReply(4, 0));
    expect(rest.map((c) => [c.tag, c.outcome.kind])).toEqual([['svc', 'ok'], ['d2', 'ok'], ['d3', 'ok']]);
    expect(t.pending).toBe(0);
    // The error maps back to the request's servers, as errors.ts words it.
    expect(() => outcomePayloads(first[0]!.outcome, 'addDest', {
      service: { family: 'inet', protocol: 'tcp', address: '10.0.0.1', port: 80 }, dest: { family: 'inet', address: '10.0.0.2', port: 80 },
    })).toThrow('cannot add real server 10.0.0.2:80 to TCP 10.0.0.1:80: invalid argument (no route to the real server?)');
  });

  it('an error on the last message still settles the earlier ones as done', () => {
    const t = new RequestTracker<string>(1, 100, 1 << 16);
    for (const tag of ['a', 'b']) t.enqueue({ type: 30, parts: [Buffer.alloc(4)], tag });
    t.takeDatagram();
    expect(t.receive(errReply(2, 17)).map((c) => [c.tag, c.outcome])).toEqual([['a', { kind: 'ok', payloads: [] }], ['b', { kind: 'errno', errno: 17 }]]);
  });

  it('bounds messages in flight and bytes per datagram; the rest waits for replies', () => {
    const t = new RequestTracker<number>(1, 3, 64);
    for (let i = 0; i < 5; i++) t.enqueue({ type: 30, parts: [Buffer.alloc(20)], tag: i });
    const d1 = decodeMessages(t.takeDatagram()!); // 36 bytes each: 64 bytes hold one... and a second would exceed
    expect(d1).toHaveLength(1);
    expect(decodeMessages(t.takeDatagram()!)).toHaveLength(1);
    expect(decodeMessages(t.takeDatagram()!)).toHaveLength(1);
    expect(t.takeDatagram()).toBeUndefined(); // 3 in flight
    expect(t.receive(errReply(1, 0)).map((c) => c.tag)).toEqual([0]);
    expect(decodeMessages(t.takeDatagram()!).map((m) => m.seq)).toEqual([4]);
  });

  it('gets carry their data; a dump travels alone and ends at NLMSG_DONE; foreign types are malformed', () => {
    const t = new RequestTracker<string>(1, 100, 1 << 16);
    t.enqueue({ type: 30, parts: [Buffer.alloc(4)], tag: 'get', wantsData: true });
    t.enqueue({ type: 30, parts: [Buffer.alloc(4)], tag: 'add' });
    t.enqueue({ type: 30, parts: [Buffer.alloc(4)], tag: 'dump', dump: true });
    const d1 = decodeMessages(t.takeDatagram()!);
    expect(d1.map((m) => m.flags)).toEqual([NLM_F_REQUEST | NLM_F_ACK, NLM_F_REQUEST | NLM_F_ACK]);
    const got = t.receive(Buffer.concat([dataReply(30, 1, [1, 2, 3, 4, 5, 6, 7, 8]), errReply(1, 0), errReply(2, 0)]));
    expect(got.map((c) => [c.tag, c.outcome.kind === 'ok' ? c.outcome.payloads.map((p) => [...p]) : c.outcome])).toEqual([
      ['get', [[1, 2, 3, 4, 5, 6, 7, 8]]], ['add', []],
    ]);
    const d2 = decodeMessages(t.takeDatagram()!);
    expect(d2.map((m) => [m.seq, m.flags])).toEqual([[3, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP]]);
    t.enqueue({ type: 30, parts: [Buffer.alloc(4)], tag: 'after' });
    expect(t.takeDatagram()).toBeUndefined(); // nothing joins a running dump
    const parts = t.receive(Buffer.concat([dataReply(30, 3, [1, 0, 0, 0], 2), dataReply(30, 3, [2, 0, 0, 0], 2)]));
    expect(parts).toEqual([]);
    const end = t.receive(done(3));
    expect(end.map((c) => [c.tag, c.outcome.kind === 'ok' ? c.outcome.payloads.length : -1])).toEqual([['dump', 2]]);
    t.takeDatagram();
    expect(t.receive(dataReply(99, 4, [0, 0, 0, 0]))).toEqual([{ tag: 'after', outcome: { kind: 'malformed', reason: 'reply of netlink type 99, expected 30' } }]);
  });

  it('replies to unknown sequence numbers are ignored; a socket failure fails what is in flight', () => {
    const t = new RequestTracker<string>(1, 100, 1 << 16);
    t.enqueue({ type: 30, parts: [Buffer.alloc(4)], tag: 'x' });
    t.takeDatagram();
    t.enqueue({ type: 30, parts: [Buffer.alloc(4)], tag: 'queued' });
    expect(t.receive(errReply(999, 22))).toEqual([]);
    expect(t.failAll({ kind: 'io', reason: 'netlink socket: ENOBUFS' }, false)).toEqual([{ tag: 'x', outcome: { kind: 'io', reason: 'netlink socket: ENOBUFS' } }]);
    expect(t.pending).toBe(1);
    expect(() => outcomePayloads({ kind: 'io', reason: 'netlink socket: ENOBUFS' }, 'flush', {})).toThrow('cannot flush virtual servers: netlink socket: ENOBUFS');
  });
});
