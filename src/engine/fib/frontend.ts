import { flushPmtu } from '../ipv4/pmtu';
import { BROADCAST, asIpv4, inPrefix, isLoopback, isMulticast, isZeronet, networkOf, broadcastOf, type Ipv4 } from '../addr/ipv4';
import { Verdict } from '../sim/trace';
import { fibValidateSource, orConf, SOURCE_OK, txRedirects, type SourceRefusal } from './validate';
import type { Ifaddr, Netdev } from '../netns/netdev';
import { carrierOk } from '../netns/netdev';
import type { Netns } from '../netns/netns';
import { KernelError, routeTypeErrno, RTPROT, RT_SCOPE, RT_TABLE, type Errno, type FibRoute, type RouteType } from './route';

/**
 * Configuration entry points of the FIB (fib_frontend.c / fib_semantics.c): kernel routes that
 * follow addresses and links, `ip route add/del` with nexthop validation, and lookups.
 */

function primaryFor(dev: Netdev, ifa: Ifaddr): Ifaddr {
  if (!ifa.secondary) return ifa;
  return dev.addrs.find((a) => !a.secondary && a.plen === ifa.plen && inPrefix(ifa.local, a.local, a.plen)) ?? ifa;
}

function magicAdd(ns: Netns, r: FibRoute): void {
  const t = ns.table(r.table)!;
  // an identical kernel route may exist already (asked without throwing: errors are slow to build)
  if (!t.has(r)) t.insert(r, 'append');
}

function magicDel(ns: Netns, type: RouteType, dst: Ipv4, plen: number, dev: Netdev, prefsrc: Ipv4, table: number): void {
  // already gone is fine
  ns.table(table)!.deleteIf(dst, plen, (r) => r.type === type && r.nh?.dev === dev && r.prefsrc === prefsrc && r.proto === RTPROT.kernel);
}

const kernelRoute = (type: RouteType, dst: Ipv4, plen: number, dev: Netdev, src: Ipv4, scope: number): FibRoute => ({
  table: type === 'unicast' ? RT_TABLE.main : RT_TABLE.local,
  type,
  dst,
  plen,
  metric: 0,
  proto: RTPROT.kernel,
  scope,
  prefsrc: src,
  nh: { dev, onlink: false, scope: scope === RT_SCOPE.host ? RT_SCOPE.nowhere : RT_SCOPE.host },
});

/** fib_add_ifaddr(): local route always; broadcast and prefix routes once the device is up. */
export function fibAddIfaddr(ns: Netns, dev: Netdev, ifa: Ifaddr): void {
  const prim = primaryFor(dev, ifa);
  magicAdd(ns, kernelRoute('local', ifa.local, 32, dev, prim.local, RT_SCOPE.host));
  if (!dev.adminUp) return;
  if (ifa.broadcast !== undefined && ifa.broadcast !== BROADCAST) {
    magicAdd(ns, kernelRoute('broadcast', ifa.broadcast, 32, dev, prim.local, RT_SCOPE.link));
  }
  const prefix = networkOf(ifa.local, ifa.plen);
  if (!isZeronet(prefix) && !ifa.secondary && (prefix !== ifa.local || ifa.plen < 32)) {
    const lo = dev.ops.loopback;
    magicAdd(ns, kernelRoute(lo ? 'local' : 'unicast', prefix, ifa.plen, dev, prim.local, lo ? RT_SCOPE.host : RT_SCOPE.link));
    if (ifa.plen < 31) magicAdd(ns, kernelRoute('broadcast', broadcastOf(prefix, ifa.plen), 32, dev, prim.local, RT_SCOPE.link));
  }
}

/** fib_del_ifaddr() and fib_sync_down_addr(): the address's routes go, and routes preferring it as source. */
export function fibDelIfaddr(ns: Netns, dev: Netdev, ifa: Ifaddr): void {
  const prim = primaryFor(dev, ifa);
  const prefix = networkOf(ifa.local, ifa.plen);
  if (!ifa.secondary) {
    const lo = dev.ops.loopback;
    magicDel(ns, lo ? 'local' : 'unicast', prefix, ifa.plen, dev, prim.local, lo ? RT_TABLE.local : RT_TABLE.main);
    if (ifa.plen < 31) magicDel(ns, 'broadcast', broadcastOf(prefix, ifa.plen), 32, dev, prim.local, RT_TABLE.local);
  }
  if (ifa.broadcast !== undefined) magicDel(ns, 'broadcast', ifa.broadcast, 32, dev, prim.local, RT_TABLE.local);
  const stillLocal = [...ns.devs.values()].some((d) => d.addrs.some((a) => a.local === ifa.local));
  if (!stillLocal) {
    magicDel(ns, 'local', ifa.local, 32, dev, prim.local, RT_TABLE.local);
    for (const t of ns.allTables()) t.flush((r) => r.prefsrc === ifa.local);
  }
}

