/**
 * resource.Quantity as far as requests and limits need it: parse `100m`, `1.5`, `70Mi`, `1G`,
 * `2e3`; add; and print in the canonical form Quantity.String() gives (the format of the first
 * operand: binary suffixes stay binary, decimal ones decimal, milli-units as `m`).
 */

export type QuantityFormat = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';

export interface Quantity {
  /** the value in thousandths of a unit (exact for the sizes Hoplab meets) */
  milli: bigint;
  format: QuantityFormat;
}

const BINARY: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

export function parseQuantity(text: string): Quantity | undefined {
  const m = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/.exec(text.trim());
  if (!m) return undefined;
  const sign = m[1] === '-' ? -1n : 1n;
  const [int, frac = ''] = m[2].split('.');
  const suffix = m[3] ?? '';
  // value = digits × 10^-frac.length, in milli-units
  const digits = BigInt(`${int || '0'}${frac}`);
  const scale = (exp10: number, mul = 1n): bigint => {
    const e = exp10 + 3 - frac.length;
    return e >= 0 ? digits * mul * 10n ** BigInt(e) : (digits * mul) / 10n ** BigInt(-e);
  };
  if (suffix in BINARY) return { milli: sign * scale(0, BINARY[suffix]), format: 'BinarySI' };
  if (/^[eE]/.test(suffix)) return { milli: sign * scale(Number(suffix.slice(1))), format: 'DecimalExponent' };
  return { milli: sign * scale(DECIMAL[suffix]), format: 'DecimalSI' };
}

export const addQuantities = (a: Quantity, b: Quantity): Quantity => ({ milli: a.milli + b.milli, format: a.format });

export const ZERO: Quantity = { milli: 0n, format: 'DecimalSI' };

/** Quantity.String(): the largest suffix that keeps the value whole. */
export function formatQuantity(q: Quantity): string {
  const neg = q.milli < 0n;
  const v = neg ? -q.milli : q.milli;
  const s = neg ? '-' : '';
  if (v === 0n) return '0';
  if (v % 1000n !== 0n) return `${s}${v}m`;
  const units = v / 1000n;
  if (q.format === 'BinarySI') {
    for (const suf of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki']) if (units % BINARY[suf] === 0n) return `${s}${units / BINARY[suf]}${suf}`;
    return `${s}${units}`;
  }
  for (const [suf, e] of [['E', 18], ['P', 15], ['T', 12], ['G', 9], ['M', 6], ['k', 3]] as const) {
    const d = 10n ** BigInt(e);
    if (units % d === 0n) return `${s}${units / d}${q.format === 'DecimalExponent' ? `e${e}` : suf}`;
  }
  return `${s}${units}`;
}

/** The value in milli-units as a number (for percentages). */
export const milliValue = (q: Quantity): number => Number(q.milli);
