/**
 * GNU getopt_long() as iptables drives it: the option string starts with "-:" (non-options come
 * back in order as code 1, a missing argument as ':'), errors are silent (opterr = 0), long
 * options may be abbreviated to any unique prefix, and the long option table grows while parsing
 * as `-m`/`-j`/`-p` load extensions (xtables_merge_options).
 */

export interface LongOpt {
  name: string;
  /** 0 none, 1 required, 2 optional */
  hasArg: 0 | 1 | 2;
  /** what getopt returns for it */
  val: number | string;
}

/**
 * One getopt_long() answer: the option's value (its character, or a long option's `val`), 1 for a
 * non-option, -1 at the end, '?' for an unknown or ambiguous option (optopt is the short option
 * character, '' for a long one), ':' for a missing argument.
 */
export interface GetoptResult {
  c: number | string;
  optarg: string | undefined;
  optopt: string;
  why?: 'ambiguous' | 'noarg';
}

/** Short options: char → 0 none, 1 required, 2 optional. */
export type ShortOpts = Map<string, 0 | 1 | 2>;

export function shortOpts(spec: string): ShortOpts {
  const m: ShortOpts = new Map();
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i];
    if (c === ':' || (i === 0 && c === '-')) continue;
    let kind: 0 | 1 | 2 = 0;
    if (spec[i + 1] === ':') kind = spec[i + 2] === ':' ? 2 : 1;
    m.set(c, kind);
  }
  return m;
}

export class Getopt {
  /** index of the next argv element (argv[0] is the program) */
  optind = 1;
  private nextchar = '';
  /** the long option element last looked at ("--name[=value]"), for error messages */
  lastLong = '';

  /** options merged in later (extensions), after `longs` */
  readonly more: (readonly LongOpt[])[] = [];

  constructor(
    readonly argv: string[],
    readonly shorts: ShortOpts,
    readonly longs: readonly LongOpt[],
  ) {}

  /** Find a long option by exact name, else a unique prefix (an exact match anywhere wins). */
  private findLong(name: string): LongOpt | 'ambiguous' | undefined {
    let found: LongOpt | undefined;
    let ambiguous = false;
    for (let k = -1; k < this.more.length; k++) {
      const list = k < 0 ? this.longs : this.more[k];
      for (const o of list) {
        if (o.name === name) return o;
        if (o.name.startsWith(name)) {
          if (found === undefined) found = o;
          else if (found.hasArg !== o.hasArg || found.val !== o.val) ambiguous = true;
        }
      }
    }
    return ambiguous ? 'ambiguous' : found;
  }

  next(): GetoptResult {
    const argv = this.argv;
    if (this.nextchar === '') {
      if (this.optind >= argv.length) return { c: -1, optarg: undefined, optopt: '' };
      const a = argv[this.optind];
      if (a === '--') {
        this.optind = argv.length;
        return { c: -1, optarg: undefined, optopt: '' };
      }
      if (a[0] !== '-' || a.length === 1) {
        this.optind++;
        return { c: 1, optarg: a, optopt: '' };
      }
      if (a.startsWith('--')) {
        this.optind++;
        this.lastLong = a;
        const eq = a.indexOf('=');
        const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
        const o = this.findLong(name);
        if (o === undefined) return { c: '?', optarg: undefined, optopt: '' };
        if (o === 'ambiguous') return { c: '?', optarg: undefined, optopt: '', why: 'ambiguous' };
        if (eq >= 0) {
          if (o.hasArg === 0) return { c: '?', optarg: undefined, optopt: '', why: 'noarg' };
          return { c: o.val, optarg: a.slice(eq + 1), optopt: '' };
        }
        if (o.hasArg === 1) {
          if (this.optind >= argv.length) return { c: ':', optarg: undefined, optopt: '' };
          return { c: o.val, optarg: argv[this.optind++], optopt: '' };
        }
        return { c: o.val, optarg: undefined, optopt: '' };
      }
      this.nextchar = a.slice(1);
      this.optind++;
    }
    const c = this.nextchar[0];
    this.nextchar = this.nextchar.slice(1);
    const kind = this.shorts.get(c);
    if (kind === undefined) return { c: '?', optarg: undefined, optopt: c };
    if (kind === 0) return { c, optarg: undefined, optopt: '' };
    if (this.nextchar !== '') {
      const optarg = this.nextchar;
      this.nextchar = '';
      return { c, optarg, optopt: '' };
    }
    if (kind === 2) return { c, optarg: undefined, optopt: '' };
    if (this.optind >= argv.length) return { c: ':', optarg: undefined, optopt: c };
    return { c, optarg: argv[this.optind++], optopt: '' };
  }

  /** xs_has_arg(): the next element exists and starts with neither '-' nor '!' */
  hasArg(): boolean {
    const a = this.argv[this.optind];
    return a !== undefined && a[0] !== '-' && a[0] !== '!';
  }
}

/** What glibc's getopt prints when opterr is set (tools other than iptables itself leave it on). */
export function getoptError(prog: string, r: GetoptResult, g: Getopt): string {
  if (r.c === ':') return r.optopt ? `${prog}: option requires an argument -- '${r.optopt}'\n` : `${prog}: option '${g.lastLong}' requires an argument\n`;
  if (r.c !== '?') return '';
  if (r.optopt) return `${prog}: invalid option -- '${r.optopt}'\n`;
  const name = g.lastLong.split('=')[0];
  if (r.why === 'ambiguous') return `${prog}: option '${name}' is ambiguous\n`;
  if (r.why === 'noarg') return `${prog}: option '${name}' doesn't allow an argument\n`;
  return `${prog}: unrecognized option '${g.lastLong}'\n`;
}
