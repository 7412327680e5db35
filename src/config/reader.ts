// The config line reader: keepalived 2.2's read_line() pipeline (lib/parser.c), producing
// logical lines with the file and line the user wrote. Steps, in keepalived's order:
// physical line -> decomment -> @id / @^id -> $NAME= definitions -> ~SEQ/~LST generators ->
// $NAME substitution -> include -> brace split ('{' and '}' always become lines of their own).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { ConfigErr, DiagnosticSink, type SourceLoc } from './diagnostics.js';
import { expandGlob, hasGlobMagic } from './glob.js';

/** keepalived's MAXBUF: a physical line must fit in 1024 bytes including the NUL. */
export const MAX_LINE = 1024;
/** Bound on lines a single ~SEQ/~LST may generate (keepalived has none: a typo could hang it). */
export const MAX_SEQ_LINES = 100_000;
/** Bound on lines all generators of one config may produce together (nested ~SEQ multiply). */
export const MAX_GENERATED_LINES = 200_000;
/** Bound on include nesting (keepalived has none: an include cycle exhausts its file descriptors). */
export const MAX_INCLUDE_DEPTH = 32;

export interface LogicalLine {
  text: string;
  loc: SourceLoc;
  /** The physical line as written (after comment removal is NOT applied), for columns and excerpts. */
  raw: string;
}

/** include check bits (lib/parser.h include_t). */
const INCLUDE_R = 1; // readable
const INCLUDE_M = 2; // match
const INCLUDE_W = 4; // wildcard match
const INCLUDE_B = 8; // brace match

interface OpenFile {
  name: string; // as displayed in messages
  absPath: string;
  /** The file's text (bytes that are not UTF-8 become U+FFFD); lines are cut from it as they are read. */
  text: string;
  pos: number; // offset of the next physical line
  lineNo: number; // number of the line last read
  includeType: number;
  savedIncludeCheck: number;
}

interface Definition {
  value: string;
  multiline: boolean;
  fn?: (params: number[]) => string;
  maxParams: number;
}

interface SeqGen {
  var: string;
  next: number;
  step: number;
  last: number;
  hex: boolean;
  text: string;
  // ~LST
  lstParams?: string[];
  lstValues?: string[][];
  lstIdx?: number;
  loc: SourceLoc;
  raw: string;
  produced: number;
}

export interface ReaderOptions {
  configId: string;
  /** -e / --all-config, or include_check: default include checks. */
  includeCheck?: number;
  randomSeed?: number;
  readFile?: (p: string) => Buffer;
}

const DEF_LINE_END = '\n';
const SPECIAL_CHARS = /[!#"\\]/;

/** Leading and trailing blanks (space and tab), as keepalived strips them. */
function trimBlanks(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 32 || s.charCodeAt(a) === 9)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 32 || s.charCodeAt(b - 1) === 9)) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

export class ConfigReader {
  private files: OpenFile[] = [];
  private defs = new Map<string, Definition>();
  private seqs: SeqGen[] = [];
  private multilineNext: string | null = null;
  private multilineStack: string[] = [];
  private multilineSeqDepth = 0;
  private residue: { text: string; loc: SourceLoc; raw: string } | null = null;
  private blockDepth = 0;
  private includeCheck: number;
  private rng: () => number;
  private currentDef: Definition | null = null;
  private multilineParamDef = false;
  private generated = 0;
  private lastLoc: SourceLoc = { file: '', line: 0 };
  private lastRaw = '';
  /** Set when a config file problem makes keepalived exit 6 (KEEPALIVED_EXIT_NO_CONFIG). */
  fileError = false;
  readonly filesRead: string[] = [];

  constructor(
    private readonly sink: DiagnosticSink,
    private readonly opts: ReaderOptions,
  ) {
    this.includeCheck = opts.includeCheck ?? 0;
    let seed = (opts.randomSeed ?? Date.now()) >>> 0;
    this.rng = () => {
      // xorshift32: reproducible with random_seed, as keepalived's srandom()
      seed ^= seed << 13; seed >>>= 0;
      seed ^= seed >>> 17;
      seed ^= seed << 5; seed >>>= 0;
      return seed;
    };
    this.setStdDefinitions();
  }

  /** Opens the main config file (a glob, as keepalived treats -f). Returns false when nothing can be read. */
  openMain(file: string): boolean {
    return this.openGlob(file, 0, { file, line: 0 });
  }

