// RFC 1071 Internet checksum: ones' complement sum of 16-bit words.

/** Ones' complement sum (not folded, not inverted) of buf[start, end), added to `acc`. */
export function onesSum(buf: Uint8Array, start = 0, end = buf.length, acc = 0): number {
  let sum = acc;
  let i = start;
  for (; i + 1 < end; i += 2) sum += (buf[i]! << 8) | buf[i + 1]!;
  if (i < end) sum += buf[i]! << 8; // odd length: pad with a zero byte
  return sum;
}

/** Fold a running sum into the final 16-bit checksum value (inverted). */
export function foldChecksum(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
}

export function internetChecksum(buf: Uint8Array, start = 0, end = buf.length, acc = 0): number {
  return foldChecksum(onesSum(buf, start, end, acc));
}
