// Walks the recognised lines level by level with keepalived's keyword tables, as its
// process_stream() does (lib/parser.c): a keyword with a sub-level needs '{' next; an unknown
// keyword is reported and NOT skipped (its block's lines are read at the current level, and its
// '}' closes the current block), so the lines named match keepalived's. We add a warning saying so.
import type { ScannedToken } from '../../grammar/tokenizer.js';
import { UnmatchedQuote } from '../../grammar/tokens.js';
import { ConfigErr, DiagnosticSink, type SourceLoc } from './diagnostics.js';
import { KEYWORD_TREE, type KwTree, type KwTreeNode } from './keyword-tree.js';
import { type KeywordInfo, keywordInfo, SCRIPT_KEYWORDS } from './keyword-types.js';
import type { LogicalLine } from './reader.js';
import { didYouMean } from './suggest.js';
import { splitScriptArgv } from './build/scripts.js';

const TYPOGRAPHIC = /[\u201c\u201d\u2018\u2019\u201e\u00ab\u00bb]/;
const NON_ASCII = /[^\x00-\x7f]/;
const UNMATCHED = UnmatchedQuote.tokenTypeIdx;

export interface Word {
  text: string;
  /** 1-based column in the physical line, when the word is there verbatim. */
  col?: number;
  quoted?: boolean;
}

export interface ValueLine {
  words: Word[];
  loc: SourceLoc;
  raw: string;
  /** The logical line's text (for the script tokeniser). */
  text: string;
}

export interface KwNode {
  keyword: string;
  args: Word[];
  loc: SourceLoc;
  raw: string;
  text: string;
  /** Keywords of the block it opened. */
  children?: KwNode[];
  /** Entries of the value block it opened. */
  values?: ValueLine[];
  /** Where its block ended (the '}' line), for messages keepalived reports at the block's end. */
  endLoc?: SourceLoc;
}

export interface WalkLine {
  kind: 'bob' | 'eob' | 'statement';
  words: Word[];
  line: LogicalLine;
}

/**
 * The words of one logical line from its tokens, with their columns in the physical line. The
 * scanner's tokens are the words themselves (ScannedToken carries text and quoted); only `col` is
 * set here. An unmatched quote drops the rest of the line, as keepalived's alloc_strvec_r() does.
 */
export function tokensToWords(tokens: ScannedToken[], line: LogicalLine, sink: DiagnosticSink): Word[] {
  const raw = line.raw;
  let from = 0;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.tokenTypeIdx === UNMATCHED) {
      sink.report({ err: ConfigErr.UNMATCHED_QUOTE, message: `Unmatched quote: '${line.text}'`, loc: { ...line.loc, col: colIn(raw, t.image, from) } });
      return tokens.slice(0, k);
    }
    const img = t.image;
    const i = raw.indexOf(img, from);
    if (i >= 0) { from = i + img.length; t.col = i + 1; }
  }
  return tokens;
}

function colIn(raw: string, needle: string, from: number): number | undefined {
  const i = raw.indexOf(needle, from);
  return i >= 0 ? i + 1 : undefined;
}

/** Where the walker pulls recognised lines from. */
export interface LineSource {
  next(): WalkLine | undefined;
  peek(): WalkLine | undefined;
}

export function arrayLineSource(lines: WalkLine[]): LineSource {
  let i = 0;
  return { next: () => lines[i++], peek: () => lines[i] };
}

export class Walker {
  private lastEnd: SourceLoc | undefined;
  /** Brace depth inside the current top-level block, as keepalived's inactive passes count it. */
  private skipDepth: number | undefined;
  /** Lines the inactive passes read at top level while the owning pass is still in the block. */
  private recording: WalkLine[] | undefined;

  constructor(
    private readonly lines: LineSource,
    private readonly sink: DiagnosticSink,
  ) {}

  walk(): KwNode[] {
    const out: KwNode[] = [];
    this.processStream(KEYWORD_TREE, '', false, 0, (n) => out.push(n));
    return out;
  }

  /** Hands each top-level block to `onRoot` as soon as it is complete, so big configs stream. */
  walkRoots(onRoot: (n: KwNode) => void): void {
    this.processStream(KEYWORD_TREE, '', false, 0, onRoot);
  }

  private next(): WalkLine | undefined {
    const l = this.lines.next();
    if (!l) return l;
    if (this.recording) this.recording.push(l);
    else if (this.skipDepth !== undefined) {
      if (l.kind === 'bob') this.skipDepth++;
      else if (l.kind === 'eob') this.skipDepth--;
      else if (this.skipDepth === 0) this.recording = [l]; // the block had no '{' at all
      if (this.skipDepth === 0 && l.kind === 'eob') this.recording = [];
    }
    return l;
  }

