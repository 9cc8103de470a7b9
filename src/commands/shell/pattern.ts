/**
 * Shell patterns (`*`, `?`, `[…]`) as fnmatch() reads them, over text whose quoted characters are
 * literal: case patterns, ${x#pattern}, and pathname expansion. A field is kept as pieces that
 * remember whether they were quoted, so `"*"` matches a star and `*` anything.
 */

import { posixClass } from '../text/charClasses';

export interface Piece {
  s: string;
  /** quoted: literal in a pattern, never split or globbed */
  q: boolean;
}

// bash's patterns know one class more than POSIX: [:word:]
const shellClass = (name: string): string | undefined => (name === 'word' ? 'A-Za-z0-9_' : posixClass(name));

const reEscape = (c: string) => c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** Characters of the pattern, each marked quoted or not. */
function chars(pieces: readonly Piece[]): { c: string; q: boolean }[] {
  const out: { c: string; q: boolean }[] = [];
  for (const p of pieces) for (const c of p.s) out.push({ c, q: p.q });
  return out;
}

/** Does the pattern have an unquoted * ? or [ (does it need matching at all)? */
export function hasGlob(pieces: readonly Piece[]): boolean {
  return pieces.some((p) => !p.q && /[*?[]/.test(p.s));
}

/**
 * The pattern as a regular expression source. In pathname mode a wildcard never matches `/`.
 */
export function patternSource(pieces: readonly Piece[], pathname = false): string {
  const cs = chars(pieces);
  const any = pathname ? '[^/]' : '[\\s\\S]';
  let out = '';
  for (let i = 0; i < cs.length; i++) {
    const { c, q } = cs[i];
    if (q) out += reEscape(c);
    else if (c === '*') out += `${any}*`;
    else if (c === '?') out += any;
    else if (c === '[') {
      const cls = bracket(cs, i + 1);
      if (cls) {
        out += cls.source;
        i = cls.end;
      } else out += '\\[';
    } else out += reEscape(c);
  }
  return out;
}

/** A bracket expression starting after `[`: its regexp class and where it ends, or null if unclosed. */
function bracket(cs: { c: string; q: boolean }[], start: number): { source: string; end: number } | null {
  let i = start;
  let negate = false;
  if (i < cs.length && !cs[i].q && (cs[i].c === '!' || cs[i].c === '^')) {
    negate = true;
    i++;
  }
  let body = '';
  let first = true;
  for (; i < cs.length; i++) {
    const { c, q } = cs[i];
    if (c === ']' && !q && !first) return { source: `[${negate ? '^' : ''}${body}]`, end: i };
    first = false;
    if (c === '[' && !q && cs[i + 1]?.c === ':') {
      const close = cs.findIndex((x, j) => j > i + 1 && x.c === ':' && cs[j + 1]?.c === ']');
      if (close > 0) {
        const name = cs.slice(i + 2, close).map((x) => x.c).join('');
        const cls = shellClass(name);
        if (cls !== undefined) {
          body += cls;
          i = close + 1;
          continue;
        }
      }
    }
    if (c === '-' && !q && body !== '' && cs[i + 1] && cs[i + 1].c !== ']') {
      body += '-';
      continue;
    }
    body += reEscape(c);
  }
  return null;
}

const cache = new Map<string, RegExp>();
function compiled(source: string, flags = ''): RegExp {
  const key = `${flags}/${source}`;
  let re = cache.get(key);
  if (!re) {
    re = new RegExp(source, flags);
    if (cache.size > 500) cache.clear();
    cache.set(key, re);
  }
  return re;
}

/** Does the whole of `text` match the pattern (a case pattern)? */
export function matchPattern(pieces: readonly Piece[], text: string): boolean {
  return compiled(`^(?:${patternSource(pieces)})$`).test(text);
}

/** ${x#p} ${x##p} ${x%p} ${x%%p}: `text` without the shortest/longest prefix/suffix the pattern matches. */
export function removeAffix(text: string, pieces: readonly Piece[], op: '#' | '##' | '%' | '%%'): string {
  const re = compiled(`^(?:${patternSource(pieces)})$`);
  const n = text.length;
  if (op === '#') {
    for (let i = 0; i <= n; i++) if (re.test(text.slice(0, i))) return text.slice(i);
  } else if (op === '##') {
    for (let i = n; i >= 0; i--) if (re.test(text.slice(0, i))) return text.slice(i);
  } else if (op === '%') {
    for (let i = n; i >= 0; i--) if (re.test(text.slice(i))) return text.slice(0, i);
  } else {
    for (let i = 0; i <= n; i++) if (re.test(text.slice(i))) return text.slice(0, i);
  }
  return text;
}

/** bash's ${x/p/r}, ${x//p/r}, ${x/#p/r}, ${x/%p/r}: the longest match replaced. */
export function replacePattern(text: string, pieces: readonly Piece[], rep: string, op: '/' | '//' | '/#' | '/%'): string {
  if (pieces.every((p) => p.s === '')) return text;
  const re = compiled(`^(?:${patternSource(pieces)})$`);
  const longestAt = (i: number): number => {
    for (let j = text.length; j > i; j--) if (re.test(text.slice(i, j))) return j;
    return -1;
  };
  if (op === '/#') {
    const j = longestAt(0);
    return j < 0 ? text : rep + text.slice(j);
  }
  if (op === '/%') {
    for (let i = 0; i < text.length; i++) if (re.test(text.slice(i))) return text.slice(0, i) + rep;
    return text;
  }
  let out = '';
  for (let i = 0; i < text.length; ) {
    const j = longestAt(i);
    if (j < 0) {
      out += text[i++];
      continue;
    }
    out += rep;
    i = j;
    if (op === '/') return out + text.slice(i);
  }
  return out;
}