  private setStdDefinitions(): void {
    this.defs.set('_PWD', { value: '', multiline: false, maxParams: 0, fn: () => this.currentDir() });
    this.defs.set('_INSTANCE', { value: '', multiline: false, maxParams: 0, fn: () => this.opts.configId });
    this.defs.set('_RANDOM', {
      value: '', multiline: false, maxParams: 2,
      fn: (p) => {
        const min = p.length >= 1 ? p[0]! : 0;
        const max = p.length >= 2 ? p[1]! : 32767;
        const span = max - min + 1;
        return String(span > 0 ? min + (this.rng() % span) : min);
      },
    });
    this.defs.set('_HASH', { value: '#', multiline: false, maxParams: 0 });
    this.defs.set('_BANG', { value: '!', multiline: false, maxParams: 0 });
    this.defs.set('_ENV', { value: '', multiline: false, maxParams: 0 });
  }

  private currentDir(): string {
    const f = this.files[this.files.length - 1];
    return f ? path.dirname(f.absPath) : process.cwd();
  }

  private fileError_(bits: number, message: string, loc: SourceLoc, includeType = 0): void {
    // keepalived file_config_error(): an error only when that check is enabled (include_check or
    // the include variant used), else a notice.
    const enabled = ((this.includeCheck | includeType) & bits) !== 0;
    this.sink.report({ err: enabled ? ConfigErr.FILE_NOT_FOUND : ConfigErr.OK, message, loc });
    if (enabled) this.fileError = true;
  }

  private openGlob(pattern: string, includeType: number, loc: SourceLoc): boolean {
    const baseDir = this.currentDir();
    const abs = path.isAbsolute(pattern) ? pattern : path.join(baseDir, pattern);
    if (this.files.length >= MAX_INCLUDE_DEPTH) {
      this.sink.report({ err: ConfigErr.GENERAL_ERROR, message: `include nesting deeper than ${MAX_INCLUDE_DEPTH} at '${pattern}' - skipping (include cycle?)`, loc, ours: true });
      return false;
    }
    const g = expandGlob(abs);
    const check = this.includeCheck | includeType;
    if (g.matches.length === 0) {
      if (g.missing) this.fileError_(g.hadBrace ? INCLUDE_B : INCLUDE_M, `Config files missing '${pattern}'.`, loc, includeType);
      else if (hasGlobMagic(pattern) && (check & INCLUDE_W)) this.fileError_(INCLUDE_W, `No config files matched '${pattern}'.`, loc, includeType);
      else if (!g.missing) this.fileError_(INCLUDE_M, `Config files missing '${pattern}'.`, loc, includeType);
      return false;
    }
    if (g.missing) {
      this.fileError_(INCLUDE_B, `Some config files missing: "${pattern}".`, loc, includeType);
      if (check & INCLUDE_B) return false;
    }
    let opened = false;
    // Files are pushed in reverse so the first match is read first.
    const toOpen: OpenFile[] = [];
    for (const m of g.matches) {
      const display = path.isAbsolute(pattern) ? m : path.relative(baseDir, m) || m;
      if (m.endsWith('/')) {
        this.fileError_(INCLUDE_R, `Configuration file '${display}' is a directory - skipping`, loc, includeType);
        continue;
      }
      let st: fs.Stats;
      try { st = fs.statSync(m); } catch { this.fileError_(INCLUDE_R, `Configuration file '${display}' is not a regular non-executable file - skipping`, loc, includeType); continue; }
      if (!st.isFile() || (st.mode & 0o111) !== 0) {
        this.fileError_(INCLUDE_R, `Configuration file '${display}' is not a regular non-executable file - skipping`, loc, includeType);
        continue;
      }
      if (this.files.some((f) => f.absPath === m)) {
        this.sink.report({ err: ConfigErr.GENERAL_ERROR, message: `include cycle: '${display}' is already being read - skipping`, loc, ours: true });
        continue;
      }
      let buf: Buffer;
      try { buf = (this.opts.readFile ?? fs.readFileSync)(m); } catch (e) {
        this.fileError_(INCLUDE_R, `Configuration file '${display}' open problem (${(e as NodeJS.ErrnoException).code ?? String(e)}) - skipping`, loc, includeType);
        continue;
      }
      toOpen.push({
        name: this.files.length === 0 ? pattern : display,
        absPath: m,
        text: buf.toString('utf8'),
        pos: 0,
        lineNo: 0,
        includeType,
        savedIncludeCheck: this.includeCheck,
      });
      this.filesRead.push(m);
      opened = true;
    }
    for (let i = toOpen.length - 1; i >= 0; i--) this.files.push(toOpen[i]!);
    return opened;
  }

