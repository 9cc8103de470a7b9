/**
 * `-m addrtype` (xt_addrtype.c, revision 1): the route type of the source or destination address
 * as the namespace's local routing table classifies it (inet_dev_addr_type), so `--dst-type LOCAL`
 * is "one of my own addresses" without listing them. kube-proxy's NodePort rule depends on it.
 */
import { isMulticast, isZeronet, type Ipv4 } from '../../addr/ipv4';
import type { Netdev } from '../../netns/netdev';
import type { Netns } from '../../netns/netns';
import type { HookState, Skb } from '../skb';

/** rtnetlink route types, numbered as RTN_*: XT_ADDRTYPE_<T> is 1 << RTN_<T>. */
export const RTN_TYPES = ['UNSPEC', 'UNICAST', 'LOCAL', 'BROADCAST', 'ANYCAST', 'MULTICAST', 'BLACKHOLE', 'UNREACHABLE', 'PROHIBIT', 'THROW', 'NAT', 'XRESOLVE'] as const;

export const XT_ADDRTYPE = { INVERT_SOURCE: 0x1, INVERT_DEST: 0x2, LIMIT_IFACE_IN: 0x4, LIMIT_IFACE_OUT: 0x8 } as const;

export interface AddrtypeMatch {
  kind: 'addrtype';
  /** 1 << RTN_* bits; 0 = not given */
  source: number;
  dest: number;
  flags: number;
}

const RTN = { UNICAST: 1, LOCAL: 2, BROADCAST: 3, MULTICAST: 5 } as const;

/** __inet_dev_addr_type(): broadcast for 0.0.0.0 and 255.255.255.255, multicast, else the local table's word. */
export function inetDevAddrType(ns: Netns, dev: Netdev | undefined, addr: Ipv4): number {
  if (isZeronet(addr) || addr === 0xffffffff) return RTN.BROADCAST;
  if (isMulticast(addr)) return RTN.MULTICAST;
  const r = ns.local.lookup(addr);
  if (r === undefined) return RTN.UNICAST;
  if (dev !== undefined && r.nh?.dev !== dev) return RTN.UNICAST;
  return r.type === 'local' ? RTN.LOCAL : r.type === 'broadcast' ? RTN.BROADCAST : RTN.UNICAST;
}

export function addrtypeMatch(m: AddrtypeMatch, skb: Skb, st: HookState): boolean {
  const dev = m.flags & XT_ADDRTYPE.LIMIT_IFACE_IN ? st.in : m.flags & XT_ADDRTYPE.LIMIT_IFACE_OUT ? st.out : undefined;
  if (m.source !== 0) {
    const hit = (m.source & (1 << inetDevAddrType(st.ns, dev, skb.src))) !== 0;
    if (hit === Boolean(m.flags & XT_ADDRTYPE.INVERT_SOURCE)) return false;
  }
  if (m.dest !== 0) {
    const hit = (m.dest & (1 << inetDevAddrType(st.ns, dev, skb.dst))) !== 0;
    if (hit === Boolean(m.flags & XT_ADDRTYPE.INVERT_DEST)) return false;
  }
  return true;
}
