/**
 * Running an awk program as mawk 1.3.4 does: records and fields (FS, RS, OFS, ORS, NF, NR, FNR),
 * BEGIN/main/END rules with range patterns, user functions (arrays by reference), the builtins,
 * getline, output to files and pipes, and mawk's run-time messages.
 */
import { compile, RegexError } from '../regex';
import { AwkArray } from './array';
import type { Expr, Func, LValue, Program, Rule, Stmt } from './parser';
import { convert, fromInput, num, numToStr, str, toBool, toNum, toStr, UNINIT, type Value } from './values';

/** What the program can reach outside itself. */
export interface AwkHost {
  /** read a whole file; null with an errno message when it cannot be opened */
  readFile(name: string): { ok: true; text: string } | { ok: false; msg: string };
  /** open a file for writing (truncating, or appending), returning a writer or an error message */
  openOut(name: string, append: boolean): { ok: true; write: (s: string) => void } | { ok: false; msg: string };
  /** run a shell command with this input: what it printed and its status */
  shell(cmd: string, input: string): { stdout: string; status: number };
  stdout(s: string): void;
  stdin(): string;
  environ: Record<string, string>;
}

export class AwkRuntimeError extends Error {}

/** The program ran too long: Hoplab stops it (an endless loop in a browser tab would freeze it). */
export class AwkBudgetExceeded extends Error {}
export const AWK_STEP_BUDGET = 2_000_000;

const MAX_I = 2 ** 31 - 1;

class Next {}
class NextFile {}
class Exit {
  constructor(readonly code: number) {}
}
class Return {
  constructor(readonly value: Value) {}
}
class Break {}
class Continue {}

type Scope = Map<string, Value | AwkArray>;

export class AwkMachine {
  private globals: Scope = new Map();
  private locals: Scope | null = null;
  private fields: Value[] = [str('')];
  private record = '';
  /** fields are split from the record on first use */
  private split = true;
  private nf = 0;
  private steps = 0;
  private readonly reCache = new Map<string, RegExp>();
  private readonly outFiles = new Map<string, (s: string) => void>();
  private readonly outPipes = new Map<string, string[]>();
  private readonly inFiles = new Map<string, { lines: string[]; pos: number }>();
  private readonly inCmds = new Map<string, { lines: string[]; pos: number }>();
  private readonly rangeActive = new Map<Rule, boolean>();
  private exitCode: number | null = null;
  /** the main input: files (and var=value operands) left to read */
  private operands: string[];
  private current: { name: string; records: string[]; pos: number } | null = null;
  private usedStdin = false;

  constructor(
    private readonly prog: Program,
    private readonly host: AwkHost,
    operands: string[],
    assigns: [string, string][],
  ) {
    const g = this.globals;
    const set = (n: string, v: Value) => g.set(n, v);
    set('FS', str(' '));
    set('OFS', str(' '));
    set('ORS', str('\n'));
    set('RS', str('\n'));
    set('NR', num(0));
    set('FNR', num(0));
    set('SUBSEP', str('\x1c'));
    set('CONVFMT', str('%.6g'));
    set('OFMT', str('%.6g'));
    set('RSTART', num(0));
    set('RLENGTH', num(-1));
    set('FILENAME', str(''));
    const env = new AwkArray();
    for (const [k, v] of Object.entries(host.environ)) env.set(k, fromInput(v));
    g.set('ENVIRON', env);
    const argv = new AwkArray();
    argv.set(0, str('mawk'));
    operands.forEach((o, i) => argv.set(i + 1, fromInput(o)));
    g.set('ARGV', argv);
    set('ARGC', num(operands.length + 1));
    for (const [n, v] of assigns) set(n, fromInput(v));
    this.operands = operands;
  }

  private tick(): void {
    if (++this.steps > AWK_STEP_BUDGET) throw new AwkBudgetExceeded();
  }

