/**
 * Engine invariants, checked from the outside against brute-force oracles. Each returns a list of
 * violations (empty when all is well), worded so that a failing fuzz run explains itself.
 */
import { formatIpv4, inPrefix } from '../../src/engine/addr/ipv4';
import type { FibRoute } from '../../src/engine/fib/route';
import { RT_SCOPE } from '../../src/engine/fib/route';
import type { FibTable } from '../../src/engine/fib/table';
import type { Netns } from '../../src/engine/netns/netns';
import type { World } from '../../src/engine/world';
import { formatRoute } from '../../src/engine/fib/format';
import { softStateDigest } from '../../src/engine/rollback/softstate';

const where = (ns: Netns, what: string) => `${ns.name}: ${what}`;

/** local, main and any numbered tables the namespace has. */
export const tablesOf = (ns: Netns): FibTable[] => [ns.local, ns.main, ...ns.extraTables.values()];

/** Devices, indexes, names, veth peers, bridge ports, addresses, routes, neighbours and FDBs agree. */
export function structuralViolations(w: World): string[] {
  const bad: string[] = [];
  const all = w.allNetns();
  const attached = (d: { netns: Netns; ifindex: number }) => d.netns.devByIndex(d.ifindex) === d;
  for (const ns of all) {
    const names = new Set<string>();
    for (const [idx, d] of ns.devs) {
      if (d.ifindex !== idx) bad.push(where(ns, `${d.name} is filed under ifindex ${idx} but says ${d.ifindex}`));
      if (d.netns !== ns) bad.push(where(ns, `${d.name} thinks it lives in ${d.netns.name}`));
      if (names.has(d.name)) bad.push(where(ns, `two devices are named ${d.name}`));
      names.add(d.name);
      if (ns.devByName(d.name) !== d) bad.push(where(ns, `name lookup of ${d.name} finds another device`));
      if (d.kind === 'veth') {
        if (d.peer.peer !== d) bad.push(where(ns, `veth ${d.name}: its peer's peer is not itself`));
        if (d.peer === d) bad.push(where(ns, `veth ${d.name} is its own peer`));
        if (!attached(d.peer)) bad.push(where(ns, `veth ${d.name}: peer ${d.peer.name} is no longer in ${d.peer.netns.name}`));
      }
      if (d.master) {
        if (!d.master.ports.includes(d)) bad.push(where(ns, `${d.name} says master ${d.master.name}, which does not list it`));
        if (d.master.netns !== ns) bad.push(where(ns, `${d.name} is a port of ${d.master.name} in another namespace`));
        if (!attached(d.master)) bad.push(where(ns, `${d.name}'s master ${d.master.name} no longer exists`));
        if (d.kind === 'bridge') bad.push(where(ns, `bridge ${d.name} is enslaved to ${d.master.name}`));
      }
      if (d.kind === 'bridge') {
        for (const p of d.ports) if (p.master !== d) bad.push(where(ns, `bridge ${d.name} lists port ${p.name}, whose master is ${p.master?.name ?? 'none'}`));
        if (new Set(d.ports).size !== d.ports.length) bad.push(where(ns, `bridge ${d.name} lists a port twice`));
        for (const [mac, e] of d.fdb) {
          if (e.mac !== mac) bad.push(where(ns, `fdb of ${d.name}: entry filed under ${mac} says ${e.mac}`));
          if (e.port !== d && !d.ports.includes(e.port)) bad.push(where(ns, `fdb of ${d.name}: ${mac} points at ${e.port.name}, not a current port`));
        }
      }
      const seen = new Set<string>();
      for (const a of d.addrs) {
        const k = `${a.local}/${a.plen}`;
        if (seen.has(k)) bad.push(where(ns, `${d.name} has ${formatIpv4(a.local)}/${a.plen} twice`));
        seen.add(k);
        if (a.secondary && !d.addrs.some((p) => !p.secondary && p.plen === a.plen && inPrefix(a.local, p.local, p.plen)))
          bad.push(where(ns, `${d.name}: secondary ${formatIpv4(a.local)}/${a.plen} has no primary`));
      }
    }
    if (ns.byName.size !== ns.devs.size) bad.push(where(ns, `${ns.byName.size} names for ${ns.devs.size} devices`));
    if (!ns.devByName('lo')) bad.push(where(ns, 'lo is missing'));
    for (const t of tablesOf(ns)) {
      const dump = t.dump();
      if (dump.length !== t.size) bad.push(where(ns, `table ${t.id} counts ${t.size} routes but dumps ${dump.length}`));
      for (const r of dump) {
        if (r.nh && !attached(r.nh.dev)) bad.push(where(ns, `route "${formatRoute(r).trim()}" uses ${r.nh.dev.name}, which is gone`));
        if (r.nh && r.nh.dev.netns !== ns) bad.push(where(ns, `route "${formatRoute(r).trim()}" uses a device of ${r.nh.dev.netns.name}`));
        if (((r.dst & ~(r.plen === 0 ? 0 : (0xffffffff << (32 - r.plen)) >>> 0)) >>> 0) !== 0) bad.push(where(ns, `route ${formatIpv4(r.dst)}/${r.plen} has host bits set`));
      }
    }
    for (const n of ns.neigh.all()) if (!attached(n.dev) || n.dev.netns !== ns) bad.push(where(ns, `neighbour ${formatIpv4(n.ip)} on ${n.dev.name}, which is gone`));
  }
  for (const lan of w.lans) {
    if (!w.hasNetns(`__lan_${lan.name}`)) bad.push(`LAN ${lan.name} has no switch namespace`);
  }
  return bad;
}

