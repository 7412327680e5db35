// The keepalved.conf grammar. keepalived's language is line-oriented: every logical line is a
// keyword with its words, or a lone '{' or '}' (the reader splits braces off). Which keyword opens
// which block is decided by keyword tables per level (src/config/keyword-tree.ts), as keepalived's
// process_stream() does, so block structure is resolved by the walker, not here: this parser only
// recognises lines, and never fails on any token sequence grammar/tokenizer.ts produces.
//
//   config    := line*
//   line      := ( '{' | '}' | statement ) Newline
//   statement := Arg+            (Arg: Word | Quoted | UnmatchedQuote)
//
// An EmbeddedActionsParser hands each recognised line to `onLine` instead of building a CST that a
// visitor then flattens: on the 180,000-line bench config the CstParser plus the CST walk took
// ~190 ms (+40 ms GC) and this ~60 ms (docs/config.md, Performance). Recovery is off on this fast
// path; a token vector with an error is parsed again by a recovering instance, which reports it.
import { EmbeddedActionsParser, type IRecognitionException, type IToken } from './chevrotain.js';
import { allTokens, Arg, LBrace, Newline, RBrace } from './tokens.js';

/**
 * A recognised line: its '{' or '}' token, or the words of a statement; STATEMENT when the parser
 * was asked not to collect them (the caller knows where each line's tokens are: no array per line).
 */
export type ParsedLine = IToken | IToken[] | typeof STATEMENT;
export const STATEMENT = 'statement';
export type LineSink = (line: ParsedLine, lineIndex: number) => void;

export class ConfigParser extends EmbeddedActionsParser {
  /** Receives each recognised line with its index (the Newline token's payload). */
  onLine: LineSink = () => {};
  /** False while performSelfAnalysis() records the rules with placeholder tokens. */
  private live = false;
  private words: IToken[] = [];
  /** Collect each statement's words into an array (else onLine gets STATEMENT). */
  collect = true;
  // Built once: Chevrotain's guidance is not to allocate alternatives and closures per invocation.
  private readonly arg = (): void => { const t = this.CONSUME(Arg); if (this.collect) this.words.push(t); };
  private readonly lineAlts = [
    { ALT: (): ParsedLine => this.CONSUME(LBrace) },
    { ALT: (): ParsedLine => this.CONSUME(RBrace) },
    { ALT: (): ParsedLine => { if (this.collect) this.words = []; this.AT_LEAST_ONE(this.arg); return this.collect ? this.words : STATEMENT; } },
  ];
  private readonly line = (): void => {
    const l = this.OR(this.lineAlts);
    const nl = this.CONSUME(Newline);
    if (this.live) this.onLine(l, nl.payload as number);
  };

  /**
   * `validate`: run Chevrotain's grammar validations (ambiguity, left recursion...) in
   * performSelfAnalysis(). They cost ~4 ms of every start-up and the grammar is fixed, so the
   * parsers the config pipeline uses skip them; test/config/tokenizer.test.ts builds one with them.
   */
  constructor(recovery: boolean, validate = false) {
    super(allTokens, { recoveryEnabled: recovery, maxLookahead: 1, skipValidations: !validate });
    this.performSelfAnalysis();
    this.live = true;
  }

  config = this.RULE('config', () => {
    this.MANY(this.line);
  });
}

const parsers: { fast?: ConfigParser; recovering?: ConfigParser } = {};

/**
 * Parses one token vector (a chunk of lines), handing every recognised line to `onLine` in order,
 * and returns the syntax errors. The fast parser stops at the first error: `rewind` is then called
 * to drop the lines it gave, and a recovering parser gives the lines again and reports every error.
 * With `collect` false the fast parser hands STATEMENT for a statement instead of an array of its
 * words; the recovering parser always collects them (recovery may skip tokens of a line).
 */
export function parseTokens(tokens: IToken[], onLine: LineSink, rewind: () => void, collect = true): IRecognitionException[] {
  const fast = (parsers.fast ??= new ConfigParser(false));
  fast.collect = collect;
  fast.onLine = onLine;
  fast.input = tokens;
  fast.config();
  if (!fast.errors.length) return [];
  rewind();
  const r = (parsers.recovering ??= new ConfigParser(true));
  r.onLine = onLine;
  r.input = tokens;
  r.config();
  return r.errors;
}
