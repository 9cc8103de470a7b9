/**
 * $(( … )) as the shells evaluate it: C's integer operators on 64-bit values, with assignment,
 * short-circuit && || and ?: (the branch not taken is parsed but not evaluated). dash reads a
 * variable's value as a number ("Illegal number: abc") and has no `**`, `++` or `,`; bash
 * evaluates a variable's value as an expression and has them.
 */
import type { Dialect } from './lexer';
import { ShellError } from './errors';

export interface ArithVars {
  get(name: string): string | undefined;
  /** false: the variable is read-only */
  set(name: string, value: string): boolean;
}

type Tok = { k: 'num'; v: bigint } | { k: 'name'; v: string } | { k: 'op'; v: string } | { k: 'eof' };

const OPS = ['<<=', '>>=', '**', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+=', '-=', '*=', '/=', '%=', '&=', '^=', '|=', '++', '--', '+', '-', '*', '/', '%', '<', '>', '&', '^', '|', '!', '~', '(', ')', '?', ':', '=', ','];
const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=', '%=', '<<=', '>>=', '&=', '^=', '|=']);

const wrap = (v: bigint) => BigInt.asIntN(64, v);

/** A number as C's strtoimax(…, 0) reads the whole of it, or null. */
export function parseShellNumber(s: string): bigint | null {
  const t = s.trim();
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(t);
  if (!m) return null;
  const digits = m[2];
  const v = /^0[xX]/.test(digits) ? BigInt(digits) : digits.length > 1 && digits[0] === '0' ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
  return wrap(m[1] === '-' ? -v : v);
}

class Arith {
  private toks: { tok: Tok; at: number }[] = [];
  private i = 0;
  /** inside a branch that is parsed but not evaluated */
  private noeval = 0;

  constructor(
    private readonly text: string,
    private readonly vars: ArithVars,
    private readonly dialect: Dialect,
    private readonly depth: number,
  ) {}

  private fail(kind: 'primary' | 'eof' | 'divzero' | 'assign' | 'paren'): never {
    const rest = this.toks[this.i]?.at ?? this.text.length;
    const token = this.text.slice(rest).trim() || this.text.trim();
    const dash = {
      primary: 'expecting primary',
      eof: 'expecting EOF',
      divzero: 'division by zero',
      assign: 'expecting EOF',
      paren: "expecting ')'",
    }[kind];
    const bash = {
      primary: 'syntax error: operand expected',
      eof: 'syntax error in expression',
      divzero: 'division by 0',
      assign: 'attempted assignment to non-variable',
      paren: "missing `)'",
    }[kind];
    throw new ShellError(`arithmetic expression: ${dash}: "${this.text}"`, `${this.text}: ${bash} (error token is "${token}")`);
  }

  lex(): void {
    const s = this.text;
    let i = 0;
    while (i < s.length) {
      const c = s[i];
      if (c === ' ' || c === '\t' || c === '\n') {
        i++;
        continue;
      }
      const at = i;
      if (/[0-9]/.test(c)) {
        const m = /^(0[xX][0-9a-fA-F]*|[0-9]+)/.exec(s.slice(i))!;
        let text = m[0];
        // strtoimax stops at the first digit that does not belong: `08` is 0, then 8
        if (/^0[0-7]*[89]/.test(text)) text = /^0[0-7]*/.exec(text)![0];
        i += text.length;
        const v = parseShellNumber(text);
        this.toks.push({ tok: { k: 'num', v: v ?? 0n }, at });
        continue;
      }
      if (/[A-Za-z_]/.test(c)) {
        const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i))!;
        i += m[0].length;
        this.toks.push({ tok: { k: 'name', v: m[0] }, at });
        continue;
      }
      // dash has no ** ++ -- or ,: it reads `2**3` as 2 * *3
      const op = OPS.find((o) => s.startsWith(o, i) && (this.dialect === 'bash' || !['**', '++', '--', ','].includes(o)));
      if (!op) {
        this.toks.push({ tok: { k: 'op', v: c }, at });
        i++;
        continue;
      }
      i += op.length;
      this.toks.push({ tok: { k: 'op', v: op }, at });
    }
    this.toks.push({ tok: { k: 'eof' }, at: s.length });
  }

  private peek(): Tok {
    return this.toks[this.i].tok;
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.k === 'op' && t.v === v && (this.dialect === 'bash' || !['**', '++', '--', ','].includes(v));
  }

  /** The value of a variable: a number (dash) or an expression (bash); empty or unset is 0. */
  private varValue(name: string): bigint {
    const raw = this.vars.get(name);
    if (raw === undefined || raw.trim() === '') return 0n;
    const n = parseShellNumber(raw);
    if (n !== null) return n;
    if (this.dialect === 'bash' && this.depth < 64) return evalArith(raw, this.vars, this.dialect, this.depth + 1);
    throw new ShellError(`Illegal number: ${raw}`, `${raw}: syntax error in expression (error token is "${raw}")`);
  }

  private assignTo(name: string, v: bigint): bigint {
    if (this.noeval) return v;
    if (!this.vars.set(name, String(v))) throw new ShellError(`${name}: is read only`, `${name}: readonly variable`);
    return v;
  }

  run(): bigint {
    this.lex();
    if (this.peek().k === 'eof') {
      if (this.dialect === 'bash') return 0n;
      this.fail('primary');
    }
    const v = this.comma();
    if (this.peek().k !== 'eof') {
      const t = this.peek();
      this.fail(t.k === 'op' && t.v === '=' ? (this.dialect === 'bash' ? 'assign' : 'eof') : 'eof');
    }
    return v;
  }

  private comma(): bigint {
    let v = this.assign();
    while (this.isOp(',')) {
      this.i++;
      v = this.assign();
    }
    return v;
  }

  private assign(): bigint {
    const t = this.peek();
    const next = this.toks[this.i + 1]?.tok;
    if (t.k === 'name' && next?.k === 'op' && ASSIGN_OPS.has(next.v)) {
      this.i += 2;
      const rhs = this.assign();
      if (next.v === '=') return this.assignTo(t.v, rhs);
      const cur = this.noeval ? 0n : this.varValue(t.v);
      return this.assignTo(t.v, this.binary(next.v.slice(0, -1), cur, rhs));
    }
    return this.cond();
  }

  private cond(): bigint {
    const c = this.binaryLevel(0);
    if (!this.isOp('?')) return c;
    this.i++;
    if (c === 0n) this.noeval++;
    const a = this.comma();
    if (c === 0n) this.noeval--;
    if (!this.isOp(':')) this.fail('primary');
    this.i++;
    if (c !== 0n) this.noeval++;
    const b = this.cond();
    if (c !== 0n) this.noeval--;
    return c !== 0n ? a : b;
  }

  private static readonly LEVELS = [['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '<=', '>', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];

  private binaryLevel(level: number): bigint {
    if (level >= Arith.LEVELS.length) return this.power();
    let v = this.binaryLevel(level + 1);
    for (;;) {
      const t = this.peek();
      if (t.k !== 'op' || !Arith.LEVELS[level].includes(t.v)) return v;
      this.i++;
      if (t.v === '&&' || t.v === '||') {
        const skip = t.v === '&&' ? v === 0n : v !== 0n;
        if (skip) this.noeval++;
        const r = this.binaryLevel(level + 1);
        if (skip) this.noeval--;
        v = skip ? (t.v === '||' ? 1n : 0n) : r !== 0n ? 1n : 0n;
        continue;
      }
      const r = this.binaryLevel(level + 1);
      v = this.binary(t.v, v, r);
    }
  }

  private binary(op: string, a: bigint, b: bigint): bigint {
    if (this.noeval) return 0n;
    switch (op) {
      case '+': return wrap(a + b);
      case '-': return wrap(a - b);
      case '*': return wrap(a * b);
      case '/':
      case '%':
        if (b === 0n) this.fail('divzero');
        return wrap(op === '/' ? a / b : a % b);
      case '<<': return wrap(a << (b & 63n));
      case '>>': return a >> (b & 63n);
      case '<': return a < b ? 1n : 0n;
      case '<=': return a <= b ? 1n : 0n;
      case '>': return a > b ? 1n : 0n;
      case '>=': return a >= b ? 1n : 0n;
      case '==': return a === b ? 1n : 0n;
      case '!=': return a !== b ? 1n : 0n;
      case '&': return a & b;
      case '^': return a ^ b;
      case '|': return a | b;
      case '**':
        if (b < 0n) throw new ShellError('', `exponent less than 0 (error token is "${b}")`);
        return wrap(a ** b);
    }
    return 0n;
  }

  private power(): bigint {
    const base = this.unary();
    if (!this.isOp('**')) return base;
    this.i++;
    return this.binary('**', base, this.power());
  }

  private unary(): bigint {
    const t = this.peek();
    if (t.k === 'op') {
      if ((t.v === '++' || t.v === '--') && this.dialect === 'bash') {
        const n = this.toks[this.i + 1]?.tok;
        if (n?.k === 'name') {
          this.i += 2;
          return this.assignTo(n.v, wrap(this.varValue(n.v) + (t.v === '++' ? 1n : -1n)));
        }
        // `--1` is two minus signs
      }
      if (t.v === '+' || t.v === '-' || t.v === '!' || t.v === '~' || t.v === '++' || t.v === '--') {
        if (t.v === '++' || t.v === '--') {
          // dash reads ++ and -- as two signs
          this.toks[this.i] = { tok: { k: 'op', v: t.v[0] }, at: this.toks[this.i].at };
          this.toks.splice(this.i + 1, 0, { tok: { k: 'op', v: t.v[0] }, at: this.toks[this.i].at + 1 });
        }
        const op = (this.peek() as { v: string }).v;
        this.i++;
        const v = this.unary();
        if (op === '-') return wrap(-v);
        if (op === '!') return v === 0n ? 1n : 0n;
        if (op === '~') return ~v;
        return v;
      }
    }
    return this.postfix();
  }

  private postfix(): bigint {
    const t = this.peek();
    if (t.k === 'name' && this.dialect === 'bash' && (this.isOpAt(this.i + 1, '++') || this.isOpAt(this.i + 1, '--'))) {
      const op = (this.toks[this.i + 1].tok as { v: string }).v;
      this.i += 2;
      const v = this.noeval ? 0n : this.varValue(t.v);
      this.assignTo(t.v, wrap(v + (op === '++' ? 1n : -1n)));
      return v;
    }
    return this.primary();
  }

  private isOpAt(i: number, v: string): boolean {
    const t = this.toks[i]?.tok;
    return t?.k === 'op' && t.v === v;
  }

  private primary(): bigint {
    const t = this.peek();
    if (t.k === 'num') {
      this.i++;
      return t.v;
    }
    if (t.k === 'name') {
      this.i++;
      return this.noeval ? 0n : this.varValue(t.v);
    }
    if (t.k === 'op' && t.v === '(') {
      this.i++;
      const v = this.comma();
      if (!this.isOp(')')) this.fail(this.peek().k === 'eof' ? 'paren' : 'eof');
      this.i++;
      return v;
    }
    return this.fail('primary');
  }
}

/** Evaluate an arithmetic expression (already expanded); throws ShellError with each shell's words. */
export function evalArith(text: string, vars: ArithVars, dialect: Dialect, depth = 0): bigint {
  return new Arith(text, vars, dialect, depth).run();
}
