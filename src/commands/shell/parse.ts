/**
 * The shell grammar, as dash's parser.c reads it (list, andor, pipeline, command, simplecmd), so
 * a broken line gets dash's exact complaint (`Syntax error: "done" unexpected`, `… (expecting
 * "then")`) and bash's (`syntax error near unexpected token `done'`). Like dash, a script is parsed
 * and run one complete command (a line) at a time: `next()` returns the next one.
 */
import { isName, type Assign, type Node, type Redir, type Word } from './ast';
import { KEYWORDS, Lexer, ShellSyntaxError, type Dialect, type Tok } from './lexer';

export { ShellSyntaxError, type Dialect } from './lexer';

/** Tokens that end a list (dash's tokendlist). */
const LIST_END = new Set<Tok>(['eof', ')', ';;', 'do', 'done', 'elif', 'else', 'esac', 'fi', 'then', '}']);

/** Special builtins cannot be function names (dash: "Bad function name"). */
const SPECIAL_BUILTINS = new Set(['break', ':', '.', 'continue', 'eval', 'exec', 'exit', 'export', 'readonly', 'return', 'set', 'shift', 'times', 'trap', 'unset']);

/** How a token is named in dash's messages. */
function dashName(t: Tok): string {
  if (t === 'eof') return 'end of file';
  if (t === 'nl') return 'newline';
  if (t === 'word') return 'word';
  if (t === 'redir') return 'redirection';
  return `"${t}"`;
}

export class Parser extends Lexer {
  /** reserved words are recognized by the next readToken() */
  private kwd = false;
  /** newlines are skipped by the next readToken() */
  private skipNl = false;

  constructor(src: string, dialect: Dialect = 'sh', line = 1, depth = 0) {
    super(src, dialect, line, depth);
  }

  protected sub(text: string, line: number): Parser {
    return new Parser(text, this.dialect, line, this.depth + 1);
  }

  /** The next complete command (up to a newline), null at the end of the text. Throws ShellSyntaxError. */
  next(): Node | null {
    for (;;) {
      this.pushback = false;
      const n = this.list(1);
      if (n) return n;
      if (this.last === 'eof') return null;
    }
  }

  /** dash's readtoken(): a token, newlines skipped and reserved words recognized when asked. */
  private readToken(): Tok {
    const kwd = this.kwd;
    const skipNl = this.skipNl;
    this.kwd = false;
    this.skipNl = false;
    let t: Tok;
    if (this.pushback) {
      this.pushback = false;
      t = this.last;
    } else t = this.lex();
    while (skipNl && t === 'nl') t = this.lex();
    if (kwd && t === 'word' && !this.quoted && KEYWORDS.has(this.word!.text as Tok)) t = this.word!.text as Tok;
    this.last = t;
    return t;
  }

  private unread(): void {
    this.pushback = true;
  }

  /** The text bash quotes in "near unexpected token `…'". */
  private bashToken(t: Tok): string {
    if (t === 'word') return this.word?.text ?? '';
    if (t === 'nl') return 'newline';
    if (t === 'redir') return this.redir?.op ?? '';
    return t;
  }

  private unexpected(expecting?: Tok): ShellSyntaxError {
    const t = this.last;
    const dash = `Syntax error: ${dashName(t)} unexpected${expecting ? ` (expecting ${dashName(expecting)})` : ''}`;
    const bash = t === 'eof' ? 'syntax error: unexpected end of file' : `syntax error near unexpected token \`${this.bashToken(t)}'`;
    return this.error(dash, bash);
  }

  /**
   * list(nlflag): and-or lists separated by ; & and newlines. At the top (nlflag 1) a newline ends
   * it; inside compound commands newlines are skipped and an empty list is an error.
   */
  private list(nlflag: number): Node | null {
    const items: { node: Node; bg: boolean; text?: string }[] = [];
    const top = (nlflag & 1) !== 0;
    for (;;) {
      this.kwd = true;
      this.skipNl = !top;
      const tok = this.readToken();
      if (tok === 'nl') return this.wrap(items);
      if (tok === 'eof') {
        this.unread();
        return this.wrap(items);
      }
      this.unread();
      if (nlflag === 2 && LIST_END.has(tok)) return this.wrap(items);
      nlflag |= 2;
      const start = this.tokStart;
      const node = this.andor();
      const t = this.readToken();
      items.push(t === '&' ? { node, bg: true, text: this.src.slice(start, this.tokStart).trim() } : { node, bg: false });
      if (t === 'eof') {
        this.unread();
        return this.wrap(items);
      }
      if (t === 'nl') {
        if (top) return this.wrap(items);
        continue;
      }
      if (t === '&' || t === ';') continue;
      if (top) throw this.unexpected();
      this.unread();
      return this.wrap(items);
    }
  }

