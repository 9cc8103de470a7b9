import { formatIpv4, inPrefix, parsePrefix, prefixMask, type Ipv4 } from '../../engine/addr/ipv4';
import { formatRoute } from '../../engine/fib/format';
import { linkLocalFromMac } from '../../engine/addr/ipv6';
import { fibLookup, ipRouteInput, ipRouteOutput, routeAdd, routeDel, type RouteConfig } from '../../engine/fib/frontend';
import { KernelError, RTPROT, RT_SCOPE, RT_TABLE, STRERROR, type FibRoute, type RouteType } from '../../engine/fib/route';
import type { Netdev } from '../../engine/netns/netdev';
import { fail, type Ctx } from '../context';
import { Argv, devOrFail, duparg2, getAddr, getInteger, getPrefix, getU32, invarg, matches, rtnlError, rtScope } from './args';
import { ROUTE_USAGE } from './usage';
import { pmtuException } from '../../engine/ipv4/pmtu';

const OTHER_TYPES = ['multicast', 'nat', 'anycast', 'xresolve'];

/** rtnl_rtntype_a2n(): route type names, some by any prefix, and numbers 0–255 */
export function rtntype(arg: string): RouteType | null {
  if (arg === 'local') return 'local';
  if (arg === 'nat') return 'nat' as RouteType;
  if (matches(arg, 'broadcast') || arg === 'brd') return 'broadcast';
  if (matches(arg, 'anycast')) return 'anycast' as RouteType;
  if (matches(arg, 'multicast')) return 'multicast' as RouteType;
  if (matches(arg, 'prohibit')) return 'prohibit';
  if (matches(arg, 'unreachable')) return 'unreachable';
  if (matches(arg, 'blackhole')) return 'blackhole';
  if (matches(arg, 'xresolve')) return 'xresolve' as RouteType;
  if (matches(arg, 'unicast')) return 'unicast';
  if (arg === 'throw') return 'throw';
  const n = getInteger(arg);
  return n !== null && n >= 0 && n <= 255 ? (RTN_TYPES[n] ?? (String(n) as RouteType)) : null;
}

/** RTN_* by number */
const RTN_TYPES: (RouteType | undefined)[] = [undefined, 'unicast', 'local', 'broadcast', 'anycast' as RouteType, 'multicast' as RouteType, 'blackhole', 'unreachable', 'prohibit', 'throw', 'nat' as RouteType, 'xresolve' as RouteType];

/** rtnl_dsfield_a2n(): a number in hex, or a name from rt_dsfield (none here), at most 255 */
const dsfield = (v: string): number | null => (/^(0x)?[0-9a-f]+$/i.test(v) && parseInt(v, 16) <= 255 ? parseInt(v, 16) : null);

const unsignedOk = (v: string): boolean => getU32(v) !== null;
const rttOk = (v: string): boolean => /^\d+(\.\d+)?(s|sec|secs|ms|msec|msecs|us|usec|usecs)?$/.test(v);

/**
 * The route metrics iproute_modify() reads between scope and realms, in its order: a matcher, the
 * name its error says, and the value check (true: the usual "value is invalid", or the message).
 * Hoplab checks them as ip does and keeps none (its routes carry no metrics).
 */
