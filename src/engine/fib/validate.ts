/**
 * fib_validate_source() (net/ipv4/fib_frontend.c): may a packet from `src` come in on `dev`?
 * A source that is one of our own addresses is a martian (unless accept_local), and with
 * rp_filter the way back to the source must leave through `dev` (strict, 1) or through some
 * device (loose, 2). The kernel (6.13+) answers with a drop reason, which the trace shows.
 */
import type { Ipv4 } from '../addr/ipv4';
import type { Netdev } from '../netns/netdev';
import type { Netns } from '../netns/netns';
import { IPV4_DEVCONF, type ConfName } from '../netns/sysctl';
import { Verdict } from '../sim/trace';
import { fibLookup } from './frontend';
import { RT_SCOPE } from './route';

/** Why a source was refused: SKB_DROP_REASON_* of fib_validate_source(). */
export type SourceRefusal = typeof Verdict.IP_LOCAL_SOURCE | typeof Verdict.IP_INVALID_SOURCE | typeof Verdict.IP_RPFILTER;

/**
 * The source is fine (`direct`: the way back is a directly connected route on `dev`, which is
 * what lets a router send a redirect), or refused with a reason.
 */
export type SourceCheck = { ok: true; direct: boolean } | { ok: false; reason: SourceRefusal };

export const SOURCE_OK: SourceCheck = { ok: true, direct: false };
const OK_DIRECT: SourceCheck = { ok: true, direct: true };

const { rp_filter: RP_FILTER, send_redirects: SEND_REDIRECTS, accept_local: ACCEPT_LOCAL } = IPV4_DEVCONF;

/** IN_DEV_MAXCONF(rp_filter): the larger of all and the device's */
const maxConf = (all: readonly number[], cnf: readonly number[], i: number): number => Math.max(all[i]!, cnf[i]!);
/** IN_DEV_ANDCONF() */
const andConf = (all: readonly number[], cnf: readonly number[], i: number): boolean => all[i] !== 0 && cnf[i] !== 0;
/** IN_DEV_ORCONF() */
const orConfOf = (all: readonly number[], cnf: readonly number[], i: number): boolean => all[i] !== 0 || cnf[i] !== 0;

export const rpFilter = (ns: Netns, dev: Netdev): number => maxConf(ns.sysctl.devconf('all'), ns.sysctl.devconf(dev.name), RP_FILTER);

/** IN_DEV_TX_REDIRECTS(): send_redirects on all and on the device */
export const txRedirects = (ns: Netns, dev: Netdev): boolean => andConf(ns.sysctl.devconf('all'), ns.sysctl.devconf(dev.name), SEND_REDIRECTS);

/** IN_DEV_ORCONF(): set on all or on the device */
export const orConf = (ns: Netns, dev: Netdev, name: ConfName): boolean => orConfOf(ns.sysctl.devconf('all'), ns.sysctl.devconf(dev.name), IPV4_DEVCONF[name]);

/**
 * inet_lookup_ifaddr_rcu(): one of this namespace's interface addresses, exactly. Every address
 * has its /32 local route (fib_add_ifaddr), so the local table answers in one lookup instead of a
 * walk over every device (this is asked for every packet a host receives); a local /32 someone
 * added by hand sets customLocalRoutes, and then the full check decides anyway.
 */
function isIfaddr(ns: Netns, a: Ipv4): boolean {
  const r = ns.local.lookup(a);
  return r !== undefined && r.type === 'local' && r.plen === 32;
}

/**
 * `oif`: the device the packet would be forwarded out of (undefined for local delivery). Only
 * when it goes back out where it came from with redirects on, or with rp_filter, does the kernel
 * look the source up in the FIB; otherwise it only asks whether the source is one of ours.
 */
export function fibValidateSource(ns: Netns, src: Ipv4, dev: Netdev, oif: Netdev | undefined): SourceCheck {
  const all = ns.sysctl.devconf('all');
  const cnf = ns.sysctl.devconf(dev.name);
  const rpf = maxConf(all, cnf, RP_FILTER);
  if (rpf === 0 && (oif !== dev || !andConf(all, cnf, SEND_REDIRECTS))) {
    if (orConfOf(all, cnf, ACCEPT_LOCAL)) return SOURCE_OK;
    // with local routes of one's own a lookup decides (a local route covers more than addresses)
    if (!ns.customLocalRoutes) return isIfaddr(ns, src) ? { ok: false, reason: Verdict.IP_LOCAL_SOURCE } : SOURCE_OK;
  }
  return fullCheck(ns, src, dev, rpf);
}

/** __fib_validate_source(): the reverse lookup, then rp_filter. */
function fullCheck(ns: Netns, src: Ipv4, dev: Netdev, rpf: number): SourceCheck {
  const back = fibLookup(ns, src);
  // no way back (no route, or one that refuses: blackhole, unreachable…): only rp_filter minds
  if (!back.ok) return rpf ? { ok: false, reason: Verdict.IP_RPFILTER } : SOURCE_OK;
  const r = back.route;
  if (r.type !== 'unicast') {
    if (r.type !== 'local') return { ok: false, reason: Verdict.IP_INVALID_SOURCE };
    if (!orConf(ns, dev, 'accept_local')) return { ok: false, reason: Verdict.IP_LOCAL_SOURCE };
  }
  const devMatch = r.nh?.dev === dev || (r.type === 'local' && dev === ns.loopback);
  if (devMatch) return (r.nh?.scope ?? RT_SCOPE.host) >= RT_SCOPE.host ? OK_DIRECT : SOURCE_OK;
  // a device without addresses takes what comes (last_resort)
  if (dev.addrs.length === 0) return rpf ? { ok: false, reason: Verdict.IP_RPFILTER } : SOURCE_OK;
  if (rpf === 1) return { ok: false, reason: Verdict.IP_RPFILTER };
  // loose mode: some route back is enough, and the first lookup found one
  return SOURCE_OK;
}