  /**
   * keepalived parses the config once per process, and a process skips the blocks it doesn't own by
   * counting braces (lib/parser.c skip_sublevel). When a nested block lacks its '{', that count ends
   * before the owning process's block does, and the other processes read the rest of the block as
   * top-level keywords, reporting what they don't know there. We walk those lines again the same way.
   * global_defs is read by every process, so it never diverges.
   */
  private startRootBlock(kw: string): void {
    this.skipDepth = kw === 'global_defs' ? undefined : 0;
    this.recording = undefined;
  }

  private endRootBlock(): void {
    const lines = this.recording;
    this.recording = undefined;
    this.skipDepth = undefined;
    if (lines && lines.length) new Walker(arrayLineSource(lines), this.sink).walk();
  }

  private peek(): WalkLine | undefined {
    return this.lines.peek();
  }

  private processStream(tree: KwTree, blockName: string, needBobIn: boolean, level: number, emit?: (n: KwNode) => void): KwNode[] {
    const out: KwNode[] = [];
    let needBob = needBobIn;
    const keywords = levelOf(tree, blockName);
    for (let l = this.next(); l; l = this.next()) {
      const loc = l.line.loc;
      if (needBob) {
        needBob = false;
        if (l.kind === 'bob' && level > 0) continue;
        this.sink.report({ err: ConfigErr.MISSING_BOB, message: "Missing '{' at beginning of configuration block", loc, hint: blockName ? `'${blockName}' needs '{' on its line or the next` : undefined });
      } else if (l.kind === 'bob') {
        this.sink.report({ err: ConfigErr.UNEXPECTED_BOB, message: "Unexpected '{' - ignoring", loc });
        continue;
      }
      if (l.kind === 'eob' && level > 0) { this.lastEnd = loc; return out; }

      const kw = l.kind === 'eob' ? '}' : l.words[0]!.text;
      let entry = keywords.get(kw);
      if (entry === undefined) entry = levelEntry(keywords, tree, blockName, kw);
      if (!entry) {
        this.unknownKeyword(kw, tree, blockName, l, loc);
        continue;
      }
      const kwLoc: SourceLoc = { file: loc.file, line: loc.line, col: l.words[0]?.col, len: kw.length };
      if (NON_ASCII.test(l.line.raw) && TYPOGRAPHIC.test(l.line.raw)) this.typographic(l.line);
      const { node, info } = entry;
      let args = l.words.slice(1);
      if (SCRIPT_KEYWORDS.has(kw)) args = scriptArgs(l.line, kw, this.sink);
      const n: KwNode = { keyword: kw, args, loc: kwLoc, raw: l.line.raw, text: l.line.text };
      if (node.since) {
        this.sink.report({ err: ConfigErr.OK, ours: true, message: `'${kw}' is a keyword of keepalived ${node.since}; keepalived 2.2.7 (Debian 12) rejects it as unknown`, loc: kwLoc });
      }
      if (info.deprecated?.message) {
        this.sink.report({ err: info.deprecated.err, message: info.deprecated.message.replace('%s', blockName), loc: kwLoc, hint: `use '${info.deprecated.use}'` });
      }
      if (level === 0 && (info.spec.t === 'values' || node.sub)) this.startRootBlock(kw);
      if (info.spec.t === 'values') {
        n.values = this.valueBlock(kw, l, loc, level);
      } else if (node.sub) {
        this.lastEnd = undefined;
        n.children = this.processStream(node.sub, kw, true, level + 1);
        n.endLoc = this.lastEnd ?? { ...loc };
      }
      if (level === 0) this.endRootBlock();
      if (emit) emit(n);
      else out.push(n);
    }
    return out;
  }

  private unknownKeyword(kw: string, tree: KwTree, blockName: string, l: WalkLine, loc: SourceLoc): void {
    const guess = kw === '}' ? undefined : didYouMean(kw, Object.keys(tree));
    const elsewhere = kw === '}' ? undefined : findElsewhere(kw, blockName);
    const hints: string[] = [];
    if (guess) hints.push(`did you mean '${guess}'?`);
    if (elsewhere) hints.push(`'${kw}' is a keyword of ${elsewhere}, not of ${blockName || 'the top level'}`);
    if (TYPOGRAPHIC.test(l.line.raw)) this.typographic(l.line);
    this.sink.report({ err: ConfigErr.UNKNOWN_KEYWORD, message: `Unknown keyword '${kw}'`, loc: { ...loc, col: l.words[0]?.col, len: kw.length }, hint: hints.join('; ') || undefined });
    if (this.peek()?.kind === 'bob') {
      this.sink.report({
        err: ConfigErr.OK, ours: true, loc,
        message: blockName
          ? `the block of unknown keyword '${kw}' is not skipped: keepalived reads its lines as keywords of '${blockName}', and its '}' ends the '${blockName}' block early`
          : `the block of unknown keyword '${kw}' is not skipped: keepalived reads its lines as top-level keywords`,
      });
    }
  }

