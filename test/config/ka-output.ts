// Parses `keepalived -t` output (Debian's and ours) into comparable problems.

export interface Problem {
  line?: number;
  message: string;
}

const PREFIX = /^\((?:(.+?): )?Line (\d+)\) (.*)$/;

/**
 * keepalived: one problem a line, `(FILE: Line N) text`, `(Line N) text` or bare text. The parent
 * pass prints `(Line N)` and miscounts a last line that has no newline; the child passes, reading
 * the consolidated copy, print `(FILE: Line N)` and count right: when both report a message, the
 * child pass's line is kept.
 */
export function parseKeepalived(stderr: string): Problem[] {
  const out = new Map<string, Problem>();
  const parent: Problem[] = [];
  const childMsgs = new Set<string>();
  for (const raw of stderr.split('\n')) {
    const l = raw.replace(/\s+$/, '');
    if (!l.length || l === 'Terminated') continue;
    const m = PREFIX.exec(l);
    const p: Problem = m ? { line: Number(m[2]), message: m[3]! } : { message: l };
    if (m && m[1] === undefined) { parent.push(p); continue; }
    if (m) childMsgs.add(p.message);
    out.set(`${p.line ?? ''}|${p.message}`, p);
  }
  for (const p of parent) if (!childMsgs.has(p.message)) out.set(`${p.line ?? ''}|${p.message}`, p);
  return [...out.values()];
}

/** keepalived-ts: the same first line per problem; excerpt and hint lines are indented; `note:` lines are ours. */
export function parseOurs(stderr: string): { problems: Problem[]; notes: Problem[] } {
  const problems: Problem[] = [];
  const notes: Problem[] = [];
  for (const raw of stderr.split('\n')) {
    const l = raw.replace(/\s+$/, '');
    if (!l.length || l.startsWith('  ')) continue;
    const m = PREFIX.exec(l);
    const p: Problem = m ? { line: Number(m[2]), message: m[3]! } : { message: l };
    if (p.message.startsWith('note: ')) notes.push({ ...p, message: p.message.slice(6) });
    else problems.push(p);
  }
  return { problems, notes };
}
