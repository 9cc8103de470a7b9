/**
 * GNU sort 9.1 in the C locale: keys (-k POS1[,POS2] with per-key n r b f h flags), a field
 * separator (-t), numeric (-n), human (-h) and version (-V) order, -r -u -f -b -s -c -o, and the
 * whole-line byte comparison it falls back on when keys tie.
 */
import { Exit, type Ctx } from '../context';
import { cwdOf, getopt, has, last, readInput, splitLines, strerror, view } from '../fs/common';

interface Key {
  f1: number;
  c1: number;
  f2: number | null;
  c2: number;
  flags: string;
}

function fail(ctx: Ctx, text: string, code = 2): never {
  ctx.err.push(text);
  throw new Exit(code);
}

const blank = (c: string | undefined) => c === ' ' || c === '\t';

function parseKey(ctx: Ctx, spec: string): Key {
  const m = /^(\d+)(?:\.(\d+))?([bdfghinMRrV]*)(?:,(\d+)(?:\.(\d+))?([bdfghinMRrV]*))?$/.exec(spec);
  if (!m) fail(ctx, `sort: invalid number at field start: invalid count at start of '${spec}'\n`);
  if (Number(m[1]) === 0) fail(ctx, `sort: field number is zero: invalid field specification '${spec}'\n`);
  if (m[2] !== undefined && Number(m[2]) === 0) fail(ctx, `sort: character offset is zero: invalid field specification '${spec}'\n`);
  return { f1: Number(m[1]), c1: m[2] === undefined ? 1 : Number(m[2]), f2: m[4] === undefined ? null : Number(m[4]), c2: m[5] === undefined ? 0 : Number(m[5]), flags: (m[3] ?? '') + (m[6] ?? '') };
}

/** Field start offsets: after each separator char, or (no -t) at each blank run that starts a field. */
function fieldStarts(line: string, tab: string | null): number[] {
  const starts = [0];
  if (tab !== null) {
    for (let i = 0; i < line.length; i++) if (line[i] === tab) starts.push(i + 1);
    return starts;
  }
  for (let i = 1; i < line.length; i++) if (blank(line[i]) && !blank(line[i - 1])) starts.push(i);
  return starts;
}

function keyText(line: string, k: Key, tab: string | null, skipBlanks: boolean): string {
  const starts = fieldStarts(line, tab);
  const fieldEnd = (f: number) => (f < starts.length ? (tab !== null ? starts[f] - 1 : starts[f]) : line.length);
  let s = k.f1 - 1 < starts.length ? starts[k.f1 - 1] : line.length;
  if (skipBlanks || k.flags.includes('b')) while (s < line.length && blank(line[s])) s++;
  s = Math.min(line.length, s + k.c1 - 1);
  let e: number;
  if (k.f2 === null) e = line.length;
  else if (k.c2 === 0) e = fieldEnd(k.f2);
  else {
    let fs = k.f2 - 1 < starts.length ? starts[k.f2 - 1] : line.length;
    if (k.flags.includes('b')) while (fs < line.length && blank(line[fs])) fs++;
    e = Math.min(line.length, fs + k.c2);
  }
  return e > s ? line.slice(s, e) : '';
}

/** -n: leading blanks, an optional minus, digits and a decimal point; anything else is 0. */
function numeric(s: string): number {
  const m = /^[ \t]*(-?)(\d*)(\.\d*)?/.exec(s)!;
  if (m[2] === '' && (m[3] ?? '.') === '.') return 0;
  return Number(`${m[1]}${m[2] || '0'}${m[3] ?? ''}`);
}

const SUFFIX = ' KMGTPEZY';
function human(s: string): number {
  const m = /^[ \t]*(-?\d*\.?\d*)([KMGTPEZYk]?)/.exec(s)!;
  const n = Number(m[1]) || 0;
  const power = SUFFIX.indexOf(m[2].toUpperCase());
  return n * 1024 ** Math.max(0, power);
}

