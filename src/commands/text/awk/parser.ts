/**
 * The awk grammar (POSIX's, as mawk accepts it) by recursive descent, lowest precedence first:
 * assignment, ?:, ||, &&, in, ~ !~, relational (not `>` unparenthesized in print, where it
 * redirects), concatenation, + -, * / %, unary ! + -, ^, ++ --, $, grouping. mawk's words for what
 * it cannot parse ("syntax error at or near }", "missing ) near end of line").
 */
import { AwkSyntaxError, lex, type Token } from './lexer';

export type LValue = { k: 'var'; name: string } | { k: 'field'; index: Expr } | { k: 'index'; name: string; subs: Expr[] };

export type Expr =
  | LValue
  | { k: 'num'; n: number }
  | { k: 'str'; s: string }
  | { k: 'ere'; re: string }
  | { k: 'group'; e: Expr }
  | { k: 'grouping'; list: Expr[] }
  | { k: 'assign'; op: string; target: LValue; value: Expr }
  | { k: 'cond'; c: Expr; a: Expr; b: Expr }
  | { k: 'or' | 'and'; a: Expr; b: Expr }
  | { k: 'in'; subs: Expr[]; name: string }
  | { k: 'match'; neg: boolean; a: Expr; re: Expr }
  | { k: 'cmp'; op: string; a: Expr; b: Expr }
  | { k: 'concat'; a: Expr; b: Expr }
  | { k: 'bin'; op: string; a: Expr; b: Expr }
  | { k: 'unary'; op: string; a: Expr }
  | { k: 'incdec'; op: '++' | '--'; prefix: boolean; target: LValue }
  | { k: 'call'; name: string; args: Expr[]; line: number }
  | { k: 'builtin'; name: string; args: Expr[] }
  | { k: 'getline'; target: LValue | null; file: Expr | null; cmd: Expr | null };

export interface Redirect {
  op: '>' | '>>' | '|';
  target: Expr;
}

export type Stmt =
  | { k: 'expr'; e: Expr }
  | { k: 'print' | 'printf'; args: Expr[]; redir: Redirect | null }
  | { k: 'if'; c: Expr; then: Stmt; else: Stmt | null }
  | { k: 'while'; c: Expr; body: Stmt }
  | { k: 'do'; body: Stmt; c: Expr }
  | { k: 'for'; init: Stmt | null; c: Expr | null; step: Stmt | null; body: Stmt }
  | { k: 'forin'; v: LValue; arr: string; body: Stmt }
  | { k: 'block'; body: Stmt[] }
  | { k: 'next' | 'nextfile' | 'break' | 'continue' }
  | { k: 'exit' | 'return'; e: Expr | null }
  | { k: 'delete'; name: string; subs: Expr[] | null };

export interface Rule {
  kind: 'begin' | 'end' | 'main';
  pattern: Expr | null;
  /** a range pattern's end */
  pattern2: Expr | null;
  action: Stmt[] | null;
}

export interface Func {
  name: string;
  params: string[];
  body: Stmt[];
}

export interface Program {
  rules: Rule[];
  funcs: Map<string, Func>;
}

class Parser {
  private i = 0;
  private inLoop = 0;
  private inFunc = false;
  private inMain = false;
  readonly funcs = new Map<string, Func>();
  readonly calls: { name: string; args: number; line: number }[] = [];

  constructor(private readonly toks: Token[]) {}

  private get t(): Token {
    return this.toks[this.i];
  }
  private is(v: string, k: Token['k'] = 'op'): boolean {
    return this.t.k === k && this.t.v === v;
  }
  private isKw(v: string): boolean {
    return this.is(v, 'kw');
  }

  private near(t: Token): string {
    if (t.k === 'eof') return 'end of file';
    if (t.k === 'nl') return 'end of line';
    if (t.k === 'str') return `"${t.v}"`;
    if (t.k === 'ere') return `/${t.v}/`;
    return t.v;
  }

  /** `(` not yet closed: an unexpected end of a statement inside one is "missing )", as mawk's grammar says */
  private parens = 0;

  private syntax(): never {
    const t = this.t;
    if (this.parens > 0 && (t.k === 'nl' || t.k === 'eof' || this.is('}') || this.is(';'))) throw new AwkSyntaxError(t.line, `missing ) near ${this.near(t)}`);
    throw new AwkSyntaxError(t.line, `syntax error at or near ${this.near(t)}`);
  }

