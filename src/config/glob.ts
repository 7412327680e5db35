// glob(3) as keepalived calls it: GLOB_BRACE | GLOB_MARK, with missing files and
// directories counted (its gl_lstat / gl_opendir hooks) to tell "missing" from "no match".
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface GlobResult {
  /** Matches in glob order; directories end with '/'. */
  matches: string[];
  /** A literal path or a directory to search did not exist. */
  missing: boolean;
  hadBrace: boolean;
}

const MAX_BRACE_ALTERNATIVES = 1024;

export function hasGlobMagic(p: string): boolean {
  return /[*?[]/.test(p);
}

/** csh-style brace expansion, `{a,b}` nested; a `\` escapes the next character. */
export function expandBraces(p: string): string[] {
  let depth = 0;
  let start = -1;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') { i++; continue; }
    if (c === '{') { if (depth++ === 0) start = i; }
    else if (c === '}' && depth > 0) {
      if (--depth === 0) {
        const inner = p.slice(start + 1, i);
        const parts: string[] = [];
        let d = 0, s = 0;
        for (let j = 0; j < inner.length; j++) {
          const ch = inner[j];
          if (ch === '\\') { j++; continue; }
          if (ch === '{') d++;
          else if (ch === '}') d--;
          else if (ch === ',' && d === 0) { parts.push(inner.slice(s, j)); s = j + 1; }
        }
        parts.push(inner.slice(s));
        if (parts.length === 1) return expandBraces(p.slice(0, start) + '\u0000' + inner + '\u0001' + p.slice(i + 1)).map((x) => x.replace('\u0000', '{').replace('\u0001', '}'));
        const out: string[] = [];
        for (const part of parts) {
          for (const e of expandBraces(p.slice(0, start) + part + p.slice(i + 1))) {
            out.push(e);
            if (out.length >= MAX_BRACE_ALTERNATIVES) return out;
          }
        }
        return out;
      }
    }
  }
  return [p];
}

function segmentRegex(seg: string): RegExp {
  let re = '^';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '\\' && i + 1 < seg.length) { re += seg[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'); }
    else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = seg.indexOf(']', i + 2);
      if (close < 0) re += '\\[';
      else {
        let cls = seg.slice(i + 1, close);
        if (cls.startsWith('!')) cls = '^' + cls.slice(1);
        re += '[' + cls.replace(/\\/g, '\\\\') + ']';
        i = close;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(re + '$');
}

function globOne(pattern: string, state: { missing: boolean }): string[] {
  const abs = path.resolve(pattern);
  const segs = abs.split('/').filter((s) => s.length);
  let current = ['/'];
  for (let si = 0; si < segs.length; si++) {
    const seg = segs[si]!;
    const next: string[] = [];
    for (const dir of current) {
      if (!hasGlobMagic(seg)) {
        const p = path.join(dir, seg.replace(/\\(.)/g, '$1'));
        try { fs.lstatSync(p); next.push(p); } catch { state.missing = true; }
        continue;
      }
      let entries: string[];
      try { entries = fs.readdirSync(dir); } catch { state.missing = true; continue; }
      const re = segmentRegex(seg);
      for (const e of entries.sort()) {
        if (e.startsWith('.') && !seg.startsWith('.')) continue;
        if (re.test(e)) next.push(path.join(dir, e));
      }
    }
    current = next;
    if (!current.length) break;
  }
  return current.map((p) => {
    try { return fs.statSync(p).isDirectory() ? p + '/' : p; } catch { return p; }
  });
}

export function expandGlob(pattern: string): GlobResult {
  const alts = expandBraces(pattern);
  const state = { missing: false };
  const matches: string[] = [];
  for (const a of alts) matches.push(...globOne(a, state));
  return { matches, missing: state.missing, hadBrace: alts.length > 1 };
}