  /** The line nextPhysical() read: decommented text, location, and the line as written. */
  private pText = '';
  private pLoc: SourceLoc = { file: '', line: 0 };
  private pRaw = '';

  /** Reads the next physical, decommented, non-blank line of the include stack into pText/pLoc/pRaw; false at the end. */
  private nextPhysical(): boolean {
    for (;;) {
      const f = this.files[this.files.length - 1];
      if (!f) return false;
      const t = f.text;
      if (f.pos >= t.length) {
        this.includeCheck = f.savedIncludeCheck;
        this.files.pop();
        continue;
      }
      let end = t.indexOf('\n', f.pos);
      if (end < 0) end = t.length;
      const start = f.pos;
      f.pos = end + 1;
      const lineNo = ++f.lineNo;
      if (end === start) {
        if (this.multilineParamDef) this.endMultilineDef();
        continue;
      }
      let raw = t.slice(start, end);
      const loc: SourceLoc = { file: f.name, line: lineNo };
      if (raw.indexOf('\0') >= 0) {
        this.sink.report({ err: ConfigErr.GENERAL_ERROR, message: 'configuration appears to have embedded NULs - ignoring line', loc });
        continue;
      }
      if (raw.length > (MAX_LINE - 1) / 3 && Buffer.byteLength(raw) > MAX_LINE - 1) {
        this.sink.report({ err: ConfigErr.GENERAL_ERROR, message: `line too long (${Buffer.byteLength(raw)} bytes, keepalived reads at most ${MAX_LINE - 1}) - ignoring`, loc });
        continue;
      }
      if (raw.charCodeAt(raw.length - 1) === 13) raw = raw.replace(/[\r\n]+$/, '');
      if (!raw.length) {
        if (this.multilineParamDef) this.endMultilineDef();
        continue;
      }
      const text = this.decomment(raw, loc);
      if (!text.length) continue;
      this.pText = text;
      this.pLoc = loc;
      this.pRaw = raw;
      return true;
    }
  }

  private endMultilineDef(): void {
    this.multilineParamDef = false;
    if (this.currentDef && !this.currentDef.value.length) this.currentDef.multiline = false;
  }

  /** keepalived decomment(): strip comments outside double quotes, `\#` `\!` escapes, blanks. */
  decomment(str: string, loc: SourceLoc): string {
    // Fast path: nothing to decomment, only blanks to trim.
    if (!SPECIAL_CHARS.test(str)) return trimBlanks(str);
    let s = str.replace(/^[ \t]+/, '');
    let quote = false;
    let cont = false;
    let skip = -1;
    let out = '';
    for (let i = 0; i < s.length; i++) {
      const c = s[i]!;
      if (c === '"') {
        if (skip < 0) quote = !quote;
        out += c;
        continue;
      }
      if (c === '\\') {
        if (i + 1 < s.length) {
          const n = s[i + 1]!;
          if (!quote && (n === '#' || n === '!')) { out += n; i++; continue; }
          out += c + n; i++;
          continue;
        }
        cont = true;
        break;
      }
      if (!quote && skip < 0 && (c === '!' || c === '#')) { skip = out.length; }
      out += c;
    }
    if (quote) this.sink.report({ err: ConfigErr.GENERAL_ERROR, message: `Unterminated quote '${out}'`, loc });
    if (skip >= 0) out = out.slice(0, skip);
    out = out.replace(/[ \t]+$/, '');
    if (cont) out += '\\';
    s = out;
    return s;
  }

  /** Returns the next logical line, or null at the end of the config. */
  next(): LogicalLine | null {
    const r = this.nextInner();
    if (!r) {
      return null;
    }
    return r;
  }