  private open(): void {
    this.expect('(');
    this.parens++;
  }

  private close(): void {
    this.expect(')');
    this.parens--;
  }

  private expect(v: string): void {
    if (!this.is(v)) {
      if (v === ')') throw new AwkSyntaxError(this.t.line, `missing ) near ${this.near(this.t)}`);
      if (v === '}' && this.t.k === 'eof') throw new AwkSyntaxError(this.t.line, 'missing } near end of file');
      this.syntax();
    }
    this.i++;
  }

  private skipNl(): void {
    while (this.t.k === 'nl') this.i++;
  }

  private skipTerms(): void {
    while (this.t.k === 'nl' || this.is(';')) this.i++;
  }

  program(): Program {
    const rules: Rule[] = [];
    this.skipTerms();
    while (this.t.k !== 'eof') {
      if (this.is('}')) throw new AwkSyntaxError(this.t.line, "extra '}'");
      if (this.isKw('function')) this.func();
      else rules.push(this.rule());
      this.skipTerms();
    }
    for (const c of this.calls) {
      const f = this.funcs.get(c.name);
      if (!f) throw new AwkSyntaxError(this.toks[this.toks.length - 1].line, `function ${c.name} never defined`);
      if (c.args > f.params.length) throw new AwkSyntaxError(c.line, `too many arguments in call to ${c.name}`);
    }
    return { rules, funcs: this.funcs };
  }

  private func(): void {
    this.i++;
    const nameTok = this.t;
    if (nameTok.k !== 'name' && nameTok.k !== 'funcname') this.syntax();
    this.i++;
    this.expect('(');
    const params: string[] = [];
    while (!this.is(')')) {
      if (this.t.k !== 'name' || this.t.v === nameTok.v) this.syntax();
      params.push(this.t.v);
      this.i++;
      if (this.is(',')) {
        this.i++;
        this.skipNl();
      } else if (!this.is(')')) this.syntax();
    }
    this.i++;
    this.skipNl();
    this.inFunc = true;
    const body = this.block();
    this.inFunc = false;
    this.funcs.set(nameTok.v, { name: nameTok.v, params, body });
  }

  private rule(): Rule {
    if (this.isKw('BEGIN') || this.isKw('END')) {
      const kind = this.t.v === 'BEGIN' ? 'begin' : 'end';
      this.i++;
      this.skipNl();
      if (!this.is('{')) this.syntax();
      return { kind, pattern: null, pattern2: null, action: this.block() };
    }
    let pattern: Expr | null = null;
    let pattern2: Expr | null = null;
    if (!this.is('{')) {
      pattern = this.expr(false);
      if (this.is(',')) {
        this.i++;
        this.skipNl();
        pattern2 = this.expr(false);
      }
    }
    this.inMain = true;
    const action = this.is('{') ? this.block() : null;
    this.inMain = false;
    return { kind: 'main', pattern, pattern2, action };
  }

  private block(): Stmt[] {
    this.expect('{');
    const body: Stmt[] = [];
    this.skipTerms();
    while (!this.is('}')) {
      if (this.t.k === 'eof') this.expect('}');
      body.push(this.statement());
      this.skipTerms();
    }
    this.i++;
    return body;
  }

  /** The end of a simple statement: `;`, a newline, or (left for the caller) `}`. */
  private endSimple(): void {
    if (this.is(';') || this.t.k === 'nl') {
      this.i++;
      return;
    }
    if (this.is('}') || this.t.k === 'eof') return;
    this.syntax();
  }

  private body(): Stmt {
    this.skipNl();
    if (this.is(';')) {
      this.i++;
      return { k: 'block', body: [] };
    }
    return this.statement();
  }

