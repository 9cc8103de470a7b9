/**
 * An int32-keyed hash map with open addressing (linear probing, Fibonacci hashing) whose keys sit in
 * one typed array, so a probe that misses reads four bytes instead of walking a Map's bucket chain.
 * Two key values mark empty and deleted cells; the (rare) real keys equal to them live in `odd`.
 * Iteration order is the table's (callers that need an order sort).
 */
const EMPTY = 1;
const GONE = 3;

export class IntMap<V> {
  private keys: Int32Array;
  private vals: (V | undefined)[];
  private shift: number;
  private mask: number;
  size = 0;
  /** used and deleted cells */
  private filled = 0;
  /** entries whose key is EMPTY or GONE (only a /31 or /32 network can be 0.0.0.1 or 0.0.0.3) */
  private odd: Map<number, V> | null = null;

  constructor(capacity = 8) {
    this.keys = new Int32Array(capacity).fill(EMPTY);
    this.vals = new Array<V | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    this.shift = 32 - Math.log2(capacity);
  }

  private slotOf(k: number): number {
    return Math.imul(k, 0x9e3779b1) >>> this.shift;
  }

  get(k: number): V | undefined {
    if (k === EMPTY || k === GONE) return this.odd?.get(k);
    const keys = this.keys;
    for (let i = this.slotOf(k); ; i = (i + 1) & this.mask) {
      const c = keys[i];
      if (c === k) return this.vals[i];
      if (c === EMPTY) return undefined;
    }
  }

  set(k: number, v: V): void {
    if (k === EMPTY || k === GONE) {
      this.odd ??= new Map();
      if (!this.odd.has(k)) this.size++;
      this.odd.set(k, v);
      return;
    }
    let free = -1;
    for (let i = this.slotOf(k); ; i = (i + 1) & this.mask) {
      const c = this.keys[i];
      if (c === k) {
        this.vals[i] = v;
        return;
      }
      if (c === GONE && free < 0) free = i;
      if (c === EMPTY) {
        if (free < 0) {
          free = i;
          this.filled++;
        }
        break;
      }
    }
    this.keys[free] = k;
    this.vals[free] = v;
    this.size++;
    if (this.filled * 2 > this.keys.length) this.rehash(this.size * 4 > this.keys.length ? this.keys.length * 2 : this.keys.length);
  }

  delete(k: number): boolean {
    if (k === EMPTY || k === GONE) {
      const had = this.odd?.delete(k) ?? false;
      if (had) this.size--;
      return had;
    }
    for (let i = this.slotOf(k); ; i = (i + 1) & this.mask) {
      const c = this.keys[i];
      if (c === EMPTY) return false;
      if (c === k) {
        this.keys[i] = GONE;
        this.vals[i] = undefined;
        this.size--;
        return true;
      }
    }
  }

  private rehash(capacity: number): void {
    const entries = [...this].filter(([k]) => k !== EMPTY && k !== GONE);
    this.keys = new Int32Array(capacity).fill(EMPTY);
    this.vals = new Array<V | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    this.shift = 32 - Math.log2(capacity);
    this.size -= entries.length;
    this.filled = 0;
    for (const [k, v] of entries) this.set(k, v);
  }

  *[Symbol.iterator](): IterableIterator<[number, V]> {
    for (let i = 0; i < this.keys.length; i++) {
      const c = this.keys[i];
      if (c !== EMPTY && c !== GONE) yield [c, this.vals[i]!];
    }
    if (this.odd) yield* this.odd;
  }

  *values(): IterableIterator<V> {
    for (const [, v] of this) yield v;
  }
}
