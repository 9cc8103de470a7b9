import { inPrefix, prefixMask, type Ipv4 } from '../addr/ipv4';
import type { Netdev } from '../netns/netdev';
import { KernelError, type FibRoute } from './route';
import { IntMap } from './intmap';

/** Up to this many prefixes a table is one flat list (a pod's or a host's table: 4–8 prefixes). */
const SMALL = 8;
/**
 * From MASKED routes on, a table keeps prefix-length masks per /12 of the address space (16 KB); from
 * BIG routes on, per /16 (256 KB); from HUGE on, per /20 (4 MB). At most 64 bytes a route, and the
 * finer the buckets the fewer lengths a lookup probes, so lookups stay O(1) in the table's size.
 */
const MASKED = 512;
const BIG = 8192;
const HUGE = 65536;

/**
 * One routing table (fib_table): aliases grouped by prefix (network address and length).
 *
 * A small table (up to SMALL prefixes, the tables of pods and hosts) is one list, longest prefix
 * first, scanned in order: no hash maps to pay for in every namespace. Beyond that, prefixes are
 * grouped by length, one hash map per length, and lookup probes one map per length, longest first,
 * and only for the lengths that can match: a table walks the lengths it has (at most 33); a bigger
 * one (MASKED routes or more) keeps, for every /12 (/16, /20 as it grows) of the address space, a
 * bit per length that has a route inside or covering it, so a lookup in 100,000 routes probes about
 * as often as one in 10.
 * Within a prefix the aliases keep the kernel's order: ascending metric, insertion order among
 * equals (fib_find_alias / fib_table_insert). Network addresses are keyed as int32 (small integers
 * for V8).
 */
export class FibTable {
  /** small tables: every prefix's aliases, longest prefix first; null once the table has grown */
  private flat: Slot[] | null = [];
  /** prefix lengths present, longest first, and beside each its group: network address -> aliases */
  private lens: number[] = [];
  private groups: IntMap<Slot>[] = [];
  private count = 0;
  /** big tables only: masks[dst >>> (32 - maskBits)] has bit p-1 set when a /p route (p >= 1) may match there */
  private masks: Uint32Array | null = null;
  private maskBits = 12;
  /** big tables only: routes of length >= 16 per (bucket, length), so a bit is cleared with its last route */
  private longCounts: Map<number, number> | null = null;
  /** big tables only: group per prefix length */
  private byLen: (IntMap<Slot> | undefined)[] | null = null;

  constructor(readonly id: number) {}

  get size(): number {
    return this.count;
  }

  private group(plen: number): IntMap<Slot> | undefined {
    const i = this.lens.indexOf(plen);
    return i < 0 ? undefined : this.groups[i];
  }

  private flatIndex(dst: number, plen: number): number {
    const flat = this.flat!;
    for (let i = 0; i < flat.length; i++) {
      const h = head(flat[i]);
      if (h.plen === plen && h.dst === dst) return i;
    }
    return -1;
  }

  /** The aliases of dst/plen, or undefined. */
  private slot(dst: number, plen: number): Slot | undefined {
    if (this.flat !== null) {
      const i = this.flatIndex(dst, plen);
      return i < 0 ? undefined : this.flat[i];
    }
    return this.group(plen)?.get(dst | 0);
  }

  /** Store a changed alias list for dst/plen (a lone route as itself), or remove the prefix when empty. */
  private setSlot(dst: number, plen: number, list: FibRoute[]): void {
    const value: Slot = list.length === 1 ? list[0] : list;
    if (this.flat !== null) {
      const i = this.flatIndex(dst, plen);
      if (list.length === 0) this.flat.splice(i, 1);
      else this.flat[i] = value;
      return;
    }
    const group = this.group(plen)!;
    if (list.length > 0) {
      group.set(dst | 0, value);
      return;
    }
    group.delete(dst | 0);
    if (this.masks) this.markPrefix(dst, plen, false);
    if (group.size === 0) this.dropLen(plen);
  }

  /** A prefix that was not there, with its first route. */
  private addPrefix(route: FibRoute): void {
    if (this.flat !== null && this.flat.length >= SMALL) this.unflatten();
    if (this.flat !== null) {
      let at = 0;
      while (at < this.flat.length && head(this.flat[at]).plen >= route.plen) at++;
      this.flat.splice(at, 0, route);
      return;
    }
    const group = this.group(route.plen) ?? this.addLen(route.plen);
    group.set(route.dst | 0, route);
    const n = this.count + 1;
    const bits = n >= HUGE ? 20 : n >= BIG ? 16 : 12;
    if ((this.masks && bits > this.maskBits) || (!this.masks && n >= MASKED)) this.buildMasks(bits);
    else if (this.masks) this.markPrefix(route.dst, route.plen, true);
  }

  private unflatten(): void {
    const flat = this.flat!;
    this.flat = null;
    for (const s of flat) {
      const h = head(s);
      (this.group(h.plen) ?? this.addLen(h.plen)).set(h.dst | 0, s);
    }
  }

