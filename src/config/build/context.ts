// Shared helpers for the AST builders: reading a keyword's words with keepalived's rules.
import * as fs from 'node:fs';
import { ConfigErr, DiagnosticSink, type SourceLoc } from '../diagnostics.js';
import { keywordInfo, MISSING_VALUE_MESSAGE, type ValueSpec } from '../keyword-types.js';
import { checkTrueFalse, ValueReader } from '../values.js';
import type { KwNode, Word } from '../walker.js';

export interface InterfaceProbe {
  exists(name: string): boolean;
  isLoopback(name: string): boolean;
}

/** Interfaces of the current network namespace, read from /sys/class/net as keepalived reads netlink. */
export const sysfsInterfaces: InterfaceProbe = {
  exists: (name) => name.length > 0 && !name.includes('/') && fs.existsSync(`/sys/class/net/${name}`),
  isLoopback: (name) => {
    try { return fs.readFileSync(`/sys/class/net/${name}/type`, 'utf8').trim() === '772'; } catch { return false; }
  },
};

export class BuildCtx {
  readonly values: ValueReader;
  /** global_defs dynamic_interfaces: interfaces may appear later, so none is reported missing. */
  dynamicInterfaces = false;
  /** Where an interface that does not exist was first named (keepalived non_existent_interface_specified). */
  missingInterface: SourceLoc | undefined;

  constructor(
    readonly sink: DiagnosticSink,
    readonly ifs: InterfaceProbe = sysfsInterfaces,
  ) {
    this.values = new ValueReader(sink);
  }

  /** keepalived if_get_by_ifname(IF_CREATE_IF_DYNAMIC): a missing interface is remembered. */
  interfaceExists(name: string, loc: SourceLoc): boolean {
    if (this.dynamicInterfaces || this.ifs.exists(name)) return true;
    this.missingInterface ??= loc;
    return false;
  }

  error(message: string, loc?: SourceLoc, err: ConfigErr = ConfigErr.GENERAL_ERROR, hint?: string): void {
    this.sink.report({ err, message, loc, hint });
  }

  notice(message: string, loc?: SourceLoc, hint?: string): void {
    this.sink.report({ err: ConfigErr.OK, message, loc, hint });
  }

  /** Our own advice (keepalived prints nothing there); never changes the exit code. */
  advise(message: string, loc?: SourceLoc): void {
    this.sink.report({ err: ConfigErr.OK, message, loc, ours: true });
  }

  /** Location of word `i` of the node (0 = the keyword). */
  wordLoc(n: KwNode, i: number): SourceLoc {
    if (i === 0) return n.loc;
    const w = n.args[i - 1];
    return { file: n.loc.file, line: n.loc.line, col: w?.col, len: w?.text.length };
  }

  /**
   * keepalived's null_strvec(): a handler that needs word `i` and finds none aborts the whole
   * process with exit 2. We report it the same way and go on, so every error is listed.
   */
  need(n: KwNode, i: number, blockName = ''): string | undefined {
    const w = n.args[i - 1];
    if (w) return w.text;
    const own = i === 1 ? MISSING_VALUE_MESSAGE[`${blockName}/${n.keyword}`] ?? MISSING_VALUE_MESSAGE[n.keyword] : undefined;
    if (own) {
      this.sink.report({ err: ConfigErr.GENERAL_ERROR, message: own, loc: { ...n.loc } });
      return undefined;
    }
    const prev = i - 1 === 0 ? n.keyword : n.args[i - 2]?.text;
    this.sink.report({
      err: ConfigErr.MISSING_PARAMETER,
      message: `*** Configuration line starting \`${n.keyword}\` is missing a parameter after keyword \`${prev}\` at word position ${i + 1}`,
      loc: { ...n.loc },
      fatalMissingParameter: true,
    });
    return undefined;
  }

  /** A boolean keyword: alone = true, else true|on|yes / false|off|no. */
  bool(n: KwNode, onInvalid?: (v: string) => string): boolean | undefined {
    const w = n.args[0];
    if (!w) return true;
    const v = checkTrueFalse(w.text);
    if (v === undefined) {
      this.error(onInvalid ? onInvalid(w.text) : `Invalid value '${w.text}' for ${n.keyword}`, this.wordLoc(n, 1), ConfigErr.GENERAL_ERROR, 'use one of true, on, yes, false, off, no');
    }
    return v;
  }

  uint(n: KwNode, i: number, min: number, max: number, invalid?: (v: string) => string): number | undefined {
    const s = this.need(n, i);
    if (s === undefined) return undefined;
    const v = this.values.uint(s, min, max, this.wordLoc(n, i));
    if (v === undefined && invalid) this.error(invalid(s), this.wordLoc(n, i));
    return v;
  }

  int(n: KwNode, i: number, min: number, max: number, invalid?: (v: string) => string): number | undefined {
    const s = this.need(n, i);
    if (s === undefined) return undefined;
    const v = this.values.int(s, min, max, this.wordLoc(n, i));
    if (v === undefined && invalid) this.error(invalid(s), this.wordLoc(n, i));
    return v;
  }

  /** A timer in seconds with µs resolution, returned in ms. */
  timerMs(n: KwNode, i: number, minS: number, maxS: number, invalid?: (v: string) => string): number | undefined {
    const s = this.need(n, i);
    if (s === undefined) return undefined;
    const us = this.values.timerUs(s, minS, maxS, this.wordLoc(n, i));
    if (us === undefined) {
      if (invalid) this.error(invalid(s), this.wordLoc(n, i));
      return undefined;
    }
    return us / 1000;
  }

  /** Validates a keyword by its generic spec (for keywords without a dedicated handler). */
  bySpec(n: KwNode, blockName: string): string[] {
    const spec: ValueSpec = keywordInfo(blockName, n.keyword).spec;
    const words = n.args.map((w: Word) => w.text);
    switch (spec.t) {
      case 'int': {
        const v = this.int(n, 1, spec.min, spec.max);
        if (v === undefined && n.args[0] && spec.invalid) this.error(spec.invalid.replace('%s', n.args[0].text), n.loc);
        break;
      }
      case 'timer': {
        const v = this.timerMs(n, 1, spec.min, spec.max);
        if (v === undefined && n.args[0] && spec.invalid) this.error(spec.invalid.replace('%s', n.args[0].text), n.loc);
        break;
      }
      case 'bool': this.bool(n); break;
      case 'str': case 'ip': case 'script': this.need(n, 1, blockName); break;
      case 'words': for (let i = 1; i <= spec.min; i++) this.need(n, i, blockName); break;
      case 'enum': {
        const s = this.need(n, 1);
        if (s !== undefined) {
          const ok = spec.ci ? spec.values.some((x) => x.toLowerCase() === s.toLowerCase()) : spec.values.includes(s);
          if (!ok) this.error(spec.invalid?.replace('%s', s) ?? `Invalid ${n.keyword} '${s}'`, this.wordLoc(n, 1), ConfigErr.GENERAL_ERROR, `expected one of ${spec.values.join(', ')}`);
        }
        break;
      }
      default: break;
    }
    return words;
  }
}

/** Splits a `weight N [reverse]` tail. */
export function parseWeightWords(words: string[]): { weight?: string; reverse: boolean; extra?: string } {
  let weight: string | undefined;
  let reverse = false;
  let extra: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === 'weight') weight = words[++i];
    else if (w === 'reverse') reverse = true;
    else if (w === 'noreverse') reverse = false;
    else extra ??= w;
  }
  return { weight, reverse, extra };
}
