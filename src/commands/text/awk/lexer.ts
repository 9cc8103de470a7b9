/**
 * awk's tokens as mawk's scanner reads them: a `/` starts a regular expression where an operand
 * may start, newlines end statements (but not after `{ , && || do else` and the like), a
 * backslash-newline continues a line, and mawk's messages for what it cannot read.
 */

export type TokKind = 'num' | 'str' | 'ere' | 'name' | 'funcname' | 'builtin' | 'kw' | 'op' | 'nl' | 'eof';

export interface Token {
  k: TokKind;
  /** the operator, keyword, name or the string's value */
  v: string;
  n?: number;
  line: number;
}

export class AwkSyntaxError extends Error {
  /** further messages mawk prints after recovering (a `{` still open at the end) */
  readonly more: string[] = [];
  constructor(
    readonly line: number,
    msg: string,
  ) {
    super(msg);
  }
}

const KEYWORDS = new Set(['BEGIN', 'END', 'function', 'func', 'if', 'else', 'while', 'for', 'do', 'break', 'continue', 'next', 'nextfile', 'exit', 'return', 'delete', 'in', 'getline', 'print', 'printf']);
export const BUILTINS = new Set(['length', 'substr', 'index', 'split', 'sub', 'gsub', 'match', 'sprintf', 'sin', 'cos', 'atan2', 'exp', 'log', 'sqrt', 'int', 'rand', 'srand', 'tolower', 'toupper', 'system', 'close', 'fflush']);
const OPS = ['+=', '-=', '*=', '/=', '%=', '^=', '==', '<=', '>=', '!=', '++', '--', '&&', '||', '>>', '!~', '{', '}', '(', ')', '[', ']', ';', ',', '+', '-', '*', '/', '%', '^', '!', '>', '<', '|', '?', ':', '~', '$', '='];

/** After these a `/` divides; anywhere else it starts a regular expression. */
const OPERAND_END = (t: Token | undefined) => t !== undefined && (t.k === 'num' || t.k === 'str' || t.k === 'ere' || t.k === 'name' || t.k === 'builtin' || (t.k === 'op' && (t.v === ')' || t.v === ']' || t.v === '$' || t.v === '++' || t.v === '--')));

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', '/': '/', a: '\x07', b: '\b', f: '\f', v: '\v' };

/** A string constant's escapes (mawk's rm_escape): \n \t \" \\ \/ \ddd; other backslashes stay. */
export function unescape(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const n = s[++i];
    if (n in ESCAPES) out += ESCAPES[n];
    else if (/[0-7]/.test(n)) {
      let d = n;
      while (d.length < 3 && /[0-7]/.test(s[i + 1] ?? '')) d += s[++i];
      out += String.fromCharCode(parseInt(d, 8));
    } else out += `\\${n}`;
  }
  return out;
}

export function lex(src: string): Token[] {
  const toks: Token[] = [];
  let line = 1;
  let i = 0;
  const push = (k: TokKind, v: string, n?: number) => toks.push({ k, v, n, line });
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '\\' && src[i + 1] === '\n') {
      i += 2;
      line++;
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '\n') {
      push('nl', '\n');
      line++;
      i++;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/.exec(src.slice(i))!;
      const text = m[0];
      push('num', text, /^0[xX]/.test(text) ? parseInt(text.slice(2), 16) : Number(text));
      i += text.length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      const w = m[0];
      i += w.length;
      if (KEYWORDS.has(w)) push('kw', w === 'func' ? 'function' : w);
      else if (BUILTINS.has(w)) push('builtin', w);
      else push(src[i] === '(' ? 'funcname' : 'name', w);
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let raw = '';
      for (;;) {
        if (j >= src.length || src[j] === '\n') throw new AwkSyntaxError(line, `runaway string constant "${src.slice(i + 1, i + 11).split('\n')[0]} ...`);
        if (src[j] === '\\' && j + 1 < src.length) {
          if (src[j + 1] === '\n') {
            j += 2;
            line++;
            continue;
          }
          raw += src[j] + src[j + 1];
          j += 2;
          continue;
        }
        if (src[j] === '"') break;
        raw += src[j++];
      }
      push('str', unescape(raw));
      i = j + 1;
      continue;
    }
    if (c === '/' && !OPERAND_END(toks[toks.length - 1])) {
      let j = i + 1;
      let raw = '';
      let inBracket = false;
      for (;;) {
        if (j >= src.length || src[j] === '\n') throw new AwkSyntaxError(line, `runaway regular expression ${src.slice(i, i + 10).split('\n')[0]} ...`);
        const d = src[j];
        if (d === '\\' && j + 1 < src.length) {
          raw += d + src[j + 1];
          j += 2;
          continue;
        }
        if (d === '[') inBracket = true;
        else if (d === ']') inBracket = false;
        else if (d === '/' && !inBracket) break;
        raw += d;
        j++;
      }
      push('ere', raw.replace(/\\\//g, '/'));
      i = j + 1;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new AwkSyntaxError(line, `unexpected character '${c}'`);
    // mawk has no ** operator: `2**3` is a syntax error at the second *
    push('op', op);
    i += op.length;
  }
  push('eof', '');
  return toks;
}
