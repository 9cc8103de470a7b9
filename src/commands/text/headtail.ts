/**
 * head, tail and wc as GNU coreutils 9.1 prints them: -n/-c counts (head's -N for "all but the
 * last N", tail's +N for "from line N"), `==> name <==` headings for several files, and wc's
 * column width worked out from the inputs' sizes as wc.c does.
 */
import { Exit, type Ctx } from '../context';
import { cwdOf, getopt, has, last, q, readInput, strerror, view } from '../fs/common';

function fail(ctx: Ctx, text: string, code = 1): never {
  ctx.err.push(text);
  throw new Exit(code);
}

/** The old `head -5` / `tail -5` form, rewritten as -n 5 (`tail -5` takes one file only). */
function obsolete(argv: string[]): string[] {
  return argv.map((a, i) => (i === 0 && /^-\d+$/.test(a) ? `-n${a.slice(1)}` : a));
}

function count(ctx: Ctx, tool: string, v: string, what: 'lines' | 'bytes'): { n: number; sign: '' | '-' | '+' } {
  const m = /^([+-]?)(\d+)([bkKmM]?)$/.exec(v);
  if (!m) fail(ctx, `${tool}: invalid number of ${what}: ${q(v)}\n`);
  const mult = { '': 1, b: 512, k: 1024, K: 1024, m: 1024 * 1024, M: 1024 * 1024 }[m[3]] ?? 1;
  return { n: Number(m[2]) * mult, sign: m[1] as '' | '-' | '+' };
}

function headsOrTails(ctx: Ctx, tool: 'head' | 'tail', argv: string[]): void {
  if (tool === 'tail' && /^-\d+$/.test(argv[0] ?? '') && argv.filter((a) => !a.startsWith('-')).length > 1) fail(ctx, `tail: option used in invalid context -- ${argv[0].slice(1)}\n`);
  const p = getopt(ctx, tool, obsolete(argv), {
    short: 'n:c:qvfFz',
    long: { lines: { as: 'n', arg: true }, bytes: { as: 'c', arg: true }, quiet: { as: 'q' }, silent: { as: 'q' }, verbose: { as: 'v' }, follow: { as: 'f' } },
  });
  const byBytes = p.opts.filter((o) => o.name === 'n' || o.name === 'c').pop()?.name === 'c';
  const spec = byBytes ? last(p, 'c')! : (last(p, 'n') ?? '10');
  const { n, sign } = count(ctx, tool, spec, byBytes ? 'bytes' : 'lines');
  const files = p.operands.length ? p.operands : ['-'];
  const headings = has(p, 'v') || (files.length > 1 && !has(p, 'q'));
  let status = 0;
  let first = true;
  for (const f of files) {
    const r = readInput(ctx, f);
    if (!r.ok) {
      ctx.err.push(`${tool}: cannot open ${q(f)} for reading: ${strerror(r.errno)}\n`);
      status = 1;
      continue;
    }
    if (headings) ctx.out.push(`${first ? '' : '\n'}==> ${f === '-' ? 'standard input' : f} <==\n`);
    first = false;
    const text = r.text;
    if (byBytes) {
      const b = [...text];
      ctx.out.push((tool === 'head' ? (sign === '-' ? b.slice(0, Math.max(0, b.length - n)) : b.slice(0, n)) : sign === '+' ? b.slice(Math.max(0, n - 1)) : n === 0 ? [] : b.slice(-n)).join(''));
      continue;
    }
    // keep the last line's missing newline missing
    const parts = text.split(/(?<=\n)/);
    let pick: string[];
    if (tool === 'head') pick = sign === '-' ? parts.slice(0, Math.max(0, parts.length - n)) : parts.slice(0, n);
    else pick = sign === '+' ? parts.slice(Math.max(0, n - 1)) : n === 0 ? [] : parts.slice(-n);
    ctx.out.push(pick.join(''));
  }
  if (status) throw new Exit(status);
}

export const head = (ctx: Ctx, argv: string[]): void => headsOrTails(ctx, 'head', argv);
export const tail = (ctx: Ctx, argv: string[]): void => headsOrTails(ctx, 'tail', argv);

export function wc(ctx: Ctx, argv: string[]): void {
  const p = getopt(ctx, 'wc', argv, { short: 'clmwL', long: { bytes: { as: 'c' }, chars: { as: 'm' }, lines: { as: 'l' }, words: { as: 'w' }, 'max-line-length': { as: 'L' } } });
  let which = ['l', 'w', 'm', 'c', 'L'].filter((f) => has(p, f));
  if (which.length === 0) which = ['l', 'w', 'c'];
  const files = p.operands.length ? p.operands : ['-'];
  interface Row {
    name: string | null;
    counts: Record<string, number>;
  }
  const rows: Row[] = [];
  let status = 0;
  let regularTotal = 0;
  let minWidth = 1;
  let firstFailed = false;
  const total: Record<string, number> = { l: 0, w: 0, m: 0, c: 0, L: 0 };
  files.forEach((f, i) => {
    const r = readInput(ctx, f);
    if (!r.ok) {
      ctx.err.push(`wc: ${f}: ${strerror(r.errno)}\n`);
      status = 1;
      if (i === 0) firstFailed = true;
      return;
    }
    const text = r.text;
    const isRegular = f === '-' ? ctx.stdinIsFile === true : (() => {
      const st = view(ctx).stat(f, cwdOf(ctx));
      return st.ok && st.value.kind === 'file' && st.value.fsType !== 'proc';
    })();
    const c = new TextEncoder().encode(text).length;
    if (isRegular) regularTotal += c;
    else minWidth = 7;
    const counts = {
      l: (text.match(/\n/g) ?? []).length,
      w: text.split(/[ \t\n\r\f\v]+/).filter(Boolean).length,
      m: [...text].length,
      c,
      L: Math.max(0, ...text.split('\n').map((l) => l.replace(/\t/g, '        ').length)),
    };
    for (const k of Object.keys(total)) total[k] = k === 'L' ? Math.max(total[k], counts[k as keyof typeof counts]) : total[k] + counts[k as keyof typeof counts];
    rows.push({ name: f === '-' && p.operands.length === 0 ? null : f, counts });
  });
  let width = 1;
  if (!firstFailed) {
    for (let t = regularTotal; t >= 10; t = Math.floor(t / 10)) width++;
    width = Math.max(width, minWidth);
  }
  if (which.length === 1 && files.length === 1) width = 1;
  if (files.length > 1) rows.push({ name: 'total', counts: total });
  ctx.out.push(rows.map((row) => which.map((k) => String(row.counts[k]).padStart(width)).join(' ') + (row.name === null ? '' : ` ${row.name}`) + '\n').join(''));
  if (status) throw new Exit(status);
}