  private nextInner(): LogicalLine | null {
    let text: string;
    let loc: SourceLoc;
    let raw: string;
    for (;;) {
      if (this.residue) {
        ({ text, loc, raw } = this.residue);
        this.residue = null;
      } else if (this.seqs.length > this.multilineSeqDepth) {
        const seq = this.seqs[this.seqs.length - 1]!;
        loc = seq.loc; raw = seq.raw;
        if (++this.generated > MAX_GENERATED_LINES) {
          this.sink.report({ err: ConfigErr.GENERAL_ERROR, message: `~SEQ/~LST generate more than ${MAX_GENERATED_LINES} lines in all - stopping them`, loc, ours: true });
          this.seqs.length = this.multilineSeqDepth;
          continue;
        }
        if (seq.lstParams) {
          const vals = seq.lstValues![seq.lstIdx!]!;
          seq.lstParams.forEach((p, i) => this.setDefinition(p, vals[i] ?? ''));
          text = seq.text;
          seq.lstIdx!++;
          if (seq.lstIdx! >= seq.lstValues!.length) this.seqs.pop();
        } else {
          this.setDefinition(seq.var, seq.hex ? seq.next.toString(16) : String(seq.next));
          text = seq.text;
          seq.next += seq.step;
          seq.produced++;
          if ((seq.step > 0 && seq.next > seq.last) || (seq.step < 0 && seq.next < seq.last)) this.seqs.pop();
          else if (seq.produced >= MAX_SEQ_LINES) {
            this.sink.report({ err: ConfigErr.GENERAL_ERROR, message: `~SEQ for '${seq.var}' generates more than ${MAX_SEQ_LINES} lines - stopping it there`, loc, ours: true });
            this.seqs.pop();
          }
        }
      } else if (this.multilineNext !== null) {
        loc = this.lastLoc; raw = this.lastRaw;
        const end = this.multilineNext.indexOf(DEF_LINE_END);
        if (end < 0) {
          text = this.multilineNext;
          if (this.multilineStack.length) this.multilineNext = this.multilineStack.pop()!;
          else { this.multilineNext = null; this.multilineSeqDepth = 0; }
        } else {
          text = this.multilineNext.slice(0, end);
          this.multilineNext = this.multilineNext.slice(end + 1);
        }
      } else {
        if (!this.nextPhysical()) return null;
        text = this.pText; loc = this.pLoc; raw = this.pRaw;
        this.lastLoc = loc; this.lastRaw = raw;
      }

      // Multi-line definition continuation lines
      if (this.multilineParamDef && this.currentDef) {
        let t = text;
        if (t.endsWith('\\')) {
          t = t.slice(0, -1).replace(/[ \t]+$/, '') + DEF_LINE_END;
        } else this.endMultilineDef();
        if (t.length >= 2 || (t.length && !this.multilineParamDef)) this.currentDef.value += t;
        continue;
      }
      if (!text.length) continue;

      let consumed = false;
      let recheck: boolean;
      let guard = 0;
      do {
        recheck = false;
        const c0 = text.charCodeAt(0);
        if (c0 === 64 /* @ */) {
          const rev = text[1] === '^';
          const ofs = rev ? 2 : 1;
          const m = /[ \t]/.exec(text.slice(ofs));
          if (!m) { text = ''; break; }
          const id = text.slice(ofs, ofs + m.index);
          if ((id !== this.opts.configId) !== rev) { text = ''; break; }
          text = text.slice(ofs + m.index).replace(/^[ \t]+/, '');
        }
        if (c0 === 36 /* $ */ && this.checkDefinition(text)) { text = ''; consumed = true; break; }
        if (c0 === 126 /* ~ */ && (text.startsWith('~SEQ') || text.startsWith('~LST'))) {
          if (text[1] === 'S') {
            if (!this.addSeq(text, loc, raw)) this.sink.report({ err: ConfigErr.GENERAL_ERROR, message: `Invalid ~SEQ specification '${text}'`, loc });
          } else if (!this.addLst(text, loc, raw)) this.sink.report({ err: ConfigErr.GENERAL_ERROR, message: `Invalid ~LST specification '${text}'`, loc });
          text = ''; consumed = true;
          break;
        }
        if (c0 === 126) break;
        if (text.indexOf('$') >= 0) {
          const r = this.replaceParams(text, loc);
          if (r === null) break;
          text = this.decomment(r, loc);
          if (text.startsWith('@') || text.includes('$')) recheck = true;
          if (++guard > 32) { // self-referencing definitions: keepalived loops for ever
            this.sink.report({ err: ConfigErr.GENERAL_ERROR, message: `definition expansion does not terminate on '${text}' - stopping`, loc, ours: true });
            break;
          }
        }
      } while (recheck);
      if (consumed || !text.length) continue;
      if (text.charCodeAt(0) === 105 /* i */ && this.checkInclude(text, loc)) continue;
      break;
    }

    // Brace split: text before the first '{' or '}' outside "..." is this line, the rest follows.
    const p = bracePosition(text);
    if (p >= 0) {
      let restStart: number;
      if (p === 0) {
        restStart = 1;
        while (text.charCodeAt(restStart) === 32 || text.charCodeAt(restStart) === 9) restStart++;
      } else restStart = p;
      const rest = trimEndBlanks(text.slice(restStart));
      if (rest.length) {
        this.residue = { text: rest, loc: { file: loc.file, line: loc.line, col: p === 0 ? undefined : colOf(raw, rest) }, raw };
        text = text.slice(0, restStart);
      }
    }
    text = trimBlanks(text);
    if (text === '{') this.blockDepth++;
    else if (text === '}') {
      if (this.blockDepth-- < 1) {
        this.sink.report({ err: ConfigErr.UNEXPECTED_EOB, message: "Extra '}' found", loc });
        this.blockDepth = 0;
      }
    }
    return { text, loc, raw };
  }