  private wrap(items: { node: Node; bg: boolean; text?: string }[]): Node | null {
    if (items.length === 0) return null;
    if (items.length === 1 && !items[0].bg) return items[0].node;
    return { t: 'list', items };
  }

  /** A list that must not be empty (the body of if, while, for, { } and ( )). */
  private compoundList(): Node {
    const n = this.list(0);
    // list(0) only comes back empty at the end of the text; the caller's expected token reports it
    return n ?? { t: 'list', items: [] };
  }

  private andor(): Node {
    let left = this.pipeline();
    for (;;) {
      const t = this.readToken();
      if (t !== '&&' && t !== '||') {
        this.unread();
        return left;
      }
      this.kwd = true;
      this.skipNl = true;
      const right = this.pipeline();
      left = { t: t === '&&' ? 'and' : 'or', left, right };
    }
  }

  private pipeline(): Node {
    this.kwd = true;
    let negate = false;
    if (this.readToken() === '!') {
      negate = true;
      this.kwd = true;
    } else this.unread();
    const cmds = [this.command()];
    while (this.readToken() === '|') {
      this.kwd = true;
      this.skipNl = true;
      cmds.push(this.command());
    }
    this.unread();
    const p: Node = cmds.length === 1 ? cmds[0] : { t: 'pipe', cmds };
    return negate ? { t: 'not', body: p } : p;
  }

  private expect(t: Tok): void {
    if (this.readToken() !== t) throw this.unexpected(t);
  }

  private command(): Node {
    const tok = this.readToken();
    const line = this.line;
    let node: Node;
    switch (tok) {
      case 'if': {
        const cond = this.compoundList();
        this.expect('then');
        const then = this.compoundList();
        const elifs: [Node, Node][] = [];
        while (this.readToken() === 'elif') {
          const c = this.compoundList();
          this.expect('then');
          elifs.push([c, this.compoundList()]);
        }
        let els: Node | null = null;
        if (this.last === 'else') els = this.compoundList();
        else this.unread();
        this.expect('fi');
        for (let i = elifs.length - 1; i >= 0; i--) els = { t: 'if', cond: elifs[i][0], then: elifs[i][1], else: els, redirs: [] };
        node = { t: 'if', cond, then, else: els, redirs: [] };
        break;
      }
      case 'while':
      case 'until': {
        const cond = this.compoundList();
        this.expect('do');
        const body = this.compoundList();
        this.expect('done');
        node = { t: 'loop', until: tok === 'until', cond, body, redirs: [] };
        break;
      }
      case 'for':
        node = this.forCommand(line);
        break;
      case 'case':
        node = this.caseCommand(line);
        return this.trailingRedirs(node);
      case '(': {
        const body = this.compoundList();
        this.expect(')');
        node = { t: 'subshell', body, redirs: [] };
        break;
      }
      case '{': {
        const body = this.compoundList();
        this.expect('}');
        node = { t: 'group', body, redirs: [] };
        break;
      }
      case 'word':
      case 'redir':
        this.unread();
        return this.simpleCommand();
      default:
        throw this.unexpected();
    }
    return this.trailingRedirs(node);
  }

  private forCommand(line: number): Node {
    if (this.readToken() !== 'word' || this.quoted || !isName(this.word!.text)) {
      throw this.error('Syntax error: Bad for loop variable', `\`${this.word?.text ?? this.bashToken(this.last)}': not a valid identifier`);
    }
    const name = this.word!.text;
    this.kwd = true;
    this.skipNl = true;
    let words: Word[] | null = null;
    if (this.readToken() === 'in') {
      words = [];
      while (this.readToken() === 'word') words.push(this.word!);
      if (this.last !== 'nl' && this.last !== ';') throw this.unexpected();
    } else if (this.last !== ';') this.unread();
    this.kwd = true;
    this.skipNl = true;
    this.expect('do');
    const body = this.compoundList();
    this.expect('done');
    return { t: 'for', name, words, body, redirs: [], line };
  }

  private caseCommand(line: number): Node {
    if (this.readToken() !== 'word') throw this.unexpected('word');
    const word = this.word!;
    this.kwd = true;
    this.skipNl = true;
    this.expect('in');
    const items: { patterns: Word[]; body: Node | null }[] = [];
    this.kwd = true;
    this.skipNl = true;
    let t = this.readToken();
    while (t !== 'esac') {
      if (t === '(') t = this.readToken();
      const patterns: Word[] = [];
      for (;;) {
        // a pattern may be spelled like a reserved word (`done)`): dash takes the word's text
        if (t === 'word' || (KEYWORDS.has(t) && this.word)) patterns.push(this.word!);
        if (this.readToken() !== '|') break;
        t = this.readToken();
      }
      if (this.last !== ')') throw this.unexpected(')');
      const body = this.list(2);
      items.push({ patterns, body });
      this.kwd = true;
      this.skipNl = true;
      t = this.readToken();
      if (t !== 'esac') {
        if (t !== ';;') throw this.unexpected(';;');
        this.kwd = true;
        this.skipNl = true;
        t = this.readToken();
      }
    }
    return { t: 'case', word, items, redirs: [], line };
  }

