/**
 * What the file and text tools share: the file system the command's namespace sees, its working
 * directory, GNU getopt_long's reading of options (bundled short options, operands anywhere, `--`),
 * and how coreutils quotes a file name in a message in the C locale ('name').
 */
import { strerror, type Errno, type FsView } from '../../engine/fs';
import { nsFiles } from './machine';
import { Exit, type Ctx } from '../context';

export const view = (ctx: Ctx): FsView => nsFiles(ctx.world, ctx.ns);
export const cwdOf = (ctx: Ctx): string => ctx.cwd ?? '/';

/** coreutils' quote(): a name in single quotes, a quote inside it written '\'' (shell-escape style). */
export function q(name: string): string {
  return `'${name.replace(/'/g, "'\\''")}'`;
}

export { strerror, type Errno };

export interface OptSpec {
  /** short options: letters; a letter followed by ':' takes an argument */
  short: string;
  /** long option name → the short letter it means (or itself), and whether it takes an argument */
  long?: Record<string, { as: string; arg?: boolean }>;
}

export interface Parsed {
  /** options in the order given, each with its argument */
  opts: { name: string; arg?: string }[];
  operands: string[];
}

/** The end of a usage error: GNU tools point at --help. */
export const tryHelp = (tool: string) => `Try '${tool} --help' for more information.\n`;

/**
 * getopt_long() with GNU's argument permutation. A bad option prints the tool's message and
 * throws Exit(code).
 */
export function getopt(ctx: Ctx, tool: string, argv: string[], spec: OptSpec, code = 1, tail = tryHelp(tool)): Parsed {
  const opts: Parsed['opts'] = [];
  const operands: string[] = [];
  const takesArg = (c: string) => spec.short.includes(`${c}:`);
  const fail = (msg: string): never => {
    ctx.err.push(`${tool}: ${msg}\n${tail}`);
    throw new Exit(code);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const names = Object.keys(spec.long ?? {});
      const exact = names.includes(name) ? [name] : names.filter((n) => n.startsWith(name));
      if (exact.length === 0) fail(`unrecognized option '${a}'`);
      if (exact.length > 1) fail(`option '${a}' is ambiguous; possibilities:${exact.map((n) => ` '--${n}'`).join('')}`);
      const def = spec.long![exact[0]];
      if (def.arg) {
        const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined) fail(`option '--${exact[0]}' requires an argument`);
        opts.push({ name: def.as, arg: v });
      } else {
        if (eq >= 0) fail(`option '--${exact[0]}' doesn't allow an argument`);
        opts.push({ name: def.as });
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j];
        if (!spec.short.replace(/:/g, '').includes(c)) fail(`invalid option -- '${c}'`);
        if (takesArg(c)) {
          const v = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
          if (v === undefined) fail(`option requires an argument -- '${c}'`);
          opts.push({ name: c, arg: v });
          break;
        }
        opts.push({ name: c });
      }
      continue;
    }
    operands.push(a);
  }
  return { opts, operands };
}

export const has = (p: Parsed, ...names: string[]) => p.opts.some((o) => names.includes(o.name));
export const last = (p: Parsed, name: string) => [...p.opts].reverse().find((o) => o.name === name)?.arg;

/** A file's contents for a tool that reads files (`-` or none: standard input), or the tool's complaint. */
export function readInput(ctx: Ctx, name: string): { ok: true; text: string } | { ok: false; errno: Errno } {
  if (name === '-') return { ok: true, text: ctx.stdin ?? '' };
  const r = view(ctx).readFile(name, cwdOf(ctx));
  return r.ok ? { ok: true, text: r.value } : { ok: false, errno: r.errno };
}

/** Lines of a text without the final newline's empty piece. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const l = text.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
}