const ROUTE_METRICS: [(t: string) => boolean, string, (v: string) => boolean | string][] = [
  [(t) => t === 'mtu', 'mtu', (v) => !unsignedOk(v)],
  [(t) => t === 'hoplimit', 'hoplimit', (v) => !unsignedOk(v)],
  [(t) => t === 'advmss', 'mss', (v) => !unsignedOk(v)],
  [(t) => matches(t, 'reordering'), 'reordering', (v) => !unsignedOk(v)],
  [(t) => t === 'rtt', 'rtt', (v) => !rttOk(v)],
  [(t) => t === 'rto_min', 'rto_min', (v) => !rttOk(v)],
  [(t) => matches(t, 'window'), 'window', (v) => !unsignedOk(v)],
  [(t) => matches(t, 'cwnd'), 'cwnd', (v) => !unsignedOk(v)],
  [(t) => matches(t, 'initcwnd'), 'initcwnd', (v) => !unsignedOk(v)],
  [(t) => matches(t, 'initrwnd'), 'initrwnd', (v) => !unsignedOk(v)],
  [(t) => matches(t, 'features'), 'features', (v) => (v === 'ecn' ? false : '"features" value not valid\n')],
  [(t) => matches(t, 'quickack'), 'quickack', (v) => (!unsignedOk(v) ? true : Number(v) > 1 ? '"quickack" value should be 0 or 1\n' : false)],
  [(t) => matches(t, 'congctl'), 'congctl', () => false],
  [(t) => matches(t, 'rttvar'), 'rttvar', (v) => !rttOk(v)],
  [(t) => matches(t, 'ssthresh'), 'ssthresh', (v) => !unsignedOk(v)],
];
const routeMetric = (t: string) => ROUTE_METRICS.find(([test]) => test(t));
export const PROTOS: Record<string, number> = { kernel: RTPROT.kernel, boot: RTPROT.boot, static: RTPROT.static, redirect: RTPROT.redirect, unspec: 0, dhcp: 16, bgp: 186, ospf: 188, rip: 189 };

export function doRoute(ctx: Ctx, argv: string[], family?: 4 | 6): void {
  if (argv.length === 0) return routeList(ctx, [], family);
  const [cmd, ...rest] = argv;
  if (matches(cmd, 'list') || matches(cmd, 'show') || matches(cmd, 'lst')) return routeList(ctx, rest, family);
  if (matches(cmd, 'add')) return routeModify(ctx, rest, 'add');
  if (matches(cmd, 'change')) return routeModify(ctx, rest, 'change');
  if (matches(cmd, 'replace')) return routeModify(ctx, rest, 'replace');
  if (matches(cmd, 'prepend')) return routeModify(ctx, rest, 'prepend');
  if (matches(cmd, 'append')) return routeModify(ctx, rest, 'append');
  if (matches(cmd, 'delete')) return routeModify(ctx, rest, 'del');
  if (matches(cmd, 'get')) return routeGet(ctx, rest);
  if (matches(cmd, 'flush')) return routeFlush(ctx, rest);
  if (matches(cmd, 'help')) return fail(ctx, ROUTE_USAGE, 255);
  fail(ctx, `Command "${cmd}" is unknown, try "ip route help".\n`, 255);
}

/** rtnl_rttable_a2n(); iproute2 words the error differently for listing and for changing routes. */
function tableId(ctx: Ctx, v: string, listing = false): number {
  if (v === 'main') return RT_TABLE.main;
  if (v === 'local') return RT_TABLE.local;
  if (v === 'default') return RT_TABLE.default;
  if (v === 'all') return 0;
  const n = getU32(v);
  if (n === null) invarg(ctx, listing ? 'table id value is invalid\n' : '"table" value is invalid\n', v);
  return n!;
}

