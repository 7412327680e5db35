// glibc getopt_long(3), reproduced step by step so that keepalived's command-line
// quirks (permutation, unique-prefix long options, attached optional arguments,
// the argv word its error messages quote) come out identical. Pure: argv in, events out.

export type ArgRule = 'none' | 'required' | 'optional';

export interface LongOption {
  name: string;
  hasArg: ArgRule;
  /** Short letter, or a number for long-only options (keepalived's val). */
  val: string | number;
}

export type GetoptEvent =
  /** A recognised option. longIndex is -1 when it came in short form. */
  | { kind: 'option'; val: string | number; arg: string | undefined; longIndex: number; word: string }
  /** getopt returned '?': unknown option, ambiguous prefix, or argument to a no-argument option. */
  | { kind: 'unknown'; optopt: string | number; word: string }
  /** getopt returned ':': required argument missing. */
  | { kind: 'missing'; optopt: string | number; longIndex: number; word: string };

export interface GetoptResult {
  events: GetoptEvent[];
  /** argv after glibc's permutation. */
  argv: string[];
  /** Index of the first non-option word in the permuted argv. */
  optind: number;
}

interface ShortSpec {
  letter: string;
  hasArg: ArgRule;
}

function parseOptstring(optstring: string): Map<string, ShortSpec> {
  const specs = new Map<string, ShortSpec>();
  // A leading ':' only silences getopt's own messages.
  for (let i = optstring.startsWith(':') ? 1 : 0; i < optstring.length; i++) {
    const letter = optstring[i]!;
    let hasArg: ArgRule = 'none';
    if (optstring[i + 1] === ':') {
      hasArg = optstring[i + 2] === ':' ? 'optional' : 'required';
      i += hasArg === 'optional' ? 2 : 1;
    }
    specs.set(letter, { letter, hasArg });
  }
  return specs;
}

const isNonOption = (word: string): boolean => word[0] !== '-' || word.length === 1;

/**
 * Runs getopt_long over argv (argv[0] is the program name) until it returns -1.
 * Each event carries `word`, argv[optind-before-the-call] at that moment: the word
 * keepalived quotes in its messages (which, after permutation, may be a non-option).
 */
export function getoptLong(argvIn: readonly string[], optstring: string, longopts: readonly LongOption[]): GetoptResult {
  const argv = [...argvIn];
  const argc = argv.length;
  const shorts = parseOptstring(optstring);
  const colonMode = optstring.startsWith(':');
  const events: GetoptEvent[] = [];
  let optind = 1;
  let firstNonopt = 1;
  let lastNonopt = 1;
  let nextchar = ''; // rest of a bundle of short options

  // Moves the block of skipped non-options after the options seen since (glibc exchange()).
  const exchange = (): void => {
    const nonopts = argv.slice(firstNonopt, lastNonopt);
    const opts = argv.slice(lastNonopt, optind);
    argv.splice(firstNonopt, optind - firstNonopt, ...opts, ...nonopts);
    firstNonopt += optind - lastNonopt;
    lastNonopt = optind;
  };

  for (let guard = 0; guard <= 4 * argc + 4; guard++) {
    const word0 = argv[optind] ?? '';
    if (nextchar === '') {
      if (lastNonopt > optind) lastNonopt = optind;
      if (firstNonopt > optind) firstNonopt = optind;
      if (firstNonopt !== lastNonopt && lastNonopt !== optind) exchange();
      else if (lastNonopt !== optind) firstNonopt = optind;
      while (optind < argc && isNonOption(argv[optind]!)) optind++;
      lastNonopt = optind;

      if (optind !== argc && argv[optind] === '--') {
        optind++;
        if (firstNonopt !== lastNonopt && lastNonopt !== optind) exchange();
        else if (firstNonopt === lastNonopt) firstNonopt = optind;
        lastNonopt = argc;
        optind = argc;
      }
      if (optind === argc) {
        if (firstNonopt !== lastNonopt) optind = firstNonopt;
        return { events, argv, optind };
      }
      const word = argv[optind]!;
      if (word[1] === '-') {
        events.push(longOption(word.slice(2), word0));
        continue;
      }
      nextchar = word.slice(1);
    }

    const c = nextchar[0]!;
    nextchar = nextchar.slice(1);
    if (nextchar === '') optind++;
    const spec = c === ':' ? undefined : shorts.get(c);
    if (!spec) {
      events.push({ kind: 'unknown', optopt: c, word: word0 });
      continue;
    }
    let arg: string | undefined;
    if (spec.hasArg === 'optional') {
      if (nextchar !== '') {
        arg = nextchar;
        optind++;
      }
      nextchar = '';
    } else if (spec.hasArg === 'required') {
      if (nextchar !== '') {
        arg = nextchar;
        optind++;
      } else if (optind === argc) {
        events.push(colonMode ? { kind: 'missing', optopt: c, longIndex: -1, word: word0 } : { kind: 'unknown', optopt: c, word: word0 });
        nextchar = '';
        continue;
      } else {
        arg = argv[optind++];
      }
      nextchar = '';
    }
    events.push({ kind: 'option', val: c, arg, longIndex: -1, word: word0 });
  }
  throw new Error('getopt: argument scan did not terminate');

  function longOption(body: string, word: string): GetoptEvent {
    const eq = body.indexOf('=');
    const name = eq === -1 ? body : body.slice(0, eq);
    let index = longopts.findIndex((o) => o.name === name);
    if (index === -1) {
      // Unique prefix; several prefixes that mean the same option are not ambiguous.
      const matches = longopts.map((o, i) => ({ o, i })).filter(({ o }) => o.name.startsWith(name));
      const first = matches[0];
      const ambiguous = matches.some(({ o }) => o.hasArg !== first!.o.hasArg || o.val !== first!.o.val);
      optind++;
      if (!first || ambiguous) return { kind: 'unknown', optopt: 0, word };
      index = first.i;
    } else {
      optind++;
    }
    const opt = longopts[index]!;
    let arg: string | undefined;
    if (eq !== -1) {
      if (opt.hasArg === 'none') return { kind: 'unknown', optopt: opt.val, word };
      arg = body.slice(eq + 1);
    } else if (opt.hasArg === 'required') {
      if (optind < argc) arg = argv[optind++];
      // glibc leaves longindex unset here (keepalived then prints garbage; we name the option).
      else return { kind: 'missing', optopt: opt.val, longIndex: index, word };
    }
    return { kind: 'option', val: opt.val, arg, longIndex: index, word };
  }
}
