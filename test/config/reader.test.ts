// The line reader as keepalived 2.2's read_line() (reference §4.1-4.6): comments, include and its
// variants, @id lines, $NAME definitions, ~SEQ/~LST, brace splitting, and both tokenisers.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigErr, DiagnosticSink } from '../../src/config/diagnostics.js';
import { ConfigReader } from '../../src/config/reader.js';
import { splitScriptArgv } from '../../src/config/build/scripts.js';
import { loadConfig, ParsedLineStream } from '../../src/config/load.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-reader-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
}

function lines(text: string, configId = 'node1'): { texts: string[]; locs: string[]; sink: DiagnosticSink } {
  const file = write(`main-${Math.random().toString(36).slice(2)}.conf`, text);
  const sink = new DiagnosticSink();
  const r = new ConfigReader(sink, { configId, randomSeed: 1 });
  r.openMain(file);
  const texts: string[] = [];
  const locs: string[] = [];
  for (let l = r.next(); l; l = r.next()) { texts.push(l.text); locs.push(`${path.basename(l.loc.file)}:${l.loc.line}`); }
  return { texts, locs, sink };
}

describe('comments', () => {
  it('# and ! end the line anywhere outside double quotes; \\# and \\! are literal', () => {
    const { texts } = lines('# full line\n! bang line\nrouter_id a # trailing\nx "a#b" ! c\nsingle \'a#b\'\nesc \\#not \\!comment\n');
    expect(texts).toEqual(['router_id a', 'x "a#b"', "single 'a", 'esc #not !comment']);
  });
  it('keeps line numbers through blank and comment lines', () => {
    const { locs } = lines('\n\n# c\nkw 1\n\nkw 2\n');
    expect(locs.map((l) => l.split(':')[1])).toEqual(['4', '6']);
  });
});

describe('brace splitting', () => {
  it('cuts at every { and } outside quotes', () => {
    expect(lines('a { b } c\n').texts).toEqual(['a', '{', 'b', '}', 'c']);
    expect(lines('x "{ not a brace }" {\n').texts).toEqual(['x "{ not a brace }"', '{']);
  });
  it('reports an extra } once', () => {
    const { sink } = lines('a\n}\n');
    expect(sink.items.map((d) => d.message)).toEqual(["Extra '}' found"]);
  });
});

describe('include', () => {
  it('is relative to the including file, with globs in sorted order and csh braces', () => {
    write('inc/sub/a.conf', 'from_a\n');
    write('inc/sub/b.conf', 'from_b\n');
    write('inc/sub/c.conf', 'from_c\n');
    write('inc/top.conf', 'top1\ninclude sub/*.conf\ninclude sub/{c,a}.conf\ntop2\n');
    const sink = new DiagnosticSink();
    const r = new ConfigReader(sink, { configId: 'n' });
    r.openMain(path.join(dir, 'inc/top.conf'));
    const out: string[] = [];
    for (let l = r.next(); l; l = r.next()) out.push(`${l.loc.file.replace(dir + '/inc/', '')}:${l.loc.line}:${l.text}`);
    expect(out).toEqual(['top.conf:1:top1', 'sub/a.conf:1:from_a', 'sub/b.conf:1:from_b', 'sub/c.conf:1:from_c',
      'sub/c.conf:1:from_c', 'sub/a.conf:1:from_a', 'top.conf:4:top2']);
    expect(sink.items).toEqual([]);
  });
  it('plain include of a missing file is a notice; includem makes it an error', () => {
    expect(lines('include nope.conf\n').sink.items.map((d) => [d.err, d.message])).toEqual([[ConfigErr.OK, "Config files missing 'nope.conf'."]]);
    expect(lines('includem nope.conf\n').sink.items.map((d) => [d.err, d.message])).toEqual([[ConfigErr.FILE_NOT_FOUND, "Config files missing 'nope.conf'."]]);
  });
  it('skips executable files as keepalived does', () => {
    const p = write('exec.conf', 'x\n');
    fs.chmodSync(p, 0o755);
    const { texts, sink } = lines(`include ${p}\nafter\n`);
    expect(texts).toEqual(['after']);
    expect(sink.items[0]!.message).toBe(`Configuration file '${p}' is not a regular non-executable file - skipping`);
  });
});

describe('@id lines', () => {
  it('keep @ID lines for the config-id, @^ID lines for the others', () => {
    const text = '@node1 a\n@node2 b\n@^node1 c\n@^node2 d\n@node1\n';
    expect(lines(text, 'node1').texts).toEqual(['a', 'd']);
    expect(lines(text, 'node2').texts).toEqual(['b', 'c']);
  });
});

