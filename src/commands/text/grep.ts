/**
 * GNU grep 3.8: basic, extended (-E) and fixed (-F) patterns, -i -v -w -x -c -o -q -s -n -h -H
 * -l -L -m -r and context (-A -B -C), over files or standard input, with its messages and exit
 * status (0 a line matched, 1 none, 2 trouble).
 */
import { Exit, type Ctx } from '../context';
import { cwdOf, getopt, has, last, readInput, splitLines, strerror, view } from '../fs/common';
import { compile, RegexError } from './regex';

const USAGE = "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n";

/** Files under a directory, depth first in name order (grep -r). */
function walk(ctx: Ctx, dir: string, out: string[]): void {
  const list = view(ctx).readdir(dir, cwdOf(ctx));
  if (!list.ok) return;
  for (const e of list.value.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = dir.endsWith('/') ? `${dir}${e.name}` : `${dir}/${e.name}`;
    if (e.stat.kind === 'dir') walk(ctx, path, out);
    else if (e.stat.kind === 'file') out.push(path);
  }
}

export function grep(ctx: Ctx, argv: string[]): void {
  const p = getopt(
    ctx,
    'grep',
    argv,
    {
      short: 'EFGiyvwxcoqsnhHlLrRZe:f:m:A:B:C:',
      long: {
        'extended-regexp': { as: 'E' },
        'fixed-strings': { as: 'F' },
        'basic-regexp': { as: 'G' },
        'ignore-case': { as: 'i' },
        'invert-match': { as: 'v' },
        'word-regexp': { as: 'w' },
        'line-regexp': { as: 'x' },
        count: { as: 'c' },
        'only-matching': { as: 'o' },
        quiet: { as: 'q' },
        silent: { as: 'q' },
        'no-messages': { as: 's' },
        'line-number': { as: 'n' },
        'no-filename': { as: 'h' },
        'with-filename': { as: 'H' },
        'files-with-matches': { as: 'l' },
        'files-without-match': { as: 'L' },
        recursive: { as: 'r' },
        regexp: { as: 'e', arg: true },
        file: { as: 'f', arg: true },
        'max-count': { as: 'm', arg: true },
        color: { as: 'color', arg: true },
        colour: { as: 'color', arg: true },
      },
    },
    2,
    "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n",
  );
  const patterns: string[] = [];
  let operands = p.operands;
  let anyPattern = false;
  for (const o of p.opts) {
    if (o.name === 'e') {
      patterns.push(...o.arg!.split('\n'));
      anyPattern = true;
    } else if (o.name === 'f') {
      const r = readInput(ctx, o.arg!);
      if (!r.ok) {
        ctx.err.push(`grep: ${o.arg}: ${strerror(r.errno)}\n`);
        throw new Exit(2);
      }
      patterns.push(...splitLines(r.text));
      anyPattern = true;
    }
  }
  if (!anyPattern) {
    if (operands.length === 0) {
      ctx.err.push(USAGE);
      throw new Exit(2);
    }
    patterns.push(...operands[0].split('\n'));
    operands = operands.slice(1);
  }
  const mode = p.opts.reduce((m, o) => (o.name === 'E' || o.name === 'F' || o.name === 'G' ? o.name : m), 'G');
  const icase = has(p, 'i', 'y');
  const invert = has(p, 'v');
  const word = has(p, 'w');
  const line = has(p, 'x');
  const count = has(p, 'c');
  const only = has(p, 'o');
  const quiet = has(p, 'q');
  const silent = has(p, 's');
  const numbered = has(p, 'n');
  const listMatch = has(p, 'l');
  const listNoMatch = has(p, 'L');
  const recursive = has(p, 'r', 'R');
  const maxArg = last(p, 'm');
  const max = maxArg === undefined ? Infinity : Number(maxArg);
  const ctxArg = (n: string) => {
    const v = last(p, n) ?? last(p, 'C');
    if (v !== undefined && !/^\d+$/.test(v)) {
      ctx.err.push(`grep: ${v}: invalid context length argument\n`);
      throw new Exit(2);
    }
    return v === undefined ? 0 : Number(v);
  };
  const after = ctxArg('A');
  const before = ctxArg('B');

  let re: RegExp;
  try {
    const sources = patterns.map((pat) => {
      if (mode === 'F') return pat.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      return compile(pat, { extended: mode === 'E', strictClasses: true }).source;
    });
    const alt = sources.map((s) => `(?:${s})`).join('|');
    const body = line ? `^(?:${alt})$` : word ? `(?<![A-Za-z0-9_])(?:${alt})(?![A-Za-z0-9_])` : alt;
    re = new RegExp(body, icase ? 'gi' : 'g');
  } catch (e) {
    ctx.err.push(`grep: ${e instanceof RegexError ? e.message : 'Invalid regular expression'}\n`);
    throw new Exit(2);
  }

  let files = operands.length ? operands : [recursive ? '.' : '-'];
  if (recursive) {
    const expanded: string[] = [];
    for (const f of files) {
      const st = f === '-' ? null : view(ctx).stat(f, cwdOf(ctx));
      if (st?.ok && st.value.kind === 'dir') walk(ctx, f === '.' && operands.length === 0 ? '.' : f, expanded);
      else expanded.push(f);
    }
    files = operands.length === 0 ? expanded.map((f) => f.replace(/^\.\//, '')) : expanded;
  }
  const withName = has(p, 'H') || (!has(p, 'h') && (files.length > 1 || recursive));
  let matchedAny = false;
  let trouble = false;
  const out: string[] = [];
  for (const f of files) {
    const name = f === '-' ? '(standard input)' : f;
    if (f !== '-') {
      const st = view(ctx).stat(f, cwdOf(ctx));
      if (st.ok && st.value.kind === 'dir') {
        if (!silent) ctx.err.push(`grep: ${f}: Is a directory\n`);
        trouble = true;
        continue;
      }
    }
    const r = readInput(ctx, f);
    if (!r.ok) {
      if (!silent) ctx.err.push(`grep: ${f}: ${strerror(r.errno)}\n`);
      trouble = true;
      continue;
    }
    const lines = splitLines(r.text);
    let hits = 0;
    let lastPrinted = -1;
    let pendingAfter = 0;
    const prefix = (i: number, sep: string) => `${withName ? `${name}${sep}` : ''}${numbered ? `${i + 1}${sep}` : ''}`;
    for (let i = 0; i < lines.length && hits < max; i++) {
      const l = lines[i];
      re.lastIndex = 0;
      const matches = re.test(l) !== invert;
      if (!matches) {
        if (pendingAfter > 0 && !count && !quiet && !listMatch && !listNoMatch) {
          out.push(`${prefix(i, '-')}${l}\n`);
          lastPrinted = i;
          pendingAfter--;
        }
        continue;
      }
      hits++;
      if (count || quiet || listMatch || listNoMatch) continue;
      if ((before || after) && lastPrinted >= 0 && i - before > lastPrinted + 1) out.push('--\n');
      for (let b = Math.max(lastPrinted + 1, i - before); b < i; b++) out.push(`${prefix(b, '-')}${lines[b]}\n`);
      if (only && !invert) {
        re.lastIndex = 0;
        for (const m of l.matchAll(re)) if (m[0] !== '') out.push(`${prefix(i, ':')}${m[0]}\n`);
      } else if (!only) out.push(`${prefix(i, ':')}${l}\n`);
      lastPrinted = i;
      pendingAfter = after;
    }
    if (hits > 0) matchedAny = true;
    if (quiet && matchedAny) break;
    if (count) out.push(`${withName ? `${name}:` : ''}${hits}\n`);
    if (listMatch && hits > 0) out.push(`${name}\n`);
    if (listNoMatch && hits === 0) out.push(`${name}\n`);
  }
  if (!quiet) ctx.out.push(out.join(''));
  if (quiet && matchedAny) return;
  if (trouble) throw new Exit(2);
  if (!matchedAny) throw new Exit(1);
}
