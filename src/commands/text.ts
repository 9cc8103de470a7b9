import { Exit, fail, type Ctx } from './context';
import type { CommandSpec } from './registry/types';

/**
 * The text filters a pipeline needs (`ip neigh | grep REACHABLE`, `bridge fdb | wc -l`): grep, head, tail,
 * wc and sort, reading what the command before them printed. Files other than stdin do not exist here.
 */

const lines = (text: string): string[] => {
  const l = text.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
};
const join = (l: string[]): string => l.map((x) => `${x}\n`).join('');

function noFile(ctx: Ctx, tool: string, file: string, code: number): never {
  return fail(ctx, `${tool}: ${file}: No such file or directory\n`, code);
}

/** A basic regular expression (grep's default) as a JavaScript one: + ? | ( ) { } are plain characters. */
function breToRegExp(p: string): string {
  let out = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\' && i + 1 < p.length) {
      const n = p[++i];
      out += '+?|(){}'.includes(n) ? n : `\\${n}`;
    } else out += '+?|(){}'.includes(c) ? `\\${c}` : c;
  }
  return out;
}

export function grep(ctx: Ctx, argv: string[]): void {
  let invert = false;
  let count = false;
  let quiet = false;
  let ignoreCase = false;
  let mode: 'bre' | 'ere' | 'fixed' = 'bre';
  let word = false;
  let numbered = false;
  const patterns: string[] = [];
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-e') {
      if (i + 1 >= argv.length) fail(ctx, "grep: option requires an argument -- 'e'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n", 2);
      patterns.push(argv[++i]);
    } else if (a.startsWith('-') && a.length > 1 && !a.startsWith('--')) {
      for (const f of a.slice(1)) {
        if (f === 'v') invert = true;
        else if (f === 'c') count = true;
        else if (f === 'q') quiet = true;
        else if (f === 'i') ignoreCase = true;
        else if (f === 'E') mode = 'ere';
        else if (f === 'F') mode = 'fixed';
        else if (f === 'w') word = true;
        else if (f === 'n') numbered = true;
        else fail(ctx, `grep: invalid option -- '${f}'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n`, 2);
      }
    } else if (patterns.length === 0 && !argv.slice(0, i).includes('-e')) patterns.push(a);
    else files.push(a);
  }
  if (patterns.length === 0) fail(ctx, "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n", 2);
  if (files.length && files[0] !== '-') noFile(ctx, 'grep', files[0], 2);
  const sources = patterns.flatMap((p) => p.split('\n')).map((p) => (mode === 'fixed' ? p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : mode === 'bre' ? breToRegExp(p) : p));
  let re: RegExp;
  try {
    re = new RegExp(sources.map((s) => (word ? `\\b(?:${s})\\b` : `(?:${s})`)).join('|'), ignoreCase ? 'i' : '');
  } catch {
    fail(ctx, 'grep: Unmatched ( or \\(\n', 2);
  }
  const hits: string[] = [];
  lines(ctx.stdin ?? '').forEach((l, i) => {
    if (re!.test(l) !== invert) hits.push(numbered ? `${i + 1}:${l}` : l);
  });
  if (!quiet) ctx.out.push(count ? `${hits.length}\n` : join(hits));
  if (hits.length === 0) throw new Exit(1);
}

function countArg(ctx: Ctx, tool: string, argv: string[]): { n: number; files: string[] } {
  let n = 10;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = a === '-n' ? argv[++i] : /^-n\d+$/.test(a) ? a.slice(2) : /^-\d+$/.test(a) ? a.slice(1) : undefined;
    if (v !== undefined) {
      if (!/^\d+$/.test(v ?? '')) fail(ctx, `${tool}: invalid number of lines: ‘${v ?? ''}’\n`, 1);
      n = Number(v);
    } else if (a.startsWith('-') && a !== '-') fail(ctx, `${tool}: invalid option -- '${a.slice(1)}'\nTry '${tool} --help' for more information.\n`, 1);
    else files.push(a);
  }
  if (files.length && files[0] !== '-') noFile(ctx, tool, files[0], 1);
  return { n, files };
}

export function head(ctx: Ctx, argv: string[]): void {
  const { n } = countArg(ctx, 'head', argv);
  ctx.out.push(join(lines(ctx.stdin ?? '').slice(0, n)));
}

export function tail(ctx: Ctx, argv: string[]): void {
  const { n } = countArg(ctx, 'tail', argv);
  const l = lines(ctx.stdin ?? '');
  ctx.out.push(join(n === 0 ? [] : l.slice(-n)));
}

export function wc(ctx: Ctx, argv: string[]): void {
  const flags = new Set<string>();
  for (const a of argv) {
    if (a.startsWith('-') && a.length > 1) for (const f of a.slice(1)) {
      if (!'lwc'.includes(f)) fail(ctx, `wc: invalid option -- '${f}'\nTry 'wc --help' for more information.\n`, 1);
      flags.add(f);
    } else if (a !== '-') noFile(ctx, 'wc', a, 1);
  }
  const text = ctx.stdin ?? '';
  const counts: Record<string, number> = {
    l: (text.match(/\n/g) ?? []).length,
    w: text.split(/\s+/).filter(Boolean).length,
    c: new TextEncoder().encode(text).length,
  };
  const shown = flags.size ? ['l', 'w', 'c'].filter((f) => flags.has(f)) : ['l', 'w', 'c'];
  ctx.out.push(shown.length === 1 ? `${counts[shown[0]]}\n` : `${shown.map((f) => String(counts[f]).padStart(7)).join(' ')}\n`);
}

export function sort(ctx: Ctx, argv: string[]): void {
  let reverse = false;
  let numeric = false;
  let unique = false;
  for (const a of argv) {
    if (a.startsWith('-') && a.length > 1) for (const f of a.slice(1)) {
      if (f === 'r') reverse = true;
      else if (f === 'n') numeric = true;
      else if (f === 'u') unique = true;
      else fail(ctx, `sort: invalid option -- '${f}'\nTry 'sort --help' for more information.\n`, 2);
    } else if (a !== '-') fail(ctx, `sort: cannot read: ${a}: No such file or directory\n`, 2);
  }
  let l = lines(ctx.stdin ?? '');
  l.sort(numeric ? (a, b) => parseFloat(a) - parseFloat(b) || (a < b ? -1 : a > b ? 1 : 0) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (reverse) l.reverse();
  if (unique) l = l.filter((x, i) => i === 0 || x !== l[i - 1]);
  ctx.out.push(join(l));
}

export const grepCommand: CommandSpec = { name: 'grep', kind: 'read', summary: 'print the lines of its input that match a pattern', learn: 'grep --help', run: grep };
export const headCommand: CommandSpec = { name: 'head', kind: 'read', summary: 'print the first lines of its input', run: head };
export const tailCommand: CommandSpec = { name: 'tail', kind: 'read', summary: 'print the last lines of its input', run: tail };
export const wcCommand: CommandSpec = { name: 'wc', kind: 'read', summary: 'count the lines, words and bytes of its input', run: wc };
export const sortCommand: CommandSpec = { name: 'sort', kind: 'read', summary: 'print the lines of its input in order', run: sort };
