/**
 * The shell's tokenizer, as dash's xxreadtoken()/readtoken1() read a command line: operators,
 * words with their quoting and expansions kept as parts, redirection operators with an fd number
 * glued in front (`2>`), comments, line continuations and here-document bodies. The grammar
 * (parse.ts) asks for tokens one at a time, saying whether reserved words count here.
 */
import type { Node, ParamOp, ParamPart, RedirOp, Word, WordPart } from './ast';

export type Dialect = 'sh' | 'bash';

export type Tok =
  | 'eof' | 'nl' | ';' | '&' | '&&' | '||' | '|' | '(' | ')' | ';;' | 'redir' | 'word'
  | '!' | 'case' | 'do' | 'done' | 'elif' | 'else' | 'esac' | 'fi' | 'for' | 'if' | 'in' | 'then' | 'until' | 'while' | '{' | '}';

export const KEYWORDS = new Set<Tok>(['!', 'case', 'do', 'done', 'elif', 'else', 'esac', 'fi', 'for', 'if', 'in', 'then', 'until', 'while', '{', '}']);

/** A syntax error, in dash's words (`dash`) and bash's (`bash`); `line` is where it was found. */
export class ShellSyntaxError extends Error {
  constructor(
    readonly dash: string,
    readonly bash: string,
    readonly line: number,
  ) {
    super(dash);
  }
}

/** Limits that keep a hostile line from costing more than a real shell would let it. */
const MAX_DEPTH = 200;

const META = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);
const SPECIAL_PARAMS = '@*#?-$!0123456789';
const isNameStart = (c: string | undefined) => c !== undefined && /[A-Za-z_]/.test(c);
const isNameChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);

interface PendingHeredoc {
  target: { heredoc?: { body: WordPart[]; literal: boolean } };
  delim: string;
  literal: boolean;
  stripTabs: boolean;
}

export abstract class Lexer {
  pos = 0;
  line: number;
  /** the last token read, its word or redirection */
  last: Tok = 'eof';
  word: Word | null = null;
  /** the word had quotes (no keyword, a quoted here-document delimiter) */
  quoted = false;
  redir: { fd: number; op: RedirOp } | null = null;
  /** readtoken() returns `last` again once */
  pushback = false;
  /** where the last token read starts (for the text of a background job) */
  tokStart = 0;
  protected depth = 0;
  protected heredocs: PendingHeredoc[] = [];

  constructor(
    readonly src: string,
    readonly dialect: Dialect,
    line = 1,
    depth = 0,
  ) {
    this.line = line;
    this.depth = depth;
    if (depth > MAX_DEPTH) throw this.error('Syntax error: too deeply nested', 'syntax error: too deeply nested');
  }

  /** Parse `$( … )` from the current position: a list, then `)`. */
  protected abstract parseCommandSubst(): Node | null;
  /** Parse the text of a backquoted command. */
  protected abstract parseBackquoted(text: string, line: number): Node | null;
  /** A lexer over another text (an arithmetic expression, a here-document body), one level deeper. */
  protected abstract sub(text: string, line: number): Lexer;

  error(dash: string, bash: string): ShellSyntaxError {
    return new ShellSyntaxError(dash, bash, this.line);
  }

  protected peek(off = 0): string | undefined {
    return this.src[this.pos + off];
  }

  /** Skip `\<newline>` pairs at the cursor (a line continuation is invisible everywhere but in '…'). */
  private skipContinuations(): void {
    while (this.src[this.pos] === '\\' && this.src[this.pos + 1] === '\n') {
      this.pos += 2;
      this.line++;
    }
  }

  private nextChar(): string | undefined {
    this.skipContinuations();
    const c = this.src[this.pos];
    if (c !== undefined) this.pos++;
    if (c === '\n') this.line++;
    return c;
  }

  private look(): string | undefined {
    this.skipContinuations();
    return this.src[this.pos];
  }

