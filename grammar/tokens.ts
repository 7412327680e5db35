// Tokens of keepalived.conf after the line reader (src/config/reader.ts) has removed comments,
// expanded definitions and split braces onto their own lines. This is keepalived's keyword
// tokeniser (alloc_strvec_r): words end at blanks or at a '"'; "..." is one word without quotes.
import { createToken, Lexer } from './chevrotain.js';

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\f\v\r]+/, group: Lexer.SKIPPED });
export const Newline = createToken({ name: 'Newline', pattern: /\n/ });
export const LBrace = createToken({ name: 'LBrace', pattern: /\{/ });
export const RBrace = createToken({ name: 'RBrace', pattern: /\}/ });
export const Quoted = createToken({ name: 'Quoted', pattern: /"[^"\n]*"/, start_chars_hint: ['"'] });
/** A '"' with no closing quote on the line: keepalived's `Unmatched quote`. */
export const UnmatchedQuote = createToken({ name: 'UnmatchedQuote', pattern: /"[^"\n]*/, start_chars_hint: ['"'] });
// Written as positive ranges (everything but blanks, '"', '{', '}') so the lexer can use its
// first-character optimisation.
export const Word = createToken({ name: 'Word', pattern: /[\x00-\x08\x0e-\x1f\x21\x23-\x7a\x7c\x7e-\uffff]+/ });

export const allTokens = [WhiteSpace, Newline, LBrace, RBrace, Quoted, UnmatchedQuote, Word];

export const ConfigLexer = new Lexer(allTokens, { positionTracking: 'onlyOffset', ensureOptimizations: true });
