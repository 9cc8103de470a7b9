import { inPrefix, prefixMask, type Ipv4 } from '../addr/ipv4';
import type { Netdev } from '../netns/netdev';
import { KernelError, type FibRoute } from './route';

/**
 * One routing table (fib_table): aliases grouped by prefix length, then by network address.
 *
 * Lookup walks only the prefix lengths that exist (at most 33) and does one hash probe for each,
 * so its cost does not grow with the number of routes. Within a prefix the aliases keep the
 * kernel's order: ascending metric, insertion order among equals (fib_find_alias / fib_table_insert).
 */
export class FibTable {
  private readonly byLen = new Map<number, Map<number, FibRoute[]>>();
  /** prefix lengths present, longest first */
  private lens: number[] = [];
  private count = 0;

  constructor(readonly id: number) {}

  get size(): number {
    return this.count;
  }

  aliases(dst: Ipv4, plen: number): FibRoute[] | undefined {
    return this.byLen.get(plen)?.get(dst);
  }

  /**
   * fib_table_insert with the rtnetlink flags `ip route add|replace|append` send.
   * add: EEXIST when an alias with the same metric exists; replace: swaps the first such alias;
   * append: goes after the aliases with the same metric, prepend before them (both EEXIST only
   * for an identical route).
   */
  insert(route: FibRoute, mode: 'add' | 'replace' | 'change' | 'append' | 'prepend'): void {
    let group = this.byLen.get(route.plen);
    if (!group) {
      group = new Map();
      this.byLen.set(route.plen, group);
      this.lens = [...this.byLen.keys()].sort((a, b) => b - a);
    }
    const list = group.get(route.dst);
    if (!list) {
      if (mode === 'change') throw new KernelError('ENOENT');
      // most prefixes hold one alias: an exact-size array, not push()'s 17-slot backing store
      group.set(route.dst, [route]);
      this.count++;
      return;
    }
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
    if (mode === 'change') {
      // nothing to change: leave no empty list or prefix length behind
      if (list.length === 0) group.delete(route.dst);
      if (group.size === 0) this.dropLen(route.plen);
      throw new KernelError('ENOENT');
    }
    const at = list.findIndex((r) => r.metric >= route.metric);
    if (at < 0) list.push(route);
    else list.splice(at, 0, route);
    this.count++;
  }

  /** fib_table_delete: the first alias for dst/plen that every given criterion matches. */
  delete(dst: Ipv4, plen: number, match: (r: FibRoute) => boolean): FibRoute {
    const group = this.byLen.get(plen);
    const list = group?.get(dst);
    const i = list ? list.findIndex(match) : -1;
    if (!list || i < 0) throw new KernelError('ESRCH');
    const [gone] = list.splice(i, 1);
    this.count--;
    if (list.length === 0) {
      group!.delete(dst);
      if (group!.size === 0) this.dropLen(plen);
    }
    return gone;
  }

  /** Remove every route the predicate selects (fib_flush after a device or address went away). */
  flush(predicate: (r: FibRoute) => boolean): FibRoute[] {
    const gone: FibRoute[] = [];
    for (const [plen, group] of this.byLen) {
      for (const [dst, list] of group) {
        const keep = list.filter((r) => {
          if (predicate(r)) {
            gone.push(r);
            return false;
          }
          return true;
        });
        if (keep.length === 0) group.delete(dst);
        else if (keep.length !== list.length) group.set(dst, keep);
      }
      if (group.size === 0) this.dropLen(plen);
    }
    this.count -= gone.length;
    return gone;
  }

  /** Forget a prefix length that has no routes left (lookup walks `lens` and expects a group for each). */
  private dropLen(plen: number): void {
    this.byLen.delete(plen);
    this.lens = this.lens.filter((l) => l !== plen);
  }

  /**
   * Longest-prefix match (fib_table_lookup). `accept` filters aliases (scope, oif, dead nexthops);
   * when no alias of the longest prefix is acceptable the search backtracks to shorter prefixes.
   */
  lookup(daddr: Ipv4, accept?: (r: FibRoute) => boolean): FibRoute | undefined {
    for (const plen of this.lens) {
      const list = this.byLen.get(plen)!.get((daddr & prefixMask(plen)) >>> 0);
      if (!list) continue;
      for (const r of list) if (!accept || accept(r)) return r;
    }
    return undefined;
  }

  /** Every route in dump order: by network address, longer prefixes first for equal addresses. */
  dump(): FibRoute[] {
    const keys: { dst: number; plen: number; list: FibRoute[] }[] = [];
    for (const [plen, group] of this.byLen) for (const [dst, list] of group) keys.push({ dst, plen, list });
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