  aliases(dst: Ipv4, plen: number): FibRoute[] | undefined {
    const v = this.slot(dst, plen);
    return v === undefined ? undefined : listOf(v);
  }

  /**
   * fib_table_insert with the rtnetlink flags `ip route add|replace|append` send.
   * add: EEXIST when an alias with the same metric exists; replace: swaps the first such alias;
   * append: goes after the aliases with the same metric, prepend before them (both EEXIST only
   * for an identical route).
   */
  insert(route: FibRoute, mode: 'add' | 'replace' | 'change' | 'append' | 'prepend'): void {
    const slot = this.slot(route.dst, route.plen);
    if (slot === undefined) {
      if (mode === 'change') throw new KernelError('ENOENT');
      // most prefixes hold one alias: kept as the route itself, an array only for two or more
      this.addPrefix(route);
      this.count++;
      return;
    }
    const list = [...listOf(slot)];
    const sameMetric = list.findIndex((r) => r.metric === route.metric);
    if (sameMetric >= 0) {
      if (mode === 'add') throw new KernelError('EEXIST');
      if (mode === 'replace' || mode === 'change') {
        list[sameMetric] = route;
        this.setSlot(route.dst, route.plen, list);
        return;
      }
      // append and prepend refuse a perfect duplicate among the aliases of that metric (fa_match)
      for (let i = sameMetric; i < list.length && list[i].metric === route.metric; i++) {
        if (sameRoute(list[i], route)) throw new KernelError('EEXIST');
      }
      if (mode === 'append') {
        let end = sameMetric;
        while (end < list.length && list[end].metric === route.metric) end++;
        list.splice(end, 0, route);
        this.setSlot(route.dst, route.plen, list);
        this.count++;
        return;
      }
    }
    if (mode === 'change') throw new KernelError('ENOENT');
    const at = list.findIndex((r) => r.metric >= route.metric);
    if (at < 0) list.push(route);
    else list.splice(at, 0, route);
    this.setSlot(route.dst, route.plen, list);
    this.count++;
  }

  /** Is an identical route (same metric and nexthop) already there? What `append` refuses with EEXIST. */
  has(route: FibRoute): boolean {
    const slot = this.slot(route.dst, route.plen);
    return slot !== undefined && listOf(slot).some((r) => r.metric === route.metric && sameRoute(r, route));
  }

  /** fib_table_delete: the first alias for dst/plen that every given criterion matches. */
  delete(dst: Ipv4, plen: number, match: (r: FibRoute) => boolean): FibRoute {
    const gone = this.deleteIf(dst, plen, match);
    if (gone === undefined) throw new KernelError('ESRCH');
    return gone;
  }

  /** delete() without the error: undefined when nothing matches (kernel routes going away twice). */
  deleteIf(dst: Ipv4, plen: number, match: (r: FibRoute) => boolean): FibRoute | undefined {
    const slot = this.slot(dst, plen);
    if (slot === undefined) return undefined;
    const list = [...listOf(slot)];
    const i = list.findIndex(match);
    if (i < 0) return undefined;
    const [gone] = list.splice(i, 1);
    this.count--;
    this.setSlot(dst, plen, list);
    return gone;
  }

  /** Remove every route the predicate selects (fib_flush after a device or address went away). */
  flush(predicate: (r: FibRoute) => boolean): FibRoute[] {
    const gone: FibRoute[] = [];
    const keep = (slot: Slot): FibRoute[] =>
      listOf(slot).filter((r) => {
        if (predicate(r)) {
          gone.push(r);
          return false;
        }
        return true;
      });
    if (this.flat !== null) {
      const next: Slot[] = [];
      for (const slot of this.flat) {
        const k = keep(slot);
        if (k.length) next.push(k.length === 1 ? k[0] : k);
      }
      this.flat = next;
    } else {
      for (const [plen, group] of this.lens.map((l, i) => [l, this.groups[i]] as const)) {
        for (const [key, slot] of group) {
          const k = keep(slot);
          if (k.length === 0) group.delete(key);
          else if (k.length !== listOf(slot).length) group.set(key, k.length === 1 ? k[0] : k);
        }
        if (group.size === 0) this.dropLen(plen);
      }
      if (gone.length && this.masks) this.buildMasks(this.maskBits);
    }
    this.count -= gone.length;
    return gone;
  }

  private addLen(plen: number): IntMap<Slot> {
    const group = new IntMap<Slot>();
    let at = 0;
    while (at < this.lens.length && this.lens[at] > plen) at++;
    this.lens.splice(at, 0, plen);
    this.groups.splice(at, 0, group);
    if (this.byLen) this.byLen[plen] = group;
    return group;
  }

  /** Forget a prefix length that has no routes left (lookup expects a group for each length it walks). */
  private dropLen(plen: number): void {
    const i = this.lens.indexOf(plen);
    if (i < 0) return;
    this.lens.splice(i, 1);
    this.groups.splice(i, 1);
    if (this.byLen) this.byLen[plen] = undefined;
  }

