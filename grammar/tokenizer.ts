// The keyword tokeniser as a hand-written scanner: the tokens of tokens.ts (same TokenTypes, same
// images and offsets) that ConfigLexer would produce, for one logical line at a time. Chevrotain's
// own guidance for hot paths: its regex lexer took ~0.25 s of a 180,000-line `-t` (bench/), this
// scanner ~20 ms. test/config/tokenizer.test.ts checks it against ConfigLexer token for token.
import type { IToken } from './chevrotain.js';
import { LBrace, Newline, Quoted, RBrace, UnmatchedQuote, Word } from './tokens.js';

const WORD = Word.tokenTypeIdx!;
const QUOTED = Quoted.tokenTypeIdx!;
const UNMATCHED = UnmatchedQuote.tokenTypeIdx!;
const LBRACE = LBrace.tokenTypeIdx!;
const RBRACE = RBrace.tokenTypeIdx!;
const NEWLINE = Newline.tokenTypeIdx!;

/**
 * A token as the scanner makes it: Chevrotain's offset-only IToken, plus the word it stands for
 * (quotes removed) so that the config walker can use the token itself as its Word (one object per
 * word instead of two). `col` is filled in by the walker, which knows the physical line.
 */
export interface ScannedToken extends IToken {
  text: string;
  col: number | undefined;
  quoted: boolean;
}

/** The WhiteSpace token's characters (space, \t, \v, \f, \r); '\n' never occurs inside a logical line. */
function isBlank(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * Appends the tokens of one logical line, as if it started at `offset` of the lexed text, then
 * a Newline whose payload is `lineIndex`. A line with no token at all (only blanks such as \f,
 * which keepalived skips) yields nothing, not even its Newline. Returns the next line's offset.
 */
export function scanLine(text: string, offset: number, lineIndex: number, out: ScannedToken[]): number {
  const n = text.length;
  let i = 0;
  let any = false;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isBlank(c)) { i++; continue; }
    const start = i;
    let tokenTypeIdx: number;
    let tokenType;
    if (c === 34 /* " */) {
      const close = text.indexOf('"', i + 1);
      if (close >= 0) { i = close + 1; tokenTypeIdx = QUOTED; tokenType = Quoted; }
      else { i = n; tokenTypeIdx = UNMATCHED; tokenType = UnmatchedQuote; }
    } else if (c === 123 /* { */) { i++; tokenTypeIdx = LBRACE; tokenType = LBrace; }
    else if (c === 125 /* } */) { i++; tokenTypeIdx = RBRACE; tokenType = RBrace; }
    else {
      i++;
      for (; i < n; i++) {
        const d = text.charCodeAt(i);
        if (isBlank(d) || d === 34 || d === 123 || d === 125) break;
      }
      tokenTypeIdx = WORD; tokenType = Word;
    }
    const image = start === 0 && i === n ? text : text.slice(start, i);
    const quoted = tokenTypeIdx === QUOTED;
    // one object shape for every token keeps the parser's property reads monomorphic
    out.push({ image, startOffset: offset + start, tokenTypeIdx, tokenType, payload: undefined, text: quoted ? image.slice(1, -1) : image, col: undefined, quoted });
    any = true;
  }
  if (any) out.push({ image: '\n', startOffset: offset + n, tokenTypeIdx: NEWLINE, tokenType: Newline, payload: lineIndex, text: '\n', col: undefined, quoted: false });
  return offset + n + 1;
}