/** iproute_modify(): parse a ROUTE exactly as ip does, then let the kernel judge it. */
function routeModify(ctx: Ctx, args: string[], cmd: 'add' | 'replace' | 'change' | 'prepend' | 'append' | 'del'): void {
  const a = new Argv(ctx, args);
  let dst: { addr: Ipv4; plen: number } | undefined;
  let type: RouteType | undefined;
  let gw: Ipv4 | undefined;
  let devName: string | undefined;
  let metric: number | undefined;
  let scope: number | undefined;
  let proto: number | undefined;
  let table: number | undefined;
  let prefsrc: Ipv4 | undefined;
  let onlink = false;
  if (a.done) fail(ctx, ROUTE_USAGE, 255);
  let gwSeen = false;
  while (!a.done) {
    // iproute_modify()'s chain, in its order: some keywords are whole words (strcmp), others any
    // prefix (matches), so `d` is dsfield, `s` ssthresh, `v` vrf, `p` priority, `t` table
    const t = a.take();
    if (t === 'src') prefsrc = getAddr(ctx, a.next());
    else if (t === 'via') {
      if (gwSeen) invarg(ctx, 'use nexthop syntax to specify multiple via\n', t);
      gwSeen = true;
      let v = a.next();
      if (v === 'inet') v = a.next();
      gw = getAddr(ctx, v);
    } else if (t === 'tos' || matches(t, 'dsfield')) {
      const v = a.next();
      if (dsfield(v) === null) invarg(ctx, '"tos" value is invalid\n', v);
    } else if (t === 'expires') {
      const v = a.next();
      if (getU32(v) === null) invarg(ctx, '"expires" value is invalid\n', v);
    } else if (matches(t, 'metric') || matches(t, 'priority') || t === 'preference') {
      const v = a.next();
      const n = getU32(v);
      if (n === null) invarg(ctx, '"metric" value is invalid\n', v);
      metric = n!;
    } else if (t === 'scope') {
      const v = a.next();
      scope = rtScope(v) ?? invarg(ctx, 'invalid "scope" value\n', v);
    } else if (routeMetric(t)) {
      const [, what, check] = routeMetric(t)!;
      let v = a.next();
      if (v === 'lock' && what !== 'rto_min' && what !== 'features' && what !== 'quickack') v = a.next();
      const bad = check(v);
      if (bad) invarg(ctx, bad === true ? `"${what}" value is invalid\n` : bad, v);
    } else if (matches(t, 'realms')) {
      const v = a.next();
      if (!/^(\d+|0x[0-9a-f]+)(\/(\d+|0x[0-9a-f]+))?$/i.test(v)) invarg(ctx, '"realm" value is invalid\n', v);
    } else if (t === 'onlink') onlink = true;
    else if (t === 'nhid') {
      const v = a.next();
      if (getU32(v) === null) invarg(ctx, '"id" value is invalid\n', v);
      return rtnlError(ctx, new KernelError('EINVAL', 'Nexthop id does not exist'));
    } else if (matches(t, 'protocol')) {
      const v = a.next();
      if (!(v in PROTOS) && getU32(v) === null) invarg(ctx, '"protocol" value is invalid\n', v);
      proto = v in PROTOS ? PROTOS[v] : Number(v);
    } else if (matches(t, 'table')) table = tableId(ctx, a.next());
    else if (matches(t, 'vrf')) invarg(ctx, 'Invalid VRF\n', a.next());
    else if (t === 'dev' || t === 'oif') devName = a.next();
    else if (matches(t, 'pref')) {
      const v = a.next();
      if (v !== 'low' && v !== 'medium' && v !== 'high' && !/^\d+$/.test(v)) invarg(ctx, '"pref" value is invalid\n', v);
    } else {
      let v = t;
      if (v === 'to') v = a.next();
      const named = v[0] < '0' || v[0] > '9' ? rtntype(v) : null;
      if (named !== null) {
        type = named;
        v = a.next();
      }
      if (matches(v, 'help')) fail(ctx, ROUTE_USAGE, 255);
      if (dst) duparg2(ctx, 'to', v);
      dst = getPrefix(ctx, v);
    }
  }
  if (!dst) fail(ctx, ROUTE_USAGE, 255);
  if (type && OTHER_TYPES.includes(type)) return rtnlError(ctx, new KernelError('EINVAL'));
  let dev: Netdev | undefined;
  if (devName !== undefined) dev = devOrFail(ctx, devName);
  if (table === undefined) table = type === 'local' || type === 'broadcast' ? RT_TABLE.local : RT_TABLE.main;
  try {
    if (cmd === 'del') {
      if ((dst!.addr & ~prefixMask(dst!.plen)) >>> 0 !== 0) throw new KernelError('EINVAL', 'Invalid prefix for given prefix length');
      routeDel(ctx.ns, { table, type, dst: dst!.addr, plen: dst!.plen, metric, proto, scope, prefsrc, gw, dev });
      return;
    }
    const rtype = type ?? 'unicast';
    if (scope === undefined) {
      if (rtype === 'local') scope = RT_SCOPE.host;
      else if (rtype === 'broadcast') scope = RT_SCOPE.link;
      else if (rtype === 'unicast' && gw === undefined) scope = RT_SCOPE.link;
      else scope = RT_SCOPE.universe;
    }
    if (rtype === 'unicast' && gw === undefined && !dev) throw new KernelError('ENODEV');
    if ((dst!.addr & ~prefixMask(dst!.plen)) >>> 0 !== 0) throw new KernelError('EINVAL', 'Invalid prefix for given prefix length');
    const cfg: RouteConfig = { table, type: rtype, dst: dst!.addr, plen: dst!.plen, metric, proto: proto ?? RTPROT.boot, scope, prefsrc, gw, dev, onlink };
    routeAdd(ctx.ns, cfg, cmd);
  } catch (e) {
    rtnlError(ctx, e);
  }
}