function versionCompare(a: string, b: string): number {
  const re = /(\d+)|(\D+)/g;
  const pa = a.match(re) ?? [];
  const pb = b.match(re) ?? [];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    if (/^\d/.test(x) && /^\d/.test(y)) {
      const d = Number(x) - Number(y);
      if (d) return d;
    } else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

const bytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function sort(ctx: Ctx, argv: string[]): void {
  const p = getopt(
    ctx,
    'sort',
    argv,
    {
      short: 'bcCdfghik:MnNo:rRsSt:T:uVz',
      long: {
        'ignore-leading-blanks': { as: 'b' },
        check: { as: 'c' },
        'ignore-case': { as: 'f' },
        'general-numeric-sort': { as: 'g' },
        'human-numeric-sort': { as: 'h' },
        key: { as: 'k', arg: true },
        'numeric-sort': { as: 'n' },
        output: { as: 'o', arg: true },
        reverse: { as: 'r' },
        stable: { as: 's' },
        'field-separator': { as: 't', arg: true },
        unique: { as: 'u' },
        'version-sort': { as: 'V' },
      },
    },
    2,
  );
  const tabArg = last(p, 't');
  if (tabArg !== undefined && [...tabArg].length !== 1) fail(ctx, tabArg === '' ? 'sort: empty tab\n' : `sort: multi-character tab '${tabArg}'\n`);
  const tab = tabArg ?? null;
  const keys = p.opts.filter((o) => o.name === 'k').map((o) => parseKey(ctx, o.arg!));
  const global = ['n', 'r', 'f', 'b', 'h', 'V', 'g'].filter((f) => has(p, f)).join('');
  const cmpWith = (flags: string) => (a: string, b: string): number => {
    let x = a;
    let y = b;
    if (flags.includes('b')) {
      x = x.replace(/^[ \t]+/, '');
      y = y.replace(/^[ \t]+/, '');
    }
    let c: number;
    if (flags.includes('n') || flags.includes('g')) c = numeric(x) - numeric(y);
    else if (flags.includes('h')) c = human(x) - human(y);
    else if (flags.includes('V')) c = versionCompare(x, y);
    else if (flags.includes('f')) c = bytes(x.toUpperCase(), y.toUpperCase());
    else c = bytes(x, y);
    return flags.includes('r') ? -c : c;
  };
  const keyed = keys.length > 0;
  const compareKeys = (a: string, b: string): number => {
    if (!keyed) return cmpWith(global)(a, b);
    for (const k of keys) {
      const flags = k.flags.replace(/[^bdfghinMRrV]/g, '') || global;
      const c = cmpWith(flags)(keyText(a, k, tab, false), keyText(b, k, tab, false));
      if (c) return c;
    }
    return 0;
  };
  const lastResort = !has(p, 's', 'u');
  const compare = (a: string, b: string) => compareKeys(a, b) || (lastResort ? (global.includes('r') ? -bytes(a, b) : bytes(a, b)) : 0);

  const files = p.operands.length ? p.operands : ['-'];
  const lines: string[] = [];
  for (const f of files) {
    const r = readInput(ctx, f);
    if (!r.ok) fail(ctx, `sort: cannot read: ${f}: ${strerror(r.errno)}\n`);
    lines.push(...splitLines(r.ok ? r.text : ''));
  }
  if (has(p, 'c', 'C')) {
    for (let i = 1; i < lines.length; i++) {
      const c = compare(lines[i - 1], lines[i]);
      if (c > 0 || (c === 0 && has(p, 'u'))) {
        if (!has(p, 'C')) ctx.err.push(`sort: ${files[0] === '-' ? '-' : files[0]}:${i + 1}: disorder: ${lines[i]}\n`);
        throw new Exit(1);
      }
    }
    return;
  }
  const sorted = lines.map((l, i) => ({ l, i })).sort((a, b) => compare(a.l, b.l) || a.i - b.i).map((x) => x.l);
  const out = has(p, 'u') ? sorted.filter((l, i) => i === 0 || compareKeys(sorted[i - 1], l) !== 0) : sorted;
  const text = out.map((l) => `${l}\n`).join('');
  const o = last(p, 'o');
  if (o === undefined) {
    ctx.out.push(text);
    return;
  }
  const e = view(ctx).writeFile(o, cwdOf(ctx), text);
  if (e) fail(ctx, `sort: open failed: ${o}: ${strerror(e)}\n`);
}