/** fib_sync_down_dev() + fib_flush() on NETDEV_DOWN: every route through the device is removed. */
export function fibFlushDev(ns: Netns, dev: Netdev, force = false): void {
  // host-scope nexthops (local routes) survive a plain NETDEV_DOWN; force is unregister / last address gone
  for (const t of ns.allTables()) t.flush((r) => r.nh?.dev === dev && (force || r.nh.scope !== RT_SCOPE.nowhere));
  // the exceptions hanging on those routes' nexthops go with them
  if (ns.hasRedirects) ns.redirects.clear();
  flushPmtu(ns);
}

// ---- lookups --------------------------------------------------------------------------------

export interface LookupOpts {
  oif?: Netdev;
  /** minimum route scope (flowi4_scope) */
  scope?: number;
}

export type FibResult = { ok: true; route: FibRoute } | { ok: false; errno: Errno; route?: FibRoute };

const NO_OPTS: LookupOpts = {};

/** fib_lookup(): the local table, then main (then the default table when there is one), longest prefix first. */
export function fibLookup(ns: Netns, daddr: Ipv4, opts: LookupOpts = NO_OPTS): FibResult {
  const scope = opts.scope ?? RT_SCOPE.universe;
  const oif = opts.oif;
  // with no minimum scope and no output device every alias is acceptable: no filter to build
  const accept =
    scope === RT_SCOPE.universe && oif === undefined
      ? undefined
      : (r: FibRoute): boolean => {
          if (r.scope < scope) return false;
          if (routeTypeErrno(r.type)) return true;
          if (oif && r.nh?.dev !== oif) return false;
          return true;
        };
  // the default rules, local → main → default; a throw route ends its table's lookup
  // (-EAGAIN) and fib_rules_lookup() goes on to the next rule
  let r = ns.local.lookup(daddr, accept);
  if (r === undefined || r.type === 'throw') r = ns.main.lookup(daddr, accept);
  if (r === undefined || r.type === 'throw') r = ns.extraTables.get(RT_TABLE.default)?.lookup(daddr, accept);
  if (r === undefined || r.type === 'throw') return { ok: false, errno: 'ENETUNREACH' };
  const errno = routeTypeErrno(r.type);
  if (errno) return { ok: false, errno, route: r };
  return { ok: true, route: r };
}

/** inet_select_addr(): a primary address on dev (in dst's subnet if possible), else any global one. */
export function inetSelectAddr(ns: Netns, dev: Netdev, dst: Ipv4 | undefined, scope: number): Ipv4 | undefined {
  let addr: Ipv4 | undefined;
  for (const ifa of dev.addrs) {
    if (ifa.secondary) continue;
    if (ifa.scope > scope) continue;
    if (!dst || inPrefix(dst, ifa.local, ifa.plen)) return ifa.local;
    addr ??= ifa.local;
  }
  if (addr !== undefined) return addr;
  for (const d of ns.devList()) {
    for (const ifa of d.addrs) {
      if (!ifa.secondary && ifa.scope !== RT_SCOPE.link && ifa.scope <= scope) return ifa.local;
    }
  }
  return undefined;
}

/** What an output or input route lookup decided (a resolved rtable). */
export interface Rtable {
  type: 'unicast' | 'local' | 'broadcast';
  dev: Netdev;
  /** the next hop to resolve with ARP: the gateway, or the destination itself */
  nexthop: Ipv4;
  gw?: Ipv4;
  src: Ipv4;
  route?: FibRoute; // absent when assumed on-link (oif given, no route)
  /** input route: forwarded out the device it came in on, to a directly connected source */
  doRedirect?: boolean;
}

export type RouteOutcome = { ok: true; rt: Rtable } | { ok: false; errno: Errno; route?: FibRoute };

/** Every Rtable has every field (one object shape on the packet path). */
const rtable = (type: Rtable['type'], dev: Netdev, nexthop: Ipv4, gw: Ipv4 | undefined, src: Ipv4, route: FibRoute | undefined, doRedirect = false): Rtable => ({ type, dev, nexthop, gw, src, route, doRedirect });

