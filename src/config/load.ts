// The config pipeline: file(s) -> line reader -> tokenizer and Chevrotain parser -> keyword walker ->
// typed AST -> validation. Every module of keepalived-ts gets its config from here.
import { type ParsedLine, parseTokens, STATEMENT } from '../../grammar/parser.js';
import { scanLine, type ScannedToken } from '../../grammar/tokenizer.js';
import { LBrace } from '../../grammar/tokens.js';
import type { KeepalivedConfig } from './ast.js';
import { ConfigBuilder } from './build/index.js';
import { BuildCtx, type InterfaceProbe, sysfsInterfaces } from './build/context.js';
import { ConfigErr, type Diagnostic, DiagnosticSink } from './diagnostics.js';
import { ConfigReader, defaultConfigId, type LogicalLine } from './reader.js';
import { validateConfig } from './validate.js';
import { tokensToWords, Walker, type WalkLine, type Word } from './walker.js';

export interface LoadOptions {
  file: string;
  configId?: string;
  /** -e: every include check enabled. */
  allConfig?: boolean;
  interfaces?: InterfaceProbe;
  randomSeed?: number;
  /** Reads a config file (tests inject content). */
  readFile?: (p: string) => Buffer;
  /** false for `-t`: validate virtual servers as they are read and do not keep them. */
  retainVirtualServers?: boolean;
}

export interface LoadResult {
  config: KeepalivedConfig;
  diagnostics: Diagnostic[];
  /** The main file could not be read at all. */
  missing: boolean;
  /** A config file problem that makes keepalived exit 6 (KEEPALIVED_EXIT_NO_CONFIG). */
  fileError: boolean;
  /** A virtual_server keyword was read, even if validation dropped its block (keepalived's have_checker_config). */
  sawVirtualServer: boolean;
}

/**
 * Lines handed to the tokenizer and parser at once. A chunk's tokens are what survives each
 * young-generation GC, so small chunks make those cheap: on the 180,000-line bench config 256
 * lines gave ~280 scavenges taking 83-96 ms in all, 64 lines ~233 taking 43-57 ms.
 */
const CHUNK_LINES = 64;
const NO_WORDS: Word[] = [];

/**
 * Feeds the reader's logical lines through the tokenizer and the Chevrotain parser a chunk at a
 * time and yields recognised lines to the walker; the tokens are dropped after each chunk.
 */
export class ParsedLineStream {
  private buf: WalkLine[] = [];
  private pos = 0;
  private done = false;
  private lines: LogicalLine[] = [];
  /** Offset of each line of the chunk in the (never built) lexed text, for error locations. */
  private starts: number[] = [];
  /** The chunk's tokens; line i's are tokens[tokAt[i]] up to tokens[tokAt[i + 1]], its Newline last. */
  private tokens: ScannedToken[] = [];
  private readonly tokAt = new Int32Array(CHUNK_LINES + 1);
  private readonly onLine = (l: ParsedLine, idx: number): void => {
    const line = this.lines[idx];
    if (!line) return;
    let ws: ScannedToken[];
    if (l === STATEMENT) ws = this.tokens.slice(this.tokAt[idx], this.tokAt[idx + 1]! - 1); // without its Newline
    else if (Array.isArray(l)) ws = l as ScannedToken[];
    else { this.buf.push({ kind: l.tokenType === LBrace ? 'bob' : 'eob', words: NO_WORDS, line }); return; }
    const words = tokensToWords(ws, line, this.sink);
    if (words.length) this.buf.push({ kind: 'statement', words, line });
  };
  private readonly rewind = (): void => { this.buf.length = 0; };

  constructor(
    private readonly pull: () => LogicalLine | null,
    private readonly sink: DiagnosticSink,
  ) {}

  next(): WalkLine | undefined {
    if (this.pos >= this.buf.length && !this.fill()) return undefined;
    return this.buf[this.pos++];
  }

  peek(): WalkLine | undefined {
    if (this.pos >= this.buf.length && !this.fill()) return undefined;
    return this.buf[this.pos];
  }

  private fill(): boolean {
    while (!this.done) {
      const lines: LogicalLine[] = (this.lines = []);
      const starts: number[] = (this.starts = []);
      const tokens: ScannedToken[] = (this.tokens = []);
      let offset = 0;
      for (let i = 0; i < CHUNK_LINES; i++) {
        const l = this.pull();
        if (!l) { this.done = true; break; }
        lines.push(l);
        starts.push(offset);
        this.tokAt[i] = tokens.length;
        offset = scanLine(l.text, offset, i, tokens);
        this.tokAt[i + 1] = tokens.length;
      }
      this.buf = [];
      this.pos = 0;
      if (tokens.length) {
        for (const e of parseTokens(tokens, this.onLine, this.rewind, false)) {
          this.sink.report({ err: ConfigErr.GENERAL_ERROR, message: `syntax error: ${e.message}`, loc: lines[lineAt(starts, e.token.startOffset)]?.loc });
        }
      }
      if (this.buf.length) return true;
    }
    return false;
  }
}

/** Index of the line whose text starts at or before `offset` (binary search of the chunk's starts). */
function lineAt(starts: number[], offset: number): number {
  if (!Number.isFinite(offset)) return -1;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function loadConfig(opts: LoadOptions): LoadResult {
  const sink = new DiagnosticSink();
  const configId = opts.configId ?? defaultConfigId();
  const reader = new ConfigReader(sink, { configId, includeCheck: opts.allConfig ? 15 : 0, randomSeed: opts.randomSeed, readFile: opts.readFile });
  const opened = reader.openMain(opts.file);
  let last: LogicalLine | null = null;
  const pull = () => {
    if (!opened) return null;
    const l = reader.next();
    if (l) last = l;
    return l;
  };
  const ctx = new BuildCtx(sink, opts.interfaces ?? sysfsInterfaces);
  const builder = new ConfigBuilder(ctx, reader.filesRead, configId, opts.retainVirtualServers ?? true);
  new Walker(new ParsedLineStream(pull, sink), sink).walkRoots((n) => builder.add(n));
  if (opened && reader.openBlocks > 0) {
    sink.report({ err: ConfigErr.MISSING_EOB, message: `There are ${reader.openBlocks} missing '}'s or extra '{'s`, loc: last ? { ...(last as LogicalLine).loc } : undefined });
  }
  const built = builder.finish();
  validateConfig(ctx, built.config, { instances: built.instances, virtualServers: built.virtualServers });
  return { config: built.config, diagnostics: sink.items, missing: !opened, fileError: reader.fileError, sawVirtualServer: builder.sawVirtualServer };
}