  /** Number of '{' still open at the end of the config. */
  get openBlocks(): number {
    return this.blockDepth;
  }

  private setDefinition(name: string, value: string): void {
    const d = this.defs.get(name);
    if (d) { d.value = value; d.fn = undefined; d.multiline = false; }
    else this.defs.set(name, { value, multiline: false, maxParams: 0 });
  }

  /** `$NAME=VALUE` at the start of a line (keepalived check_definition()). */
  private checkDefinition(buf: string): boolean {
    const m = /^\$([A-Za-z_][A-Za-z0-9_]*)[ \t]*=/.exec(buf);
    if (!m) return false;
    const name = m[1]!;
    let value = buf.slice(m[0].length).replace(/^[ \t]+/, '');
    let multiline = false;
    if (value.endsWith('\\')) {
      value = value.slice(0, -1).replace(/[ \t]+$/, '');
      multiline = true;
      if (value.length) value += DEF_LINE_END;
    }
    const def: Definition = { value, multiline, maxParams: 0 };
    const old = this.defs.get(name);
    if (old) { old.value = value; old.multiline = multiline; old.fn = undefined; this.currentDef = old; }
    else { this.defs.set(name, def); this.currentDef = def; }
    if (multiline) this.multilineParamDef = true;
    return true;
  }

  /** `$NAME` / `${NAME}` substitution (keepalived replace_param()). Returns null if nothing changed. */
  private replaceParams(buf: string, loc: SourceLoc): string | null {
    let out = buf;
    let pos = 0;
    let found = false;
    let nextMultiline: string | null = this.multilineNext;
    let iterations = 0;
    while ((pos = out.indexOf('$', pos)) >= 0 && pos + 1 < out.length) {
      if (++iterations > 10_000) break;
      const r = this.findDefinition(out, pos + 1);
      if (!r) { pos++; continue; }
      found = true;
      const { def, end, params } = r;
      if (def.multiline && nextMultiline !== null) this.multilineStack.push(nextMultiline);
      if (def.multiline) this.multilineSeqDepth = this.seqs.length;
      let value: string;
      if (def.fn) value = def.fn(params);
      else if (r.name === '_ENV') value = '';
      else value = def.value;
      if (r.envName !== undefined) value = process.env[r.envName] ?? '';
      let replacing = value;
      if (def.multiline) {
        const e = value.indexOf(DEF_LINE_END);
        replacing = e >= 0 ? value.slice(0, e) : value;
        nextMultiline = e >= 0 ? value.slice(e + 1) : null;
      }
      out = out.slice(0, pos) + replacing + out.slice(end);
      if (Buffer.byteLength(out) >= MAX_LINE) {
        this.sink.report({ err: ConfigErr.OK, message: `Parameter substitution on line '${buf}' would exceed maximum line length`, loc });
        return null;
      }
      if (value.replace(/^[ \t]+/, '').startsWith('~')) break;
    }
    if (found) this.multilineNext = nextMultiline;
    return found ? out : null;
  }