/** The gateway packets to daddr take through route r (a learned redirect wins), or undefined when on link. */
function gatewayOf(ns: Netns, r: FibRoute, daddr: Ipv4): Ipv4 | undefined {
  let redirected = ns.hasRedirects ? ns.redirects.get(daddr) : undefined;
  if (redirected !== undefined && (ns.redirectExpiry.get(daddr) ?? Infinity) <= ns.world.now) {
    ns.world.willChange(ns);
    ns.redirects.delete(daddr);
    redirected = undefined;
  }
  // rt_set_nexthop(): a gateway counts only with link scope; one that is a local address (host
  // scope) leaves the destination on link, as if no gateway were given
  const routeGw = r.nh?.gw !== undefined && r.nh.scope === RT_SCOPE.link ? r.nh.gw : undefined;
  // an exception only applies to a route through a gateway
  return routeGw !== undefined ? (redirected ?? routeGw) : undefined;
}

/** ip_route_output_key(): where a locally generated packet to daddr goes, and from which address. */
export function ipRouteOutput(ns: Netns, daddr: Ipv4, opts: { saddr?: Ipv4; oif?: Netdev } = {}): RouteOutcome {
  const lo = ns.loopback;
  // __ip_dev_find() fails for a source that is not ours
  if (opts.saddr !== undefined && !isLocal(ns, opts.saddr)) return { ok: false, errno: 'ENETUNREACH' };
  if (opts.oif && !opts.oif.adminUp) return { ok: false, errno: 'ENETUNREACH' };
  if (daddr === 0) {
    // "this host": the packet goes to its own source address (chosen on oif), else to 127.0.0.1;
    // `nexthop` is where it really goes
    const src = opts.saddr ?? (opts.oif ? inetSelectAddr(ns, opts.oif, undefined, RT_SCOPE.host) : undefined) ?? asIpv4(0x7f000001);
    return { ok: true, rt: rtable('local', lo, src, undefined, src, undefined) };
  }
  if (daddr === BROADCAST) {
    const dev = opts.oif;
    if (!dev) return { ok: false, errno: 'ENETUNREACH' };
    return { ok: true, rt: rtable('broadcast', dev, daddr, undefined, opts.saddr ?? inetSelectAddr(ns, dev, undefined, RT_SCOPE.link) ?? (0 as Ipv4), undefined) };
  }
  const res = fibLookup(ns, daddr, { oif: opts.oif });
  if (!res.ok) {
    if (res.errno === 'ENETUNREACH' && opts.oif) {
      // "routing tables are wrong": with an output device given, assume the destination is on link
      const src = opts.saddr ?? inetSelectAddr(ns, opts.oif, undefined, RT_SCOPE.link);
      if (src === undefined) return { ok: false, errno: 'ENETUNREACH' };
      return { ok: true, rt: rtable('unicast', opts.oif, daddr, undefined, src, undefined) };
    }
    return res;
  }
  const r = res.route;
  if (r.type === 'local') {
    return { ok: true, rt: rtable('local', lo, daddr, undefined, opts.saddr ?? r.prefsrc ?? daddr, r) };
  }
  const dev = r.nh!.dev;
  const gw = gatewayOf(ns, r, daddr);
  const src = opts.saddr ?? r.prefsrc ?? inetSelectAddr(ns, dev, r.nh!.gw, r.nh!.scope);
  if (src === undefined) return { ok: false, errno: 'EINVAL' };
  return { ok: true, rt: rtable(r.type === 'broadcast' ? 'broadcast' : 'unicast', dev, gw ?? daddr, gw, src, r) };
}

export type InputOutcome =
  | { kind: 'local'; route: FibRoute }
  | { kind: 'forward'; rt: Rtable }
  | { kind: 'broadcast' }
  | { kind: 'error'; errno: Errno; forwarding: boolean; route?: FibRoute }
  /** ip_handle_martian_source() / martian_destination: dropped without a word (EINVAL to `ip route get`) */
  | { kind: 'martian'; reason: MartianReason; route?: FibRoute };

export type MartianReason = SourceRefusal | typeof Verdict.IP_LOCALNET | typeof Verdict.IP_INVALID_DEST;

const martian = (reason: MartianReason, route?: FibRoute): InputOutcome => ({ kind: 'martian', reason, route });

