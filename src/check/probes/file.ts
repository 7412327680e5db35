// FILE_CHECK: read the tracked file's number (track_file.c: first integer in the file, missing/garbage = 0).
import { readFile } from 'node:fs/promises';
import type { FileCheckSpec, ProbeResult } from '../types.js';

/** Reads at most this much: a track file holds one number. */
const MAX_FILE_BYTES = 4096;

export function parseTrackFileValue(text: string): number {
  const m = /^\s*(-?\d+)/.exec(text);
  return m ? Number(m[1]) : 0;
}

export async function probeFile(spec: FileCheckSpec): Promise<ProbeResult> {
  try {
    const buf = await readFile(spec.filePath);
    return { ok: true, weight: parseTrackFileValue(buf.subarray(0, MAX_FILE_BYTES).toString('latin1')) };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    // track_file.c treats an unreadable file as status 0, but says why.
    return { ok: true, weight: 0, logs: [`Track file ${spec.trackFileName} (${spec.filePath}) cannot be read: ${e.code ?? e.message}`] };
  }
}