interface Filter {
  table: number;
  dev?: Netdev;
  proto?: number;
  scope?: number;
  type?: RouteType;
  root?: { addr: Ipv4; plen: number };
  match?: { addr: Ipv4; plen: number };
  exact?: { addr: Ipv4; plen: number };
  via?: Ipv4;
  src?: Ipv4;
  metric?: number;
}

function parseFilter(ctx: Ctx, args: string[]): Filter {
  const a = new Argv(ctx, args);
  const f: Filter = { table: RT_TABLE.main };
  // iproute2 looks the device up once the whole line is read (a bad prefix after it is reported first)
  let devName: string | undefined;
  while (!a.done) {
    // iproute_list_flush_or_save()'s chain, in its order (prefixes where ip takes them)
    const t = a.take();
    if (matches(t, 'table')) f.table = tableId(ctx, a.next(), true);
    else if (matches(t, 'vrf')) invarg(ctx, 'Invalid VRF\n', a.next());
    else if (matches(t, 'cached') || matches(t, 'cloned')) continue;
    else if (t === 'tos' || matches(t, 'dsfield')) {
      const v = a.next();
      if (dsfield(v) === null) invarg(ctx, 'TOS value is invalid\n', v);
    } else if (matches(t, 'protocol')) {
      const v = a.next();
      if (v in PROTOS) f.proto = PROTOS[v];
      else if (getU32(v) !== null) f.proto = getU32(v)!;
      else if (v === 'all') f.proto = undefined;
      else invarg(ctx, 'invalid "protocol"\n', v);
    } else if (matches(t, 'scope')) {
      const v = a.next();
      const sc = rtScope(v);
      if (sc !== undefined) f.scope = sc;
      else if (v === 'all') f.scope = undefined;
      else invarg(ctx, 'invalid "scope"\n', v);
    } else if (matches(t, 'type')) {
      const v = a.next();
      f.type = rtntype(v) ?? invarg(ctx, 'node type value is invalid\n', v);
    } else if (t === 'dev' || t === 'oif') devName = a.next();
    else if (t === 'iif') a.next();
    else if (t === 'mark') {
      const v = a.next();
      if (getU32(v) === null) invarg(ctx, 'invalid mark value', v);
    } else if (matches(t, 'metric') || matches(t, 'priority') || t === 'preference') {
      const v = a.next();
      f.metric = getU32(v) ?? invarg(ctx, '"metric" value is invalid\n', v);
    } else if (t === 'via') {
      let v = a.next();
      if (v === 'inet') v = a.next();
      f.via = getPrefix(ctx, v).addr;
    } else if (t === 'src') f.src = getPrefix(ctx, a.next()).addr;
    else if (matches(t, 'realms')) {
      const v = a.next();
      if (!/^(\d+|0x[0-9a-f]+)(\/(\d+|0x[0-9a-f]+)?)?$/i.test(v)) invarg(ctx, 'invalid realms\n', v);
    } else if (matches(t, 'from')) {
      // routes from a source prefix (policy routing) are IPv6-only in Linux: no IPv4 route has one
      let v = a.next();
      if (matches(v, 'root') || matches(v, 'match') || matches(v, 'exact')) v = a.next();
      getPrefix(ctx, v);
    } else {
      let v = t;
      if (matches(v, 'to')) v = a.next();
      const kind = matches(v, 'root') ? 'root' : matches(v, 'match') ? 'match' : matches(v, 'exact') ? 'exact' : null;
      if (kind) v = a.next();
      // "all" and "any" carry no family, so iproute2 filters nothing with them ("default" is 0/0 exactly)
      if (v === 'all' || v === 'any') continue;
      f[kind ?? 'exact'] = getPrefix(ctx, v);
    }
  }
  if (devName !== undefined) f.dev = devOrFail(ctx, devName);
  return f;
}

