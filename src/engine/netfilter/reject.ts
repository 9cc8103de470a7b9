/**
 * REJECT --reject-with tcp-reset (nf_send_reset, net/ipv4/netfilter/nf_reject_ipv4.c): a reset
 * back to the sender *from the address the segment was for*, even when that address is not this
 * host's (a router rejecting a forwarded connection speaks for the server), routed by its
 * destination alone (ip_route_me_harder with FLOWI_FLAG_ANYSRC). The reset carries the
 * rejected segment's connection (nf_ct_attach), in the other direction, so NAT translates it back
 * as it would the server's own answer and conntrack never confirms the connection for it.
 */
import { ipRouteOutput } from '../fib/frontend';
import { ipLocalOut } from '../ipv4/output';
import type { Netns } from '../netns/netns';
import { tcpResetFor } from '../ipv4/tcp';
import type { TcpPacket } from '../wire/ipv4';
import { TCP_FLAG } from '../wire/tcp';
import { CTINFO } from './skb';
import { skbExt, skbExtIfAny } from './skbext';

export function nfSendReset(ns: Netns, pkt: TcpPacket): void {
  if (pkt.tcp.flags & TCP_FLAG.RST) return;
  const rt = ipRouteOutput(ns, pkt.src);
  if (!rt.ok) return;
  // nf_reject_ip_tcphdr_put() builds it as the stack's own reset
  const rst = tcpResetFor(ns, pkt);
  const orig = skbExtIfAny(ns, pkt.pid);
  if (orig?.ct !== undefined) {
    const ext = skbExt(ns, rst.pid);
    const replyDir = orig.ctinfo === CTINFO.ESTABLISHED_REPLY || orig.ctinfo === CTINFO.RELATED_REPLY;
    ext.ct = orig.ct;
    ext.ctinfo = replyDir ? CTINFO.RELATED : CTINFO.RELATED_REPLY;
    ext.tracked = true;
  }
  ipLocalOut(ns, rst, rt.rt);
}
