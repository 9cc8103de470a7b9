/**
 * Small coreutils filters tutorials pipe into, as GNU coreutils 9.1 behaves in the C locale:
 * cut (-d -f -c -b -s --output-delimiter), tr (sets, ranges, classes, -d -s -c), uniq (-c -d -u -i
 * -f -s -w), seq (-s -w -f).
 */
import { Exit, type Ctx } from '../context';
import { cwdOf, getopt, has, last, q, readInput, splitLines, strerror, tryHelp, view } from '../fs/common';
import { cExp, cFixed, cGeneral } from './cfloat';

function fail(ctx: Ctx, text: string, code = 1): never {
  ctx.err.push(text);
  throw new Exit(code);
}

/** Text of the named inputs (`-` or none: standard input); a missing one is reported as `tool: name: error`. */
function inputs(ctx: Ctx, tool: string, names: string[]): { text: string; status: number } {
  let text = '';
  let status = 0;
  for (const n of names.length ? names : ['-']) {
    const r = readInput(ctx, n);
    if (!r.ok) {
      ctx.err.push(`${tool}: ${n}: ${strerror(r.errno)}\n`);
      status = 1;
    } else text += r.text;
  }
  return { text, status };
}

// ---- cut ------------------------------------------------------------------------------------

type Range = [number, number];

function parseList(ctx: Ctx, list: string, what: 'fields' | 'positions'): Range[] {
  const ranges: Range[] = [];
  for (const part of list.split(',')) {
    const m = /^(\d*)(-?)(\d*)$/.exec(part);
    if (!m || (m[1] === '' && m[3] === '' )) {
      if (part === '-' ) fail(ctx, `cut: invalid range with no endpoint: -\n${tryHelp('cut')}`);
      fail(ctx, `cut: invalid ${what === 'fields' ? 'field' : 'byte/character position'} value ${q(part)}\n${tryHelp('cut')}`);
    }
    const lo = m[1] === '' ? 1 : Number(m[1]);
    const hi = m[2] ? (m[3] === '' ? Infinity : Number(m[3])) : lo;
    if (lo === 0 || hi === 0) fail(ctx, `cut: ${what === 'fields' ? 'fields' : 'byte/character positions'} are numbered from 1\n${tryHelp('cut')}`);
    if (hi < lo) fail(ctx, `cut: invalid decreasing range\n${tryHelp('cut')}`);
    ranges.push([lo, hi]);
  }
  return ranges;
}

const selected = (ranges: Range[], i: number) => ranges.some(([lo, hi]) => i >= lo && i <= hi);

export function cut(ctx: Ctx, argv: string[]): void {
  const p = getopt(ctx, 'cut', argv, {
    short: 'b:c:d:f:sn',
    long: { bytes: { as: 'b', arg: true }, characters: { as: 'c', arg: true }, delimiter: { as: 'd', arg: true }, fields: { as: 'f', arg: true }, 'only-delimited': { as: 's' }, 'output-delimiter': { as: 'O', arg: true }, complement: { as: 'C' } },
  });
  const modes = ['b', 'c', 'f'].filter((m) => has(p, m));
  if (modes.length === 0) fail(ctx, `cut: you must specify a list of bytes, characters, or fields\n${tryHelp('cut')}`);
  if (modes.length > 1) fail(ctx, `cut: only one type of list may be specified\n${tryHelp('cut')}`);
  const mode = modes[0];
  const delim = last(p, 'd');
  if (delim !== undefined && [...delim].length !== 1) fail(ctx, `cut: the delimiter must be a single character\n${tryHelp('cut')}`);
  if (mode !== 'f' && delim !== undefined) fail(ctx, `cut: an input delimiter may be specified only when operating on fields\n${tryHelp('cut')}`);
  if (mode !== 'f' && has(p, 's')) fail(ctx, `cut: suppressing non-delimited lines makes sense\n\tonly when operating on fields\n${tryHelp('cut')}`);
  const ranges = parseList(ctx, last(p, mode)!, mode === 'f' ? 'fields' : 'positions');
  const complement = has(p, 'C');
  const pick = (i: number) => selected(ranges, i) !== complement;
  const d = delim ?? '\t';
  const outDelim = last(p, 'O') ?? (mode === 'f' ? d : '');
  const { text, status } = inputs(ctx, 'cut', p.operands);
  const out: string[] = [];
  for (const line of splitLines(text)) {
    if (mode === 'f') {
      if (!line.includes(d)) {
        if (!has(p, 's')) out.push(line);
        continue;
      }
      out.push(line.split(d).filter((_, i) => pick(i + 1)).join(outDelim));
    } else {
      const chars = [...line];
      let s = '';
      let prevPicked = false;
      chars.forEach((c, i) => {
        const picked = pick(i + 1);
        if (picked && !prevPicked && s !== '' && last(p, 'O') !== undefined) s += outDelim;
        if (picked) s += c;
        prevPicked = picked;
      });
      out.push(s);
    }
  }
  ctx.out.push(out.map((l) => `${l}\n`).join(''));
  if (status) throw new Exit(status);
}