  private statement(): Stmt {
    const t = this.t;
    if (this.is('{')) return { k: 'block', body: this.block() };
    if (t.k === 'kw') {
      switch (t.v) {
        case 'if': {
          this.i++;
          this.open();
          const c = this.expr(false);
          this.close();
          const then = this.body();
          const save = this.i;
          this.skipTerms();
          if (this.isKw('else')) {
            this.i++;
            return { k: 'if', c, then, else: this.body() };
          }
          this.i = save;
          return { k: 'if', c, then, else: null };
        }
        case 'while': {
          this.i++;
          this.open();
          const c = this.expr(false);
          this.close();
          if (this.is(';')) {
            this.i++;
            return { k: 'while', c, body: { k: 'block', body: [] } };
          }
          this.inLoop++;
          const body = this.body();
          this.inLoop--;
          return { k: 'while', c, body };
        }
        case 'do': {
          this.i++;
          this.inLoop++;
          const body = this.body();
          this.inLoop--;
          this.skipTerms();
          if (!this.isKw('while')) this.syntax();
          this.i++;
          this.open();
          const c = this.expr(false);
          this.close();
          this.endSimple();
          return { k: 'do', body, c };
        }
        case 'for':
          return this.forStatement();
        case 'break':
        case 'continue':
          this.i++;
          this.endSimple();
          return { k: t.v };
        case 'next':
        case 'nextfile':
          if (!this.inMain && !this.inFunc) throw new AwkSyntaxError(t.line, `improper use of ${t.v}`);
          this.i++;
          this.endSimple();
          return { k: t.v };
        case 'exit':
        case 'return': {
          this.i++;
          const e = this.is(';') || this.is('}') || this.t.k === 'nl' || this.t.k === 'eof' ? null : this.expr(false);
          this.endSimple();
          return { k: t.v, e };
        }
        case 'delete': {
          this.i++;
          if (this.t.k !== 'name') this.syntax();
          const name = this.t.v;
          this.i++;
          let subs: Expr[] | null = null;
          if (this.is('[')) {
            this.i++;
            subs = this.exprList();
            this.expect(']');
          }
          this.endSimple();
          return { k: 'delete', name, subs };
        }
        case 'print':
        case 'printf':
          return this.printStatement(t.v);
      }
    }
    const e = this.expr(false);
    this.endSimple();
    return { k: 'expr', e };
  }

  private forStatement(): Stmt {
    this.i++;
    this.open();
    if (this.t.k === 'name' && this.toks[this.i + 1]?.k === 'kw' && this.toks[this.i + 1].v === 'in' && this.toks[this.i + 2]?.k === 'name' && this.toks[this.i + 3]?.v === ')') {
      const v: LValue = { k: 'var', name: this.t.v };
      const arr = this.toks[this.i + 2].v;
      this.i += 4;
      this.inLoop++;
      const body = this.body();
      this.inLoop--;
      return { k: 'forin', v, arr, body };
    }
    const init = this.is(';') ? null : { k: 'expr' as const, e: this.expr(false) };
    this.expect(';');
    this.skipNl();
    const c = this.is(';') ? null : this.expr(false);
    this.expect(';');
    this.skipNl();
    const step = this.is(')') ? null : { k: 'expr' as const, e: this.expr(false) };
    this.close();
    if (this.is(';')) {
      this.i++;
      return { k: 'for', init, c, step, body: { k: 'block', body: [] } };
    }
    this.inLoop++;
    const body = this.body();
    this.inLoop--;
    return { k: 'for', init, c, step, body };
  }

  /** Where a print's arguments end: a terminator or an output redirection. */
  private printEnd(): boolean {
    return this.is(';') || this.is('}') || this.is('>') || this.is('>>') || this.is('|') || this.t.k === 'nl' || this.t.k === 'eof';
  }

  private printStatement(kind: 'print' | 'printf'): Stmt {
    const line = this.t.line;
    this.i++;
    let args: Expr[] = [];
    if (!this.printEnd()) {
      // print (a, b) > "f": a parenthesized list; print (a)(b) or (a) b: an expression starting with a group
      const save = this.i;
      if (this.is('(')) {
        this.i++;
        this.parens++;
        const list = this.exprList();
        if (this.is(')')) {
          this.i++;
          this.parens--;
          if (this.printEnd()) args = list;
        }
        this.parens = 0;
      }
      if (args.length === 0) {
        this.i = save;
        args = this.exprList(true);
      }
    }
    if (kind === 'printf' && args.length === 0) throw new AwkSyntaxError(line, 'no arguments in call to printf');
    let redir: Redirect | null = null;
    if (this.is('>') || this.is('>>') || this.is('|')) {
      const op = this.t.v as Redirect['op'];
      this.i++;
      redir = { op, target: this.ternary(true) };
    }
    this.endSimple();
    return { k: kind, args, redir };
  }

