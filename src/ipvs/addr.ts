// IP address text <-> bytes for the IPVS codec. Output matches glibc's
// inet_ntop (what ipvsadm and keepalived print), so listings diff cleanly.
import { isIPv4, isIPv6 } from 'node:net';

export type AddressFamily = 'inet' | 'inet6';

export function familyOf(address: string): AddressFamily {
  if (isIPv4(address)) return 'inet';
  if (isIPv6(address)) return 'inet6';
  throw new Error(`not an IP address: '${address}'`);
}

/**
 * Dotted-quad text as a 32-bit number (network order's value), or undefined when it is not one:
 * four decimal parts 0-255 without leading zeros, the addresses node's isIPv4 accepts. A loop over
 * the characters: no split, array or regex per address (11,000 per start at 1,000 x 10).
 */
export function ipv4ToNumber(s: string): number | undefined {
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || ++dots > 3) return undefined;
      n = n * 256 + part;
      part = 0;
      digits = 0;
      continue;
    }
    if (c < 48 || c > 57 || (digits > 0 && part === 0)) return undefined;
    part = part * 10 + (c - 48);
    if (part > 255) return undefined;
    digits++;
  }
  if (dots !== 3 || digits === 0) return undefined;
  return n * 256 + part;
}

function v4Bytes(text: string): Buffer {
  const out = Buffer.allocUnsafe(4);
  out.writeUInt32BE(ipv4ToNumber(text)!, 0);
  return out;
}

/** 4 bytes for IPv4, 16 for IPv6; throws on text that is not an address of `family`. */
export function addressToBytes(address: string, family: AddressFamily): Buffer {
  if (family === 'inet') {
    if (ipv4ToNumber(address) === undefined) throw new Error(`not an IPv4 address: '${address}'`);
    return v4Bytes(address);
  }
  if (!isIPv6(address)) throw new Error(`not an IPv6 address: '${address}'`);
  let text = address.split('%')[0]!;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    // Embedded IPv4 (::ffff:1.2.3.4) becomes its two 16-bit words.
    const b = v4Bytes(text.slice(lastColon + 1));
    text = `${text.slice(0, lastColon + 1)}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((h) => parseInt(h, 16)));
  const gap = text.indexOf('::');
  const headW = parse(gap === -1 ? text : text.slice(0, gap));
  const restW = gap === -1 ? [] : parse(text.slice(gap + 2));
  const words = gap === -1 ? headW : [...headW, ...new Array<number>(8 - headW.length - restW.length).fill(0), ...restW];
  const out = Buffer.alloc(16);
  words.slice(0, 8).forEach((w, i) => out.writeUInt16BE(w, i * 2));
  return out;
}

/** Formats 4 (IPv4) or at least 16 (IPv6) bytes like inet_ntop. */
export function bytesToAddress(bytes: Buffer, family: AddressFamily): string {
  if (family === 'inet') {
    if (bytes.length < 4) throw new Error(`IPv4 address needs 4 bytes, got ${bytes.length}`);
    return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  }
  if (bytes.length < 16) throw new Error(`IPv6 address needs 16 bytes, got ${bytes.length}`);
  const w = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2));
  // Longest run of zero words, at least 2 long, first one on a tie (glibc inet_ntop6).
  let best = { base: -1, len: 0 };
  let cur = { base: -1, len: 0 };
  for (let i = 0; i < 8; i++) {
    if (w[i] === 0) {
      cur = cur.base === -1 ? { base: i, len: 1 } : { base: cur.base, len: cur.len + 1 };
      if (cur.len > best.len) best = { ...cur };
    } else cur = { base: -1, len: 0 };
  }
  if (best.len < 2) best = { base: -1, len: 0 };
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (best.base !== -1 && i >= best.base && i < best.base + best.len) {
      if (i === best.base) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    // IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d) forms.
    if (i === 6 && best.base === 0 && (best.len === 6 || (best.len === 7 && w[7] !== 1) || (best.len === 5 && w[5] === 0xffff))) {
      out += `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
      break;
    }
    out += w[i]!.toString(16);
  }
  if (best.base !== -1 && best.base + best.len === 8) out += ':';
  return out;
}