// ---- tr -------------------------------------------------------------------------------------

const TR_CLASSES: Record<string, () => string> = {
  alpha: () => range('A', 'Z') + range('a', 'z'),
  digit: () => range('0', '9'),
  alnum: () => range('0', '9') + range('A', 'Z') + range('a', 'z'),
  upper: () => range('A', 'Z'),
  lower: () => range('a', 'z'),
  space: () => ' \t\n\r\f\v',
  blank: () => ' \t',
  punct: () => [...range('!', '~')].filter((c) => !/[A-Za-z0-9]/.test(c)).join(''),
  xdigit: () => range('0', '9') + range('A', 'F') + range('a', 'f'),
  cntrl: () => range('\x00', '\x1f') + '\x7f',
  print: () => range(' ', '~'),
  graph: () => range('!', '~'),
};

function range(a: string, b: string): string {
  let s = '';
  for (let c = a.charCodeAt(0); c <= b.charCodeAt(0); c++) s += String.fromCharCode(c);
  return s;
}

/** A tr SET: escapes, ranges a-z, classes [:digit:], repeats [c*n] (in SET2). */
function expandSet(ctx: Ctx, set: string): string {
  const chars: string[] = [];
  const unescape = (i: number): [string, number] => {
    if (set[i] !== '\\' || i + 1 >= set.length) return [set[i], i + 1];
    const n = set[i + 1];
    const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' };
    if (n in map) return [map[n], i + 2];
    if (/[0-7]/.test(n)) {
      let d = '';
      let j = i + 1;
      while (d.length < 3 && /[0-7]/.test(set[j] ?? '')) d += set[j++];
      return [String.fromCharCode(parseInt(d, 8)), j];
    }
    return [n, i + 2];
  };
  for (let i = 0; i < set.length; ) {
    if (set[i] === '[' && set[i + 1] === ':') {
      const end = set.indexOf(':]', i + 2);
      if (end > 0) {
        const name = set.slice(i + 2, end);
        if (!TR_CLASSES[name]) fail(ctx, `tr: invalid character class ${q(name)}\n`);
        chars.push(...TR_CLASSES[name]());
        i = end + 2;
        continue;
      }
    }
    if (set[i] === '[' && /^\[.\*\d*\]/s.test(set.slice(i))) {
      const m = /^\[(.)\*(\d*)\]/s.exec(set.slice(i))!;
      chars.push(...m[1].repeat(m[2] ? Math.min(Number(m[2]), 65536) : 1));
      i += m[0].length;
      continue;
    }
    const [c, next] = unescape(i);
    if (set[next] === '-' && next + 1 < set.length) {
      const [hi, after] = unescape(next + 1);
      if (hi < c) fail(ctx, `tr: range-endpoints of '${c}-${hi}' are in reverse collating sequence order\n`);
      chars.push(...range(c, hi));
      i = after;
      continue;
    }
    chars.push(c);
    i = next;
  }
  return chars.join('');
}

