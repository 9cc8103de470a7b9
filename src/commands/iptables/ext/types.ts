/**
 * An iptables extension as libxtables sees it: its long options (merged into getopt's table when
 * the extension is loaded), how each option's argument is parsed into the engine's typed value,
 * the final checks, and how `iptables -L` prints it. (`-S` and iptables-save print through the
 * engine's save.ts, which the trace shares.)
 */
import type { XtMatch } from '../../../engine/netfilter/xt/matches';
import type { XtTarget } from '../../../engine/netfilter/xt/targets';
import { paramProblem } from '../xtables';

/** struct xt_option_entry, the part Hoplab needs */
export interface XtOption {
  name: string;
  /** 0 none, 1 required, 2 optional */
  hasArg?: 0 | 1 | 2;
  /** XTOPT_INVERT: `! --name` allowed */
  invert?: boolean;
  /** XTOPT_MULTI: may be given more than once */
  multi?: boolean;
  /** XTOPT_MAND */
  mand?: boolean;
  /** options this one needs (XTOPT also) and excludes */
  also?: string[];
  excl?: string[];
}

/** What parsing an option can see of the rest of the rule. */
export interface RuleContext {
  /** -p so far (0 = none) and whether it is inverted */
  proto: number;
  protoInv: boolean;
}

export interface Extension<T> {
  name: string;
  options: XtOption[];
  /**
   * Old-style extensions (libxt_tcp, libxt_udp, libxt_multiport) check repeats and inversion
   * themselves, with their own messages; x6 ones get xtables_option_parse()'s.
   */
  legacy?: boolean;
  init(rc: RuleContext): T;
  /** `seen` names the options given before this one (old-style extensions check repeats themselves) */
  parse(v: T, opt: string, arg: string, invert: boolean, rc: RuleContext, seen: Seen): void;
  /** final check (x6_fcheck) after every option was seen; `seen` names the options given */
  final?(v: T, seen: Seen, rc: RuleContext): void;
}

export interface MatchExtension<T extends XtMatch = XtMatch> extends Extension<T> {
  print(v: T, numeric: boolean): string;
}

export interface TargetExtension<T extends XtTarget = XtTarget> extends Extension<T> {
  print(v: T, numeric: boolean): string;
}

/** The options given so far (a set's has and size). */
export interface Seen {
  has(name: string): boolean;
  readonly size: number;
}

/** xtables_option_parse()'s checks before an x6 option's value is read. */
export function x6Check(ext: string, o: XtOption, seen: Seen, invert: boolean): void {
  if (seen.has(o.name) && !o.multi) paramProblem(`${ext}: option "--${o.name}" can only be used once.\n`);
  if (invert && !o.invert) paramProblem(`${ext}: option "--${o.name}" cannot be inverted.\n`);
}

/** xtables_options_fcheck(): mandatory options, and what each needs or excludes. */
export function x6Fcheck(ext: string, options: XtOption[], seen: Seen): void {
  for (const o of options) {
    if (o.mand && !seen.has(o.name)) paramProblem(`${ext}: option "--${o.name}" must be specified\n`);
    if (!seen.has(o.name)) continue;
    for (const a of o.also ?? []) if (!seen.has(a)) paramProblem(`${ext}: option "--${o.name}" also requires "--${a}".\n`);
    for (const x of o.excl ?? []) if (seen.has(x)) paramProblem(`${ext}: option "--${o.name}" cannot be used together with "--${x}".\n`);
  }
}