  private findDefinition(s: string, start: number): { def: Definition; end: number; params: number[]; name: string; envName?: string } | null {
    let i = start;
    const braces = s[i] === '{';
    if (braces) i++;
    if (!/[A-Za-z_]/.test(s[i] ?? '')) return null;
    let j = i + 1;
    while (j < s.length && /[A-Za-z0-9_]/.test(s[j]!)) j++;
    const name = s.slice(i, j);
    let params: number[] = [];
    let envName: string | undefined;
    let end: number;
    if (braces) {
      let k = j;
      if (name === '_ENV') {
        const m = /^[ \t]+([A-Za-z_][A-Za-z0-9_]*)\}/.exec(s.slice(k));
        if (!m) return null;
        envName = m[1];
        end = k + m[0].length;
      } else {
        const m = /^((?: *\d+)*)\}/.exec(s.slice(k));
        if (!m) return null;
        if (m[1]!.trim().length) params = m[1]!.trim().split(/ +/).map(Number);
        end = k + m[0].length;
      }
    } else {
      const c = s[j];
      if (c !== undefined && c !== ' ' && c !== '\t' && c !== ',' && c !== ')') return null;
      end = j;
    }
    const def = this.defs.get(name);
    if (!def) return null;
    const wholeLine = start === 1 && end === s.length;
    if (def.multiline && !wholeLine) return null;
    if (params.length && !def.maxParams) return null;
    if (params.length > def.maxParams) {
      this.sink.report({ err: ConfigErr.GENERAL_ERROR, message: `Definition ${name} requires between 0 and ${def.maxParams} parameters, ${params.length} specified.` });
      return null;
    }
    return { def, end, params, name, envName };
  }

  /** `~SEQ(var, [start,] [step,] end) rest` (keepalived add_seq()). */
  private addSeq(buf: string, loc: SourceLoc, raw: string): boolean {
    let p = 4;
    let hex = false;
    if (buf[p] === 'x') { hex = true; p++; }
    const m = /^[ \t]*\([ \t]*([^ \t,)]+)[ \t]*,([^)]*)\)[ \t]*(.*)$/.exec(buf.slice(p));
    if (!m) {
      this.sink.report({ err: ConfigErr.GENERAL_ERROR, message: `Invalid ~SEQ definition '${buf}'`, loc });
      return false;
    }
    const v = m[1]!;
    let argText = m[2]!;
    if (argText.includes('$')) argText = this.replaceParams(argText, loc) ?? argText;
    const parts = argText.split(',').map((x) => x.trim());
    const nums = parts.map((x) => parseCLong(x));
    if (nums.some((n) => n === null) || nums.length < 1 || nums.length > 3) {
      this.sink.report({ err: ConfigErr.GENERAL_ERROR, message: `Invalid ~SEQ definition '${buf}'`, loc });
      return false;
    }
    let start: number, step: number, end: number;
    if (nums.length === 1) { end = nums[0]!; step = end < 1 ? -1 : 1; start = end < 0 ? -1 : 1; }
    else if (nums.length === 2) { start = nums[0]!; end = nums[1]!; step = start <= end ? 1 : -1; }
    else {
      start = nums[0]!; step = nums[1]!; end = nums[2]!;
      if (!step || (start < end && step < 0) || (start > end && step > 0)) {
        this.sink.report({ err: ConfigErr.GENERAL_ERROR, message: `Invalid ~SEQ values '${buf}'`, loc });
        return false;
      }
    }
    if (hex && (start < 0 || end < 0)) {
      this.sink.report({ err: ConfigErr.GENERAL_ERROR, message: `~SEQx is only valid for positive numbers '${buf}'`, loc });
      return false;
    }
    this.seqs.push({ var: v, next: start, step, last: end, hex, text: m[3]!, loc, raw, produced: 0 });
    return true;
  }

  /** `~LST(var, v1, v2...)` and `~LST({a,b}, {1,2}, {3,4}) rest` (keepalived add_lst()). */
  private addLst(buf: string, loc: SourceLoc, raw: string): boolean {
    const open = buf.indexOf('(');
    if (open < 0 || buf.slice(4, open).trim().length) return false;
    // find matching ')' at depth 0 of braces
    let depth = 0;
    let close = -1;
    for (let i = open + 1; i < buf.length; i++) {
      const c = buf[i];
      if (c === '{') depth++;
      else if (c === '}') depth--;
      else if (c === ')' && depth === 0) { close = i; break; }
    }
    if (close < 0) return false;
    const inner = buf.slice(open + 1, close);
    const groups: string[][] = [];
    const re = /\s*(\{([^}]*)\}|[^,{}]*)\s*(,|$)/y;
    let pos = 0;
    while (pos < inner.length) {
      re.lastIndex = pos;
      const m = re.exec(inner);
      if (!m || m[0].length === 0) return false;
      const g = m[2] !== undefined ? m[2].split(',').map((x) => x.trim()) : [m[1]!.trim()];
      groups.push(g);
      pos = re.lastIndex;
    }
    if (groups.length < 2) return false;
    const params = groups[0]!;
    const values = groups.slice(1);
    for (const v of values) {
      if (v.length > params.length) {
        this.sink.report({ err: ConfigErr.GENERAL_ERROR, message: `~LST specification has too many values '${buf}'`, loc });
        return false;
      }
      while (v.length < params.length) v.push('');
    }
    this.seqs.push({ var: params[0]!, next: 0, step: 1, last: 0, hex: false, text: buf.slice(close + 1).replace(/^[ \t]+/, ''), lstParams: params, lstValues: values, lstIdx: 0, loc, raw, produced: 0 });
    return true;
  }

  /** `include`, `includer`, `includem`, `includew`, `includeb`, `includea` (keepalived check_include()). */
  private checkInclude(buf: string, loc: SourceLoc): boolean {
    const m = /^include([rmwba]?)[ \t]/.exec(buf);
    if (!m) return false;
    const t = m[1];
    const type = t === '' ? 0 : t === 'r' ? INCLUDE_R : t === 'a' ? INCLUDE_R | INCLUDE_M | INCLUDE_B | INCLUDE_W
      : t === 'w' ? INCLUDE_R | INCLUDE_M | INCLUDE_W : t === 'm' ? INCLUDE_R | INCLUDE_M : INCLUDE_R | INCLUDE_B;
    const target = buf.slice(m[0].length).replace(/^[ \t]+/, '');
    this.openGlob(target, type, loc);
    return true;
  }

  /** include_check from global_defs changes the default checks for the files read after it. */
  setIncludeCheck(bits: number): void {
    this.includeCheck = bits;
  }
}