describe('$NAME definitions', () => {
  it('substitute $NAME before blank , ) or end, and ${NAME} anywhere', () => {
    const { texts } = lines('$IF=eth0\n$N=5\ninterface $IF\nx ${N}0 $N,$N)\nleft 10.1.0.$N/24\n');
    expect(texts).toEqual(['interface eth0', 'x 50 5,5)', 'left 10.1.0.$N/24']);
  });
  it('multi-line definitions expand to several lines', () => {
    const { texts } = lines('$BLOCK=a 1 \\\n  b 2 \\\n  c 3\n$BLOCK\nafter\n');
    expect(texts).toEqual(['a 1', 'b 2', 'c 3', 'after']);
  });
  it('predefined names', () => {
    // keepalived decomments again after substituting, so # and ! survive only inside double quotes
    const { texts } = lines('h "${_HASH}" b "${_BANG}" i ${_INSTANCE} r ${_RANDOM 7 7}\nbare ${_HASH} gone\n', 'myid');
    expect(texts).toEqual(['h "#" b "!" i myid r 7', 'bare']);
    process.env['KT_TEST_ENV'] = 'envval';
    expect(lines('e ${_ENV KT_TEST_ENV}\n').texts).toEqual(['e envval']);
    expect(lines('p ${_PWD}\n').texts).toEqual([`p ${dir}`]);
  });
});

describe('~SEQ and ~LST', () => {
  it('repeat the rest of the line', () => {
    expect(lines('~SEQ(i, 3) n$i\n').texts).toEqual(['n1', 'n2', 'n3']);
    expect(lines('~SEQ(i, 2, 4) n$i\n').texts).toEqual(['n2', 'n3', 'n4']);
    expect(lines('~SEQ(i, 10, -5, 0) n$i\n').texts).toEqual(['n10', 'n5', 'n0']);
    expect(lines('~SEQx(i, 9, 11) n$i\n').texts).toEqual(['n9', 'na', 'nb']);
    expect(lines('~LST(v, a, b) x$v\n').texts).toEqual(['xa', 'xb']);
    expect(lines('~LST({p,q}, {1,2}, {3,4}) ${p}-$q\n').texts).toEqual(['1-2', '3-4']);
    // $NAME needs a blank , ) or the end after it: $p- stays as written
    expect(lines('~LST(p, 1) $p-x\n').texts).toEqual(['$p-x']);
  });
  it('report invalid specifications', () => {
    expect(lines('~SEQ(i, 1, 0, 5) x\n').sink.items.map((d) => d.message)).toEqual(["Invalid ~SEQ values '~SEQ(i, 1, 0, 5) x'", "Invalid ~SEQ specification '~SEQ(i, 1, 0, 5) x'"]);
    expect(lines('~SEQx(i, -1, 3) x\n').sink.items[0]!.message).toBe("~SEQx is only valid for positive numbers '~SEQx(i, -1, 3) x'");
  });
});

describe('tokenisers', () => {
  function words(text: string): string[][] {
    const file = write(`tok-${Math.random().toString(36).slice(2)}.conf`, text);
    const sink = new DiagnosticSink();
    const r = new ConfigReader(sink, { configId: 'n' });
    r.openMain(file);
    const stream = new ParsedLineStream(() => r.next(), sink);
    const out: string[][] = [];
    for (let l = stream.next(); l; l = stream.next()) out.push(l.words.map((w) => w.text));
    return out;
  }
  it('keyword words end at blanks or at a double quote; "..." is one word', () => {
    expect(words('a ab"c d" "x y" \'s\'\n')).toEqual([['a', 'ab', 'c d', 'x y', "'s'"]]);
  });
  it('scripts: both quotes, glued text and escapes, applied to the line then to the script', () => {
    // man5's example, adapted: the script word is split again into argv
    // pass 1 (the line) turns \\x20 into \x20, pass 2 (the script word) into a space
    const cfg = loadConfig({ file: write('scr.conf', 'vrrp_script s {\n  script "/bin/echo \' a\\\\x20-b \' \'\\"q q\\"\' x\\\\ty"\n}\n'), configId: 'n' });
    expect(cfg.config.vrrpScripts[0]!.script!.argv).toEqual(['/bin/echo', ' a -b ', '"q q"', 'x\ty']);
    // \x takes every hex digit that follows, kept to 8 bits, as keepalived's loop does
    expect(splitScriptArgv('\\x20b')).toEqual({ argv: ['\x0b'] });
    expect(splitScriptArgv("'abcd\" efg h jkl \"mnop'")).toEqual({ argv: ['abcd" efg h jkl "mnop'] });
    expect(splitScriptArgv('a\\x41\\101\\cA\\q')).toEqual({ argv: ['aAA\x01q'] });
    expect(splitScriptArgv('"unterminated')).toEqual({ error: `String '"unterminated': missing terminating "` });
  });
  it('a script keyword takes USER and GROUP after the script', () => {
    const cfg = loadConfig({ file: write('scru.conf', 'vrrp_instance V {\n  notify_master "/bin/true a b" nobody nogroup\n}\n'), configId: 'n' });
    expect(cfg.diagnostics.find((d) => d.message.includes('notify_master'))).toBeUndefined();
  });
});