  /** Quotes copied from web pages are ordinary characters to keepalived: the words keep them. */
  private typographic(line: LogicalLine): void {
    const m = TYPOGRAPHIC.exec(line.raw)!;
    this.sink.report({
      err: ConfigErr.OK, ours: true, loc: { file: line.loc.file, line: line.loc.line, col: m.index + 1, len: 1 },
      message: `typographic quote '${m[0]}' (copied from a web page?): keepalived treats it as an ordinary character, not as a quote`,
      hint: 'use straight double quotes (")',
    });
  }

  /** keepalived alloc_value_block(): `{`, then one entry per line, until a line that is `}`. */
  private valueBlock(kw: string, first: WalkLine, loc: SourceLoc, _level: number): ValueLine[] {
    const out: ValueLine[] = [];
    // virtual_server_group NAME is the one value block with a name (check_parser.c vsg_handler)
    if (first.words.length > (kw === 'virtual_server_group' ? 2 : 1)) {
      this.sink.report({ err: ConfigErr.GENERAL_ERROR, message: `Block ${kw} has extra parameters ${first.words[kw === 'virtual_server_group' ? 2 : 1]!.text} ...`, loc });
    }
    let needBob = true;
    for (let l = this.next(); l; l = this.next()) {
      if (needBob) {
        needBob = false;
        if (l.kind === 'bob') continue;
        this.sink.report({ err: ConfigErr.OK, message: `'{' missing from beginning of block ${kw}`, loc: l.line.loc });
      }
      if (l.kind === 'eob') break;
      if (l.kind === 'bob') {
        // keepalived passes a lone '{' inside a value block to the handler as an entry
        out.push({ words: [{ text: '{' }], loc: l.line.loc, raw: l.line.raw, text: '{' });
        continue;
      }
      out.push({ words: l.words, loc: { ...l.line.loc, col: l.words[0]?.col }, raw: l.line.raw, text: l.line.text });
    }
    return out;
  }
}

/** A keyword of a level with its value spec; null when the level does not know it. */
type LevelEntry = { node: KwTreeNode; info: KeywordInfo } | null;
const levels = new WeakMap<KwTree, Map<string, Map<string, LevelEntry>>>();

/** The keyword lookup of one level (a tree seen under one block name), filled as keywords are met. */
function levelOf(tree: KwTree, blockName: string): Map<string, LevelEntry> {
  let byName = levels.get(tree);
  if (!byName) levels.set(tree, (byName = new Map()));
  let level = byName.get(blockName);
  if (!level) byName.set(blockName, (level = new Map()));
  return level;
}

function levelEntry(level: Map<string, LevelEntry>, tree: KwTree, blockName: string, kw: string): LevelEntry {
  const node = Object.hasOwn(tree, kw) ? tree[kw] : undefined;
  const e = node ? { node, info: keywordInfo(blockName, kw) } : null;
  level.set(kw, e);
  return e;
}

let allBlocks: Map<string, string[]> | undefined;
/** Which blocks a keyword belongs to, for "is a keyword of X" hints. */
function findElsewhere(kw: string, current: string): string | undefined {
  if (!allBlocks) {
    allBlocks = new Map();
    const visit = (t: KwTree, name: string) => {
      for (const [k, v] of Object.entries(t)) {
        const list = allBlocks!.get(k) ?? [];
        if (!list.includes(name)) list.push(name);
        allBlocks!.set(k, list);
        if (v.sub) visit(v.sub, k);
      }
    };
    visit(KEYWORD_TREE, 'the top level');
  }
  const l = allBlocks.get(kw)?.filter((b) => b !== current);
  if (!l || !l.length) return undefined;
  return l.slice(0, 3).join(', ');
}

/**
 * The script keywords' tokeniser: keepalived re-splits the whole line with
 * alloc_strvec_quoted_escaped() (quotes of both kinds, escapes), giving KEYWORD SCRIPT [USER [GROUP]].
 * The SCRIPT word is split again into argv when the script is built (build/scripts.ts).
 */
export function scriptArgs(line: LogicalLine, kw: string, sink?: DiagnosticSink): Word[] {
  const r = splitScriptArgv(line.text);
  if ('error' in r) {
    sink?.report({ err: ConfigErr.UNMATCHED_QUOTE, message: r.error, loc: line.loc });
    return [];
  }
  const words = r.argv[0] === kw ? r.argv.slice(1) : r.argv;
  return words.map((text) => ({ text, quoted: true }));
}
