/**
 * A range allocator as the API server's ipallocator and portallocator are: a bitmap over a range,
 * explicit requests honoured when free, dynamic picks random from the upper band first (KEP-3070
 * for ClusterIPs, KEP-3668 for node ports), so static requests in the lower band rarely collide.
 */
import type { ClusterRandom } from '../apiserver/ids';

export type AllocResult = { ok: true; value: number } | { ok: false; reason: 'range' | 'allocated' | 'full' };

export class RangeAllocator {
  private readonly used = new Set<number>();

  constructor(
    readonly first: number,
    readonly size: number,
    /** how many values at the start form the static band */
    private readonly staticBand: number,
    private readonly random: ClusterRandom,
  ) {}

  has(v: number): boolean {
    return this.used.has(v);
  }

  contains(v: number): boolean {
    return v >= this.first && v < this.first + this.size;
  }

  allocate(v: number): AllocResult {
    if (!this.contains(v)) return { ok: false, reason: 'range' };
    if (this.used.has(v)) return { ok: false, reason: 'allocated' };
    this.used.add(v);
    return { ok: true, value: v };
  }

  allocateNext(): AllocResult {
    const bands: [number, number][] = [
      [this.first + this.staticBand, this.size - this.staticBand],
      [this.first, this.staticBand],
    ];
    for (const [start, n] of bands) {
      if (n <= 0) continue;
      const offset = this.random.int(n);
      for (let i = 0; i < n; i++) {
        const v = start + ((offset + i) % n);
        if (!this.used.has(v)) {
          this.used.add(v);
          return { ok: true, value: v };
        }
      }
    }
    return { ok: false, reason: 'full' };
  }

  release(v: number): void {
    this.used.delete(v);
  }
}

/** The static band size of a Service CIDR: min(max(16, size/16), 256) (KEP-3070). */
export const ipStaticBand = (size: number): number => Math.min(Math.max(16, Math.floor(size / 16)), 256);

/** The static band size of a node port range: min(max(16, size/32), 128) (KEP-3668). */
export const portStaticBand = (size: number): number => Math.min(Math.max(16, Math.floor(size / 32)), 128);