  private fail(msg: string): never {
    throw new AwkRuntimeError(msg);
  }

  /** The position mawk names after a run-time error. */
  where(): string {
    return `\tFILENAME="${this.sv(this.gv('FILENAME'))}" FNR=${this.sv(this.gv('FNR'))} NR=${this.sv(this.gv('NR'))}`;
  }

  // ---- variables ------------------------------------------------------------------------

  private gv(name: string): Value {
    const v = this.globals.get(name);
    return v instanceof AwkArray || v === undefined ? UNINIT : v;
  }

  private scopeOf(name: string): Scope {
    return this.locals?.has(name) ? this.locals : this.globals;
  }

  private getVar(name: string): Value {
    if (name === 'NF') return num(this.getNF());
    const v = this.scopeOf(name).get(name);
    if (v instanceof AwkArray) this.fail(`can't use array ${name} in scalar context`);
    return v ?? UNINIT;
  }

  private setVar(name: string, v: Value): void {
    if (name === 'NF') {
      this.setNF(Math.trunc(toNum(v)));
      return;
    }
    const scope = this.scopeOf(name);
    if (scope.get(name) instanceof AwkArray) this.fail(`can't assign to array ${name}`);
    scope.set(name, v);
  }

  private array(name: string): AwkArray {
    const scope = this.scopeOf(name);
    let a = scope.get(name);
    if (!(a instanceof AwkArray)) {
      a = new AwkArray();
      scope.set(name, a);
    }
    return a;
  }

  private sv(v: Value): string {
    return toStr(v, this.sv0('CONVFMT'));
  }

  private sv0(name: string): string {
    const v = this.globals.get(name);
    return v instanceof AwkArray || !v ? '' : v.t === 'num' ? numToStr(v.n, '%.6g') : v.t === 'uninit' ? '' : v.s;
  }

  /** A subscript: integers stay numbers (mawk's int keys), others become text through CONVFMT. */
  private subscript(subs: Expr[]): number | string {
    if (subs.length === 1) {
      const v = this.eval(subs[0]);
      if (v.t === 'num' && Number.isInteger(v.n)) return v.n;
      return this.sv(v);
    }
    return subs.map((s) => this.sv(this.eval(s))).join(this.sv0('SUBSEP'));
  }

  // ---- records and fields ------------------------------------------------------------------

  private setRecord(text: string): void {
    this.record = text;
    this.fields = [fromInput(text)];
    this.split = false;
  }

  private splitRecord(): void {
    if (this.split) return;
    this.split = true;
    const parts = this.splitText(this.record, this.sv0('FS'), this.sv0('RS') === '');
    this.fields = [this.fields[0], ...parts.map(fromInput)];
    this.nf = parts.length;
  }

