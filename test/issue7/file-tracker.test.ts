// track_file with real files and real inotify events.
import { mkdtempSync, mkdirSync, renameSync, rmSync, unlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileTracker, initTrackFile, parseTrackFileValue, readTrackFile } from '../../src/vrrp/track/file-tracker.js';
import { effectivePriority } from '../../src/vrrp/track/priority.js';
import { waitFor } from '../lab/lab.js';

const dir = mkdtempSync(join(tmpdir(), 'i7-tf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('track_file value parsing (strtol base 0)', () => {
  it.each([
    ['10\n', 10], ['  -5', -5], ['+7x', 7], ['0x1f', 31], ['010', 8], ['0', 0], ['', 0], ['abc', 0], ['12abc', 12], ['09', 0],
  ])('%j → %d', (text, value) => {
    expect(parseTrackFileValue(text)).toEqual({ ok: true, value });
  });
  it('int32 overflow is invalid (keepalived ignores it); INT32_MAX+1 is accepted as keepalived does', () => {
    expect(parseTrackFileValue('99999999999')).toEqual({ ok: false, value: 99999999999 });
    expect(parseTrackFileValue('2147483648')).toEqual({ ok: true, value: 2147483648 });
  });
  it('a missing file reads as 0', () => {
    expect(readTrackFile(join(dir, 'nope'))).toEqual({ ok: true, value: 0 });
  });
});

describe('init_file', () => {
  it('creates the file with the value, keeps an existing one unless overwrite', () => {
    const f = join(dir, 'init');
    expect(initTrackFile('tf', f, { value: 3, overwrite: false })).toBeUndefined();
    expect(readFileSync(f, 'utf8')).toBe('3\n');
    expect(initTrackFile('tf', f, { value: 9, overwrite: false })).toBeUndefined();
    expect(readFileSync(f, 'utf8')).toBe('3\n');
    expect(initTrackFile('tf', f, { value: 9, overwrite: true })).toBeUndefined();
    expect(readFileSync(f, 'utf8')).toBe('9\n');
    expect(initTrackFile('tf', f, { value: 1, overwrite: true }, true)).toBeUndefined();
    expect(readFileSync(f, 'utf8')).toBe('9\n');
  });
  it('refuses to overwrite something that is not a regular file, in keepalived\'s words', () => {
    const d = join(dir, 'adir');
    mkdirSync(d);
    expect(initTrackFile('tf', d, { value: 1, overwrite: true })).toBe('Cannot initialise track file tf - it is not a regular file');
  });
});

describe('FileTracker with inotify', () => {
  it('reports writes, atomic replacement by rename, deletion (0) and ignores invalid numbers', async () => {
    const f = join(dir, 'prio');
    writeFileSync(f, '2\n');
    const changes: number[] = [];
    const logs: string[] = [];
    const t = new FileTracker({ name: 'tf', path: f, onChange: (v) => changes.push(v), log: (l) => logs.push(l) });
    t.start();
    try {
      expect(t.value).toBe(2);
      expect(changes).toEqual([]);
      const step = async (want: number, what: string) => waitFor(() => t.value === want && changes.at(-1) === want, { timeoutMs: 2000, intervalMs: 10, what });

      writeFileSync(f, '5\n');
      await step(5, 'value 5 after write');
      writeFileSync(join(dir, 'prio.tmp'), '-3\n');
      renameSync(join(dir, 'prio.tmp'), f);
      await step(-3, 'value -3 after rename over the file');
      unlinkSync(f);
      await step(0, 'value 0 after deletion');
      writeFileSync(f, '99999999999');
      await waitFor(() => logs.length > 0, { timeoutMs: 2000, intervalMs: 10, what: 'invalid number log' });
      expect(logs[0]).toBe(`Invalid number 99999999999 read from ${f} - ignoring`);
      expect(t.value).toBe(0);
      writeFileSync(join(dir, 'other'), '7');
      await new Promise((r) => setTimeout(r, 200));
      expect(changes).toEqual([5, -3, 0]);

      // weight 10: value 5 adds 50; effectivePriority is what the daemon recomputes on each change.
      writeFileSync(f, '5');
      await step(5, 'value 5 again');
      expect(effectivePriority(100, [], [{ name: 'tf', weight: 10, reverse: false, value: t.value }]).effective).toBe(150);
    } finally {
      t.stop();
    }
  });
});
