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
import { tcpPacket, type TcpPacket } from '../wire/ipv4';
import { EMPTY_PAYLOAD } from '../wire/payload';
import { TCP_FLAG, tcpSeqLength } from '../wire/tcp';
import { CTINFO } from './skb';
import { skbExt, skbExtIfAny } from './skbext';

export function nfSendReset(ns: Netns, pkt: TcpPacket): void {
  const seg = pkt.tcp;
  if (seg.flags & TCP_FLAG.RST) return;
  const rt = ipRouteOutput(ns, pkt.src);
  if (!rt.ok) return;
  const w = ns.world;
  // nf_reject_ip_tcphdr_put(): answer the ACK's number, or acknowledge what the segment occupied
  const hasAck = (seg.flags & TCP_FLAG.ACK) !== 0;
  const rst = tcpPacket(w.nextPid(), pkt.dst, pkt.src, 64, w.nextIpId(), {
    sport: seg.dport,
    dport: seg.sport,
    seq: hasAck ? seg.ack : 0,
    ack: hasAck ? 0 : (seg.seq + tcpSeqLength(seg)) >>> 0,
    flags: hasAck ? TCP_FLAG.RST : TCP_FLAG.RST | TCP_FLAG.ACK,
    window: 0,
    payload: EMPTY_PAYLOAD,
  });
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
