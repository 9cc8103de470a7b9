/**
 * C's %f, %e and %g for doubles, digit for digit: glibc prints the exact binary value rounded to
 * nearest with ties to even (2.25 with %.1f is 2.2), where JavaScript's toFixed rounds ties up.
 */

/** The exact decimal expansion of a finite, non-negative double: digits and where the point goes. */
function exact(x: number): { digits: string; point: number } {
  if (x === 0) return { digits: '0', point: 1 };
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const bits = buf.getBigUint64(0);
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let e: number;
  if (expBits === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = expBits - 1075;
  }
  if (e >= 0) {
    const s = (mant << BigInt(e)).toString();
    return { digits: s, point: s.length };
  }
  const s = (mant * 5n ** BigInt(-e)).toString();
  // value = s / 10^(-e)
  return { digits: s, point: s.length + e };
}

/** Round an exact expansion to `keep` digits after the point position `at` (ties to even). */
function round(digits: string, keep: number): string {
  if (keep >= digits.length) return digits.padEnd(keep, '0');
  if (keep < 0) return '';
  const head = digits.slice(0, keep);
  const next = digits[keep];
  const rest = digits.slice(keep + 1);
  const up = next > '5' || (next === '5' && (/[1-9]/.test(rest) || (head !== '' && Number(head[head.length - 1]) % 2 === 1)));
  if (!up) return head;
  // add one to head
  const arr = head.split('').map(Number);
  let i = arr.length - 1;
  for (; i >= 0; i--) {
    if (arr[i] < 9) {
      arr[i]++;
      break;
    }
    arr[i] = 0;
  }
  return (i < 0 ? '1' : '') + arr.join('');
}

/** %.<prec>f of |x| (no sign). */
export function cFixed(x: number, prec: number): string {
  const { digits, point } = exact(Math.abs(x));
  // shift so that the point sits after `point` digits; pad with leading zeros when point <= 0
  const lead = point <= 0 ? '0'.repeat(1 - point) + digits : digits;
  const p = point <= 0 ? 1 : point;
  const r = round(lead, p + prec);
  const intLen = r.length - prec;
  const int = r.slice(0, intLen) || '0';
  const frac = r.slice(intLen);
  return prec > 0 ? `${int.replace(/^0+(?=\d)/, '')}.${frac}` : int.replace(/^0+(?=\d)/, '');
}

/** %.<prec>e of |x| (no sign): mantissa and exponent with at least two digits. */
export function cExp(x: number, prec: number, upper = false): string {
  const ax = Math.abs(x);
  let mant: string;
  let exp: number;
  if (ax === 0) {
    mant = prec > 0 ? `0.${'0'.repeat(prec)}` : '0';
    exp = 0;
  } else {
    const { digits, point } = exact(ax);
    const nz = digits.search(/[1-9]/);
    let r = round(digits.slice(nz), prec + 1);
    exp = point - nz - 1;
    if (r.length > prec + 1) {
      r = r.slice(0, prec + 1);
      exp++;
    }
    mant = prec > 0 ? `${r[0]}.${r.slice(1)}` : r[0];
  }
  const s = `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return upper ? s.toUpperCase() : s;
}

/** %.<prec>g of |x| (no sign); `alt` keeps trailing zeros (#). */
export function cGeneral(x: number, prec: number, alt = false, upper = false): string {
  const p = prec === 0 ? 1 : prec;
  const e = x === 0 ? 0 : Number(cExp(x, p - 1).split('e')[1]);
  let s = e < -4 || e >= p ? cExp(x, p - 1, upper) : cFixed(x, Math.max(0, p - 1 - e));
  if (!alt) {
    const [mant, ex] = s.split(/(?=[eE])/);
    s = (mant.includes('.') ? mant.replace(/0+$/, '').replace(/\.$/, '') : mant) + (ex ?? '');
  }
  return s;
}
