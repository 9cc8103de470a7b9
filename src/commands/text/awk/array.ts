/**
 * awk arrays laid out as mawk 1.3.4 lays them out (array.w), so `for (k in a)` visits keys in the
 * order mawk does: a hash table of 64 lists (doubled past 12 entries a list on average), FNV-1
 * hashes of the keys' text, a found key moved to the front of its list, integer keys kept on
 * their own lists until a string is needed, and split() results kept as a plain vector.
 */
import type { Value } from './values';

interface Node {
  sval: string | null;
  hval: number;
  /** NOT_INT when the key was only ever a string */
  ival: number;
  value: Value;
  slink: Node | null;
  ilink: Node | null;
}

const NOT_INT = -(2 ** 31);
const STARTING_HMASK = 63;
const MAX_AVE_LIST_LENGTH = 12;
const limitFor = (hmask: number) => (hmask + 1) * MAX_AVE_LIST_LENGTH;

/** FNV-1 over the key's bytes (mawk's hash2). */
export function fnv1(s: string): number {
  let h = 2166136261;
  for (const b of new TextEncoder().encode(s)) {
    h ^= b;
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h;
}

type Kind = 'null' | 'split' | 'table';

export class AwkArray {
  private kind: Kind = 'null';
  private split: Value[] = [];
  private slists: (Node | null)[] = [];
  private ilists: (Node | null)[] = [];
  private hasStr = false;
  private hasInt = false;
  private hmask = STARTING_HMASK;
  private limit = limitFor(STARTING_HMASK);
  size = 0;

  private emptyTable(): void {
    this.kind = 'table';
    this.hmask = STARTING_HMASK;
    this.limit = limitFor(STARTING_HMASK);
    this.slists = new Array(STARTING_HMASK + 1).fill(null);
    this.ilists = new Array(STARTING_HMASK + 1).fill(null);
    this.hasStr = false;
    this.hasInt = false;
  }

  /** split(): the array becomes the vector 1..n. */
  load(values: Value[]): void {
    this.clear();
    this.kind = 'split';
    this.split = values;
    this.size = values.length;
  }

  clear(): void {
    this.kind = 'null';
    this.split = [];
    this.slists = [];
    this.ilists = [];
    this.size = 0;
  }

  private convertSplit(): void {
    const cells = this.split;
    this.hmask = STARTING_HMASK;
    this.limit = limitFor(STARTING_HMASK);
    while (cells.length > this.limit) {
      this.hmask = this.hmask * 2 + 1;
      this.limit = limitFor(this.hmask);
    }
    this.slists = new Array(this.hmask + 1).fill(null);
    this.ilists = new Array(this.hmask + 1).fill(null);
    let j = 1;
    cells.forEach((value, i) => {
      const p: Node = { sval: null, hval: 0, ival: i + 1, value, slink: null, ilink: this.ilists[j] };
      this.ilists[j] = p;
      j = (j + 1) & this.hmask;
    });
    this.kind = 'table';
    this.hasInt = true;
    this.hasStr = false;
    this.split = [];
  }

  private addStringAssociations(): void {
    if (this.kind === 'null') {
      this.emptyTable();
      this.hasStr = true;
      return;
    }
    if (this.kind === 'split') this.convertSplit();
    for (let i = 0; i <= this.hmask; i++) {
      for (let p = this.ilists[i]; p; p = p.ilink) {
        p.sval = String(p.ival);
        p.hval = fnv1(p.sval);
        const b = p.hval & this.hmask;
        p.slink = this.slists[b];
        this.slists[b] = p;
      }
    }
    this.hasStr = true;
  }

  private double(): void {
    const old = this.hmask;
    const mask = old * 2 + 1;
    for (let i = old + 1; i <= mask; i++) {
      this.slists[i] = null;
      this.ilists[i] = null;
    }
    const splitList = (lists: (Node | null)[], link: 'slink' | 'ilink', key: (p: Node) => number) => {
      for (let i = 0; i <= old; i++) {
        const stay: Node[] = [];
        const move: Node[] = [];
        for (let p = lists[i]; p; p = p[link]) ((key(p) & mask) !== i ? move : stay).push(p);
        const relink = (nodes: Node[]) => {
          nodes.forEach((n, k) => (n[link] = nodes[k + 1] ?? null));
          return nodes[0] ?? null;
        };
        lists[i] = relink(stay);
        lists[i + old + 1] = relink(move);
      }
    };
    if (this.hasStr) splitList(this.slists, 'slink', (p) => p.hval);
    if (this.hasInt) splitList(this.ilists, 'ilink', (p) => p.ival >>> 0);
    this.hmask = mask;
    this.limit = limitFor(mask);
  }

  private findByStr(key: string, create: boolean): Node | null {
    if (!this.hasStr) this.addStringAssociations();
    const hval = fnv1(key);
    let b = hval & this.hmask;
    let p = this.slists[b];
    let q: Node | null = null;
    while (p) {
      if (p.hval === hval && p.sval === key) {
        if (!q) return p;
        q.slink = p.slink;
        break;
      }
      q = p;
      p = p.slink;
    }
    if (!p) {
      if (!create) return null;
      p = { sval: key, hval, ival: NOT_INT, value: { t: 'uninit' }, slink: null, ilink: null };
      if (++this.size > this.limit) {
        this.double();
        b = hval & this.hmask;
      }
    }
    p.slink = this.slists[b];
    this.slists[b] = p;
    return p;
  }

  private findByInt(ival: number, create: boolean): Node | null {
    let b = (ival >>> 0) & this.hmask;
    let p = this.ilists[b];
    let q: Node | null = null;
    while (p) {
      if (p.ival === ival) {
        if (!q) return p;
        q.ilink = p.ilink;
        break;
      }
      q = p;
      p = p.ilink;
    }
    if (!p) {
      if (this.hasStr) {
        p = this.findByStr(String(ival), create);
        if (!p) return null;
      } else if (create) {
        p = { sval: null, hval: 0, ival, value: { t: 'uninit' }, slink: null, ilink: null };
        if (++this.size > this.limit) this.double();
      } else return null;
      p.ival = ival;
      this.hasInt = true;
      b = (ival >>> 0) & this.hmask;
    }
    p.ilink = this.ilists[b];
    this.ilists[b] = p;
    return p;
  }

  /** The cell for a subscript (a number that is an integer is an integer key, as in mawk). */
  private node(key: number | string, create: boolean): Node | null {
    if (this.size === 0 && !create) return null;
    if (typeof key === 'number' && Number.isInteger(key) && Math.abs(key) < 2 ** 31) {
      if (this.kind === 'split') {
        if (key >= 1 && key <= this.split.length) return null;
        if (!create) return null;
        this.convertSplit();
      } else if (this.kind === 'null') {
        this.emptyTable();
      }
      return this.findByInt(key, create);
    }
    if (this.kind === 'null') this.emptyTable();
    return this.findByStr(String(key), create);
  }

  get(key: number | string, create = true): Value {
    if (this.kind === 'split' && typeof key === 'number' && Number.isInteger(key) && key >= 1 && key <= this.split.length) return this.split[key - 1];
    return this.node(key, create)?.value ?? { t: 'uninit' };
  }

  set(key: number | string, value: Value): void {
    if (this.kind === 'split' && typeof key === 'number' && Number.isInteger(key) && key >= 1 && key <= this.split.length) {
      this.split[key - 1] = value;
      return;
    }
    this.node(key, true)!.value = value;
  }

  has(key: number | string): boolean {
    if (this.kind === 'split' && typeof key === 'number' && Number.isInteger(key)) return key >= 1 && key <= this.split.length;
    return this.node(key, false) !== null;
  }

  delete(key: number | string): void {
    if (this.size === 0) return;
    if (this.kind === 'split') {
      if (!(typeof key === 'number' && Number.isInteger(key) && key >= 1 && key <= this.split.length)) {
        if (typeof key === 'number') return;
      }
      this.convertSplit();
    }
    const p = typeof key === 'number' && Number.isInteger(key) && Math.abs(key) < 2 ** 31 ? this.findByInt(key, false) : this.findByStr(String(key), false);
    if (!p) return;
    // p is at the front of its lists now
    if (p.sval !== null) this.unlink(this.slists, 'slink', p.hval & this.hmask, p);
    if (p.ival !== NOT_INT) this.unlink(this.ilists, 'ilink', (p.ival >>> 0) & this.hmask, p);
    if (--this.size === 0) this.clear();
  }

  private unlink(lists: (Node | null)[], link: 'slink' | 'ilink', b: number, target: Node): void {
    let q: Node | null = null;
    for (let p = lists[b]; p; q = p, p = p[link]) {
      if (p !== target) continue;
      if (q) q[link] = p[link];
      else lists[b] = p[link];
      return;
    }
  }

  /** The keys in mawk's loop order (array_loop_vector). */
  keys(): string[] {
    if (this.size === 0) return [];
    if (!this.hasStr) this.addStringAssociations();
    const out: string[] = [];
    for (let i = 0; i <= this.hmask; i++) for (let p = this.slists[i]; p; p = p.slink) out.push(p.sval!);
    return out;
  }
}
