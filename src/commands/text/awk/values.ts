import { cExp, cFixed, cGeneral } from '../cfloat';

/**
 * awk values as mawk keeps them: numbers, strings, "strnums" (input that looks numeric: fields,
 * getline, split(), -v assignments), and the uninitialized value, with the conversions between
 * them: CONVFMT/OFMT for numbers that are not integers, strtod's prefix for strings.
 */

export type Value = { t: 'num'; n: number } | { t: 'str'; s: string } | { t: 'strnum'; s: string; n: number } | { t: 'uninit' };

export const num = (n: number): Value => ({ t: 'num', n });
export const str = (s: string): Value => ({ t: 'str', s });
export const UNINIT: Value = { t: 'uninit' };

/** The longest prefix strtod() reads (mawk also reads 0x hex). */
export function strtod(s: string): number {
  const m = /^[ \t\n\r\f\v]*([+-]?)(0[xX][0-9a-fA-F]+|inf(?:inity)?|nan|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/i.exec(s);
  if (!m) return 0;
  const body = m[2].toLowerCase();
  let v: number;
  if (body.startsWith('0x')) v = parseInt(body.slice(2), 16);
  else if (body.startsWith('inf')) v = Infinity;
  else if (body === 'nan') v = NaN;
  else v = Number(body);
  return m[1] === '-' ? -v : v;
}

/** Does input text look like a number (then it compares as one)? */
export function looksNumeric(s: string): boolean {
  return /^[ \t\n]*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[ \t\n]*$/.test(s) || /^[ \t\n]*[+-]?0[xX][0-9a-fA-F]+[ \t\n]*$/.test(s);
}

/** Input text as a value: a strnum when it looks like a number. */
export function fromInput(s: string): Value {
  return looksNumeric(s) ? { t: 'strnum', s, n: strtod(s) } : { t: 'str', s };
}

export function toNum(v: Value): number {
  switch (v.t) {
    case 'num':
      return v.n;
    case 'strnum':
      return v.n;
    case 'str':
      return strtod(v.s);
    default:
      return 0;
  }
}

const MAX_INT = 2 ** 31 - 1;

/** A number as text: an integer in ±2^31-1 as %d, anything else through the format (CONVFMT or OFMT). */
export function numToStr(n: number, fmt: string): string {
  if (Number.isInteger(n) && n >= -MAX_INT && n <= MAX_INT) return String(n === 0 ? 0 : n);
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  return cFormat(fmt, n);
}

export function toStr(v: Value, convfmt: string): string {
  switch (v.t) {
    case 'num':
      return numToStr(v.n, convfmt);
    case 'str':
    case 'strnum':
      return v.s;
    default:
      return '';
  }
}

export function toBool(v: Value): boolean {
  switch (v.t) {
    case 'num':
      return v.n !== 0;
    case 'str':
      return v.s !== '';
    case 'strnum':
      return v.n !== 0;
    default:
      return false;
  }
}

/** One C conversion of a number (what OFMT and CONVFMT hold, "%.6g" by default). */
export function cFormat(fmt: string, n: number): string {
  const m = /^%([-+ #0]*)(\d*)(?:\.(\d*))?([diouxXeEfFgGc])$/.exec(fmt);
  if (!m) return String(n);
  return convert(m[4], m[1], m[2] ? Number(m[2]) : 0, m[3] === undefined ? undefined : Number(m[3] || '0'), n, '');
}

function pad(s: string, width: number, left: boolean, zero: boolean): string {
  if (s.length >= width) return s;
  if (left) return s.padEnd(width);
  if (zero) {
    const sign = /^[+\- ]/.test(s) ? s[0] : '';
    return sign + s.slice(sign.length).padStart(width - sign.length, '0');
  }
  return s.padStart(width);
}

/** A printf conversion of a number or (for %s, %c) a string. */
export function convert(conv: string, flags: string, width: number, prec: number | undefined, n: number, s: string): string {
  const left = flags.includes('-');
  const sign = (neg: boolean) => (neg ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '');
  let out: string;
  let zeroOk = flags.includes('0') && !left;
  switch (conv) {
    case 's':
      out = prec === undefined ? s : s.slice(0, prec);
      zeroOk = false;
      break;
    case 'c':
      out = s;
      zeroOk = false;
      break;
    case 'd':
    case 'i': {
      // mawk converts to a C int: clamped to ±2147483647
      const v = Number.isNaN(n) ? 0 : Math.max(-MAX_INT, Math.min(MAX_INT, Math.trunc(n)));
      let digits = String(Math.abs(v));
      if (prec !== undefined) {
        digits = prec === 0 && v === 0 ? '' : digits.padStart(prec, '0');
        zeroOk = false;
      }
      out = sign(v < 0) + digits;
      break;
    }
    case 'o':
    case 'u':
    case 'x':
    case 'X': {
      // and to an unsigned int: negative is 0
      const v = Number.isNaN(n) || n < 0 ? 0 : Math.min(2 ** 32 - 1, Math.trunc(n));
      let digits = v.toString(conv === 'o' ? 8 : conv === 'u' ? 10 : 16);
      if (conv === 'X') digits = digits.toUpperCase();
      if (prec !== undefined) {
        digits = digits.padStart(prec, '0');
        zeroOk = false;
      }
      if (flags.includes('#') && v !== 0) digits = (conv === 'o' ? '0' : conv === 'x' ? '0x' : conv === 'X' ? '0X' : '') + digits;
      out = digits;
      break;
    }
    case 'e':
    case 'E':
      out = Number.isFinite(n) ? sign(n < 0 || Object.is(n, -0)) + cExp(n, prec ?? 6, conv === 'E') : sign(n < 0) + (Number.isNaN(n) ? 'nan' : 'inf');
      break;
    case 'f':
    case 'F':
      out = Number.isFinite(n) ? sign(n < 0 || Object.is(n, -0)) + cFixed(n, Math.min(100, prec ?? 6)) : sign(n < 0) + (Number.isNaN(n) ? 'nan' : 'inf');
      break;
    default:
      out = Number.isFinite(n) ? sign(n < 0 || Object.is(n, -0)) + cGeneral(n, prec ?? 6, flags.includes('#'), conv === 'G') : sign(n < 0) + (Number.isNaN(n) ? 'nan' : 'inf');
  }
  return pad(out, width, left, zeroOk && Number.isFinite(n));
}
