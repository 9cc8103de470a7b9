import { inPrefix, prefixMask, type Ipv4 } from '../addr/ipv4';
import type { Netdev } from '../netns/netdev';
import { KernelError, type FibRoute } from './route';

/** A table with this many routes keeps per-/16 prefix-length masks, so lookups stay O(1) in its size. */
const BIG = 512;
const BUCKETS = 1 << 16;

/**
 * One routing table (fib_table): aliases grouped by prefix length, then by network address.
 *
 * Lookup probes one hash per prefix length, longest first, and only for the lengths that can
 * match: a small table walks the lengths it has (at most 33); a big one (BIG routes or more) keeps,
 * for every /16 of the address space, a bit per length that has a route inside or covering that
 * /16, so a lookup in 100,000 routes probes about as often as one in 10. Within a prefix the
 * aliases keep the kernel's order: ascending metric, insertion order among equals
 * (fib_find_alias / fib_table_insert). Network addresses are keyed as int32 (small integers for V8).
 */
export class FibTable {
  /** prefix lengths present, longest first, and beside each its group: network address -> aliases */
  private lens: number[] = [];
  private groups: Map<number, Slot>[] = [];
  private count = 0;
  /** big tables only: masks[dst >>> 16] has bit p-1 set when a /p route (p >= 1) may match there */
  private masks: Uint32Array | null = null;
  /** big tables only: routes of length >= 16 per (bucket, length), so a bit is cleared with its last route */
  private longCounts: Map<number, number> | null = null;
  /** big tables only: group per prefix length */
  private byLen: (Map<number, Slot> | undefined)[] | null = null;

  constructor(readonly id: number) {}

  get size(): number {
    return this.count;
  }

  private group(plen: number): Map<number, Slot> | undefined {
    const i = this.lens.indexOf(plen);
    return i < 0 ? undefined : this.groups[i];
  }

  aliases(dst: Ipv4, plen: number): FibRoute[] | undefined {
    const v = this.group(plen)?.get(dst | 0);
    return v === undefined ? undefined : listOf(v);
  }

  /**
   * fib_table_insert with the rtnetlink flags `ip route add|replace|append` send.
   * add: EEXIST when an alias with the same metric exists; replace: swaps the first such alias;
   * append: goes after the aliases with the same metric, prepend before them (both EEXIST only
   * for an identical route).
   */
  insert(route: FibRoute, mode: 'add' | 'replace' | 'change' | 'append' | 'prepend'): void {
    const key = route.dst | 0;
    let group = this.group(route.plen);
    const slot = group?.get(key);
    if (slot === undefined) {
      if (mode === 'change') throw new KernelError('ENOENT');
      if (!group) group = this.addLen(route.plen);
      // most prefixes hold one alias: kept as the route itself, an array only for two or more
      group.set(key, route);
      this.count++;
      if (this.masks) this.markPrefix(route.dst, route.plen, true);
      else if (this.count >= BIG) this.buildMasks();
      return;
    }
    const list = listOf(slot);
    group!.set(key, list);
    const sameMetric = list.findIndex((r) => r.metric === route.metric);
    if (sameMetric >= 0) {
      if (mode === 'add') throw new KernelError('EEXIST');
      if (mode === 'replace' || mode === 'change') {
        list[sameMetric] = route;
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
        this.count++;
        return;
      }
    }
    if (mode === 'change') throw new KernelError('ENOENT');
    const at = list.findIndex((r) => r.metric >= route.metric);
    if (at < 0) list.push(route);
    else list.splice(at, 0, route);
    this.count++;
  }

  /** Is an identical route (same metric and nexthop) already there? What `append` refuses with EEXIST. */
  has(route: FibRoute): boolean {
    const slot = this.group(route.plen)?.get(route.dst | 0);
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
    const group = this.group(plen);
    const slot = group?.get(dst | 0);
    const list = slot === undefined ? undefined : listOf(slot);
    const i = list ? list.findIndex(match) : -1;
    if (!list || i < 0) return undefined;
    const [gone] = list.splice(i, 1);
    if (list.length === 1) group!.set(dst | 0, list[0]);
    this.count--;
    if (list.length === 0) {
      group!.delete(dst | 0);
      if (this.masks) this.markPrefix(dst, plen, false);
      if (group!.size === 0) this.dropLen(plen);
    }
    return gone;
  }

  /** Remove every route the predicate selects (fib_flush after a device or address went away). */
  flush(predicate: (r: FibRoute) => boolean): FibRoute[] {
    const gone: FibRoute[] = [];
    for (const [plen, group] of this.lens.map((l, i) => [l, this.groups[i]] as const)) {
      for (const [key, slot] of group) {
        const list = listOf(slot);
        const keep = list.filter((r) => {
          if (predicate(r)) {
            gone.push(r);
            return false;
          }
          return true;
        });
        if (keep.length === 0) group.delete(key);
        else if (keep.length !== list.length) group.set(key, keep.length === 1 ? keep[0] : keep);
      }
      if (group.size === 0) this.dropLen(plen);
    }
    this.count -= gone.length;
    if (gone.length && this.masks) this.buildMasks();
    return gone;
  }

  private addLen(plen: number): Map<number, Slot> {
    const group = new Map<number, Slot>();
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

  private buildMasks(): void {
    this.masks = new Uint32Array(BUCKETS);
    this.longCounts = new Map();
    this.byLen = new Array(33).fill(undefined);
    for (let i = 0; i < this.lens.length; i++) {
      this.byLen[this.lens[i]] = this.groups[i];
      for (const slot of this.groups[i].values()) this.markPrefix(listOf(slot)[0].dst, this.lens[i], true);
    }
  }

  /** A prefix appeared (on) or its last alias went (off): update the /16 masks it touches. */
  private markPrefix(dst: number, plen: number, on: boolean): void {
    if (plen === 0) return; // the default route is always a candidate
    const masks = this.masks!;
    const bit = 1 << (plen - 1);
    const first = dst >>> 16;
    if (plen >= 16) {
      const k = first * 32 + (plen - 16);
      const n = (this.longCounts!.get(k) ?? 0) + (on ? 1 : -1);
      if (n > 0) this.longCounts!.set(k, n);
      else this.longCounts!.delete(k);
      if (on) masks[first] |= bit;
      else if (n <= 0) masks[first] &= ~bit;
      return;
    }
    // a /p shorter than 16 is the only /p covering each of its 2^(16-p) buckets
    const span = 1 << (16 - plen);
    for (let b = first; b < first + span; b++) masks[b] = on ? masks[b] | bit : masks[b] & ~bit;
  }

  /**
   * Longest-prefix match (fib_table_lookup). `accept` filters aliases (scope, oif, dead nexthops);
   * when no alias of the longest prefix is acceptable the search backtracks to shorter prefixes.
   */
  lookup(daddr: Ipv4, accept?: (r: FibRoute) => boolean): FibRoute | undefined {
    const masks = this.masks;
    if (masks !== null) {
      const byLen = this.byLen!;
      let m = masks[daddr >>> 16] | 0;
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
    for (let i = 0; i < this.lens.length; i++) for (const slot of this.groups[i].values()) keys.push({ dst: listOf(slot)[0].dst, plen: this.lens[i], list: listOf(slot) });
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