/** ip_route_input_slow(): deliver locally, forward, or fail (ip_error decides about ICMP); martians are dropped. */
export function ipRouteInput(ns: Netns, daddr: Ipv4, saddr: Ipv4, dev: Netdev): InputOutcome {
  // what comes back in on lo was sent by this host: Linux keeps the output route on it and never
  // routes it as input, so nothing about its source is checked
  const looped = dev === ns.loopback;
  if (!looped) {
    // sources no host can have: multicast and the limited broadcast
    if (isMulticast(saddr) || saddr === BROADCAST) return martian(Verdict.IP_INVALID_SOURCE);
    if (daddr !== BROADCAST && !(saddr === 0 && daddr === 0)) {
      if (saddr === 0) return martian(Verdict.IP_INVALID_SOURCE);
      if (daddr === 0) return martian(Verdict.IP_INVALID_DEST);
      // 127.0.0.0/8 never comes from a wire, unless route_localnet says it may
      if (isLoopback(daddr)) {
        if (!orConf(ns, dev, 'route_localnet')) return martian(Verdict.IP_LOCALNET);
      } else if (isLoopback(saddr) && !orConf(ns, dev, 'route_localnet')) return martian(Verdict.IP_LOCALNET);
    }
  }
  if (daddr === BROADCAST || (saddr === 0 && daddr === 0)) return brdInput(ns, saddr, dev, looped);
  const forwarding = ns.sysctl.forwarding(dev.name);
  const res = fibLookup(ns, daddr);
  if (!res.ok) return { kind: 'error', errno: forwarding ? res.errno : 'EHOSTUNREACH', forwarding, route: res.route };
  const r = res.route;
  if (r.type === 'broadcast') return brdInput(ns, saddr, dev, looped);
  if (r.type === 'local') {
    const v = looped ? SOURCE_OK : fibValidateSource(ns, saddr, dev, undefined);
    return v.ok ? { kind: 'local', route: r } : martian(v.reason, r);
  }
  if (!forwarding) return { kind: 'error', errno: 'EHOSTUNREACH', forwarding, route: r };
  if (r.type !== 'unicast' && !looped) return martian(Verdict.IP_INVALID_DEST, r);
  const out = r.nh!.dev;
  const v = looped ? SOURCE_OK : fibValidateSource(ns, saddr, dev, out);
  if (!v.ok) return martian(v.reason, r);
  const gw = gatewayOf(ns, r, daddr);
  // __mkroute_input(): back out where it came from, to a source on that link: tell it the better way
  const doRedirect = out === dev && v.direct && txRedirects(ns, dev);
  const src = r.prefsrc ?? inetSelectAddr(ns, out, r.nh!.gw, r.nh!.scope) ?? (0 as Ipv4);
  return { kind: 'forward', rt: rtable('unicast', out, gw ?? daddr, gw, src, r, doRedirect) };
}

/** brd_input: a broadcast for us; its source is checked unless it is 0.0.0.0 (a DHCP client). */
function brdInput(ns: Netns, saddr: Ipv4, dev: Netdev, looped: boolean): InputOutcome {
  if (saddr === 0 || looped) return { kind: 'broadcast' };
  const v = fibValidateSource(ns, saddr, dev, undefined);
  return v.ok ? { kind: 'broadcast' } : martian(v.reason);
}

/** inet_addr_type() == RTN_LOCAL */
export function isLocal(ns: Netns, addr: Ipv4): boolean {
  const r = ns.local.lookup(addr);
  return r?.type === 'local';
}

// ---- ip route add / del ---------------------------------------------------------------------

export interface RouteConfig {
  table: number;
  type: RouteType;
  dst: Ipv4;
  plen: number;
  metric?: number;
  proto?: number;
  scope?: number;
  prefsrc?: Ipv4;
  gw?: Ipv4;
  dev?: Netdev;
  onlink?: boolean;
}