  private exprList(noGt = false): Expr[] {
    const list = [this.expr(noGt)];
    while (this.is(',')) {
      this.i++;
      this.skipNl();
      list.push(this.expr(noGt));
    }
    return list;
  }

  private isLValue(e: Expr): e is LValue {
    return e.k === 'var' || e.k === 'field' || e.k === 'index';
  }

  expr(noGt: boolean): Expr {
    const left = this.ternary(noGt);
    const t = this.t;
    if (t.k === 'op' && ['=', '+=', '-=', '*=', '/=', '%=', '^='].includes(t.v)) {
      if (!this.isLValue(left)) this.syntax();
      this.i++;
      return { k: 'assign', op: t.v, target: left, value: this.expr(noGt) };
    }
    return left;
  }

  private ternary(noGt: boolean): Expr {
    const c = this.or(noGt);
    if (!this.is('?')) return c;
    this.i++;
    const a = this.expr(noGt);
    this.expect(':');
    const b = this.expr(noGt);
    return { k: 'cond', c, a, b };
  }

  private or(noGt: boolean): Expr {
    let a = this.and(noGt);
    while (this.is('||')) {
      this.i++;
      this.skipNl();
      a = { k: 'or', a, b: this.and(noGt) };
    }
    return a;
  }

  private and(noGt: boolean): Expr {
    let a = this.inExpr(noGt);
    while (this.is('&&')) {
      this.i++;
      this.skipNl();
      a = { k: 'and', a, b: this.inExpr(noGt) };
    }
    return a;
  }

  private inExpr(noGt: boolean): Expr {
    let a = this.matchExpr(noGt);
    while (this.isKw('in')) {
      this.i++;
      if (this.t.k !== 'name') this.syntax();
      const subs = a.k === 'grouping' ? a.list : [a];
      a = { k: 'in', subs, name: this.t.v };
      this.i++;
    }
    return a;
  }

  private matchExpr(noGt: boolean): Expr {
    let a = this.relational(noGt);
    while (this.is('~') || this.is('!~')) {
      const neg = this.t.v === '!~';
      this.i++;
      a = { k: 'match', neg, a, re: this.relational(noGt) };
    }
    return a;
  }

  private relational(noGt: boolean): Expr {
    const a = this.concat(noGt);
    const t = this.t;
    if (t.k === 'op' && ['<', '<=', '==', '!=', '>=', '>'].includes(t.v) && !(noGt && t.v === '>')) {
      this.i++;
      return { k: 'cmp', op: t.v, a, b: this.concat(noGt) };
    }
    return a;
  }

  /** Can this token start the right-hand operand of a concatenation? */
  private startsConcat(): boolean {
    const t = this.t;
    if (t.k === 'num' || t.k === 'str' || t.k === 'ere' || t.k === 'name' || t.k === 'funcname' || t.k === 'builtin') return true;
    return t.k === 'op' && (t.v === '$' || t.v === '(' || t.v === '!' || t.v === '++' || t.v === '--');
  }

  private concat(noGt: boolean): Expr {
    void noGt;
    let a = this.additive();
    while (this.startsConcat()) {
      if (this.is('!') && (this.toks[this.i + 1]?.v === '=' || this.toks[this.i + 1]?.v === '~')) break;
      a = { k: 'concat', a, b: this.additive() };
    }
    if (this.is('|') && this.toks[this.i + 1]?.k === 'kw' && this.toks[this.i + 1].v === 'getline') {
      this.i += 2;
      const target = this.optLValue();
      a = { k: 'getline', target, file: null, cmd: a };
    }
    return a;
  }

  private additive(): Expr {
    let a = this.multiplicative();
    while (this.is('+') || this.is('-')) {
      const op = this.t.v;
      this.i++;
      a = { k: 'bin', op, a, b: this.multiplicative() };
    }
    return a;
  }

  private multiplicative(): Expr {
    let a = this.unary();
    while (this.is('*') || this.is('/') || this.is('%')) {
      const op = this.t.v;
      this.i++;
      a = { k: 'bin', op, a, b: this.unary() };
    }
    return a;
  }

