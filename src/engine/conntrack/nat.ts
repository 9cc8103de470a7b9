/**
 * NAT as the kernel does it (net/netfilter/nf_nat_core.c, nf_nat_proto.c): decided once, on a
 * connection's first packet, by changing the connection's reply tuple; then every packet of the
 * connection, in either direction, is rewritten to match.
 *
 * - DNAT/REDIRECT (PREROUTING, OUTPUT) change the destination; SNAT/MASQUERADE (POSTROUTING,
 *   INPUT) the source. A DNAT to 10.244.2.5:8080 makes the reply tuple come *from* 10.244.2.5:8080,
 *   so replies are found, and rewritten back to come from the address the client asked for.
 * - get_unique_tuple(): a source keeps its port unless another connection already uses the
 *   result, or --random / --random-fully ask for a random one (drawn from the world's generator).
 * - An ICMP error about a NATed connection has its quoted header rewritten too
 *   (nf_nat_icmp_reply_translation), so the sender recognises its own packet.
 */
import type { Netns } from '../netns/netns';
import { CTINFO, IPPROTO, type CtInfo, type Skb } from '../netfilter/skb';
import { NF_NAT_RANGE, type NatRange } from '../netfilter/xt/targets';
import { IPS, type Conn, type Tuple } from './conn';
import { invertTuple } from './proto';
import { ctTable } from './table';

export type Manip = 'SRC' | 'DST';

/** nf_nat_used_tuple(): would a connection with this original tuple clash with another one's reply? */
const usedTuple = (ns: Netns, t: Tuple, ct: Conn): boolean => ctTable(ns).taken(invertTuple(t), ct);

const inRange = (v: number, lo: number, hi: number): boolean => v >= lo && v <= hi;

/** The part of the tuple a manip changes: address, and the port (or ICMP id). */
const manipAddr = (t: Tuple, m: Manip): number => (m === 'SRC' ? t.src : t.dst);
const manipKey = (t: Tuple, m: Manip): number => (t.proto === IPPROTO.ICMP || m === 'SRC' ? t.sport : t.dport);

function setManip(t: Tuple, m: Manip, addr: number | undefined, key: number | undefined): Tuple {
  const n = { ...t };
  if (addr !== undefined) {
    if (m === 'SRC') n.src = addr as Tuple['src'];
    else n.dst = addr as Tuple['dst'];
  }
  if (key !== undefined) {
    if (t.proto === IPPROTO.ICMP || m === 'SRC') n.sport = key;
    else n.dport = key;
  }
  return n;
}

/** nf_in_range(): the tuple's address and port already fit the range. */
function tupleInRange(t: Tuple, m: Manip, r: NatRange): boolean {
  if (r.flags & NF_NAT_RANGE.MAP_IPS && !inRange(manipAddr(t, m), r.minIp, r.maxIp)) return false;
  if (r.flags & NF_NAT_RANGE.PROTO_SPECIFIED && !inRange(manipKey(t, m), r.minPort, r.maxPort)) return false;
  return true;
}

