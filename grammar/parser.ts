// The keepalived.conf grammar. keepalived's language is line-oriented: every logical line is a
// keyword with its words, or a lone '{' or '}' (the reader splits braces off). Which keyword opens
// which block is decided by keyword tables per level (src/config/keywords.ts), as keepalived's
// process_stream() does, so block structure is resolved by the walker, not here: this parser only
// recognises lines, and never fails on any token sequence the lexer produces.
import { CstParser, type CstNode, type IToken } from './chevrotain.js';
import { allTokens, LBrace, Newline, Quoted, RBrace, UnmatchedQuote, Word } from './tokens.js';

export class ConfigParser extends CstParser {
  constructor() {
    super(allTokens, { recoveryEnabled: true, maxLookahead: 1 });
    this.performSelfAnalysis();
  }

  config = this.RULE('config', () => {
    this.MANY(() => this.SUBRULE(this.line));
  });

  line = this.RULE('line', () => {
    this.OR([
      { ALT: () => this.CONSUME(LBrace) },
      { ALT: () => this.CONSUME(RBrace) },
      { ALT: () => this.SUBRULE(this.statement) },
    ]);
    this.CONSUME(Newline);
  });

  statement = this.RULE('statement', () => {
    this.AT_LEAST_ONE(() => {
      this.OR([
        { ALT: () => this.CONSUME(Word) },
        { ALT: () => this.CONSUME(Quoted) },
        { ALT: () => this.CONSUME(UnmatchedQuote) },
      ]);
    });
  });
}

let shared: ConfigParser | undefined;
export function configParser(): ConfigParser {
  return (shared ??= new ConfigParser());
}

/** One recognised line of the CST, in source order. */
export interface CstLine {
  kind: 'bob' | 'eob' | 'statement';
  words: IToken[];
  /** Index of the logical line (the Newline token's payload). */
  lineIndex: number;
}

/** Flattens the CST into its lines (the walker consumes them in order). */
export function cstLines(cst: CstNode): CstLine[] {
  const out: CstLine[] = [];
  for (const l of (cst.children['line'] ?? []) as CstNode[]) {
    const nl = (l.children['Newline'] as IToken[] | undefined)?.[0];
    const lineIndex = nl ? (nl.payload as number) : -1;
    if (l.children['LBrace']) out.push({ kind: 'bob', words: l.children['LBrace'] as IToken[], lineIndex });
    else if (l.children['RBrace']) out.push({ kind: 'eob', words: l.children['RBrace'] as IToken[], lineIndex });
    else {
      const st = (l.children['statement'] as CstNode[] | undefined)?.[0];
      if (!st) continue;
      const toks = [
        ...((st.children['Word'] as IToken[]) ?? []),
        ...((st.children['Quoted'] as IToken[]) ?? []),
        ...((st.children['UnmatchedQuote'] as IToken[]) ?? []),
      ].sort((a, b) => a.startOffset - b.startOffset);
      out.push({ kind: 'statement', words: toks, lineIndex });
    }
  }
  return out;
}
