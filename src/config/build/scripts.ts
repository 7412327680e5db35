// Script words: keepalived's quoted-script handling (lib/parser.c alloc_strvec_quoted,
// core/notify.c: the argv split with shell-like escapes).
import type { Script } from '../ast.js';
import type { SourceLoc } from '../diagnostics.js';
import type { BuildCtx } from './context.js';
import type { Word } from '../walker.js';

const SIMPLE_ESC: Record<string, number> = { a: 7, b: 8, E: 0x1b, f: 12, n: 10, r: 13, t: 9, v: 11 };
const isHex = (c: string | undefined) => c !== undefined && /[0-9a-fA-F]/.test(c);
const isOct = (c: string | undefined) => c !== undefined && c >= '0' && c <= '7';

/**
 * keepalived's alloc_strvec_quoted_escaped() (lib/parser.c): words separated by blanks; '...' and
 * "..." group and may be glued to text; backslash escapes everywhere, even inside quotes:
 * \a \b \E \f \n \r \t \v, \NNN octal (up to 3 digits), \xH... (every hex digit that follows,
 * kept to 8 bits), \cC (control character), \C -> C. keepalived applies it twice to a script:
 * to the whole line, then to the script word, to get the argv.
 */
export function splitScriptArgv(src: string): { argv: string[] } | { error: string } {
  const argv: string[] = [];
  let i = 0;
  let quote = '';
  const blank = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
  while (i < src.length) {
    while (i < src.length && blank(src[i]!)) i++;
    if (i >= src.length) break;
    const bytes: number[] = [];
    for (;;) {
      if (i >= src.length) {
        if (quote) return { error: `String '${src}': missing terminating ${quote}` };
        break;
      }
      const c = src[i]!;
      if (c === '\\') {
        i++;
        if (i >= src.length) return { error: `Missing escape char at end: '${src}'` };
        const e = src[i]!;
        if (e === 'x' && isHex(src[i + 1])) {
          let v = 0;
          i++;
          while (isHex(src[i])) { v = ((v << 4) | parseInt(src[i]!, 16)) & 0xff; i++; }
          bytes.push(v);
        } else if (e === 'c' && i + 1 < src.length) {
          bytes.push(src.charCodeAt(i + 1) & 0x1f);
          i += 2;
        } else if (isOct(e)) {
          let v = src.charCodeAt(i++) - 48;
          if (isOct(src[i])) v = (v << 3) + (src.charCodeAt(i++) - 48);
          if (isOct(src[i])) v = (v << 3) + (src.charCodeAt(i++) - 48);
          bytes.push(v & 0xff);
        } else {
          const simple = SIMPLE_ESC[e];
          if (simple !== undefined) bytes.push(simple);
          else bytes.push(...Buffer.from(e));
          i++;
        }
        continue;
      }
      if (quote) {
        if (c === quote) { quote = ''; i++; continue; }
        bytes.push(...Buffer.from(c)); i++;
        continue;
      }
      if (c === '"' || c === "'") { quote = c; i++; continue; }
      if (blank(c)) break;
      bytes.push(...Buffer.from(c)); i++;
    }
    argv.push(Buffer.from(bytes).toString('utf8'));
  }
  return { argv };
}

/** Builds a Script from a script keyword's words: SCRIPT [USER [GROUP]]. */
export function scriptFromWords(ctx: BuildCtx, words: Word[], loc: SourceLoc): Script | undefined {
  const cmdWord = words[0];
  if (!cmdWord) return undefined;
  const cmd = cmdWord.text;
  const r = splitScriptArgv(cmd);
  if ('error' in r) {
    ctx.error(r.error, loc);
    return undefined;
  }
  if (!r.argv.length) return undefined;
  const s: Script = { cmd, argv: r.argv, loc };
  if (words[1]) s.user = words[1].text;
  if (words[2]) s.group = words[2].text.replace(/^:/, '');
  return s;
}
