/**
 * printf as the shells' builtins format: C conversions (d i o u x X c s b f e E g G %), flags,
 * widths and precisions (also from `*`), the format reused while arguments remain, and a bad
 * number reported but printed as 0 (status 1).
 */
import { escapes } from './echo';
import { cExp, cFixed, cGeneral } from '../text/cfloat';
import type { Dialect } from './lexer';

export interface PrintfResult {
  output: string;
  status: number;
  errors: { dash: string; bash: string }[];
  /** the format itself was bad: nothing more is printed */
  fatal: boolean;
}

/** A numeric argument: 'c or "c is the character's code; a trailing mess is an error but keeps the number read. */
function numberArg(arg: string, errors: PrintfResult['errors'], dialect: Dialect): bigint {
  if (/^['"]/.test(arg)) return BigInt(arg.length > 1 ? arg.codePointAt(1)! : 0);
  const m = /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(arg);
  if (m && m[0].length === arg.length) {
    const d = m[2];
    const v = /^0[xX]/.test(d) ? BigInt(d) : d.length > 1 && d[0] === '0' ? BigInt(`0o${d.slice(1)}`) : BigInt(d);
    return m[1] === '-' ? -v : v;
  }
  if (arg === '') return 0n;
  errors.push({ dash: `${arg}: expected numeric value`, bash: `${arg}: invalid number` });
  if (!m) return 0n;
  const d = m[2];
  const v = /^0[xX]/.test(d) ? BigInt(d) : d.length > 1 && d[0] === '0' ? BigInt(`0o${d.slice(1)}`) : BigInt(d);
  void dialect;
  return m[1] === '-' ? -v : v;
}

function floatArg(arg: string, errors: PrintfResult['errors']): number {
  if (/^['"]/.test(arg)) return arg.length > 1 ? arg.codePointAt(1)! : 0;
  if (arg.trim() === '') return 0;
  const v = Number(arg.trim());
  if (Number.isNaN(v)) {
    errors.push({ dash: `${arg}: expected numeric value`, bash: `${arg}: invalid number` });
    const m = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(arg);
    return m ? Number(m[0]) : 0;
  }
  return v;
}

function pad(s: string, width: number, left: boolean, zero: boolean): string {
  if (s.length >= width) return s;
  if (left) return s.padEnd(width);
  if (zero) {
    const sign = /^[+\- ]/.test(s) ? s[0] : '';
    const prefix = /^[+\- ]?0[xX]/.test(s) ? s.slice(0, sign.length + 2) : sign;
    return prefix + s.slice(prefix.length).padStart(width - prefix.length, '0');
  }
  return s.padStart(width);
}

const u64 = (v: bigint) => BigInt.asUintN(64, v);

export function printfFormat(format: string, args: string[], dialect: Dialect): PrintfResult {
  const errors: PrintfResult['errors'] = [];
  let output = '';
  let ai = 0;
  const next = () => (ai < args.length ? args[ai++] : undefined);
  for (let round = 0; round < 10_000; round++) {
    const startArgs = ai;
    for (let i = 0; i < format.length; i++) {
      const c = format[i];
      if (c === '\\') {
        let j = i + 1;
        const n = format[j];
        if (n === undefined) {
          output += '\\';
          continue;
        }
        if (/[0-7]/.test(n)) {
          let digits = '';
          while (digits.length < 3 && /[0-7]/.test(format[j] ?? '')) digits += format[j++];
          output += String.fromCharCode(parseInt(digits, 8) & 0xff);
          i = j - 1;
          continue;
        }
        if (n === 'x' && dialect === 'bash' && /[0-9a-fA-F]/.test(format[j + 1] ?? '')) {
          let digits = '';
          j++;
          while (digits.length < 2 && /[0-9a-fA-F]/.test(format[j] ?? '')) digits += format[j++];
          output += String.fromCharCode(parseInt(digits, 16));
          i = j - 1;
          continue;
        }
        const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'", e: '\x1b' };
        if (n in simple && (n !== 'e' || dialect === 'bash')) output += simple[n];
        else output += `\\${n}`;
        i++;
        continue;
      }
      if (c !== '%') {
        output += c;
        continue;
      }
      const m = /^%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?([diouxXcsbfeEgG%])/.exec(format.slice(i));
      if (!m) {
        const bad = format.slice(i, i + 2) || '%';
        errors.push({ dash: `${bad}: invalid directive`, bash: `\`${bad.slice(1)}': invalid format character` });
        return { output, status: dialect === 'bash' ? 1 : 2, errors, fatal: true };
      }
      i += m[0].length - 1;
      const flags = m[1];
      const conv = m[4];
      if (conv === '%') {
        output += '%';
        continue;
      }
      let width = 0;
      let left = flags.includes('-');
      if (m[2] === '*') {
        const w = Number(numberArg(next() ?? '', errors, dialect));
        if (w < 0) left = true;
        width = Math.abs(w);
      } else if (m[2]) width = Number(m[2]);
      let prec: number | undefined;
      if (m[3] !== undefined) prec = m[3] === '*' ? Number(numberArg(next() ?? '', errors, dialect)) : Number(m[3] || '0');
      const zero = flags.includes('0') && !left;
      const arg = next();
      let s: string;
      switch (conv) {
        case 's':
          s = arg ?? '';
          if (prec !== undefined) s = s.slice(0, prec);
          break;
        case 'b': {
          const r = escapes(arg ?? '', { octalNeedsZero: true, hex: dialect === 'bash' });
          s = r.text;
          if (r.stop) {
            output += pad(s, width, left, false);
            return { output, status: errors.length ? 1 : 0, errors, fatal: false };
          }
          break;
        }
        case 'c':
          s = (arg ?? '').slice(0, 1);
          break;
        case 'd':
        case 'i': {
          const v = numberArg(arg ?? '', errors, dialect);
          let digits = (v < 0n ? -v : v).toString();
          if (prec !== undefined) digits = digits.padStart(prec, '0');
          s = (v < 0n ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '') + digits;
          if (prec !== undefined) {
            output += pad(s, width, left, false);
            continue;
          }
          break;
        }
        case 'o':
        case 'u':
        case 'x':
        case 'X': {
          const v = u64(numberArg(arg ?? '', errors, dialect));
          let digits = v.toString(conv === 'o' ? 8 : conv === 'u' ? 10 : 16);
          if (conv === 'X') digits = digits.toUpperCase();
          if (prec !== undefined) digits = digits.padStart(prec, '0');
          if (flags.includes('#') && v !== 0n) digits = (conv === 'o' ? '0' : conv === 'x' ? '0x' : conv === 'X' ? '0X' : '') + digits;
          s = digits;
          break;
        }
        default: {
          const v = floatArg(arg ?? '', errors);
          const p = prec ?? 6;
          const mag = !Number.isFinite(v) ? (Number.isNaN(v) ? 'nan' : 'inf') : conv === 'f' ? cFixed(v, p) : conv === 'e' || conv === 'E' ? cExp(v, p, conv === 'E') : cGeneral(v, p, flags.includes('#'), conv === 'G');
          s = (v < 0 || Object.is(v, -0) ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '') + mag;
        }
      }
      output += pad(s, width, left, zero && conv !== 's' && conv !== 'c' && conv !== 'b');
    }
    if (ai >= args.length || ai === startArgs) break;
  }
  return { output, status: errors.length ? 1 : 0, errors, fatal: false };
}