  private buildMasks(bits: number): void {
    this.maskBits = bits;
    this.masks = new Uint32Array(1 << bits);
    this.longCounts = new Map();
    this.byLen = new Array(33).fill(undefined);
    for (let i = 0; i < this.lens.length; i++) {
      this.byLen[this.lens[i]] = this.groups[i];
      for (const slot of this.groups[i].values()) this.markPrefix(head(slot).dst, this.lens[i], true);
    }
  }

  /** A prefix appeared (on) or its last alias went (off): update the /16 masks it touches. */
  private markPrefix(dst: number, plen: number, on: boolean): void {
    if (plen === 0) return; // the default route is always a candidate
    const masks = this.masks!;
    const bits = this.maskBits;
    const bit = 1 << (plen - 1);
    const first = dst >>> (32 - bits);
    if (plen >= bits) {
      const k = first * 64 + plen;
      const n = (this.longCounts!.get(k) ?? 0) + (on ? 1 : -1);
      if (n > 0) this.longCounts!.set(k, n);
      else this.longCounts!.delete(k);
      if (on) masks[first] |= bit;
      else if (n <= 0) masks[first] &= ~bit;
      return;
    }
    // a /p shorter than the buckets is the only /p covering each of its 2^(bits-p) buckets
    const span = 1 << (bits - plen);
    for (let b = first; b < first + span; b++) masks[b] = on ? masks[b] | bit : masks[b] & ~bit;
  }

  /**
   * Longest-prefix match (fib_table_lookup). `accept` filters aliases (scope, oif, dead nexthops);
   * when no alias of the longest prefix is acceptable the search backtracks to shorter prefixes.
   */
  lookup(daddr: Ipv4, accept?: (r: FibRoute) => boolean): FibRoute | undefined {
    const flat = this.flat;
    if (flat !== null) {
      for (let i = 0; i < flat.length; i++) {
        const slot = flat[i];
        const h = head(slot);
        if (((daddr ^ h.dst) & prefixMask(h.plen)) !== 0) continue;
        const r = pick(slot, accept);
        if (r !== undefined) return r;
      }
      return undefined;
    }
    const masks = this.masks;
    if (masks !== null) {
      const byLen = this.byLen!;
      let m = masks[daddr >>> (32 - this.maskBits)] | 0;
      while (m !== 0) {
        const plen = 32 - Math.clz32(m);
        m &= ~(1 << (plen - 1));
        const slot = byLen[plen]?.get(daddr & prefixMask(plen));
        if (slot === undefined) continue;
        const r = pick(slot, accept);
        if (r !== undefined) return r;
      }
      const dflt = byLen[0]?.get(0);
      return dflt === undefined ? undefined : pick(dflt, accept);
    }
    const lens = this.lens;
    for (let i = 0; i < lens.length; i++) {
      const slot = this.groups[i].get(daddr & prefixMask(lens[i]));
      if (slot === undefined) continue;
      const r = pick(slot, accept);
      if (r !== undefined) return r;
    }
    return undefined;
  }

  /** Every route in dump order: by network address, longer prefixes first for equal addresses. */
  dump(): FibRoute[] {
    const keys: { dst: number; plen: number; list: FibRoute[] }[] = [];
    const slots = this.flat ?? this.groups.flatMap((g) => [...g.values()]);
    for (const slot of slots) keys.push({ dst: head(slot).dst, plen: head(slot).plen, list: listOf(slot) });
    keys.sort((a, b) => a.dst - b.dst || b.plen - a.plen);
    return keys.flatMap((k) => k.list);
  }

  /** Routes whose prefix contains addr (`ip route show match`). */
  covering(addr: Ipv4): FibRoute[] {
    return this.dump().filter((r) => inPrefix(addr, r.dst, r.plen));
  }

  routesVia(dev: Netdev): FibRoute[] {
    return this.dump().filter((r) => r.nh?.dev === dev);
  }
}

/** The aliases of one prefix: the route itself when it is the only one (most are), else an array. */
type Slot = FibRoute | FibRoute[];
const listOf = (s: Slot): FibRoute[] => (Array.isArray(s) ? s : [s]);
const head = (s: Slot): FibRoute => (Array.isArray(s) ? s[0] : s);

function pick(s: Slot, accept: ((r: FibRoute) => boolean) | undefined): FibRoute | undefined {
  if (!Array.isArray(s)) return !accept || accept(s) ? s : undefined;
  for (const r of s) if (!accept || accept(r)) return r;
  return undefined;
}

function sameRoute(a: FibRoute, b: FibRoute): boolean {
  return (
    a.type === b.type &&
    a.scope === b.scope &&
    a.proto === b.proto &&
    a.prefsrc === b.prefsrc &&
    a.nh?.gw === b.nh?.gw &&
    a.nh?.dev === b.nh?.dev &&
    a.nh?.onlink === b.nh?.onlink
  );
}