/** Brute-force LPM: every route containing addr, longest prefix first, table order among equals. */
export function oracleLookup(routes: FibRoute[], addr: number, accept: (r: FibRoute) => boolean = () => true): FibRoute | undefined {
  let best: FibRoute | undefined;
  for (const r of routes) {
    if (!inPrefix(addr, r.dst, r.plen) || !accept(r)) continue;
    if (!best || r.plen > best.plen) best = r;
  }
  return best;
}

/** FibTable.lookup() against the oracle over its own dump, for the given addresses. */
export function lookupViolations(t: FibTable, addrs: number[], label: string): string[] {
  const bad: string[] = [];
  const dump = t.dump();
  const filters: [string, (r: FibRoute) => boolean][] = [
    ['any', () => true],
    ['scope>=link', (r) => r.scope >= RT_SCOPE.link],
    ['unicast', (r) => r.type === 'unicast'],
  ];
  for (const a of addrs) {
    for (const [name, f] of filters) {
      const got = t.lookup(a as never, name === 'any' ? undefined : f);
      const want = oracleLookup(dump, a, f);
      if (got !== want) bad.push(`${label}: lookup ${formatIpv4(a)} (${name}) gave ${got ? formatRoute(got).trim() : 'nothing'}, oracle ${want ? formatRoute(want).trim() : 'nothing'}`);
    }
  }
  return bad;
}

/** Addresses worth looking up in a namespace: every route's edges, every address, and a few fixed ones. */
export function interestingAddrs(ns: Netns, extra: number[] = []): number[] {
  const out = new Set<number>(extra);
  for (const t of tablesOf(ns)) {
    for (const r of t.dump()) {
      const last = (r.dst | (r.plen === 0 ? 0xffffffff : ~((0xffffffff << (32 - r.plen)) >>> 0))) >>> 0;
      out.add(r.dst);
      out.add(last);
      out.add((r.dst + 1) >>> 0);
      out.add((last + 1) >>> 0);
      if (r.nh?.gw !== undefined) out.add(r.nh.gw);
    }
  }
  for (const d of ns.devs.values()) for (const a of d.addrs) out.add(a.local);
  return [...out];
}

/**
 * Routes that appeared since `before` (by identity) and carry a gateway without `onlink`: at
 * insertion the gateway must have been on a subnet the nexthop device reaches directly
 * (a link- or host-scope unicast route, or a local address), judged on the state before.
 */
export function gatewayViolations(ns: Netns, before: { routes: Set<FibRoute>; connected: FibRoute[] }): string[] {
  const bad: string[] = [];
  for (const t of tablesOf(ns)) {
    for (const r of t.dump()) {
      if (before.routes.has(r) || !r.nh || r.nh.gw === undefined || r.nh.onlink) continue;
      const gw = r.nh.gw;
      const ok = before.connected.some((c) => inPrefix(gw, c.dst, c.plen) && c.nh?.dev === r.nh!.dev);
      if (!ok) bad.push(where(ns, `route "${formatRoute(r).trim()}" was added with gateway ${formatIpv4(gw)}, which was not on a connected subnet of ${r.nh.dev.name}`));
    }
  }
  return bad;
}

export function gatewayBaseline(ns: Netns): { routes: Set<FibRoute>; connected: FibRoute[] } {
  const all = tablesOf(ns).flatMap((t) => t.dump());
  return {
    routes: new Set(all),
    connected: all.filter((r) => (r.type === 'unicast' && r.scope >= RT_SCOPE.link) || r.type === 'local'),
  };
}

/**
 * Everything a packet can change that the snapshot does not show: the digests of every registered
 * soft state (src/engine/rollback/softstate.ts). Two worlds with the same snapshot and the same soft
 * state behave the same from here on.
 */
export const softState = (w: World): string => softStateDigest(w);
