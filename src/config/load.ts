// The config pipeline: file(s) -> line reader -> Chevrotain lexer and parser -> keyword walker ->
// typed AST -> validation. Every module of keepalived-ts gets its config from here.
import { cstLines, configParser } from '../../grammar/parser.js';
import { ConfigLexer } from '../../grammar/tokens.js';
import type { KeepalivedConfig } from './ast.js';
import { buildConfig } from './build/index.js';
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
}

export interface LoadResult {
  config: KeepalivedConfig;
  diagnostics: Diagnostic[];
  /** The main file could not be read at all. */
  missing: boolean;
  /** A config file problem that makes keepalived exit 6 (KEEPALIVED_EXIT_NO_CONFIG). */
  fileError: boolean;
}

/** Lexes and parses the reader's logical lines; one Newline token ends each line. */
export function parseLines(lines: LogicalLine[], sink: DiagnosticSink): WalkLine[] {
  const out: WalkLine[] = [];
  // Lex line by line so every token keeps the line it came from.
  const tokens = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const lexed = ConfigLexer.tokenize(line.text + '\n');
    for (const e of lexed.errors) {
      sink.report({ err: ConfigErr.GENERAL_ERROR, message: `unexpected character '${line.text.substr(e.offset, 1)}'`, loc: line.loc });
    }
    for (const t of lexed.tokens) {
      if (t.tokenType.name === 'Newline') t.payload = i;
      tokens.push(t);
    }
  }
  const parser = configParser();
  parser.input = tokens;
  const cst = parser.config();
  for (const e of parser.errors) {
    const idx = (e.token.payload as number | undefined) ?? -1;
    sink.report({ err: ConfigErr.GENERAL_ERROR, message: `syntax error: ${e.message}`, loc: lines[idx]?.loc });
  }
  for (const l of cstLines(cst)) {
    const line = lines[l.lineIndex];
    if (!line) continue;
    out.push({ kind: l.kind, words: l.kind === 'statement' ? tokensToWords(l.words, line, sink) : [], line });
  }
  return out.filter((l) => l.kind !== 'statement' || l.words.length > 0);
}

export function loadConfig(opts: LoadOptions): LoadResult {
  const sink = new DiagnosticSink();
  const configId = opts.configId ?? defaultConfigId();
  const reader = new ConfigReader(sink, { configId, includeCheck: opts.allConfig ? 15 : 0, randomSeed: opts.randomSeed });
  const opened = reader.openMain(opts.file);
  const lines: LogicalLine[] = [];
  if (opened) {
    for (let l = reader.next(); l; l = reader.next()) lines.push(l);
    if (reader.openBlocks > 0) {
      const last = lines[lines.length - 1];
      sink.report({ err: ConfigErr.MISSING_EOB, message: `There are ${reader.openBlocks} missing '}'s or extra '{'s`, loc: last ? { ...last.loc } : undefined });
    }
  }
  const walkLines = parseLines(lines, sink);
  const roots = new Walker(walkLines, sink).walk();
  const ctx = new BuildCtx(sink, opts.interfaces ?? sysfsInterfaces);
  const built = buildConfig(ctx, roots, reader.filesRead, configId);
  validateConfig(ctx, built.config, { instances: built.instances, virtualServers: built.virtualServers });
  return { config: built.config, diagnostics: sink.items, missing: !opened, fileError: reader.fileError };
}
