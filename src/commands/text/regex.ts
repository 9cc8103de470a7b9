/**
 * POSIX regular expressions (basic and extended, with GNU's extensions \< \> \b \w \s \+ \? \|)
 * translated to JavaScript ones, for grep, sed and awk. Malformed ones are refused with the
 * messages of the GNU regex library ("Unmatched ( or \(", "Invalid range end", …).
 */

import { posixClass } from './charClasses';

export class RegexError extends Error {}


const esc = (c: string) => c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** `[…]` starting at p[i] === '[': the JavaScript class and the index after it. */
function bracket(p: string, i: number): { src: string; end: number } {
  let j = i + 1;
  let negate = false;
  if (p[j] === '^') {
    negate = true;
    j++;
  }
  let body = '';
  let first = true;
  let prev: string | null = null;
  for (;;) {
    if (j >= p.length) throw new RegexError('Unmatched [, [^, [:, [., or [=');
    const c = p[j];
    if (c === ']' && !first) break;
    first = false;
    if (c === '[' && (p[j + 1] === ':' || p[j + 1] === '.' || p[j + 1] === '=')) {
      const kind = p[j + 1];
      const close = p.indexOf(`${kind}]`, j + 2);
      if (close < 0) throw new RegexError('Unmatched [, [^, [:, [., or [=');
      const name = p.slice(j + 2, close);
      if (kind === ':') {
        const cls = posixClass(name);
        if (cls === undefined) throw new RegexError('Invalid character class name');
        body += cls;
      } else body += esc(name);
      prev = null;
      j = close + 2;
      continue;
    }
    if (c === '-' && prev !== null && p[j + 1] !== ']' && j + 1 < p.length) {
      let hi = p[j + 1];
      let next = j + 2;
      if (hi === '[' && p[j + 2] === '.') {
        const close = p.indexOf('.]', j + 3);
        hi = p.slice(j + 3, close);
        next = close + 2;
      }
      if (hi < prev) throw new RegexError('Invalid range end');
      body += `-${esc(hi)}`;
      prev = null;
      j = next;
      continue;
    }
    body += esc(c);
    prev = c;
    j++;
  }
  const src = body === '' ? (negate ? '[^]' : '[]') : `[${negate ? '^' : ''}${body}]`;
  return { src, end: j + 1 };
}

export interface RegexOptions {
  extended: boolean;
  /** `[:space:]` outside brackets is refused (grep), as GNU grep does */
  strictClasses?: boolean;
}

/**
 * The JavaScript source of a POSIX regular expression. `groups` is the number of capturing groups
 * (back references beyond it are "Invalid back reference").
 */
export function translate(p: string, opts: RegexOptions): { source: string; groups: number } {
  const ere = opts.extended;
  let out = '';
  let groups = 0;
  let open = 0;
  /** at the start of an expression or alternative: BRE's * and ERE's * + ? are literal or ignored there */
  let atStart = true;
  if (opts.strictClasses && /^\[:[a-z]+:\]$/.test(p)) throw new RegexError(`character class syntax is [[:space:]], not [:space:]`);
  for (let i = 0; i < p.length; ) {
    const c = p[i];
    const wasStart = atStart;
    atStart = false;
    if (c === '\\') {
      const n = p[i + 1];
      if (n === undefined) throw new RegexError('Trailing backslash');
      i += 2;
      if (!ere && n === '(') {
        groups++;
        open++;
        out += '(';
        atStart = true;
      } else if (!ere && n === ')') {
        if (open === 0) throw new RegexError('Unmatched ) or \\)');
        open--;
        out += ')';
      } else if (!ere && n === '|') {
        out += '|';
        atStart = true;
      } else if (!ere && n === '{') {
        const close = p.indexOf('\\}', i);
        if (close < 0) throw new RegexError('Unmatched \\{');
        out += interval(p.slice(i, close));
        i = close + 2;
      } else if (!ere && (n === '+' || n === '?')) out += wasStart ? esc(n) : n;
      else if (/[1-9]/.test(n)) {
        if (Number(n) > groups) throw new RegexError('Invalid back reference');
        out += `\\${n}`;
      } else if (n === '<') out += '\\b(?=\\w)';
      else if (n === '>') out += '\\b(?<=\\w)';
      else if ('bBwWsS'.includes(n)) out += `\\${n}`;
      else if (n === '`') out += '^';
      else if (n === "'") out += '$';
      else if (n === 'n') out += '\\n';
      else if (n === 't') out += '\\t';
      else out += esc(n);
      continue;
    }
    if (c === '[') {
      const b = bracket(p, i);
      out += b.src;
      i = b.end;
      continue;
    }
    i++;
    if (ere) {
      if (c === '(') {
        groups++;
        open++;
        out += '(';
        atStart = true;
      } else if (c === ')') {
        if (open === 0) out += '\\)';
        else {
          open--;
          out += ')';
        }
      } else if (c === '|') {
        out += '|';
        atStart = true;
      } else if (c === '{') {
        const close = p.indexOf('}', i);
        const body = close < 0 ? '' : p.slice(i, close);
        if (close < 0 || !/^\d*(,\d*)?$/.test(body) || wasStart) out += '\\{';
        else {
          out += interval(body);
          i = close + 1;
        }
      } else if (c === '*' || c === '+' || c === '?') {
        if (wasStart) atStart = true;
        else out += c;
      } else if (c === '^') {
        out += '^';
        atStart = true;
      } else if (c === '$') out += '$';
      else if (c === '.') out += '.';
      else out += esc(c);
      continue;
    }
    if (c === '*') out += wasStart ? '\\*' : '*';
    else if (c === '^') {
      if (wasStart) {
        out += '^';
        atStart = true;
      } else out += '\\^';
    } else if (c === '$') out += i >= p.length || p.startsWith('\\)', i) || p.startsWith('\\|', i) ? '$' : '\\$';
    else if (c === '.') out += '.';
    else out += esc(c);
  }
  if (open > 0) throw new RegexError('Unmatched ( or \\(');
  return { source: out, groups };
}

function interval(body: string): string {
  const m = /^(\d*)(,(\d*))?$/.exec(body);
  if (!m) throw new RegexError('Invalid content of \\{\\}');
  const lo = m[1] === '' ? 0 : Number(m[1]);
  const hi = m[2] === undefined ? lo : m[3] === '' ? Infinity : Number(m[3]);
  if (hi < lo || lo > 32767) throw new RegexError('Invalid content of \\{\\}');
  return m[2] === undefined ? `{${lo}}` : hi === Infinity ? `{${lo},}` : `{${lo},${hi}}`;
}

/** Compile, refusing what the GNU library refuses. */
export function compile(p: string, opts: RegexOptions & { icase?: boolean; global?: boolean }): RegExp {
  const { source } = translate(p, opts);
  try {
    return new RegExp(source, (opts.icase ? 'i' : '') + (opts.global ? 'g' : ''));
  } catch {
    throw new RegexError('Invalid regular expression');
  }
}