/** A stable hash of a tuple's addresses (the kernel's jhash picks among several addresses). */
function addrHash(t: Tuple, m: Manip): number {
  let h = 2166136261;
  for (const v of [m === 'SRC' ? t.src : t.dst, m === 'SRC' ? t.dst : t.src]) {
    h ^= v >>> 0;
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h;
}

/** find_best_ips_proto(): the address, from the range */
function bestIp(t: Tuple, m: Manip, r: NatRange): Tuple {
  if (!(r.flags & NF_NAT_RANGE.MAP_IPS)) return t;
  const min = r.minIp >>> 0;
  const max = r.maxIp >>> 0;
  const dist = max >= min ? max - min + 1 : 1;
  return setManip(t, m, min + (dist === 1 ? 0 : addrHash(t, m) % dist), undefined);
}

const RANDOM_ALL = NF_NAT_RANGE.PROTO_RANDOM | NF_NAT_RANGE.PROTO_RANDOM_FULLY;

/** nf_nat_l4proto_unique_tuple(): the first free port of the range, from a starting offset. */
function uniquePort(ns: Netns, t: Tuple, m: Manip, r: NatRange, ct: Conn): Tuple {
  let min: number;
  let size: number;
  const key = manipKey(t, m);
  if (t.proto === IPPROTO.ICMP) {
    if (r.flags & NF_NAT_RANGE.PROTO_SPECIFIED) [min, size] = [r.minPort, r.maxPort - r.minPort + 1];
    else [min, size] = [0, 65536];
  } else if (t.proto === IPPROTO.TCP || t.proto === IPPROTO.UDP) {
    if (!(r.flags & NF_NAT_RANGE.PROTO_SPECIFIED)) {
      // a destination keeps its port; a source stays in its class
      if (m === 'DST') return t;
      if (key < 1024) [min, size] = key < 512 ? [1, 511] : [600, 424];
      else [min, size] = [1024, 64512];
    } else [min, size] = [r.minPort, r.maxPort - r.minPort + 1];
  } else return t;
  let off = r.flags & RANDOM_ALL || m !== 'DST' ? Math.floor(ns.world.random() * 65536) : 0;
  const attempts = Math.min(size, 128);
  for (let i = 0; i < attempts; i++, off++) {
    const cand = setManip(t, m, undefined, min + (off % size));
    if (!usedTuple(ns, cand, ct)) return cand;
  }
  return setManip(t, m, undefined, min + (off % size));
}

/** get_unique_tuple() */
function uniqueTuple(ns: Netns, orig: Tuple, r: NatRange, ct: Conn, m: Manip): Tuple {
  if (m === 'SRC' && !(r.flags & RANDOM_ALL) && tupleInRange(orig, m, r) && !usedTuple(ns, orig, ct)) return orig;
  const t = bestIp(orig, m, r);
  if (!(r.flags & RANDOM_ALL)) {
    if (r.flags & NF_NAT_RANGE.PROTO_SPECIFIED) {
      if (inRange(manipKey(t, m), r.minPort, r.maxPort) && (r.minPort === r.maxPort || !usedTuple(ns, t, ct))) return t;
    } else if (!usedTuple(ns, t, ct)) return t;
  }
  return uniquePort(ns, t, m, r, ct);
}

const DONE: Record<Manip, number> = { SRC: IPS.SRC_NAT_DONE, DST: IPS.DST_NAT_DONE };
const NAT_BIT: Record<Manip, number> = { SRC: IPS.SRC_NAT, DST: IPS.DST_NAT };

/** nf_nat_initialized(): has this manip been decided for the connection? */
export const natInitialized = (ct: Conn, m: Manip): boolean => (ct.status & DONE[m]) !== 0;

/** nf_nat_setup_info(): bind the connection's NAT for one manip. */
export function natSetupInfo(ns: Netns, ct: Conn, r: NatRange, m: Manip): void {
  // the original tuple as the packet now is: the reply tuple, inverted (earlier manips applied)
  const curr = invertTuple(ct.reply);
  const next = uniqueTuple(ns, curr, r, ct, m);
  if (next.src !== curr.src || next.dst !== curr.dst || next.sport !== curr.sport || next.dport !== curr.dport) {
    ct.reply = invertTuple(next);
    ct.status |= NAT_BIT[m];
  }
  ct.status |= DONE[m];
}

/** nf_nat_alloc_null_binding(): no NAT rule matched; the manip is decided as "none" (a clash still moves the port). */
export function natNullBinding(ns: Netns, ct: Conn, m: Manip): void {
  const curr = invertTuple(ct.reply);
  const addr = m === 'SRC' ? curr.src : curr.dst;
  natSetupInfo(ns, ct, { flags: NF_NAT_RANGE.MAP_IPS, minIp: addr, maxIp: addr, minPort: 0, maxPort: 0 }, m);
}

/**
 * nf_nat_icmp_reply_translation()'s first test: a redirect about a connection whose NAT is not
 * decided both ways yet, or is NATed at all, would point the sender at an address it never
 * asked for, so it is dropped.
 */
export function natRedirectRefused(ct: Conn): boolean {
  const done = IPS.SRC_NAT_DONE | IPS.DST_NAT_DONE;
  return (ct.status & done) !== done || (ct.status & (IPS.SRC_NAT | IPS.DST_NAT)) !== 0;
}

const isReplyDir = (ctinfo: CtInfo): boolean => ctinfo === CTINFO.ESTABLISHED_REPLY || ctinfo === CTINFO.RELATED_REPLY;

/** Does the connection rewrite packets of this direction at this manip? */
function manipApplies(ct: Conn, ctinfo: CtInfo, m: Manip): boolean {
  let bit = NAT_BIT[m];
  if (isReplyDir(ctinfo)) bit ^= IPS.SRC_NAT | IPS.DST_NAT;
  return (ct.status & bit) !== 0;
}

/** Set the manip's address and port (ICMP: identifier) of the skb from a tuple. */
function manipSkb(skb: Skb, t: Tuple, m: Manip): void {
  if (m === 'SRC') skb.src = t.src;
  else skb.dst = t.dst;
  if (skb.proto === IPPROTO.ICMP) {
    if (skb.icmpType === 0 || skb.icmpType === 8) skb.icmpId = t.sport;
  } else if (skb.proto === IPPROTO.TCP || skb.proto === IPPROTO.UDP) {
    if (m === 'SRC') skb.sport = t.sport;
    else skb.dport = t.dport;
  }
}

/**
 * nf_nat_packet(): rewrite the packet as its connection's NAT says for this manip. For an ICMP
 * error the quoted packet is rewritten the other way and the outer header to match.
 * Returns true when something changed.
 */
export function natPacket(skb: Skb, ct: Conn, ctinfo: CtInfo, m: Manip): boolean {
  if (!manipApplies(ct, ctinfo, m)) return false;
  const reply = isReplyDir(ctinfo);
  const other = reply ? ct.orig : ct.reply;
  // an ICMP error: its quoted packet and outer header (a related TCP reset is rewritten as any packet)
  if ((ctinfo === CTINFO.RELATED || ctinfo === CTINFO.RELATED_REPLY) && skb.proto === IPPROTO.ICMP) {
    const inner = skb.inner;
    if (inner !== undefined) {
      // the quoted packet went the other way: give it back the other direction's tuple
      const t = other;
      if (m === 'SRC') {
        inner.dst = t.dst;
        if (inner.proto === IPPROTO.ICMP) inner.icmpId = t.sport;
        else inner.dport = t.dport;
      } else {
        inner.src = t.src;
        if (inner.proto === IPPROTO.ICMP) inner.icmpId = t.sport;
        else inner.sport = t.sport;
      }
    }
    const target = invertTuple(other);
    if (m === 'SRC') skb.src = target.src;
    else skb.dst = target.dst;
    return true;
  }
  manipSkb(skb, invertTuple(other), m);
  return true;
}
