// Netlink attribute TLVs (struct nlattr: u16 len, u16 type, value, padded
// to 4 bytes), nested or flat, host byte order for integers as the kernel's
// nla_put_u32 etc. write them. Decoding never throws past its caller's
// catch: bad lengths raise AttrDecodeError naming where they were found.
import { endianness } from 'node:os';

const LE = endianness() === 'LE';
const NLA_HDRLEN = 4;
/** NLA_F_NESTED | NLA_F_NET_BYTEORDER: flags in the type field, not part of the number. */
const NLA_TYPE_MASK = 0x3fff;

export class AttrDecodeError extends Error {
  override name = 'AttrDecodeError';
}

/**
 * An integer attribute value, written straight into the message: no Buffer (a typed array, costly
 * to make) per attribute. Host order unless bigEndian, as nla_put_u32 / nla_put_be32.
 */
export class IntValue {
  constructor(readonly size: 1 | 2 | 4, readonly bigEndian: boolean, readonly n: number) {}
}

/** One attribute to encode: raw bytes, an integer, or nested attributes. */
export interface Attr {
  type: number;
  value: Buffer | IntValue | Attr[];
}

const align4 = (n: number) => (n + 3) & ~3;

export function encodeAttrs(attrs: Attr[]): Buffer {
  // One pooled buffer written in place: no header, padding or concat buffers per attribute.
  const out = Buffer.allocUnsafe(attrsSize(attrs));
  writeAttrs(out, 0, attrs);
  return out;
}

/** Bytes the attributes take on the wire, padding included. */
function attrsSize(attrs: Attr[]): number {
  let n = 0;
  for (const a of attrs) {
    const v = a.value;
    n += align4(NLA_HDRLEN + (v instanceof IntValue ? v.size : Array.isArray(v) ? attrsSize(v) : v.length));
  }
  return n;
}

function writeInt(out: Buffer, at: number, v: IntValue): void {
  if (v.size === 1) out.writeUInt8(v.n, at);
  else if (v.size === 2) { if (v.bigEndian || !LE) out.writeUInt16BE(v.n, at); else out.writeUInt16LE(v.n, at); }
  else if (v.bigEndian || !LE) out.writeUInt32BE(v.n, at);
  else out.writeUInt32LE(v.n, at);
}

function writeAttrs(out: Buffer, off: number, attrs: Attr[]): number {
  for (const a of attrs) {
    const v = a.value;
    const at = off + NLA_HDRLEN;
    let end: number;
    if (v instanceof IntValue) {
      writeInt(out, at, v);
      end = at + v.size;
    } else if (Array.isArray(v)) end = writeAttrs(out, at, v);
    else end = at + v.copy(out, at);
    const len = end - off;
    if (LE) { out.writeUInt16LE(len, off); out.writeUInt16LE(a.type, off + 2); } else { out.writeUInt16BE(len, off); out.writeUInt16BE(a.type, off + 2); }
    off += align4(len);
    out.fill(0, end, off);
  }
  return off;
}

/** Attributes by type; a repeated type keeps the last (as nla_parse does). */
export type AttrMap = Map<number, Buffer>;

export function decodeAttrs(buf: Buffer, where: string): AttrMap {
  const out: AttrMap = new Map();
  let off = 0;
  while (off + NLA_HDRLEN <= buf.length) {
    const len = LE ? buf.readUInt16LE(off) : buf.readUInt16BE(off);
    const type = (LE ? buf.readUInt16LE(off + 2) : buf.readUInt16BE(off + 2)) & NLA_TYPE_MASK;
    if (len < NLA_HDRLEN || off + len > buf.length) {
      throw new AttrDecodeError(`${where}: attribute ${type} at offset ${off} has length ${len}, ${buf.length - off} bytes left`);
    }
    out.set(type, buf.subarray(off + NLA_HDRLEN, off + len));
    off += align4(len);
  }
  if (off < buf.length) {
    throw new AttrDecodeError(`${where}: ${buf.length - off} trailing bytes after the last attribute`);
  }
  return out;
}

// --- value encoders (host order unless named be); range errors surface when the message is encoded ---
export const u8 = (v: number) => new IntValue(1, false, v);
export const u16 = (v: number) => new IntValue(2, false, v);
export const u32 = (v: number) => new IntValue(4, false, v >>> 0);
export const be16 = (v: number) => new IntValue(2, true, v);
export const be32 = (v: number) => new IntValue(4, true, v >>> 0);
/** Two host-order u32 in one value (struct ip_vs_flags {flags, mask}). */
export function u32Pair(a: number, b: number): Buffer {
  const out = Buffer.allocUnsafe(8);
  if (LE) { out.writeUInt32LE(a >>> 0, 0); out.writeUInt32LE(b >>> 0, 4); } else { out.writeUInt32BE(a >>> 0, 0); out.writeUInt32BE(b >>> 0, 4); }
  return out;
}
/** NUL-terminated, as NLA_STRING with nla_put_string. */
export const str = (v: string) => Buffer.from(`${v}\0`, 'utf8');

// --- value decoders: exact size checks, error names the attribute ---
function need(b: Buffer, n: number, what: string): void {
  if (b.length < n) throw new AttrDecodeError(`${what}: expected ${n} bytes, got ${b.length}`);
}
export function getU8(b: Buffer, what: string): number { need(b, 1, what); return b[0]!; }
export function getU16(b: Buffer, what: string): number { need(b, 2, what); return LE ? b.readUInt16LE(0) : b.readUInt16BE(0); }
export function getU32(b: Buffer, what: string): number { need(b, 4, what); return LE ? b.readUInt32LE(0) : b.readUInt32BE(0); }
export function getS32(b: Buffer, what: string): number { need(b, 4, what); return LE ? b.readInt32LE(0) : b.readInt32BE(0); }
export function getU64(b: Buffer, what: string): number {
  need(b, 8, what);
  return Number(LE ? b.readBigUInt64LE(0) : b.readBigUInt64BE(0));
}
export function getBe16(b: Buffer, what: string): number { need(b, 2, what); return b.readUInt16BE(0); }
export function getBe32(b: Buffer, what: string): number { need(b, 4, what); return b.readUInt32BE(0); }
export function getStr(b: Buffer): string {
  const nul = b.indexOf(0);
  return b.subarray(0, nul === -1 ? b.length : nul).toString('utf8');
}
