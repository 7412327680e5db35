// Minimal classic-pcap (LINKTYPE_ETHERNET) reader/writer and Ethernet/IPv6 framing for codec tests.
import { ipv6ToBytes } from '../../src/vrrp/addr.js';

export function readPcap(buf: Buffer): Buffer[] {
  return readPcapRecords(buf).map((r) => r.frame);
}

/** Frames with their capture time in ms. */
export function readPcapRecords(buf: Buffer): { tsMs: number; frame: Buffer }[] {
  const magic = buf.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!le && buf.readUInt32BE(0) !== 0xa1b2c3d4 && buf.readUInt32BE(0) !== 0xa1b23c4d) throw new Error('not a pcap file');
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  if (u32(20) !== 1) throw new Error(`linktype ${u32(20)} is not Ethernet`);
  const frames: { tsMs: number; frame: Buffer }[] = [];
  for (let off = 24; off + 16 <= buf.length && frames.length < 10_000;) {
    const caplen = u32(off + 8);
    frames.push({ tsMs: u32(off) * 1000 + u32(off + 4) / 1000, frame: buf.subarray(off + 16, off + 16 + caplen) });
    off += 16 + caplen;
  }
  return frames;
}

export function writePcap(frames: Buffer[]): Buffer {
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0);
  head.writeUInt16LE(2, 4);
  head.writeUInt16LE(4, 6);
  head.writeUInt32LE(65535, 16);
  head.writeUInt32LE(1, 20);
  const parts: Buffer[] = [head];
  frames.forEach((f, i) => {
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(1_700_000_000 + i, 0);
    rec.writeUInt32LE(f.length, 8);
    rec.writeUInt32LE(f.length, 12);
    parts.push(rec, f);
  });
  return Buffer.concat(parts);
}

/** Ethernet II frame from the VRRP virtual MAC to the group's multicast MAC. */
export function ethernet(ipPacket: Buffer, family: 4 | 6): Buffer {
  const h = Buffer.alloc(14);
  Buffer.from(family === 4 ? '01005e000012' : '333300000012', 'hex').copy(h, 0);
  Buffer.from('00005e000133', 'hex').copy(h, 6);
  h.writeUInt16BE(family === 4 ? 0x0800 : 0x86dd, 12);
  return Buffer.concat([h, ipPacket]);
}

export function ipv6Packet(payload: Buffer, src: string, dst: string, hopLimit = 255): Buffer {
  const h = Buffer.alloc(40);
  h.writeUInt32BE(0x6000_0000, 0);
  h.writeUInt16BE(payload.length, 4);
  h[6] = 112;
  h[7] = hopLimit;
  ipv6ToBytes(src).copy(h, 8);
  ipv6ToBytes(dst).copy(h, 24);
  return Buffer.concat([h, payload]);
}