function selectRoutes(ctx: Ctx, f: Filter): FibRoute[] {
  const tables = f.table === 0 ? ctx.ns.allTables() : [ctx.ns.table(f.table)].filter((t) => !!t);
  return tables.flatMap((t) =>
    t!.dump().filter((r) => {
      if (f.dev && r.nh?.dev !== f.dev) return false;
      if (f.proto !== undefined && r.proto !== f.proto) return false;
      if (f.scope !== undefined && r.scope !== f.scope) return false;
      if (f.type && r.type !== f.type) return false;
      if (f.metric !== undefined && r.metric !== f.metric) return false;
      if (f.via !== undefined && r.nh?.gw !== f.via) return false;
      if (f.src !== undefined && r.prefsrc !== f.src) return false;
      if (f.root && !(r.plen >= f.root.plen && inPrefix(r.dst, f.root.addr, f.root.plen))) return false;
      if (f.match && !(r.plen <= f.match.plen && inPrefix(f.match.addr, r.dst, r.plen))) return false;
      if (f.exact && !(r.plen === f.exact.plen && inPrefix(r.dst, f.exact.addr, f.exact.plen))) return false;
      return true;
    }),
  );
}

/** A dump of a table the kernel does not have: inet_dump_fib()'s -ENOENT, as iproute2 ends on it. */
function noSuchTable(ctx: Ctx, family: 4 | 6, what: 'Dump' | 'Flush'): never {
  return fail(ctx, `Error: ipv${family}: FIB table does not exist.\n${what} terminated\n`, 2);
}

function routeList(ctx: Ctx, args: string[], family?: 4 | 6): void {
  const f = parseFilter(ctx, args);
  // `ip route` means IPv4 unless every table is asked for
  const fam = family ?? (f.table === 0 ? undefined : 4);
  if (f.table !== 0) {
    if (fam === 4 && !ctx.ns.table(f.table)) noSuchTable(ctx, 4, 'Dump');
    // IPv6 has only what link-local addressing made: the main and local tables
    if (fam === 6 && f.table !== RT_TABLE.main && f.table !== RT_TABLE.local) noSuchTable(ctx, 6, 'Dump');
  }
  if (fam !== 6) {
    for (const r of selectRoutes(ctx, f)) {
      ctx.out.push(formatRoute(r, { showTable: f.table === 0, omitDev: !!f.dev, omitProto: f.proto !== undefined, omitScope: f.scope !== undefined, omitVia: f.via !== undefined }) + '\n');
    }
  }
  if (fam !== 4) for (const line of ipv6Routes(ctx, f)) ctx.out.push(line);
}

/** Sort key of the EUI-64 interface identifier a MAC gives (universal/local bit flipped). */
const eui64Key = (mac: string): string => {
  const b = mac.split(':').map((h) => parseInt(h, 16));
  b[0] ^= 2;
  return b.map((x) => x.toString(16).padStart(2, '0')).join('');
};