  /** Redirections after a compound command: `{ …; } > file`, `done < file`. */
  private trailingRedirs(node: Node): Node {
    const redirs: Redir[] = [];
    this.kwd = true;
    while (this.readToken() === 'redir') redirs.push(this.redirTarget());
    this.unread();
    if (redirs.length && 'redirs' in node) node.redirs.push(...redirs);
    return node;
  }

  /** The word after a redirection operator (parsefname). */
  private redirTarget(): Redir {
    const { fd, op } = this.redir!;
    if (this.readToken() !== 'word') throw this.unexpected();
    const target = this.word!;
    const r: Redir = { fd, op, target };
    if (op === '<<' || op === '<<-') this.queueHeredoc(r, target, op === '<<-');
    return r;
  }

  private simpleCommand(): Node {
    const assigns: Assign[] = [];
    const words: Word[] = [];
    const redirs: Redir[] = [];
    const line = this.line;
    let assignmentsAllowed = true;
    for (;;) {
      const t = this.readToken();
      if (t === 'word') {
        const w = this.word!;
        const eq = w.text.indexOf('=');
        if (assignmentsAllowed && eq > 0 && isName(w.text.slice(0, eq)) && w.parts[0]?.k === 'lit' && w.parts[0].s.indexOf('=') === eq) {
          assigns.push({ name: w.text.slice(0, eq), value: assignmentValue(w, eq) });
        } else {
          words.push(w);
          assignmentsAllowed = false;
        }
      } else if (t === 'redir') {
        redirs.push(this.redirTarget());
      } else if (t === '(' && words.length === 1 && assigns.length === 0 && redirs.length === 0) {
        return this.functionDefinition(words[0]);
      } else {
        this.unread();
        break;
      }
    }
    return { t: 'simple', assigns, words: words.map(tildeWord), redirs, line };
  }

  private functionDefinition(nameWord: Word): Node {
    const line = this.line;
    if (this.readToken() !== ')') throw this.unexpected(')');
    const name = nameWord.text;
    if (!isName(name) || SPECIAL_BUILTINS.has(name)) throw this.error('Syntax error: Bad function name', `\`${name}': not a valid identifier`);
    this.kwd = true;
    this.skipNl = true;
    return { t: 'func', name, body: this.command(), line };
  }

  protected parseCommandSubst(): Node | null {
    const saved = { kwd: this.kwd, skipNl: this.skipNl };
    const n = this.list(2);
    this.kwd = true;
    this.skipNl = true;
    this.expect(')');
    this.kwd = saved.kwd;
    this.skipNl = saved.skipNl;
    this.pushback = false;
    return n;
  }

  protected parseBackquoted(text: string, line: number): Node | null {
    const p = this.sub(text, line);
    const items: Node[] = [];
    for (let n = p.next(); n; n = p.next()) items.push(n);
    if (items.length === 0) return null;
    return items.length === 1 ? items[0] : { t: 'list', items: items.map((node) => ({ node, bg: false })) };
  }
}

/** The value part of `NAME=value`, with a tilde after `=` expanded as in an assignment. */
function assignmentValue(w: Word, eq: number): Word {
  const [first, ...rest] = w.parts;
  const head = first.k === 'lit' ? first.s.slice(eq + 1) : '';
  const parts = head ? [{ k: 'lit' as const, s: head }, ...rest] : rest;
  return tildeWord({ parts, text: w.text.slice(eq + 1) });
}

/** A word starting with an unquoted `~`: the tilde prefix up to the first `/` becomes a home directory. */
function tildeWord(w: Word): Word {
  const first = w.parts[0];
  if (first?.k !== 'lit' || !first.s.startsWith('~')) return w;
  const slash = first.s.indexOf('/');
  const user = slash < 0 ? first.s.slice(1) : first.s.slice(1, slash);
  if (slash < 0 && w.parts.length > 1) return w;
  if (!/^[A-Za-z0-9._-]*$/.test(user)) return w;
  const rest = slash < 0 ? '' : first.s.slice(slash);
  return { ...w, parts: [{ k: 'tilde', user }, ...(rest ? [{ k: 'lit' as const, s: rest }] : []), ...w.parts.slice(1)] };
}

/** Parse a whole script at once (tests, and the checks that need every command up front). */
export function parseAll(src: string, dialect: Dialect = 'sh'): Node[] {
  const p = new Parser(src, dialect);
  const out: Node[] = [];
  for (let n = p.next(); n; n = p.next()) out.push(n);
  return out;
}
