// test/checkd/corpus.vm.test.ts: the VM's copy of a keepalived.conf, with health checks made deterministic.
// Text-level (the same bytes go to both daemons, and our parser is not the judge of its own input).

const CHECKERS = new Set(['HTTP_GET', 'SSL_GET', 'TCP_CHECK', 'SMTP_CHECK', 'MISC_CHECK', 'UDP_CHECK', 'PING_CHECK', 'DNS_CHECK', 'BFD_CHECK', 'FILE_CHECK']);
/** A fixture saying this keeps every real server up (checkers removed, none made to fail). */
export const ALL_UP = 'corpus.vm.test.ts: all real servers up';

interface Tok { kind: 'word' | 'open' | 'close'; text: string; start: number; end: number; line: number }

/** keepalived.conf tokens: words and braces, with `#`/`!` comments and "quoted strings" kept whole. */
function tokens(text: string): Tok[] {
  const out: Tok[] = [];
  let line = 1;
  for (let i = 0; i < text.length;) {
    const c = text[i]!;
    if (c === '\n') { line++; i++; continue; }
    if (/\s/.test(c)) { i++; continue; }
    if (c === '#' || c === '!') { while (i < text.length && text[i] !== '\n') i++; continue; }
    if (c === '{' || c === '}') { out.push({ kind: c === '{' ? 'open' : 'close', text: c, start: i, end: i + 1, line }); i++; continue; }
    const start = i;
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"' && text[i] !== '\n') i++;
      i++;
    } else {
      while (i < text.length && !/[\s{}]/.test(text[i]!) && text[i] !== '#' && text[i] !== '!') i++;
    }
    out.push({ kind: 'word', text: text.slice(start, i), start, end: i, line });
  }
  return out;
}

interface Block { header: Tok[]; open: Tok; close?: Tok; children: Block[] }

/** Blocks with the words that open them (`real_server 10.0.0.1 80 {`; a `{` alone on its line takes the previous line's). */
function blocks(toks: Tok[]): Block[] {
  const root: Block = { header: [], open: toks[0]!, children: [] };
  const stack = [root];
  let stmt: Tok[] = [];
  let prev: Tok[] = [];
  for (const t of toks) {
    if (t.kind === 'word') {
      if (stmt.length && stmt.at(-1)!.line !== t.line) { prev = stmt; stmt = []; }
      stmt.push(t);
      continue;
    }
    if (t.kind === 'open') {
      const header = stmt.length && stmt.at(-1)!.line === t.line ? stmt : prev;
      const b: Block = { header, open: t, children: [] };
      stack.at(-1)!.children.push(b);
      stack.push(b);
    } else if (stack.length > 1) {
      stack.pop()!.close = t;
    }
    stmt = [];
    prev = [];
  }
  return root.children;
}

/**
 * The VM's copy of a config: in each virtual_server, real servers 1, 3, ... (1-based) get one always-refused
 * TCP_CHECK and the VS gets `alpha` (down from the start, for good); the others lose their checkers (up from
 * the start). Everything else is left as written, so both daemons read the same file.
 */
export function rewriteForVm(text: string): string {
  const allUp = text.includes(ALL_UP);
  const edits: { start: number; end: number; insert: string }[] = [];
  const walk = (list: Block[]) => {
    for (const b of list) {
      if (b.header[0]?.text === 'virtual_server' && b.close) {
        const rss = b.children.filter((c) => c.header[0]?.text === 'real_server' && c.close);
        if (rss.length && !allUp) edits.push({ start: b.open.end, end: b.open.end, insert: '\n    alpha  # corpus.vm.test.ts' });
        rss.forEach((rs, i) => {
          for (const c of rs.children) {
            if (CHECKERS.has(c.header[0]?.text ?? '') && c.close) edits.push({ start: c.header[0]!.start, end: c.close.end, insert: '# checker removed by corpus.vm.test.ts' });
          }
          if (!allUp && i % 2 === 0) {
            const v6 = (rs.header[1]?.text ?? '').includes(':');
            edits.push({
              start: rs.open.end, end: rs.open.end,
              insert: `\n        TCP_CHECK {  # corpus.vm.test.ts: always refused\n            connect_ip ${v6 ? '::1' : '127.0.0.1'}\n            connect_port 9\n            connect_timeout 1\n        }`,
            });
          }
        });
        continue;
      }
      walk(b.children);
    }
  };
  walk(blocks(tokens(text)));
  let out = text;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.insert + out.slice(e.end);
  return out;
}