  /** The next token, without keywords: the grammar decides when a word is a reserved word. */
  protected lex(): Tok {
    this.word = null;
    this.redir = null;
    this.quoted = false;
    for (;;) {
      const c = this.look();
      if (c === ' ' || c === '\t') {
        this.pos++;
        continue;
      }
      if (c === '#') {
        while (this.pos < this.src.length && this.src[this.pos] !== '\n') this.pos++;
        continue;
      }
      break;
    }
    const c = this.look();
    this.tokStart = this.pos;
    if (c === undefined) return 'eof';
    if (c === '\n') {
      this.nextChar();
      this.readHeredocs();
      return 'nl';
    }
    const two = () => {
      this.nextChar();
      return this.look();
    };
    switch (c) {
      case ';':
        if (two() === ';') {
          this.nextChar();
          return ';;';
        }
        return ';';
      case '&': {
        const n = two();
        if (n === '&') {
          this.nextChar();
          return '&&';
        }
        if (n === '>' && this.dialect === 'bash') {
          this.nextChar();
          const op: RedirOp = this.look() === '>' ? (this.nextChar(), '&>>') : '&>';
          this.redir = { fd: 1, op };
          return 'redir';
        }
        return '&';
      }
      case '|':
        if (two() === '|') {
          this.nextChar();
          return '||';
        }
        return '|';
      case '(':
        this.nextChar();
        return '(';
      case ')':
        this.nextChar();
        return ')';
      case '<':
      case '>':
        this.readRedirOp(-1);
        return 'redir';
    }
    return this.readWord();
  }

  /** `<`, `<<`, `<<-`, `<&`, `<>`, `>`, `>>`, `>&`, `>|` (and bash's `<<<`), after an optional fd number. */
  private readRedirOp(fd: number): void {
    const c = this.nextChar()!;
    let op: RedirOp;
    const n = this.look();
    if (c === '>') {
      if (n === '>') op = '>>';
      else if (n === '&') op = '>&';
      else if (n === '|') op = '>|';
      else op = '>';
      if (op !== '>') this.nextChar();
    } else {
      if (n === '<') {
        this.nextChar();
        if (this.look() === '-') {
          this.nextChar();
          op = '<<-';
        } else if (this.look() === '<' && this.dialect === 'bash') {
          this.nextChar();
          op = '<<<';
        } else op = '<<';
      } else if (n === '&') {
        this.nextChar();
        op = '<&';
      } else if (n === '>') {
        this.nextChar();
        op = '<>';
      } else op = '<';
    }
    this.redir = { fd: fd >= 0 ? fd : c === '>' ? 1 : 0, op };
  }

  private readWord(): Tok {
    const start = this.pos;
    const parts: WordPart[] = [];
    let lit = '';
    const flush = () => {
      if (lit) parts.push({ k: 'lit', s: lit });
      lit = '';
    };
    for (;;) {
      const c = this.look();
      if (c === undefined || META.has(c)) break;
      this.nextChar();
      if (c === '\\') {
        const n = this.src[this.pos];
        flush();
        this.quoted = true;
        if (n === undefined) parts.push({ k: 'sq', s: '\\' });
        else {
          this.nextChar();
          parts.push({ k: 'sq', s: n });
        }
      } else if (c === "'") {
        flush();
        this.quoted = true;
        const end = this.src.indexOf("'", this.pos);
        if (end < 0) throw this.unterminated();
        const s = this.src.slice(this.pos, end);
        this.line += s.split('\n').length - 1;
        this.pos = end + 1;
        parts.push({ k: 'sq', s });
      } else if (c === '"') {
        flush();
        this.quoted = true;
        parts.push({ k: 'dq', parts: this.readQuoted('"') });
      } else if (c === '$') {
        const p = this.readDollar(false);
        if (p) {
          flush();
          parts.push(p);
        } else lit += '$';
      } else if (c === '`') {
        flush();
        parts.push(this.readBackquote(false));
      } else lit += c;
    }
    flush();
    const text = this.src.slice(start, this.pos);
    // an fd number glued to a redirection: `2>`, `1>&2`
    const n = this.look();
    if ((n === '<' || n === '>') && /^\d+$/.test(text) && parts.length === 1 && parts[0].k === 'lit') {
      this.readRedirOp(Number(text) > 2 ** 31 ? 2 ** 31 : Number(text));
      return 'redir';
    }
    this.word = { parts, text };
    return 'word';
  }

  private unterminated(): ShellSyntaxError {
    return this.error('Syntax error: Unterminated quoted string', this.dialect === 'bash' ? 'unexpected EOF while looking for matching `\'\'' : '');
  }

  /**
   * The inside of "…" (or a here-document body when `close` is null): literal text, with `$`,
   * `` ` `` and `\` for $ ` " \ and newline.
   */
  protected readQuoted(close: '"' | null): WordPart[] {
    const parts: WordPart[] = [];
    let s = '';
    const flush = () => {
      if (s) parts.push({ k: 'sq', s });
      s = '';
    };
    for (;;) {
      const c = this.nextChar();
      if (c === undefined) {
        if (close === null) break;
        throw this.error('Syntax error: Unterminated quoted string', 'unexpected EOF while looking for matching `"\'');
      }
      if (c === close) break;
      if (c === '\\') {
        const n = this.src[this.pos];
        if (n !== undefined && (n === '$' || n === '`' || n === '\\' || (n === '"' && close === '"'))) {
          this.nextChar();
          s += n;
        } else s += '\\';
      } else if (c === '$') {
        const p = this.readDollar(true);
        if (p) {
          flush();
          parts.push(p);
        } else s += '$';
      } else if (c === '`') {
        flush();
        parts.push(this.readBackquote(close === '"'));
      } else s += c;
    }
    flush();
    return parts;
  }