/** The kernel-made IPv6 routes of link-local addressing (fe80::/64, ::1, ff00::/8), as 6.x lists them. */
function ipv6Routes(ctx: Ctx, f: Filter): string[] {
  if (f.proto !== undefined && f.proto !== RTPROT.kernel) return [];
  if (f.root || f.match || f.exact || f.via !== undefined || f.src !== undefined || f.scope !== undefined) return [];
  const tbl = (name: string) => (f.table === 0 ? `table ${name} ` : '');
  // in the order their link-local addressing came up, as the kernel added the routes
  const devs = ctx.ns
    .devList()
    .filter((d) => d.ll6 && d.kind !== 'loopback' && (!f.dev || d === f.dev))
    .sort((a, b) => (a.ll6Seq ?? 0) - (b.ll6Seq ?? 0));
  const dev = (name: string) => (f.dev ? '' : `dev ${name} `);
  const out: string[] = [];
  if ((f.table === 0 || f.table === RT_TABLE.main) && (!f.type || f.type === 'unicast')) {
    for (const d of devs) out.push(`fe80::/64 ${dev(d.name)}proto kernel metric 256 pref medium\n`);
  }
  if (f.table === 0 || f.table === RT_TABLE.local) {
    const lo = ctx.ns.loopback;
    if (lo.ll6 && (!f.dev || f.dev === lo) && (!f.type || f.type === 'local')) out.push(`local ::1 ${dev(lo.name)}${tbl('local')}proto kernel metric 0 pref medium\n`);
    if (!f.type || f.type === 'local') {
      // each link-local address has its local route; the table walks them in address order
      const own = devs.map((d) => ({ d, key: eui64Key(d.mac) })).sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
      for (const { d } of own) out.push(`local ${linkLocalFromMac(d.mac)} ${dev(d.name)}${tbl('local')}proto kernel metric 0 pref medium\n`);
    }
    if (!f.type || (f.type as string) === 'multicast') for (const d of devs) out.push(`multicast ff00::/8 ${dev(d.name)}${tbl('local')}proto kernel metric 256 pref medium\n`);
  }
  return out;
}

function routeFlush(ctx: Ctx, args: string[]): void {
  if (args.length === 0) fail(ctx, '"ip route flush" requires arguments.\n', 255);
  const f = parseFilter(ctx, args);
  if (f.table !== 0 && !ctx.ns.table(f.table)) noSuchTable(ctx, 4, 'Flush');
  for (const r of selectRoutes(ctx, f)) {
    try {
      routeDel(ctx.ns, { table: r.table, type: r.type, dst: r.dst, plen: r.plen, metric: r.metric, prefsrc: r.prefsrc, gw: r.nh?.gw, dev: r.nh?.dev, proto: r.proto, scope: r.scope });
    } catch {
      /* gone already */
    }
  }
}