export function tr(ctx: Ctx, argv: string[]): void {
  const p = getopt(ctx, 'tr', argv, { short: 'cCdst', long: { complement: { as: 'c' }, delete: { as: 'd' }, 'squeeze-repeats': { as: 's' }, 'truncate-set1': { as: 't' } } });
  const del = has(p, 'd');
  const squeeze = has(p, 's');
  const ops = p.operands;
  if (ops.length === 0) fail(ctx, `tr: missing operand\n${tryHelp('tr')}`);
  const needTwo = !del && !(squeeze && ops.length === 1);
  if (needTwo && ops.length < 2) fail(ctx, `tr: missing operand after ${q(ops[0])}\nTwo strings must be given when translating.\n${tryHelp('tr')}`);
  if (del && !squeeze && ops.length > 1) fail(ctx, `tr: extra operand ${q(ops[1])}\nOnly one string may be given when deleting without squeezing repeats.\n${tryHelp('tr')}`);
  if (ops.length > 2) fail(ctx, `tr: extra operand ${q(ops[2])}\n${tryHelp('tr')}`);
  let set1 = expandSet(ctx, ops[0]);
  const set2 = ops[1] !== undefined ? expandSet(ctx, ops[1]) : '';
  if (has(p, 'c', 'C')) {
    const s1 = new Set(set1);
    set1 = range('\x00', '\xff').split('').filter((c) => !s1.has(c)).join('');
  }
  const text = ctx.stdin ?? '';
  let out = '';
  if (del) {
    const d = new Set(set1);
    out = [...text].filter((c) => !d.has(c)).join('');
    if (squeeze) out = squeezeSet(out, new Set(set2));
  } else if (needTwo) {
    if (set2 === '') fail(ctx, 'tr: when not truncating set1, string2 must be non-empty\n');
    const map = new Map<string, string>();
    [...set1].forEach((c, i) => map.set(c, set2[Math.min(i, set2.length - 1)]));
    out = [...text].map((c) => map.get(c) ?? c).join('');
    if (squeeze) out = squeezeSet(out, new Set(set2));
  } else out = squeezeSet(text, new Set(set1));
  ctx.out.push(out);
}

function squeezeSet(s: string, set: Set<string>): string {
  let out = '';
  for (const c of s) if (!(set.has(c) && out[out.length - 1] === c)) out += c;
  return out;
}

// ---- uniq -----------------------------------------------------------------------------------

export function uniq(ctx: Ctx, argv: string[]): void {
  const p = getopt(ctx, 'uniq', argv, {
    short: 'cdDuif:s:w:z',
    long: { count: { as: 'c' }, repeated: { as: 'd' }, unique: { as: 'u' }, 'ignore-case': { as: 'i' }, 'skip-fields': { as: 'f', arg: true }, 'skip-chars': { as: 's', arg: true }, 'check-chars': { as: 'w', arg: true } },
  });
  const [input, output] = p.operands;
  if (p.operands.length > 2) fail(ctx, `uniq: extra operand ${q(p.operands[2])}\n${tryHelp('uniq')}`);
  const r = readInput(ctx, input ?? '-');
  if (!r.ok) fail(ctx, `uniq: ${input}: ${strerror(r.errno)}\n`);
  const num = (o: string, what: string) => {
    const v = last(p, o);
    if (v === undefined) return 0;
    if (!/^\d+$/.test(v)) fail(ctx, `uniq: ${v}: invalid number of ${what}\n`);
    return Number(v);
  };
  const skipF = num('f', 'fields to skip');
  const skipC = num('s', 'bytes to skip');
  const check = last(p, 'w') === undefined ? Infinity : num('w', 'bytes to compare');
  const key = (l: string) => {
    let s = l;
    for (let i = 0; i < skipF; i++) s = s.replace(/^[ \t]*[^ \t]*/, '');
    s = s.slice(skipC).slice(0, check);
    return has(p, 'i') ? s.toLowerCase() : s;
  };
  const lines = splitLines(r.ok ? r.text : '');
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    let j = i + 1;
    while (j < lines.length && key(lines[j]) === key(lines[i])) j++;
    const n = j - i;
    const show = has(p, 'd') ? n > 1 : has(p, 'u') ? n === 1 : true;
    if (show) {
      if (has(p, 'D')) for (let k = i; k < j; k++) out.push(lines[k]);
      else out.push(has(p, 'c') ? `${String(n).padStart(7)} ${lines[i]}` : lines[i]);
    }
    i = j;
  }
  const text = out.map((l) => `${l}\n`).join('');
  if (output === undefined) {
    ctx.out.push(text);
    return;
  }
  const e = view(ctx).writeFile(output, cwdOf(ctx), text);
  if (e) fail(ctx, `uniq: ${output}: ${strerror(e)}\n`);
}