  /** After `$`: a parameter, ${…}, $(…) or $((…)); null when the `$` is just a dollar sign. */
  private readDollar(inDq: boolean): WordPart | null {
    const c = this.look();
    if (c === '(') {
      if (this.src[this.pos + 1] === '(') {
        this.pos += 2;
        return this.readArith();
      }
      this.nextChar();
      return { k: 'cmdsub', body: this.parseCommandSubst() };
    }
    if (c === '{') {
      this.nextChar();
      return this.readBrace(inDq);
    }
    if (isNameStart(c)) {
      let name = '';
      while (isNameChar(this.look())) name += this.nextChar();
      return { k: 'param', name, op: null, colon: false, arg: null };
    }
    if (c !== undefined && SPECIAL_PARAMS.includes(c)) {
      this.nextChar();
      return { k: 'param', name: c, op: null, colon: false, arg: null };
    }
    return null;
  }

  /** $(( … )): the text up to the matching `))`, read as a double-quoted string is. */
  private readArith(): WordPart {
    const start = this.pos;
    let depth = 0;
    let i = this.pos;
    for (; i < this.src.length; i++) {
      const c = this.src[i];
      if (c === '(') depth++;
      else if (c === ')') {
        if (depth === 0) {
          if (this.src[i + 1] === ')') break;
          throw this.error("Syntax error: Missing '))'", 'unexpected EOF while looking for matching `)\'');
        }
        depth--;
      }
    }
    if (i >= this.src.length) throw this.error("Syntax error: Missing '))'", 'unexpected EOF while looking for matching `)\'');
    const text = this.src.slice(start, i);
    const expr = this.sub(text, this.line).readQuoted(null);
    this.line += text.split('\n').length - 1;
    this.pos = i + 2;
    return { k: 'arith', expr, text };
  }

  /** `${…}` after the brace. A form the shell does not know is kept as a bad substitution, found at run time. */
  private readBrace(inDq: boolean): WordPart {
    const start = this.pos;
    const param = (name: string, op: ParamOp | null = null, colon = false): ParamPart => ({ k: 'param', name, op, colon, arg: null });
    const readName = (): string => {
      const c = this.look();
      if (isNameStart(c)) {
        let name = '';
        while (isNameChar(this.look())) name += this.nextChar();
        return name;
      }
      if (c !== undefined && /\d/.test(c)) {
        let name = '';
        while (this.look() !== undefined && /\d/.test(this.look()!)) name += this.nextChar();
        return name;
      }
      if (c !== undefined && '@*#?-$!'.includes(c)) return this.nextChar()!;
      return '';
    };
    // ${#} is $#; ${#name} is a length (dash's parsesub)
    if (this.look() === '#' && this.src[this.pos + 1] !== '}') {
      this.nextChar();
      const name = readName();
      if (!name || this.look() !== '}') return this.badBrace(start);
      this.nextChar();
      return param(name, 'len');
    }
    const name = readName();
    if (!name) return this.badBrace(start);
    const p = param(name);
    const c = this.look();
    if (c === '}') {
      this.nextChar();
      return p;
    }
    let op: ParamOp | null = null;
    if (c === ':') {
      this.nextChar();
      const n = this.look();
      if (n !== undefined && '-=?+'.includes(n)) {
        this.nextChar();
        op = n as ParamOp;
        p.colon = true;
      } else if (this.dialect === 'bash') {
        op = 'substr';
      } else return this.badBrace(start);
    } else if (c !== undefined && '-=?+'.includes(c)) {
      this.nextChar();
      op = c as ParamOp;
    } else if (c === '%' || c === '#') {
      this.nextChar();
      op = this.look() === c ? (this.nextChar(), `${c}${c}` as ParamOp) : (c as ParamOp);
    } else if (c === '/' && this.dialect === 'bash') {
      this.nextChar();
      const n = this.look();
      op = n === '/' || n === '#' || n === '%' ? (this.nextChar(), `/${n}` as ParamOp) : '/';
    } else return this.badBrace(start);
    p.op = op;
    if (op === 'substr') {
      p.arg = this.readBraceArg(inDq, ':');
      if (this.src[this.pos - 1] === ':') p.arg2 = this.readBraceArg(inDq, null);
    } else if (op.startsWith('/')) {
      p.arg = this.readBraceArg(inDq, '/', true);
      p.arg2 = this.src[this.pos - 1] === '/' ? this.readBraceArg(inDq, null) : [];
    } else p.arg = this.readBraceArg(inDq, null, op === '#' || op === '##' || op === '%' || op === '%%');
    return p;
  }

