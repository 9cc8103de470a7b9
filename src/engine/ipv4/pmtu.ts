import type { Ipv4 } from '../addr/ipv4';
import type { Rtable } from '../fib/frontend';
import type { Netns } from '../netns/netns';
import { registerSoftState } from '../rollback/softstate';

/**
 * Path MTU exceptions (net/ipv4/route.c, fib_nh_exception's fnhe_pmtu): what an ICMP "frag needed"
 * taught a host about the path to one destination, for ip_rt_mtu_expires. Local output then uses
 * it as the route's mtu (ipv4_mtu()); `ip route get` shows it in the cache line.
 */

/** ip_rt_mtu_expires: 10 minutes */
export const PMTU_EXPIRES = 600_000;
/** ip_rt_min_pmtu: a smaller mtu in a "frag needed" is taken as this (512 + 20 + 20) */
const MIN_PMTU = 552;
/** IP_MAX_MTU: an IP datagram's total length is 16 bits */
export const IP_MAX_MTU = 0xffff;

export interface PmtuException {
  mtu: number;
  /** virtual ms */
  expires: number;
}

const tables = new WeakMap<Netns, Map<Ipv4, PmtuException>>();

/** Whether ns learned any path mtu (asked per packet, before anything costlier). */
export const hasPmtuExceptions = (ns: Netns): boolean => (tables.get(ns)?.size ?? 0) > 0;

/** The live exception for daddr, if any (an expired one is forgotten on the way). */
export function pmtuException(ns: Netns, daddr: Ipv4): PmtuException | undefined {
  const t = tables.get(ns);
  const e = t?.get(daddr);
  if (!e) return undefined;
  if (e.expires > ns.world.now) return e;
  ns.world.willChange(ns);
  t!.delete(daddr);
  return undefined;
}

/** ipv4_mtu(): the mtu of a route for local output — a learned path mtu, else its device's, at most 65535. */
export function routeMtu(ns: Netns, rt: Rtable, daddr: Ipv4): number {
  const dev = Math.min(rt.dev.mtu, IP_MAX_MTU);
  if (rt.type !== 'unicast') return dev;
  const e = pmtuException(ns, daddr);
  return e ? Math.min(e.mtu, dev) : dev;
}

/** __ip_rt_update_pmtu(): a "frag needed" about daddr lowers its path mtu (never raises it). */
export function updatePmtu(ns: Netns, daddr: Ipv4, rt: Rtable, mtu: number): void {
  const current = routeMtu(ns, rt, daddr);
  if (current < mtu) return;
  const learned = mtu < MIN_PMTU ? Math.min(current, MIN_PMTU) : mtu;
  ns.world.willChange(ns);
  let t = tables.get(ns);
  if (!t) tables.set(ns, (t = new Map()));
  t.set(daddr, { mtu: learned, expires: ns.world.now + PMTU_EXPIRES });
  ns.world.touch();
}

/** Exceptions go with the routes they hang on (fnhe flushed with the nexthop). */
export function flushPmtu(ns: Netns): void {
  const t = tables.get(ns);
  if (!t || t.size === 0) return;
  ns.world.willChange(ns);
  t.clear();
}

const NONE: [Ipv4, PmtuException][] = [];

registerSoftState<never, [Ipv4, PmtuException][]>({
  name: 'pmtu exceptions',
  netns: {
    save: (ns) => {
      const t = tables.get(ns);
      return t && t.size ? [...t].map(([k, v]) => [k, { ...v }]) : NONE;
    },
    restore: (ns, saved) => {
      const t = tables.get(ns);
      if (!t && saved.length === 0) return;
      tables.set(ns, new Map(saved));
    },
  },
  netnsDigest: (ns) => [...(tables.get(ns) ?? [])],
});
