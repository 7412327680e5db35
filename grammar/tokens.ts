// Tokens of keepalived.conf after the line reader (src/config/reader.ts) has removed comments,
// expanded definitions and split braces onto their own lines. This is keepalived's keyword
// tokeniser (alloc_strvec_r): words end at blanks or at a '"'; "..." is one word without quotes.
// The patterns define the tokens; grammar/tokenizer.ts scans them by hand on the hot path and
// ConfigLexer() is the reference it is tested against.
import { createToken, Lexer } from './chevrotain.js';

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\f\v\r]+/, group: Lexer.SKIPPED });
export const Newline = createToken({ name: 'Newline', pattern: /\n/ });
export const LBrace = createToken({ name: 'LBrace', pattern: /\{/ });
export const RBrace = createToken({ name: 'RBrace', pattern: /\}/ });
/** Any word of a statement: lets the parser consume one token type instead of choosing among three. */
export const Arg = createToken({ name: 'Arg', pattern: Lexer.NA });
export const Quoted = createToken({ name: 'Quoted', pattern: /"[^"\n]*"/, start_chars_hint: ['"'], categories: [Arg] });
/** A '"' with no closing quote on the line: keepalived's `Unmatched quote`. */
export const UnmatchedQuote = createToken({ name: 'UnmatchedQuote', pattern: /"[^"\n]*/, start_chars_hint: ['"'], categories: [Arg] });
// Written as positive ranges (everything but blanks, '"', '{', '}') so the lexer can use its
// first-character optimisation.
export const Word = createToken({ name: 'Word', pattern: /[\x00-\x08\x0e-\x1f\x21\x23-\x7a\x7c\x7e-\uffff]+/, categories: [Arg] });

export const allTokens = [WhiteSpace, Newline, LBrace, RBrace, Arg, Quoted, UnmatchedQuote, Word];

let lexer: InstanceType<typeof Lexer> | undefined;
/** Chevrotain's lexer for these tokens, built on first use (its analysis costs ~12 ms of start-up). */
export function ConfigLexer(): InstanceType<typeof Lexer> {
  return (lexer ??= new Lexer(allTokens, { positionTracking: 'onlyOffset', ensureOptimizations: true }));
}