/** fib_create_info() + fib_check_nh(): validate exactly as the kernel does, then insert. */
export function routeAdd(ns: Netns, cfg: RouteConfig, mode: 'add' | 'replace' | 'change' | 'append' | 'prepend'): FibRoute {
  // rtm_to_fib_config(): a zero RTA_GATEWAY is no gateway at all
  if (cfg.gw === 0) cfg = { ...cfg, gw: undefined };
  const table = ns.table(cfg.table, true);
  if (!table) throw new KernelError('ENOENT');
  const scope = cfg.scope ?? RT_SCOPE.universe;
  if (scope > RT_SCOPE.host) throw new KernelError('EINVAL', 'Invalid scope');
  const route: FibRoute = {
    table: cfg.table,
    type: cfg.type,
    dst: networkOf(cfg.dst, cfg.plen),
    plen: cfg.plen,
    metric: cfg.metric ?? 0,
    proto: cfg.proto ?? RTPROT.boot,
    scope,
    prefsrc: cfg.prefsrc,
    nh: undefined, // declared here so the route keeps one in-object shape
  };
  if (cfg.dst !== route.dst) throw new KernelError('EINVAL', 'Invalid prefix for given prefix length');
  if (!routeTypeErrno(cfg.type)) {
    route.nh = checkNexthop(ns, cfg, scope);
  } else if (cfg.gw !== undefined || cfg.dev) {
    throw new KernelError('EINVAL', 'Gateway, device and multipath can not be specified for this route type');
  }
  if (cfg.prefsrc !== undefined && !(cfg.type === 'local' && cfg.prefsrc === cfg.dst) && !isLocal(ns, cfg.prefsrc)) {
    throw new KernelError('EINVAL', 'Invalid prefsrc address');
  }
  table.insert(route, mode);
  if (cfg.type === 'local') ns.customLocalRoutes = true;
  ns.world.touch();
  return route;
}

function checkNexthop(ns: Netns, cfg: RouteConfig, scope: number): NonNullable<FibRoute['nh']> {
  const dev = cfg.dev;
  if (scope === RT_SCOPE.host) {
    if (cfg.gw !== undefined) throw new KernelError('EINVAL', 'Route with host scope can not have a gateway');
    // fib_create_info(): the device of a host-scope route is looked up without an extack message
    if (!dev) throw new KernelError('ENODEV');
    return { dev, onlink: false, scope: RT_SCOPE.nowhere };
  }
  if (cfg.gw === undefined) {
    if (cfg.onlink) throw new KernelError('EINVAL', 'Invalid flags for nexthop - can not contain DEAD or ONLINK');
    // fib_check_nh_nongw(): no such device is ENODEV without a message
    if (!dev) throw new KernelError('ENODEV');
    if (!dev.adminUp) throw new KernelError('ENETDOWN', 'Device for nexthop is not up');
    return { dev, onlink: false, scope: RT_SCOPE.host };
  }
  if (cfg.onlink) {
    if (!dev) throw new KernelError('EINVAL', 'Nexthop device required for onlink');
    if (!dev.adminUp) throw new KernelError('ENETDOWN', 'Nexthop device is not up');
    const t = ns.local.lookup(cfg.gw);
    if (t && t.type !== 'unicast') throw new KernelError('EINVAL', 'Nexthop has invalid gateway');
    return { gw: cfg.gw, dev, onlink: true, scope: RT_SCOPE.link };
  }
  const res = fibLookup(ns, cfg.gw, { oif: dev, scope: Math.max(scope + 1, RT_SCOPE.link) });
  if (!res.ok || (res.route.type !== 'unicast' && res.route.type !== 'local')) {
    throw new KernelError('EINVAL', 'Nexthop has invalid gateway');
  }
  const out = dev ?? res.route.nh!.dev;
  // fib_check_nh_v4_gw(): a gateway resolved to a device that is down is a bare -ENETDOWN (no extack, unlike onlink)
  if (!out.adminUp) throw new KernelError('ENETDOWN');
  return { gw: cfg.gw, dev: out, onlink: false, scope: res.route.scope };
}

/** What `ip route del` names: any attribute left out matches every route. */
export type RouteMatch = Omit<RouteConfig, 'type' | 'onlink'> & { type?: RouteType };

/** fib_table_delete(): the first alias every given attribute matches; ESRCH otherwise. */
export function routeDel(ns: Netns, m: RouteMatch): FibRoute {
  const table = ns.table(m.table);
  if (!table) throw new KernelError('ESRCH', 'FIB table does not exist');
  const gone = table.delete(networkOf(m.dst, m.plen), m.plen, (r) => {
    if (m.type && r.type !== m.type) return false;
    if (m.scope !== undefined && r.scope !== m.scope) return false;
    if (m.prefsrc !== undefined && r.prefsrc !== m.prefsrc) return false;
    if (m.proto && r.proto !== m.proto) return false;
    if (m.metric && r.metric !== m.metric) return false;
    if (m.dev && r.nh?.dev !== m.dev) return false;
    if (m.gw !== undefined && r.nh?.gw !== m.gw) return false;
    return true;
  });
  ns.world.touch();
  return gone;
}

/** RTNH_F_LINKDOWN as `ip route` shows it: the nexthop device is up but has no carrier. */
export const isLinkdown = (r: FibRoute): boolean => !!r.nh && !carrierOk(r.nh.dev);