export const INCLUDE_CHECK_BITS = { readable: INCLUDE_R, match: INCLUDE_M, wildcard_match: INCLUDE_W, brace_match: INCLUDE_B };

function parseCLong(s: string): number | null {
  // strtol base 0: decimal, 0x hex, 0 octal
  const t = s.trim();
  if (!/^[+-]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.test(t)) return null;
  const neg = t.startsWith('-');
  const u = t.replace(/^[+-]/, '');
  const n = /^0[xX]/.test(u) ? parseInt(u.slice(2), 16) : /^0[0-7]+$/.test(u) ? parseInt(u, 8) : parseInt(u, 10);
  return neg ? -n : n;
}

/** Where text splits at a brace: the first '{' or '}' outside "...", or -1. */
function bracePosition(text: string): number {
  const c0 = text.charCodeAt(0);
  if (c0 === 123 || c0 === 125) return 0;
  const o = text.indexOf('{');
  const c = text.indexOf('}');
  if (o < 0 && c < 0) return -1;
  const first = o < 0 ? c : c < 0 ? o : Math.min(o, c);
  const q = text.indexOf('"');
  if (q < 0 || q > first) return first;
  let inQ = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 34) inQ = !inQ;
    else if (!inQ && (ch === 123 || ch === 125)) return i;
  }
  return -1;
}

/** Trailing blanks (space and tab) removed. */
function trimEndBlanks(s: string): string {
  let b = s.length;
  while (b > 0 && (s.charCodeAt(b - 1) === 32 || s.charCodeAt(b - 1) === 9)) b--;
  return b === s.length ? s : s.slice(0, b);
}

/** Splits a file into physical lines; bytes that are not UTF-8 are kept as U+FFFD. */
export function splitPhysicalLines(buf: Buffer): string[] {
  const text = buf.toString('utf8');
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** 1-based column of `needle` in the physical line, when it is there verbatim. */
export function colOf(raw: string, needle: string, from = 0): number | undefined {
  const i = raw.indexOf(needle, from);
  return i >= 0 ? i + 1 : undefined;
}

/** keepalived's default config id: the node name up to the first '.' (core/main.c). */
export function defaultConfigId(): string {
  return os.hostname().split('.')[0] ?? '';
}