// ---- seq ------------------------------------------------------------------------------------

export function seq(ctx: Ctx, argv: string[]): void {
  // negative numbers are operands, not options
  const opts: string[] = [];
  const nums: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (/^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(a) && a.startsWith('-') && a.length > 1) nums.push(a);
    else if (a.startsWith('-') && a.length > 1 && nums.length === 0) {
      opts.push(a);
      if ((a === '-s' || a === '-f') && i + 1 < argv.length) opts.push(argv[++i]);
    } else nums.push(a);
  }
  const p = getopt(ctx, 'seq', opts, { short: 's:f:w', long: { separator: { as: 's', arg: true }, format: { as: 'f', arg: true }, 'equal-width': { as: 'w' } } });
  if (nums.length === 0) fail(ctx, `seq: missing operand\n${tryHelp('seq')}`);
  if (nums.length > 3) fail(ctx, `seq: extra operand ${q(nums[3])}\n${tryHelp('seq')}`);
  const parsed = nums.map((n) => {
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(n.trim())) fail(ctx, `seq: invalid floating point argument: ${q(n)}\n${tryHelp('seq')}`);
    return Number(n);
  });
  const [first, step, lastV] = parsed.length === 1 ? [1, 1, parsed[0]] : parsed.length === 2 ? [parsed[0], 1, parsed[1]] : parsed;
  if (step === 0) fail(ctx, `seq: invalid Zero increment value: ${q(nums[1])}\n${tryHelp('seq')}`);
  const decimals = (s: string) => {
    const m = /\.(\d*)/.exec(s);
    return /[eE]/.test(s) ? 0 : m ? m[1].length : 0;
  };
  // as many decimals as FIRST and INCREMENT have
  const prec = Math.max(0, ...(parsed.length === 1 ? [] : parsed.length === 2 ? [decimals(nums[0])] : [decimals(nums[0]), decimals(nums[1])]));
  const fmt = last(p, 'f');
  const sep = last(p, 's') ?? '\n';
  const values: string[] = [];
  const limit = 1_000_000;
  for (let i = 0; values.length < limit; i++) {
    const v = first + i * step;
    if (step > 0 ? v > lastV + 1e-12 : v < lastV - 1e-12) break;
    values.push(fmt ? fmt.replace(/%[-+ #0]*\d*(\.\d+)?[gfeGE]/, (m) => formatOne(m, v)) : (v < 0 ? '-' : '') + cFixed(v, prec));
  }
  if (values.length >= limit) fail(ctx, 'seq: write error: File too large\n');
  if (has(p, 'w')) {
    const w = Math.max(...values.map((v) => v.replace('-', '').length));
    for (let i = 0; i < values.length; i++) values[i] = values[i].startsWith('-') ? `-${values[i].slice(1).padStart(w, '0')}` : values[i].padStart(w, '0');
  }
  ctx.out.push(values.length ? values.join(sep) + '\n' : '');
}

function formatOne(spec: string, v: number): string {
  const m = /^%([-+ #0]*)(\d*)(?:\.(\d+))?([gfeGE])$/.exec(spec)!;
  const prec = m[3] === undefined ? 6 : Number(m[3]);
  const mag = m[4] === 'f' ? cFixed(v, prec) : m[4].toLowerCase() === 'e' ? cExp(v, prec, m[4] === 'E') : cGeneral(v, prec, m[1].includes('#'), m[4] === 'G');
  let s = (v < 0 ? '-' : '') + mag;
  if (m[2]) s = m[1].includes('-') ? s.padEnd(Number(m[2])) : s.padStart(Number(m[2]), m[1].includes('0') ? '0' : ' ');
  return s;
}
