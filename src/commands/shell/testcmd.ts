/**
 * test / [ as dash's bltin/test.c evaluates it: POSIX's rules for three and four arguments, then the
 * grammar oexpr → aexpr (-a) → nexpr (!) → primary, with unary file and string tests and binary
 * string and integer comparisons. Every file is root's, so -r and -w hold for anything that exists.
 */
import type { FsView } from '../../engine/fs';

export class TestError {
  constructor(
    readonly dash: string,
    readonly bash: string,
  ) {}
}

const UNARY = new Set(['-b', '-c', '-d', '-e', '-f', '-g', '-h', '-k', '-L', '-n', '-O', '-G', '-p', '-r', '-s', '-S', '-t', '-u', '-w', '-x', '-z']);
const BINARY_SH = new Set(['=', '!=', '<', '>', '-eq', '-ne', '-gt', '-ge', '-lt', '-le', '-nt', '-ot', '-ef']);
const BINARY_BASH = new Set([...BINARY_SH, '==']);

type Tok = 'eoi' | 'operand' | 'unop' | 'binop' | '!' | '-a' | '-o' | '(' | ')';

class Test {
  private wp = 0;
  private readonly binary: Set<string>;

  constructor(
    private readonly argv: string[],
    private readonly fs: FsView,
    private readonly cwd: string,
    bash: boolean,
  ) {
    this.binary = bash ? BINARY_BASH : BINARY_SH;
  }

  private opType(s: string | undefined): Tok | null {
    if (s === undefined) return null;
    if (UNARY.has(s)) return 'unop';
    if (this.binary.has(s)) return 'binop';
    if (s === '!' || s === '-a' || s === '-o' || s === '(' || s === ')') return s;
    return null;
  }

  /** t_lex(): an operator, unless a unary operator is an operand here (dash's isoperand). */
  lex(i: number): Tok {
    const s = this.argv[i];
    if (s === undefined) return 'eoi';
    const t = this.opType(s);
    if (t === null) return 'operand';
    if (t === 'unop' && this.isOperand(i)) return 'operand';
    if (t === '(' && this.argv[i + 1] === undefined) return 'operand';
    return t;
  }

  private isOperand(i: number): boolean {
    if (this.argv[i + 1] === undefined) return true;
    if (this.argv[i + 2] === undefined) return false;
    return this.opType(this.argv[i + 1]) === 'binop';
  }

  private syntax(op: string | null, msg: string, bash: string): never {
    throw new TestError(op ? `${op}: ${msg}` : msg, bash);
  }

  run(start: Tok): boolean {
    this.wp = 0;
    const res = this.oexpr(start);
    if (this.argv[this.wp] !== undefined && this.argv[this.wp + 1] !== undefined) {
      this.syntax(this.argv[this.wp], 'unexpected operator', this.wp + 1 < this.argv.length ? 'too many arguments' : `${this.argv[this.wp]}: unary operator expected`);
    }
    return res;
  }

  setStart(i: number): void {
    this.wp = i;
  }

  private oexpr(n: Tok): boolean {
    let res = false;
    for (;;) {
      res = this.aexpr(n) || res;
      n = this.lex(this.wp + 1);
      if (n !== '-o') break;
      this.wp += 2;
      n = this.lex(this.wp);
    }
    return res;
  }

  private aexpr(n: Tok): boolean {
    let res = true;
    for (;;) {
      if (!this.nexpr(n)) res = false;
      n = this.lex(this.wp + 1);
      if (n !== '-a') break;
      this.wp += 2;
      n = this.lex(this.wp);
    }
    return res;
  }

  private nexpr(n: Tok): boolean {
    if (n !== '!') return this.primary(n);
    n = this.lex(this.wp + 1);
    if (n !== 'eoi') this.wp++;
    return !this.nexpr(n);
  }