/** `ip route get`: the kernel's answer to one lookup, printed as a cloned (cache) route. */
function routeGet(ctx: Ctx, args: string[]): void {
  const a = new Argv(ctx, args);
  let dst: Ipv4 | undefined;
  let from: Ipv4 | undefined;
  // device names are looked up after the whole line is read, as iproute2 does
  let iifName: string | undefined;
  let oifName: string | undefined;
  let fibmatch = false;
  while (!a.done) {
    // iproute_get()'s chain, in its order (prefixes where ip takes them: `fr`, `i`, `o`, `c`…)
    const t = a.take();
    if (t === 'tos' || matches(t, 'dsfield')) {
      const v = a.next();
      if (dsfield(v) === null) invarg(ctx, 'TOS value is invalid\n', v);
    } else if (matches(t, 'from')) {
      const v = a.next();
      if (matches(v, 'help')) fail(ctx, ROUTE_USAGE, 255);
      from = getPrefix(ctx, v).addr;
    } else if (matches(t, 'iif')) iifName = a.next();
    else if (matches(t, 'mark')) {
      const v = a.next();
      if (getU32(v) === null) invarg(ctx, 'invalid mark value', v);
    } else if (matches(t, 'oif') || t === 'dev') oifName = a.next();
    else if (matches(t, 'notify') || matches(t, 'connected')) continue;
    else if (matches(t, 'vrf')) invarg(ctx, 'Invalid VRF\n', a.next());
    else if (matches(t, 'uid')) {
      const v = a.next();
      if (getU32(v) === null) invarg(ctx, 'invalid UID\n', v);
    } else if (matches(t, 'fibmatch')) fibmatch = true;
    else if (matches(t, 'sport') || matches(t, 'dport')) {
      const v = a.next();
      const n = getU32(v);
      if (n === null || n > 0xffff) invarg(ctx, `invalid ${matches(t, 'sport') ? 'sport' : 'dport'}\n`, v);
    } else if (matches(t, 'ipproto')) {
      const v = a.next();
      if (!/^(tcp|udp|icmp|sctp|dccp|udplite|ipv6-icmp|gre|esp|ah|\d+)$/.test(v)) invarg(ctx, 'Invalid "ipproto" value\n', v);
    } else {
      let v = t;
      if (v === 'to') v = a.next();
      // no duplicate check here: a second destination replaces the first (parsed as inet, the family now known)
      if (dst !== undefined && parsePrefix(v, true) === null) fail(ctx, `Error: inet prefix is expected rather than "${v}".\n`, 1);
      dst = getPrefix(ctx, v).addr;
    }
  }
  if (dst === undefined) fail(ctx, 'need at least a destination address\n', 1);
  const iif = iifName !== undefined ? devOrFail(ctx, iifName) : undefined;
  const oif = oifName !== undefined ? devOrFail(ctx, oifName) : undefined;
  const d = dst!;
  const answer = (errno: keyof typeof STRERROR): never => fail(ctx, `RTNETLINK answers: ${STRERROR[errno]}\n`, 2);
  if (fibmatch) {
    const res = fibLookup(ctx.ns, d, { oif });
    if (!res.ok && !res.route) answer(res.errno);
    const r = res.ok ? res.route : res.route!;
    ctx.out.push(formatRoute(r) + '\n');
    return;
  }
  if (iif) {
    const res = ipRouteInput(ctx.ns, d, from ?? (0 as Ipv4), iif);
    const fromText = from !== undefined ? ` from ${formatIpv4(from)}` : '';
    if (res.kind === 'error') return answer(res.errno);
    // a martian (a refused source or destination) is a bare EINVAL, whatever the drop reason
    if (res.kind === 'martian') return answer('EINVAL');
    if (res.kind === 'local') {
      ctx.out.push(`local ${formatIpv4(d)}${fromText} dev ${ctx.ns.loopback.name} \n    cache <local> iif ${iif.name} \n`);
      return;
    }
    if (res.kind === 'broadcast') {
      ctx.out.push(`broadcast ${formatIpv4(d)}${fromText} dev ${ctx.ns.loopback.name} \n    cache <local,brd> iif ${iif.name} \n`);
      return;
    }
    const rt = res.rt;
    ctx.out.push(`${formatIpv4(d)}${fromText} ${rt.gw !== undefined ? `via ${formatIpv4(rt.gw)} ` : ''}dev ${rt.dev.name} \n    cache iif ${iif.name} \n`);
    return;
  }
  const res = ipRouteOutput(ctx.ns, d, { saddr: from, oif });
  if (!res.ok) answer(res.errno);
  if (!res.ok) return;
  const rt = res.rt;
  const fromText = from !== undefined ? `from ${formatIpv4(from)} ` : '';
  const srcText = from === undefined || rt.src !== from ? `src ${formatIpv4(rt.src)} ` : '';
  if (rt.type === 'local') {
    ctx.out.push(`local ${formatIpv4(d)} ${fromText}dev ${ctx.ns.loopback.name} ${srcText}uid 0 \n    cache <local> \n`);
    return;
  }
  if (rt.type === 'broadcast') {
    ctx.out.push(`broadcast ${formatIpv4(d)} ${fromText}dev ${rt.dev.name} ${srcText}uid 0 \n    cache <local,brd> \n`);
    return;
  }
  ctx.out.push(`${formatIpv4(d)} ${fromText}${rt.gw !== undefined ? `via ${formatIpv4(rt.gw)} ` : ''}dev ${rt.dev.name} ${srcText}uid 0 \n    cache ${exceptionText(ctx, d, rt.gw)}\n`);
}

/**
 * What the route's exception for d adds to the cache line (rt_fill_info()): <redirected> for a
 * learned gateway, then when it expires (the later of the two) and a learned path mtu.
 */
function exceptionText(ctx: Ctx, d: Ipv4, gw: Ipv4 | undefined): string {
  const ns = ctx.ns;
  const redirected = ns.redirects.has(d) && gw === ns.redirects.get(d);
  const pmtu = pmtuException(ns, d);
  const expiry = Math.max(redirected ? (ns.redirectExpiry.get(d) ?? 0) : 0, pmtu?.expires ?? 0);
  let s = redirected ? '<redirected> ' : '';
  if (expiry > 0) s += `expires ${Math.max(0, Math.floor((expiry - ctx.world.now) / 1000))}sec `;
  if (pmtu) s += `mtu ${pmtu.mtu} `;
  return s;
}
