// track_file: an integer read from a file, re-read on inotify events for that name in its
// directory (the file may be created, replaced by rename, or deleted), as keepalived's
// trackers/track_file.c does. The value feeds effectivePriority() as a FileTrackerState.
import { closeSync, openSync, readSync, statSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

export type FileValue = { ok: true; value: number } | { ok: false; value: number };

/**
 * strtol(buf, NULL, 0) on the first 127 bytes: leading space, a sign, 0x hex / 0 octal /
 * decimal, stopping at the first other character; no digits = 0. A value outside int32
 * (keepalived allows INT32_MAX + 1) is invalid: keepalived logs it and keeps the old value.
 */
export function parseTrackFileValue(text: string): FileValue {
  const m = /^[\t\n\v\f\r ]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)?/.exec(text.slice(0, 127))!;
  const digits = m[2];
  if (!digits) return { ok: true, value: 0 };
  const mag = /^0[xX]/.test(digits) ? Number.parseInt(digits.slice(2), 16)
    : digits.length > 1 && digits[0] === '0' ? Number.parseInt(digits.slice(1), 8)
      : Number.parseInt(digits, 10);
  const value = m[1] === '-' ? -mag : mag;
  return value < INT32_MIN || value > INT32_MAX + 1 ? { ok: false, value } : { ok: true, value };
}

/** Reads the file as process_track_file() does: missing, unreadable or empty = 0. */
export function readTrackFile(path: string): FileValue {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return { ok: true, value: 0 };
  }
  try {
    const buf = Buffer.alloc(127);
    const n = readSync(fd, buf, 0, 127, null);
    return n > 0 ? parseTrackFileValue(buf.toString('latin1', 0, n)) : { ok: true, value: 0 };
  } catch {
    return { ok: true, value: 0 };
  } finally {
    closeSync(fd);
  }
}

/**
 * init_file [VALUE] [overwrite] (track_file_end_handler): write VALUE (default 0) when the
 * file does not exist, or always with `overwrite` — except on reload. Returns an error text
 * in keepalived's words, or undefined.
 */
export function initTrackFile(name: string, path: string, init: { value: number; overwrite: boolean }, reload = false): string | undefined {
  try {
    const st = statSync(path);
    if (!init.overwrite) return undefined;
    if (!st.isFile()) return `Cannot initialise track file ${name} - it is not a regular file`;
    if (reload) return undefined;
  } catch { /* absent: create it */ }
  try {
    writeFileSync(path, `${init.value}\n`);
    return undefined;
  } catch {
    return `Unable to initialise track file ${name}`;
  }
}

export interface FileTrackerOptions {
  /** The track_file block name. */
  name: string;
  path: string;
  onChange: (value: number, previous: number) => void;
  /** keepalived's messages (invalid number, watch failure). */
  log?: (line: string) => void;
}

export class FileTracker {
  private current = 0;
  private watcher: FSWatcher | undefined;

  constructor(private readonly o: FileTrackerOptions) {}

  get value(): number { return this.current; }

  /** Reads the initial value (no change event, like process_track_file(init=true)) and starts watching. */
  start(): void {
    this.read(true);
    const file = basename(this.o.path);
    try {
      this.watcher = watch(dirname(this.o.path), { persistent: false }, (_event, name) => {
        if (name === null || name === file) this.read(false);
      });
      this.watcher.on('error', (e) => this.o.log?.(`track_file ${this.o.name}: watch on ${dirname(this.o.path)} failed: ${e.message}`));
    } catch (e) {
      this.o.log?.(`Unable to monitor track file ${this.o.name} (${this.o.path}): ${(e as Error).message}`);
    }
  }

  /** Re-reads now (also what the watcher does); useful after a reload. */
  read(init = false): void {
    const r = readTrackFile(this.o.path);
    if (!r.ok) {
      this.o.log?.(`Invalid number ${r.value} read from ${this.o.path} - ignoring`);
      return;
    }
    const prev = this.current;
    this.current = r.value;
    if (!init && r.value !== prev) this.o.onChange(r.value, prev);
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }
}
