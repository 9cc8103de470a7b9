/**
 * getsockopt(SO_ORIGINAL_DST) (getorigdst, net/netfilter/nf_conntrack_proto.c): where a connection
 * a socket accepted was going before NAT rewrote it. The socket's own addresses, local first, are
 * the connection's reply tuple; its original tuple's destination is the answer. A transparent
 * proxy behind REDIRECT (Istio's sidecar) learns what the application dialled this way.
 */
import type { Ipv4 } from '../addr/ipv4';
import { IPPROTO } from '../netfilter/skb';
import { ctTableIfAny } from './table';

export interface OriginalDst {
  addr: Ipv4;
  port: number;
}

/** The original destination of a TCP connection, or undefined (ENOENT) when conntrack has none. */
export function soOriginalDst(sk: { ns: import('../netns/netns').Netns; laddr: Ipv4; lport: number; raddr: Ipv4; rport: number }): OriginalDst | undefined {
  const h = ctTableIfAny(sk.ns)?.find({ src: sk.laddr, dst: sk.raddr, proto: IPPROTO.TCP, sport: sk.lport, dport: sk.rport });
  if (h === undefined) return undefined;
  const o = h.ct.orig;
  return { addr: o.dst, port: o.dport };
}
