import { parseIpv4, parsePrefix, type Ipv4, type Prefix } from '../../engine/addr/ipv4';
import { KernelError, STRERROR } from '../../engine/fib/route';
import type { Netdev } from '../../engine/netns/netdev';
import { fail, type Ctx } from '../context';

/** iproute2's argument helpers, with their exact messages and exit codes. */

export const matches = (arg: string, word: string): boolean => arg.length > 0 && word.startsWith(arg);

export class Argv {
  constructor(
    private readonly ctx: Ctx,
    private readonly a: string[],
    private i = 0,
  ) {}
  get done(): boolean {
    return this.i >= this.a.length;
  }
  peek(): string | undefined {
    return this.a[this.i];
  }
  take(): string {
    return this.a[this.i++];
  }
  /** NEXT_ARG() */
  next(): string {
    if (this.i >= this.a.length) incomplete(this.ctx);
    return this.a[this.i++];
  }
  rest(): string[] {
    const r = this.a.slice(this.i);
    this.i = this.a.length;
    return r;
  }
}

export const incomplete = (ctx: Ctx): never => fail(ctx, 'Command line is not complete. Try option "help"\n', 255);

export const invarg = (ctx: Ctx, msg: string, arg: string): never => fail(ctx, `Error: argument "${arg}" is wrong: ${msg}\n`, 255);

export const duparg2 = (ctx: Ctx, key: string, arg: string): never => fail(ctx, `Error: either "${key}" is duplicate, or "${arg}" is a garbage.\n`, 255);

export function getPrefix(ctx: Ctx, text: string): Prefix {
  const p = parsePrefix(text);
  if (!p) fail(ctx, `Error: any valid prefix is expected rather than "${text}".\n`, 1);
  return p!;
}

export function getAddr(ctx: Ctx, text: string): Ipv4 {
  const a = parseIpv4(text);
  if (a === null) fail(ctx, `Error: inet address is expected rather than "${text}".\n`, 1);
  return a!;
}

/** get_integer(): strtol() in base 0 (0x hex, leading-0 octal), the whole word, within an int. */
export function getInteger(text: string): number | null {
  const m = /^\s*([-+]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return null;
  const digits = m[2];
  const n = (m[1] === '-' ? -1 : 1) * (/^0[xX]/.test(digits) ? parseInt(digits.slice(2), 16) : digits.length > 1 && digits[0] === '0' ? parseInt(digits, 8) : Number(digits));
  return n >= -2147483648 && n <= 2147483647 ? n : null;
}

export function getU32(text: string): number | null {
  if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(text)) return null;
  const n = Number(text);
  return n <= 0xffffffff ? n : null;
}

/** ll_name_to_index() failure */
export const nodev = (ctx: Ctx, name: string): never => fail(ctx, `Cannot find device "${name}"\n`, 1);

export function devOrFail(ctx: Ctx, name: string): Netdev {
  return ctx.ns.devByName(name) ?? nodev(ctx, name);
}

/**
 * The device argument of `ip link set|del|show`: `dev NAME` (t is "dev") or a bare NAME (t itself).
 * Naming a device twice is duparg2's "either "dev" is duplicate, or "X" is a garbage".
 */
export function takeDevName(ctx: Ctx, a: Argv, t: string, seen: string | undefined): string {
  const name = t === 'dev' ? a.next() : t;
  if (seen !== undefined) duparg2(ctx, 'dev', name);
  return name;
}

/** The device an `ip link set|del` must have been given (exit 255 like iproute2's missing-argument error). */
export function requiredDev(ctx: Ctx, name: string | undefined): Netdev {
  if (name === undefined) fail(ctx, 'Not enough information: "dev" argument is required.\n', 255);
  return devOrFail(ctx, name!);
}

/** rtnetlink error as iproute2 prints it: the extack message when there is one. */
export function rtnlError(ctx: Ctx, e: unknown): never {
  if (e instanceof KernelError) {
    if (e.extack) return fail(ctx, `Error: ${e.extack}.\n`, 2);
    return fail(ctx, `RTNETLINK answers: ${STRERROR[e.errno]}\n`, 2);
  }
  throw e;
}

/**
 * iproute2's check_altifname(): not empty, no '/', no white space (C's isspace). Control characters
 * pass: the kernel takes them too (dev_valid_name), and `ip link` prints them as they are.
 */
export function checkAltIfname(name: string): boolean {
  return name.length > 0 && !/[/ \t\n\v\f\r]/.test(name);
}

/** iproute2's check_ifname(): check_altifname() and shorter than IFNAMSIZ (16). */
export function checkIfname(name: string): boolean {
  return checkAltIfname(name) && name.length < 16;
}

/** rtnl_rtscope_a2n(): a scope by name (/etc/iproute2/rt_scopes) or number; undefined when neither. */
const RT_SCOPES: Record<string, number> = { global: 0, universe: 0, site: 200, link: 253, host: 254, nowhere: 255 };
export function rtScope(text: string): number | undefined {
  if (Object.hasOwn(RT_SCOPES, text)) return RT_SCOPES[text];
  const n = getU32(text);
  return n === null || n > 255 ? undefined : n;
}
