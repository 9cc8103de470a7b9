/**
 * A fixed reference workload, timed in the same run as the engine's figures, so that the engine's
 * time budgets are ratios to it instead of absolute times that hold on one machine only (the same
 * traced ping measured 3.3 µs on an Intel Xeon and 6.4 µs on an AMD EPYC of the same kind).
 *
 * It does what the engine's hot paths do, in the same proportions and nothing of Hoplab's: records
 * of a few fixed shapes made and read, string-keyed Map lookups and inserts, small arrays pushed
 * and scanned, 32-bit integer arithmetic and a closure call per item. It never changes, so its
 * time tracks the machine (CPU, clock, caches, Node version), not Hoplab.
 */

interface Rec {
  key: string;
  addr: number;
  plen: number;
  hits: number;
  next: Rec | null;
}

const KEYS = Array.from({ length: 64 }, (_, i) => `eth${i % 8}@ns${i >> 3}`);

/** One unit of the workload; returns a number that depends on all of it (so none of it is dead code). */
export function referenceWork(seed: number): number {
  const index = new Map<string, Rec>();
  let prev: Rec | null = null;
  let x = seed | 0;
  for (const key of KEYS) {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    const rec: Rec = { key, addr: x >>> 0, plen: 8 + (x & 15), hits: 0, next: prev };
    index.set(key, rec);
    prev = rec;
  }
  const seen: number[] = [];
  const visit = (r: Rec, mask: number) => ((r.addr & mask) >>> 0) === ((x & mask) >>> 0);
  let sum = 0;
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < KEYS.length; i++) {
      const r = index.get(KEYS[(i * 7 + round) & 63])!;
      const mask = r.plen === 0 ? 0 : (0xffffffff << (32 - r.plen)) >>> 0;
      if (visit(r, mask)) r.hits++;
      sum = (sum + r.addr + r.hits) | 0;
      seen.push(r.plen);
    }
  }
  for (let r = prev; r; r = r.next) sum = (sum ^ r.key.length ^ r.hits) | 0;
  for (const p of seen) sum = (sum + p) | 0;
  return sum;
}
