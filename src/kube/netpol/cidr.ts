/**
 * ipBlock arithmetic for the datapath: a CIDR minus its excepts as the smallest list of disjoint
 * CIDRs, so one `-s`/`-d` match per block says "in cidr and in no except" without a return chain.
 */
import { numToIp } from '../api/cidr';
import { cidrRange } from './view';

/** The CIDRs covering [lo, hi] exactly, largest first (the usual range-to-prefix split). */
function rangeToCidrs(lo: number, hi: number): string[] {
  const out: string[] = [];
  while (lo <= hi) {
    let size = lo === 0 ? 2 ** 32 : 2 ** Math.min(32, countTrailingZeros(lo));
    while (size > hi - lo + 1) size /= 2;
    out.push(`${numToIp(lo)}/${32 - Math.log2(size)}`);
    lo += size;
  }
  return out;
}

function countTrailingZeros(n: number): number {
  let c = 0;
  while (c < 32 && n % 2 === 0) {
    n /= 2;
    c++;
  }
  return c;
}

/** `cidr` without the addresses of `except` (IPv4 only; another family gives nothing). */
export function cidrMinus(cidr: string, except: readonly string[]): string[] {
  const whole = cidrRange(cidr);
  if (!whole) return [];
  const holes = except
    .map(cidrRange)
    .filter((r): r is [number, number] => r !== undefined)
    .sort((a, b) => a[0] - b[0]);
  const out: string[] = [];
  let from = whole[0];
  for (const [lo, hi] of holes) {
    if (hi < from || lo > whole[1]) continue;
    if (lo > from) out.push(...rangeToCidrs(from, lo - 1));
    from = Math.max(from, hi + 1);
  }
  if (from <= whole[1]) out.push(...rangeToCidrs(from, whole[1]));
  return out;
}