  private primary(n: Tok): boolean {
    if (n === 'eoi') return false;
    if (n === '(') {
      const nn = this.lex(++this.wp);
      if (nn === ')') return false;
      const res = this.oexpr(nn);
      if (this.lex(++this.wp) !== ')') this.syntax(null, 'closing paren expected', "`)' expected");
      return res;
    }
    if (n === 'unop') {
      const op = this.argv[this.wp];
      const arg = this.argv[++this.wp];
      if (arg === undefined) this.syntax(op, 'argument expected', `${op}: unary operator expected`);
      if (op === '-z') return arg.length === 0;
      if (op === '-n') return arg.length !== 0;
      if (op === '-t') return false;
      return this.fileTest(op, arg);
    }
    if (this.lex(this.wp + 1) === 'binop') return this.binop();
    return this.argv[this.wp].length > 0;
  }

  private binop(): boolean {
    const a = this.argv[this.wp];
    const op = this.argv[++this.wp];
    const b = this.argv[++this.wp];
    if (b === undefined) this.syntax(op, 'argument expected', `${op}: unary operator expected`);
    switch (op) {
      case '=':
      case '==':
        return a === b;
      case '!=':
        return a !== b;
      case '<':
        return a < b;
      case '>':
        return a > b;
      case '-nt':
      case '-ot': {
        const sa = this.fs.stat(a, this.cwd);
        const sb = this.fs.stat(b, this.cwd);
        if (!sa.ok || !sb.ok) return op === '-nt' ? sa.ok && !sb.ok : !sa.ok && sb.ok;
        return op === '-nt' ? sa.value.mtime > sb.value.mtime : sa.value.mtime < sb.value.mtime;
      }
      case '-ef': {
        const ra = this.fs.realpath(a, this.cwd);
        const rb = this.fs.realpath(b, this.cwd);
        return ra.ok && rb.ok && ra.value === rb.value;
      }
    }
    const x = this.number(a);
    const y = this.number(b);
    switch (op) {
      case '-eq': return x === y;
      case '-ne': return x !== y;
      case '-gt': return x > y;
      case '-ge': return x >= y;
      case '-lt': return x < y;
      default: return x <= y;
    }
  }

  private number(s: string): bigint {
    const m = /^[ \t\n]*([+-]?\d+)[ \t\n]*$/.exec(s);
    if (!m) throw new TestError(`Illegal number: ${s}`, `${s}: integer expression expected`);
    return BigInt(m[1]);
  }

  private fileTest(op: string, path: string): boolean {
    const st = this.fs.stat(path, this.cwd);
    if (!st.ok) return false;
    const s = st.value;
    switch (op) {
      case '-e':
      case '-r':
      case '-w':
      case '-O':
      case '-G':
        return true;
      case '-f':
        return s.kind === 'file';
      case '-d':
        return s.kind === 'dir';
      case '-c':
        return s.kind === 'chr';
      case '-s':
        return s.size > 0;
      case '-x':
        return s.kind === 'dir' || (s.mode & 0o111) !== 0;
      case '-k':
        return (s.mode & 0o1000) !== 0;
    }
    return false;
  }
}

/** Evaluate test's arguments (without the closing `]`); throws TestError for a malformed expression. */
export function testExpr(args: string[], fs: FsView, cwd: string, bash = false): boolean {
  let negate = false;
  let argv = args;
  for (;;) {
    if (argv.length === 0) return negate;
    if (argv.length === 3 || argv.length === 4) {
      const t = new Test(argv, fs, cwd, bash);
      if (argv.length === 3 && (bash ? BINARY_BASH : BINARY_SH).has(argv[1])) return t.run('operand') !== negate;
      if (argv[0] === '(' && argv[argv.length - 1] === ')') {
        argv = argv.slice(1, -1);
        break;
      }
      if (argv[0] === '!') {
        negate = !negate;
        argv = argv.slice(1);
        continue;
      }
    }
    break;
  }
  const t = new Test(argv, fs, cwd, bash);
  return t.run(t.lex(0)) !== negate;
}
