// The hand-written scanner (grammar/tokenizer.ts) against Chevrotain's lexer built from the same
// token definitions (grammar/tokens.ts): same token types, images and offsets, on every logical line
// of the fixtures and on random lines; and the parser's fast path against its recovering path.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IToken } from '../../grammar/chevrotain.js';
import { ConfigParser, parseTokens, type ParsedLine, STATEMENT } from '../../grammar/parser.js';
import { scanLine, type ScannedToken } from '../../grammar/tokenizer.js';
import { ConfigLexer, LBrace, Newline, Word } from '../../grammar/tokens.js';
import { DiagnosticSink } from '../../src/config/diagnostics.js';
import { loadConfig } from '../../src/config/load.js';
import { ConfigReader } from '../../src/config/reader.js';
import { repoRoot, requireShared } from '../support/paths.js';

type Tok = [string, string, number];
const view = (ts: IToken[]): Tok[] => ts.map((t) => [t.tokenType.name, t.image, t.startOffset]);

/** Both tokenizers on a chunk of logical lines; the scanner leaves out lines that have no token. */
function compare(texts: string[]): void {
  const scanned: ScannedToken[] = [];
  let offset = 0;
  texts.forEach((t, i) => { offset = scanLine(t, offset, i, scanned); });
  const lexed = ConfigLexer().tokenize(texts.map((t) => t + '\n').join(''));
  expect(lexed.errors).toEqual([]);
  // ConfigLexer gives a lone Newline for a line of blanks only; the scanner gives nothing there.
  const kept = lexed.tokens.filter((t, i, a) => t.tokenType !== Newline || (i > 0 && a[i - 1]!.tokenType !== Newline));
  expect(view(scanned)).toEqual(view(kept));
  for (const t of scanned) {
    expect(t.text).toBe(t.quoted ? t.image.slice(1, -1) : t.image);
    expect(t.tokenTypeIdx).toBe(t.tokenType.tokenTypeIdx);
  }
}

/** The fixtures and ../shared/corpus's sample configs. */
function fixtureFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string, all: boolean) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) { if (e.name !== 't-output-debian-2.2.7') walk(p, all); }
      else if (all ? e.name !== 'INDEX.md' : e.name.endsWith('.conf')) out.push(p);
    }
  };
  walk(path.join(repoRoot, 'fixtures/config'), false);
  walk(requireShared('corpus'), true);
  return out.sort();
}

describe('scanner = ConfigLexer', () => {
  const files = fixtureFiles();
  it(`on every logical line of the ${files.length} fixture and corpus files`, () => {
    expect(files.length).toBeGreaterThan(60);
    let n = 0;
    for (const f of files) {
      const r = new ConfigReader(new DiagnosticSink(), { configId: 'fixture', randomSeed: 1 });
      if (!r.openMain(f)) continue;
      const texts: string[] = [];
      for (let l = r.next(); l && texts.length < 20_000; l = r.next()) texts.push(l.text);
      compare(texts);
      n += texts.length;
    }
    expect(n).toBeGreaterThan(1000);
  });

  it('on 5,000 random lines of quotes, braces, blanks, control and non-ASCII characters', () => {
    const alphabet = ['a', 'b', '1', '"', '"', '{', '}', ' ', ' ', '\t', '\f', '\v', '\r', '\x00', '\x1f', '#', '\\', 'é', '“', '\u{1F600}'];
    let seed = 12345;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    const texts: string[] = [];
    for (let i = 0; i < 5000; i++) {
      let s = '';
      const len = 1 + rnd(30);
      for (let k = 0; k < len; k++) s += alphabet[rnd(alphabet.length)];
      texts.push(s);
    }
    for (let i = 0; i < texts.length; i += 250) compare(texts.slice(i, i + 250));
  });

  it('a line of blanks only has no token at all, and is no syntax error (keepalived skips it)', () => {
    const out: ScannedToken[] = [];
    expect(scanLine(' \f\v\r\t', 0, 0, out)).toBe(6);
    expect(out).toEqual([]);
    const dir = fs.mkdtempSync(path.join(repoRoot, '.tmp-tok-'));
    try {
      const f = path.join(dir, 'ff.conf');
      fs.writeFileSync(f, 'global_defs {\n  \f \n  router_id x\n}\n');
      const r = loadConfig({ file: f, configId: 'n' });
      expect(r.diagnostics).toEqual([]);
      expect(r.config.global.routerId).toBe('x');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('parser', () => {
  const scan = (texts: string[]) => {
    const toks: ScannedToken[] = [];
    let o = 0;
    texts.forEach((t, i) => { o = scanLine(t, o, i, toks); });
    return toks;
  };
  const run = (toks: IToken[]) => {
    const got: [string, number][] = [];
    const errors = parseTokens(toks, (l: ParsedLine, i) => got.push([Array.isArray(l) ? l.map((w) => w.image).join(' ') : l.image, i]), () => { got.length = 0; });
    return { got, errors };
  };

  it('hands over every line with its index, braces and statements alike', () => {
    const { got, errors } = run(scan(['vrrp_instance VI_1', '{', 'state "MASTER"', '"unterminated x', '}']));
    expect(errors).toEqual([]);
    expect(got).toEqual([['vrrp_instance VI_1', 0], ['{', 1], ['state "MASTER"', 2], ['"unterminated x', 3], ['}', 4]]);
  });

  it("the grammar passes Chevrotain's grammar validations (the pipeline's parsers skip them at start-up)", () => {
    for (const recovery of [false, true]) {
      const p = new ConfigParser(recovery, true);
      expect((p as unknown as { definitionErrors: unknown[] }).definitionErrors).toEqual([]);
    }
  });

  it('without collecting, a statement is handed as STATEMENT with the same line index; braces as tokens', () => {
    const got: [string, number][] = [];
    const errors = parseTokens(scan(['vrrp_instance VI_1', '{', 'state "MASTER"', '}']), (l: ParsedLine, i) => got.push([l === STATEMENT ? l : Array.isArray(l) ? 'array' : l.image, i]), () => { got.length = 0; }, false);
    expect(errors).toEqual([]);
    expect(got).toEqual([[STATEMENT, 0], ['{', 1], [STATEMENT, 2], ['}', 3]]);
  });

  it('a token vector with an error is parsed again with recovery: the error is reported, the good lines kept', () => {
    const toks = scan(['a b', 'c', 'd']);
    // a '{' in the middle of a statement: no reader output has it, the grammar rejects it
    const bad: IToken = { image: '{', startOffset: 1, tokenTypeIdx: LBrace.tokenTypeIdx!, tokenType: LBrace } as IToken;
    toks.splice(1, 0, bad);
    const { got, errors } = run(toks);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]!.token.image).toBe('{');
    expect(got).toContainEqual(['c', 1]);
    expect(got).toContainEqual(['d', 2]);
    expect(toks.filter((t) => t.tokenType === Word)).toHaveLength(4);
  });
});
