// Test helpers: write frames to a pcap and dissect pcaps with tshark.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';

/** Classic pcap, LINKTYPE_ETHERNET (1), or LINKTYPE_RAW (101) for bare IP packets. */
export function writePcap(file: string, frames: Buffer[], linkType = 1): void {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(linkType, 20);
  const records = frames.map((f, i) => {
    const r = Buffer.alloc(16);
    r.writeUInt32LE(1_700_000_000 + i, 0);
    r.writeUInt32LE(f.length, 8);
    r.writeUInt32LE(f.length, 12);
    return Buffer.concat([r, f]);
  });
  writeFileSync(file, Buffer.concat([header, ...records]));
}

/** tshark -T fields: one row per matching packet, one column per field. */
export function tsharkFields(file: string, filter: string, fields: string[]): Promise<string[][]> {
  const args = ['-n', '-r', file, '-Y', filter, '-T', 'fields', '-E', 'separator=|', ...fields.flatMap((f) => ['-e', f])];
  return new Promise((resolve, reject) => {
    execFile('tshark', args, { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`tshark ${args.join(' ')} failed: ${stderr || err.message}`));
      else resolve(stdout.split('\n').filter(Boolean).map((l) => l.split('|')));
    });
  });
}
