/**
 * mulberry32: a small seeded generator, so MACs and every other "random" choice are reproducible.
 * Its whole state is one number, so a "what if" can put it back (a probe must not shift the MACs
 * or reachable times that come after it).
 */
export class Mulberry32 {
  state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

export function seededRng(seed: number): () => number {
  const r = new Mulberry32(seed);
  return () => r.next();
}