  /** Field splitting: " " on runs of blanks, one other character literally, anything longer as a regular expression. */
  splitText(text: string, fs: string, paragraph: boolean): string[] {
    if (text === '') return [];
    if (fs === ' ') return text.split(paragraph ? /[ \t\n]+/ : /[ \t\n]+/).filter((s, i, all) => !((i === 0 || i === all.length - 1) && s === ''));
    let re: RegExp;
    if (fs.length === 1 && fs !== '\\') re = new RegExp(fs.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') + (paragraph ? '|\\n' : ''), 'g');
    else re = new RegExp(`${this.regex(fs).source}${paragraph ? '|\\n' : ''}`, 'g');
    return text.split(re).filter((_, i, all) => !(fs === '\t' && false && all.length === 0));
  }

  private getNF(): number {
    this.splitRecord();
    return this.nf;
  }

  private setNF(n: number): void {
    this.splitRecord();
    if (n < 0) this.fail(`NF set to negative value`);
    while (this.fields.length <= n) this.fields.push(UNINIT);
    this.fields.length = n + 1;
    this.nf = n;
    this.rebuild();
  }

  private rebuild(): void {
    const ofs = this.sv0('OFS');
    this.record = this.fields.slice(1, this.nf + 1).map((f) => this.sv(f)).join(ofs);
    this.fields[0] = str(this.record);
  }

  private getField(i: number): Value {
    if (i < 0) this.fail(`negative field index $${i}`);
    if (i === 0) return this.fields[0];
    this.splitRecord();
    return this.fields[i] ?? UNINIT;
  }

  private setField(i: number, v: Value): void {
    if (i < 0) this.fail(`negative field index $${i}`);
    if (i === 0) {
      this.setRecord(this.sv(v));
      return;
    }
    this.splitRecord();
    while (this.fields.length <= i) this.fields.push(UNINIT);
    this.fields[i] = v.t === 'num' ? v : str(this.sv(v));
    if (i > this.nf) this.nf = i;
    this.rebuild();
  }

  // ---- regular expressions -------------------------------------------------------------------

  regex(src: string): RegExp {
    let re = this.reCache.get(src);
    if (!re) {
      try {
        // mawk 1.3.4-20200120 has no {n,m} repetitions: braces are plain characters
        re = compile(src.replace(/(^|[^\\])([{}])/g, '$1\\$2'), { extended: true });
      } catch (e) {
        this.fail(`regular expression compile failed (${e instanceof RegexError ? e.message : 'bad regex'})\n${src}`);
      }
      if (this.reCache.size > 200) this.reCache.clear();
      this.reCache.set(src, re);
    }
    return re;
  }

  private reOf(e: Expr): RegExp {
    return this.regex(e.k === 'ere' ? e.re : this.sv(this.eval(e)));
  }

  // ---- expressions ---------------------------------------------------------------------

  private compare(a: Value, b: Value): number {
    const numeric = (v: Value) => v.t === 'num' || v.t === 'strnum' || v.t === 'uninit';
    if (numeric(a) && numeric(b)) {
      const x = toNum(a);
      const y = toNum(b);
      return x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN;
    }
    const x = this.sv(a);
    const y = this.sv(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }

  private assignTo(t: LValue, v: Value): Value {
    const stored: Value = v.t === 'strnum' ? v : v;
    if (t.k === 'var') this.setVar(t.name, stored);
    else if (t.k === 'field') this.setField(Math.trunc(toNum(this.eval(t.index))), stored);
    else this.array(t.name).set(this.subscript(t.subs), stored);
    return stored;
  }

  private arith(op: string, a: number, b: number): number {
    switch (op) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '/':
        return a / b;
      case '%':
        return a % b;
      default:
        return a ** b;
    }
  }

  eval(e: Expr): Value {
    this.tick();
    switch (e.k) {
      case 'num':
        return num(e.n);
      case 'str':
        return str(e.s);
      case 'ere':
        return num(this.regex(e.re).test(this.sv(this.fields[0])) ? 1 : 0);
      case 'group':
        return this.eval(e.e);
      case 'grouping':
        return str(e.list.map((x) => this.sv(this.eval(x))).join(this.sv0('SUBSEP')));
      case 'var':
        return this.getVar(e.name);
      case 'field':
        return this.getField(Math.trunc(toNum(this.eval(e.index))));
      case 'index':
        return this.array(e.name).get(this.subscript(e.subs));
      case 'assign': {
        if (e.op === '=') return this.assignTo(e.target, this.copy(this.eval(e.value)));
        const cur = toNum(this.eval(e.target));
        const rhs = toNum(this.eval(e.value));
        return this.assignTo(e.target, num(this.arith(e.op[0], cur, rhs)));
      }
      case 'cond':
        return toBool(this.eval(e.c)) ? this.eval(e.a) : this.eval(e.b);
      case 'or':
        return num(toBool(this.eval(e.a)) || toBool(this.eval(e.b)) ? 1 : 0);
      case 'and':
        return num(toBool(this.eval(e.a)) && toBool(this.eval(e.b)) ? 1 : 0);
      case 'in': {
        const v = this.scopeOf(e.name).get(e.name);
        return num(v instanceof AwkArray && v.has(this.subscript(e.subs)) ? 1 : 0);
      }
      case 'match': {
        const m = this.reOf(e.re).test(this.sv(this.eval(e.a)));
        return num(m !== e.neg ? 1 : 0);
      }
      case 'cmp': {
        const c = this.compare(this.eval(e.a), this.eval(e.b));
        const r = { '<': c < 0, '<=': c <= 0, '==': c === 0, '!=': c !== 0, '>=': c >= 0, '>': c > 0 }[e.op];
        return num(r ? 1 : 0);
      }
      case 'concat':
        return str(this.sv(this.eval(e.a)) + this.sv(this.eval(e.b)));
      case 'bin':
        return num(this.arith(e.op, toNum(this.eval(e.a)), toNum(this.eval(e.b))));
      case 'unary': {
        const v = this.eval(e.a);
        if (e.op === '!') return num(toBool(v) ? 0 : 1);
        return num(e.op === '-' ? -toNum(v) : toNum(v));
      }
      case 'incdec': {
        const old = toNum(this.eval(e.target));
        const next = e.op === '++' ? old + 1 : old - 1;
        this.assignTo(e.target, num(next));
        return num(e.prefix ? next : old);
      }
      case 'call':
        return this.call(this.prog.funcs.get(e.name)!, e.args);
      case 'builtin':
        return this.builtin(e.name, e.args);
      case 'getline':
        return this.getline(e);
    }
  }

  private copy(v: Value): Value {
    return v.t === 'strnum' ? { ...v } : v;
  }

  private call(f: Func, args: Expr[]): Value {
    const scope: Scope = new Map();
    const bindBack: [string, string][] = [];
    f.params.forEach((p, i) => {
      const a = args[i];
      if (a === undefined) return;
      if (a.k === 'var') {
        const v = this.scopeOf(a.name).get(a.name);
        if (v instanceof AwkArray) {
          scope.set(p, v);
          return;
        }
        if (v === undefined || v.t === 'uninit') bindBack.push([p, a.name]);
        scope.set(p, this.copy(v ?? UNINIT));
        return;
      }
      scope.set(p, this.copy(this.eval(a)));
    });
    const saved = this.locals;
    const callerScope = (n: string) => (saved?.has(n) ? saved : this.globals);
    for (const p of f.params) if (!scope.has(p)) scope.set(p, UNINIT);
    this.locals = scope;
    let result: Value = UNINIT;
    try {
      this.block(f.body);
    } catch (x) {
      if (!(x instanceof Return)) throw x;
      result = x.value;
    } finally {
      this.locals = saved;
      // an uninitialized argument the function used as an array becomes that array
      for (const [p, name] of bindBack) {
        const v = scope.get(p);
        if (v instanceof AwkArray) callerScope(name).set(name, v);
      }
    }
    return result;
  }

  // ---- builtins ----------------------------------------------------------------------------

  private builtin(name: string, args: Expr[]): Value {
    const a = (i: number) => (args[i] ? this.eval(args[i]) : UNINIT);
    const s = (i: number) => this.sv(a(i));
    const n = (i: number) => toNum(a(i));
    switch (name) {
      case 'length': {
        if (args.length === 0) return num([...this.sv(this.fields[0])].length);
        const arg = args[0];
        if (arg.k === 'var') {
          const v = this.scopeOf(arg.name).get(arg.name);
          if (v instanceof AwkArray) return num(v.size);
        }
        return num(new TextEncoder().encode(s(0)).length);
      }
      case 'substr': {
        // mawk's bi_substr: truncate, then `substr(s, 0, n)` is read as `substr(s, 1, n - 1)`
        const text = s(0);
        const len = text.length;
        if (len === 0) return str('');
        const dToI = (x: number) => (Number.isNaN(x) ? 0 : Math.max(-MAX_I, Math.min(MAX_I, Math.trunc(x))));
        let count = args.length > 2 ? dToI(n(2)) : len;
        let start = dToI(n(1)) - 1;
        if (start > len) count = 0;
        if (start < 0) {
          count -= start + 1;
          start = 0;
        }
        if (count > len - start) count = len - start;
        return str(count <= 0 ? '' : text.slice(start, start + count));
      }
      case 'index': {
        const i = s(0).indexOf(s(1));
        return num(i + 1);
      }
      case 'split': {
        const arg = args[1];
        if (!arg || arg.k !== 'var') this.fail('type error in arg(2) in call to split');
        const text = s(0);
        const fs = args[2] ? (args[2].k === 'ere' ? null : this.sv(this.eval(args[2]))) : this.sv0('FS');
        let parts: string[];
        if (fs === null) parts = text === '' ? [] : text.split(new RegExp(this.regex((args[2] as { re: string }).re).source, 'g'));
        else parts = this.splitText(text, fs, false);
        this.array(arg.name).load(parts.map(fromInput));
        return num(parts.length);
      }
      case 'sub':
      case 'gsub': {
        const re = this.reOf(args[0]);
        const target: LValue = args[2] && (args[2].k === 'var' || args[2].k === 'field' || args[2].k === 'index') ? args[2] : { k: 'field', index: { k: 'num', n: 0 } };
        const text = this.sv(this.eval(target));
        const rep = s(1);
        let count = 0;
        const g = new RegExp(re.source, `${re.flags.replace('g', '')}g`);
        let out = '';
        let last = 0;
        for (let m = g.exec(text); m; m = g.exec(text)) {
          out += text.slice(last, m.index) + rep.replace(/\\\\|\\&|&/g, (x) => (x === '&' ? m![0] : x === '\\&' ? '&' : '\\'));
          last = m.index + m[0].length;
          count++;
          if (name === 'sub') break;
          if (m[0] === '') {
            if (m.index < text.length) out += text[m.index];
            last = m.index + 1;
            g.lastIndex = m.index + 1;
          }
        }
        if (count > 0) this.assignTo(target, str(out + text.slice(last)));
        return num(count);
      }
      case 'match': {
        const m = this.reOf(args[1]).exec(s(0));
        this.globals.set('RSTART', num(m ? m.index + 1 : 0));
        this.globals.set('RLENGTH', num(m ? m[0].length : -1));
        return num(m ? m.index + 1 : 0);
      }
      case 'sprintf': {
        this.inSprintf = true;
        try {
          return str(args.length ? this.format(args.map((x) => this.eval(x))) : '');
        } finally {
          this.inSprintf = false;
          this.partial = '';
        }
      }
      case 'sin':
        return num(Math.sin(n(0)));
      case 'cos':
        return num(Math.cos(n(0)));
      case 'atan2':
        return num(Math.atan2(n(0), n(1)));
      case 'exp':
        return num(Math.exp(n(0)));
      case 'log':
        return num(Math.log(n(0)));
      case 'sqrt':
        return num(Math.sqrt(n(0)));
      case 'int':
        return num(Math.trunc(n(0)));
      case 'rand':
        return num(this.rand());
      case 'srand': {
        const old = this.seed;
        this.seed = args.length ? n(0) : 0;
        this.rngState = Math.trunc(this.seed) >>> 0 || 1;
        return num(old);
      }
      case 'tolower':
        return str(s(0).toLowerCase());
      case 'toupper':
        return str(s(0).toUpperCase());
      case 'system': {
        this.flushAll();
        const r = this.host.shell(s(0), '');
        this.host.stdout(r.stdout);
        return num(r.status);
      }
      case 'close':
        return num(this.close(s(0)));
      case 'fflush':
        return num(0);
    }
    return UNINIT;
  }

  private seed = 0;
  private rngState = 1;
  /** A fixed-seed generator: a lab is deterministic, and mawk's own rand() differs per build anyway. */
  private rand(): number {
    this.rngState = (Math.imul(this.rngState, 1103515245) + 12345) >>> 0;
    return (this.rngState >>> 1) / 2 ** 31;
  }

  /** printf's format over awk values. */
  format(vals: Value[]): string {
    const fmt = this.sv(vals[0]);
    let out = '';
    let ai = 1;
    const next = (): Value => {
      if (ai >= vals.length) {
        this.partial = out;
        this.fail(`not enough arguments passed to ${this.inSprintf ? 'sprintf' : 'printf'}("${fmt}")`);
      }
      return vals[ai++];
    };
    for (let i = 0; i < fmt.length; i++) {
      const c = fmt[i];
      if (c !== '%') {
        out += c;
        continue;
      }
      const m = /^%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?([diouxXeEfFgGcs%])/.exec(fmt.slice(i));
      if (!m) {
        out += c;
        continue;
      }
      i += m[0].length - 1;
      if (m[4] === '%') {
        out += '%';
        continue;
      }
      let flags = m[1];
      let width = 0;
      if (m[2] === '*') {
        width = Math.trunc(toNum(next()));
        if (width < 0) {
          flags += '-';
          width = -width;
        }
      } else if (m[2]) width = Number(m[2]);
      let prec: number | undefined;
      if (m[3] !== undefined) prec = m[3] === '*' ? Math.trunc(toNum(next())) : Number(m[3] || '0');
      const v = next();
      const conv = m[4];
      if (conv === 's') out += convert('s', flags, width, prec, 0, this.sv(v));
      else if (conv === 'c') {
        const ch = v.t === 'num' ? String.fromCharCode(Math.trunc(v.n) & 0xff) : this.sv(v).slice(0, 1);
        out += convert('c', flags, width, prec, 0, ch);
      } else out += convert(conv, flags, width, prec, toNum(v), '');
    }
    return out;
  }

  private inSprintf = false;
  /** what printf had formatted when it ran out of arguments (mawk has written it by then) */
  private partial = '';

  // ---- input -------------------------------------------------------------------------------

  /** Cut input text into records by RS: a newline, a character, a paragraph ("") or a regular expression. */
  private records(text: string): string[] {
    const rs = this.sv0('RS');
    if (text === '') return [];
    let recs: string[];
    if (rs === '\n') recs = text.split('\n');
    else if (rs === '') {
      recs = text.replace(/^\n+/, '').split(/\n\n+/);
      if (recs.length && recs[recs.length - 1].endsWith('\n')) recs[recs.length - 1] = recs[recs.length - 1].replace(/\n+$/, '');
      return recs.filter((r, i, all) => !(i === all.length - 1 && r === ''));
    } else if (rs.length === 1) recs = text.split(rs);
    else recs = text.split(new RegExp(this.regex(rs).source, 'g'));
    if (recs[recs.length - 1] === '') recs.pop();
    return recs;
  }

  /** The next main-input record, or null at the end of the last file. */
  private nextRecord(): string | null {
    for (;;) {
      if (this.current && this.current.pos < this.current.records.length) return this.current.records[this.current.pos++];
      const name = this.operands.shift();
      if (name === undefined) {
        if (this.current || this.usedStdin) return null;
        this.usedStdin = true;
        this.current = { name: '-', records: this.records(this.host.stdin()), pos: 0 };
        this.globals.set('FILENAME', str('-'));
        continue;
      }
      const assign = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(name);
      if (assign) {
        this.globals.set(assign[1], fromInput(assign[2].replace(/\\n/g, '\n').replace(/\\t/g, '\t')));
        continue;
      }
      let text: string;
      if (name === '-' || name === '/dev/stdin') text = this.host.stdin();
      else {
        const r = this.host.readFile(name);
        if (!r.ok) throw new AwkRuntimeError(`cannot open ${name} (${r.msg})`);
        text = r.text;
      }
      this.usedStdin = true;
      this.current = { name, records: this.records(text), pos: 0 };
      this.globals.set('FILENAME', str(name));
      this.globals.set('FNR', num(0));
    }
  }

  private getline(e: Extract<Expr, { k: 'getline' }>): Value {
    let line: string | null;
    if (e.cmd) {
      const cmd = this.sv(this.eval(e.cmd));
      let src = this.inCmds.get(cmd);
      if (!src) {
        this.flushAll();
        const r = this.host.shell(cmd, '');
        src = { lines: this.records(r.stdout), pos: 0 };
        this.inCmds.set(cmd, src);
      }
      line = src.pos < src.lines.length ? src.lines[src.pos++] : null;
      if (line !== null) this.bump('NR');
    } else if (e.file) {
      const name = this.sv(this.eval(e.file));
      let src = this.inFiles.get(name);
      if (!src) {
        const r = name === '-' || name === '/dev/stdin' ? { ok: true as const, text: this.host.stdin() } : this.host.readFile(name);
        if (!r.ok) return num(-1);
        src = { lines: this.records(r.text), pos: 0 };
        this.inFiles.set(name, src);
      }
      line = src.pos < src.lines.length ? src.lines[src.pos++] : null;
    } else {
      line = this.nextRecord();
      if (line !== null) {
        this.bump('NR');
        this.bump('FNR');
      }
    }
    if (line === null) return num(0);
    if (e.target) this.assignTo(e.target, fromInput(line));
    else this.setRecord(line);
    return num(1);
  }

  private bump(name: string): void {
    this.globals.set(name, num(toNum(this.gv(name)) + 1));
  }

  // ---- output ------------------------------------------------------------------------------

  private write(text: string, redir: { op: string; target: Expr } | null): void {
    if (!redir) {
      this.host.stdout(text);
      return;
    }
    const name = this.sv(this.eval(redir.target));
    if (redir.op === '|') {
      let buf = this.outPipes.get(name);
      if (!buf) this.outPipes.set(name, (buf = []));
      buf.push(text);
      return;
    }
    let w = this.outFiles.get(name);
    if (!w) {
      if (name === '/dev/stdout' || name === '-') w = (s: string) => this.host.stdout(s);
      else {
        const r = this.host.openOut(name, redir.op === '>>');
        if (!r.ok) this.fail(`cannot open "${name}" for output (${r.msg})`);
        w = r.write;
      }
      this.outFiles.set(name, w);
    }
    w(text);
  }

  private close(name: string): number {
    if (this.outPipes.has(name)) {
      const input = this.outPipes.get(name)!.join('');
      this.outPipes.delete(name);
      const r = this.host.shell(name, input);
      this.host.stdout(r.stdout);
      return r.status;
    }
    if (this.outFiles.delete(name) || this.inFiles.delete(name) || this.inCmds.delete(name)) return 0;
    return -1;
  }

  private flushAll(): void {
    for (const name of [...this.outPipes.keys()]) this.close(name);
  }

  // ---- statements ----------------------------------------------------------------------------

  private block(body: Stmt[]): void {
    for (const s of body) this.exec(s);
  }

  private exec(s: Stmt): void {
    this.tick();
    switch (s.k) {
      case 'expr':
        this.eval(s.e);
        return;
      case 'print': {
        const args = s.args.length ? s.args : [{ k: 'field', index: { k: 'num', n: 0 } } as Expr];
        const ofmt = this.sv0('OFMT');
        const text = args.map((a) => {
          const v = this.eval(a);
          return v.t === 'num' ? numToStr(v.n, ofmt) : this.sv(v);
        });
        this.write(text.join(this.sv0('OFS')) + this.sv0('ORS'), s.redir);
        return;
      }
      case 'printf': {
        let text: string;
        try {
          text = this.format(s.args.map((a) => this.eval(a)));
        } catch (e) {
          if (this.partial) this.write(this.partial, s.redir);
          this.partial = '';
          throw e;
        }
        this.write(text, s.redir);
        return;
      }
      case 'if':
        if (toBool(this.eval(s.c))) this.exec(s.then);
        else if (s.else) this.exec(s.else);
        return;
      case 'while':
        while (toBool(this.eval(s.c))) if (this.loopBody(s.body)) break;
        return;
      case 'do':
        do {
          if (this.loopBody(s.body)) break;
        } while (toBool(this.eval(s.c)));
        return;
      case 'for':
        if (s.init) this.exec(s.init);
        while (!s.c || toBool(this.eval(s.c))) {
          if (this.loopBody(s.body)) break;
          if (s.step) this.exec(s.step);
        }
        return;
      case 'forin': {
        const arr = this.scopeOf(s.arr).get(s.arr);
        if (!(arr instanceof AwkArray)) {
          this.array(s.arr);
          return;
        }
        for (const k of arr.keys()) {
          this.assignTo(s.v, str(k));
          if (this.loopBody(s.body)) break;
        }
        return;
      }
      case 'block':
        this.block(s.body);
        return;
      case 'next':
        throw new Next();
      case 'nextfile':
        throw new NextFile();
      case 'break':
        throw new Break();
      case 'continue':
        throw new Continue();
      case 'exit':
        throw new Exit(s.e ? Math.trunc(toNum(this.eval(s.e))) & 0xff : (this.exitCode ?? 0));
      case 'return':
        throw new Return(s.e ? this.copy(this.eval(s.e)) : UNINIT);
      case 'delete': {
        const a = this.array(s.name);
        if (s.subs) a.delete(this.subscript(s.subs));
        else a.clear();
        return;
      }
    }
  }

  /** One turn of a loop; true after `break`. */
  private loopBody(body: Stmt): boolean {
    try {
      this.exec(body);
    } catch (x) {
      if (x instanceof Break) return true;
      if (x instanceof Continue) return false;
      throw x;
    }
    return false;
  }

  private matches(r: Rule): boolean {
    if (!r.pattern) return true;
    if (!r.pattern2) return toBool(this.eval(r.pattern));
    if (this.rangeActive.get(r)) {
      if (toBool(this.eval(r.pattern2))) this.rangeActive.set(r, false);
      return true;
    }
    if (!toBool(this.eval(r.pattern))) return false;
    if (!toBool(this.eval(r.pattern2))) this.rangeActive.set(r, true);
    return true;
  }

  /** Run the whole program; the exit status. */
  run(): number {
    const begin = this.prog.rules.filter((r) => r.kind === 'begin');
    const main = this.prog.rules.filter((r) => r.kind === 'main');
    const end = this.prog.rules.filter((r) => r.kind === 'end');
    try {
      try {
        for (const r of begin) this.block(r.action!);
        if (main.length || end.length) {
          for (let rec = this.nextRecord(); rec !== null; rec = this.nextRecord()) {
            this.bump('NR');
            this.bump('FNR');
            this.setRecord(rec);
            try {
              for (const r of main) {
                if (!this.matches(r)) continue;
                if (r.action) this.block(r.action);
                else this.write(this.sv(this.fields[0]) + this.sv0('ORS'), null);
              }
            } catch (x) {
              if (x instanceof Next) continue;
              if (x instanceof NextFile) {
                if (this.current) this.current.pos = this.current.records.length;
                continue;
              }
              throw x;
            }
          }
        }
      } catch (x) {
        if (!(x instanceof Exit)) throw x;
        this.exitCode = x.code;
      }
      try {
        for (const r of end) this.block(r.action!);
      } catch (x) {
        if (!(x instanceof Exit)) throw x;
        this.exitCode = x.code;
      }
    } finally {
      this.flushAll();
    }
    return this.exitCode ?? 0;
  }
}