  /** Skip to the closing brace of a ${…} the shell cannot read; expanding it fails. */
  private badBrace(start: number): ParamPart {
    let depth = 0;
    for (;;) {
      const c = this.nextChar();
      if (c === undefined) throw this.error("Syntax error: Missing '}'", "unexpected EOF while looking for matching `}'");
      if (c === '{') depth++;
      else if (c === '}') {
        if (depth === 0) break;
        depth--;
      }
    }
    return { k: 'param', name: '', op: null, colon: false, arg: null, bad: `\${${this.src.slice(start, this.pos)}` };
  }

  /** The word inside ${x-word}: up to the matching `}` (or `stop`), with quotes and expansions. */
  private readBraceArg(inDq: boolean, stop: string | null, pattern = false): WordPart[] {
    const parts: WordPart[] = [];
    let lit = '';
    // a pattern (${x%/*}) keeps its * ? [ active even inside "…"
    const flush = () => {
      if (lit) parts.push(pattern ? { k: 'lit', s: lit } : inDq ? { k: 'sq', s: lit } : { k: 'lit', s: lit, split: true });
      lit = '';
    };
    for (;;) {
      const c = this.nextChar();
      if (c === undefined) throw this.error("Syntax error: Missing '}'", "unexpected EOF while looking for matching `}'");
      if (c === '}' || c === stop) break;
      if (c === '\\') {
        const n = this.nextChar();
        flush();
        if (n !== undefined) parts.push({ k: 'sq', s: inDq && !'$`"\\}'.includes(n) ? `\\${n}` : n });
      } else if (c === "'" && !inDq) {
        flush();
        const end = this.src.indexOf("'", this.pos);
        if (end < 0) throw this.unterminated();
        parts.push({ k: 'sq', s: this.src.slice(this.pos, end) });
        this.pos = end + 1;
      } else if (c === '"') {
        flush();
        parts.push({ k: 'dq', parts: this.readQuoted('"') });
      } else if (c === '$') {
        const p = this.readDollar(inDq);
        if (p) {
          flush();
          parts.push(p);
        } else lit += '$';
      } else if (c === '`') {
        flush();
        parts.push(this.readBackquote(inDq));
      } else lit += c;
    }
    flush();
    return parts;
  }

  /** `…`: the raw text up to the closing backquote, with \$ \` \\ (and \" inside "…") unescaped, then parsed. */
  private readBackquote(inDq: boolean): WordPart {
    const line = this.line;
    let text = '';
    for (;;) {
      const c = this.nextChar();
      if (c === undefined) throw this.error('Syntax error: EOF in backquote substitution', 'unexpected EOF while looking for matching ``\'');
      if (c === '`') break;
      if (c === '\\') {
        const n = this.src[this.pos];
        if (n === '$' || n === '`' || n === '\\' || (inDq && n === '"')) {
          this.nextChar();
          text += n;
          continue;
        }
      }
      text += c;
    }
    return { k: 'cmdsub', body: this.parseBackquoted(text, line) };
  }

  /** Queue a here-document whose body starts after the next newline. */
  protected queueHeredoc(target: PendingHeredoc['target'], delimWord: Word, stripTabs: boolean): void {
    const delim = delimWord.parts.map((p) => (p.k === 'lit' || p.k === 'sq' ? p.s : p.k === 'dq' ? p.parts.map((q) => (q.k === 'sq' ? q.s : '')).join('') : '')).join('');
    this.heredocs.push({ target, delim, literal: this.quoted, stripTabs });
  }

  /** After a newline: the bodies of the here-documents queued on the line just read. */
  protected readHeredocs(): void {
    const pending = this.heredocs;
    this.heredocs = [];
    for (const h of pending) {
      const lines: string[] = [];
      while (this.pos < this.src.length) {
        let end = this.src.indexOf('\n', this.pos);
        if (end < 0) end = this.src.length;
        let l = this.src.slice(this.pos, end);
        this.pos = Math.min(end + 1, this.src.length);
        this.line++;
        if (h.stripTabs) l = l.replace(/^\t+/, '');
        if (l === h.delim) break;
        lines.push(l + '\n');
      }
      const body = lines.join('');
      h.target.heredoc = h.literal ? { body: [{ k: 'sq', s: body }], literal: true } : { body: this.sub(body, this.line).readQuoted(null), literal: false };
    }
  }
}
