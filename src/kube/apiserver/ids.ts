import { Mulberry32 } from '../../engine/sim/rng';

/**
 * The cluster's own seeded randomness (uids, generated names, netns and veth names), kept apart
 * from the world's generator so that building a cluster does not shift the lab's MAC addresses.
 */
export class ClusterRandom {
  private readonly rng: Mulberry32;

  constructor(seed: number) {
    this.rng = new Mulberry32(seed);
  }

  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += Math.floor(this.rng.next() * 16).toString(16);
    return s;
  }

  /** a version 4 UUID, as metadata.uid and container runtimes' netns names look */
  uuid(): string {
    const h = this.hex(32).split('');
    h[12] = '4';
    h[16] = '89ab'[parseInt(h[16], 16) & 3];
    const s = h.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }

  /** utilrand.String(n): what generateName appends (no vowels, no confusable characters) */
  suffix(n = 5): string {
    const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.rng.next() * alphabet.length)];
    return s;
  }

  /** a uniform integer in [0, n) */
  int(n: number): number {
    return Math.floor(this.rng.next() * n);
  }
}
