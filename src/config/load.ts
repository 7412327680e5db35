// The config pipeline: file(s) -> line reader -> Chevrotain lexer and parser -> keyword walker ->
// typed AST -> validation. Every module of keepalived-ts gets its config from here.
import { cstLines, configParser } from '../../grammar/parser.js';
import { ConfigLexer, Newline } from '../../grammar/tokens.js';
import type { KeepalivedConfig } from './ast.js';
import { ConfigBuilder } from './build/index.js';
import { BuildCtx, type InterfaceProbe, sysfsInterfaces } from './build/context.js';
import { ConfigErr, type Diagnostic, DiagnosticSink } from './diagnostics.js';
import { ConfigReader, defaultConfigId, type LogicalLine } from './reader.js';
import { validateConfig } from './validate.js';
import { tokensToWords, Walker, type WalkLine } from './walker.js';

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
}

/** Lines handed to the lexer and parser at once: bounds memory on huge configs. */
const CHUNK_LINES = 256;

/**
 * Feeds the reader's logical lines through the Chevrotain lexer and parser a chunk at a time
 * and yields recognised lines to the walker; tokens and CST are dropped after each chunk.
 */
export class ParsedLineStream {
  private buf: WalkLine[] = [];
  private pos = 0;
  private done = false;

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
    if (this.done) return false;
    const lines: LogicalLine[] = [];
    for (let i = 0; i < CHUNK_LINES; i++) {
      const l = this.pull();
      if (!l) { this.done = true; break; }
      lines.push(l);
    }
    this.buf = parseLines(lines, this.sink);
    this.pos = 0;
    return this.buf.length > 0 || (!this.done && this.fill());
  }
}

/** Lexes and parses logical lines in one pass; each line ends with a Newline token. */
export function parseLines(lines: LogicalLine[], sink: DiagnosticSink): WalkLine[] {
  if (!lines.length) return [];
  let text = '';
  for (const l of lines) text += l.text + '\n';
  const lexed = ConfigLexer.tokenize(text);
  let nl = 0;
  for (const t of lexed.tokens) if (t.tokenType === Newline) t.payload = nl++;
  for (const e of lexed.errors) {
    // map the offset back to its line
    let acc = 0;
    let idx = 0;
    while (idx < lines.length && acc + lines[idx]!.text.length + 1 <= e.offset) acc += lines[idx++]!.text.length + 1;
    sink.report({ err: ConfigErr.GENERAL_ERROR, message: `unexpected character '${text.substr(e.offset, 1)}'`, loc: lines[idx]?.loc });
  }
  const parser = configParser();
  parser.input = lexed.tokens;
  const cst = parser.config();
  for (const e of parser.errors) {
    const idx = (e.token.payload as number | undefined) ?? -1;
    sink.report({ err: ConfigErr.GENERAL_ERROR, message: `syntax error: ${e.message}`, loc: lines[idx]?.loc });
  }
  const out: WalkLine[] = [];
  for (const l of cstLines(cst)) {
    const line = lines[l.lineIndex];
    if (!line) continue;
    if (l.kind !== 'statement') { out.push({ kind: l.kind, words: [], line }); continue; }
    const words = tokensToWords(l.words, line, sink);
    if (words.length) out.push({ kind: 'statement', words, line });
  }
  return out;
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
  return { config: built.config, diagnostics: sink.items, missing: !opened, fileError: reader.fileError };
}