  private unary(): Expr {
    if (this.is('!') || this.is('-') || this.is('+')) {
      const op = this.t.v;
      this.i++;
      return { k: 'unary', op, a: this.unary() };
    }
    return this.power();
  }

  private power(): Expr {
    const a = this.incdec();
    if (this.is('^')) {
      this.i++;
      const b = this.is('-') || this.is('+') || this.is('!') ? this.unary() : this.power();
      return { k: 'bin', op: '^', a, b };
    }
    return a;
  }

  private incdec(): Expr {
    if (this.is('++') || this.is('--')) {
      const op = this.t.v as '++' | '--';
      this.i++;
      const target = this.primary();
      if (!this.isLValue(target)) this.syntax();
      return { k: 'incdec', op, prefix: true, target };
    }
    const e = this.primary();
    if (this.isLValue(e) && (this.is('++') || this.is('--'))) {
      const op = this.t.v as '++' | '--';
      this.i++;
      return { k: 'incdec', op, prefix: false, target: e };
    }
    return e;
  }

  private optLValue(): LValue | null {
    if (this.t.k === 'name' || this.is('$')) {
      const e = this.primary();
      return this.isLValue(e) ? e : null;
    }
    return null;
  }

  private primary(): Expr {
    const t = this.t;
    switch (t.k) {
      case 'num':
        this.i++;
        return { k: 'num', n: t.n! };
      case 'str':
        this.i++;
        return { k: 'str', s: t.v };
      case 'ere':
        this.i++;
        return { k: 'ere', re: t.v };
      case 'name': {
        this.i++;
        if (this.is('[')) {
          this.i++;
          const subs = this.exprList();
          if (!this.is(']')) this.syntax();
          this.i++;
          return { k: 'index', name: t.v, subs };
        }
        return { k: 'var', name: t.v };
      }
      case 'funcname': {
        this.i++;
        this.open();
        const args = this.is(')') ? [] : this.exprList();
        this.close();
        this.calls.push({ name: t.v, args: args.length, line: t.line });
        return { k: 'call', name: t.v, args, line: t.line };
      }
      case 'builtin': {
        this.i++;
        if (!this.is('(')) {
          if (t.v === 'length') return { k: 'builtin', name: 'length', args: [] };
          this.syntax();
        }
        this.i++;
        this.parens++;
        const args = this.is(')') ? [] : this.exprList();
        this.close();
        return { k: 'builtin', name: t.v, args };
      }
      case 'kw':
        if (t.v === 'getline') {
          this.i++;
          const target = this.optLValue();
          let file: Expr | null = null;
          if (this.is('<')) {
            this.i++;
            file = this.primaryNoConcat();
          }
          return { k: 'getline', target, file, cmd: null };
        }
        break;
      case 'op':
        if (t.v === '$') {
          this.i++;
          const index = this.is('++') || this.is('--') ? this.incdec() : this.is('-') || this.is('!') || this.is('+') ? this.unary() : this.primary();
          return { k: 'field', index };
        }
        if (t.v === '(') {
          this.i++;
          this.parens++;
          const list = this.exprList();
          this.close();
          if (list.length > 1) {
            if (!this.isKw('in')) this.syntax();
            return { k: 'grouping', list };
          }
          return { k: 'group', e: list[0] };
        }
        if (t.v === '-' || t.v === '+' || t.v === '!') return this.unary();
        break;
    }
    return this.syntax();
  }

  /** `getline < file`: the file is a primary (no concatenation). */
  private primaryNoConcat(): Expr {
    return this.incdec();
  }
}

/**
 * Parse a program. mawk reads a command-line program as if it ended in a newline; after a syntax
 * error its parser recovers and also reports a `{` left open at the end.
 */
export function parseAwk(src: string): Program {
  const toks = lex(`${src}\n`);
  try {
    return new Parser(toks).program();
  } catch (e) {
    if (!(e instanceof AwkSyntaxError) || e.message.startsWith('missing }')) throw e;
    const open = toks.filter((t) => t.k === 'op' && t.v === '{').length - toks.filter((t) => t.k === 'op' && t.v === '}').length;
    if (open > 0 && !e.message.startsWith('function') && !e.message.startsWith('runaway')) e.more.push(`line ${toks[toks.length - 1].line}: missing } near end of file`);
    throw e;
  }
}
