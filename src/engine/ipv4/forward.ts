import { formatIpv4, type Ipv4 } from '../addr/ipv4';
import type { Rtable } from '../fib/frontend';
import type { Netdev } from '../netns/netdev';
import { nsLabel, type Netns } from '../netns/netns';
import { NF_INET, nfHook } from '../nf/hooks';
import { PacketEvent } from '../sim/packetEvent';
import { Verdict } from '../sim/trace';
import { ICMP, ICMP_EXC, ICMP_REDIR, ICMP_UNREACH } from '../wire/icmp';
import { ipTotalLength, withTtl, type Ipv4Packet } from '../wire/ipv4';
import { ipView } from '../wire/view';
import { icmpSend } from './icmp';
import { dstOutput } from './output';
import { IP_MAX_MTU } from './pmtu';

/**
 * Forwarding (net/ipv4/ip_forward.c): ip_forward checks the TTL, sends a redirect when the packet
 * leaves by the way it came, decrements the TTL and passes the FORWARD hook; ip_forward_finish
 * hands it to dst_output.
 */

const forwardWords = (e: PacketEvent, ns: Netns, out: Ipv4Packet, gw: Ipv4 | undefined) =>
  `${nsLabel(ns)}: forwarding enabled; route "${e.route ?? ''}" → forwarded out ${e.dev}${gw !== undefined ? ` to ${formatIpv4(gw)}` : ''}, TTL ${out.ttl + 1} → ${out.ttl}`;

/** ip_forward() */
export function ipForward(ns: Netns, inDev: Netdev, pkt: Ipv4Packet, rt: Rtable): void {
  const w = ns.world;
  if (pkt.ttl <= 1) {
    if (w.drop(Verdict.IP_INHDR_TTL, ns.name, inDev.name)) w.emit({ netns: ns.name, dev: inDev.name, verdict: Verdict.IP_INHDR_TTL, packetId: pkt.pid, packet: ipView(pkt), text: `${nsLabel(ns)}: TTL ${pkt.ttl} would reach 0 when forwarded → dropped, ICMP time exceeded sent to ${formatIpv4(pkt.src)}` });
    icmpSend(ns, pkt, ICMP.TIME_EXCEEDED, ICMP_EXC.TTL, { dev: inDev });
    return;
  }
  // ip_exceeds_mtu(): with DF set, a packet too big for the way out is refused, not fragmented
  const mtu = Math.min(rt.dev.mtu, IP_MAX_MTU);
  if (pkt.df && ipTotalLength(pkt) > mtu) {
    if (w.drop(Verdict.PKT_TOO_BIG, ns.name, inDev.name))
      w.emit({ netns: ns.name, dev: inDev.name, verdict: Verdict.PKT_TOO_BIG, packetId: pkt.pid, packet: ipView(pkt), text: `${nsLabel(ns)}: ${ipTotalLength(pkt)} bytes with DF set do not fit the mtu ${mtu} of ${rt.dev.name} → dropped, ICMP frag needed (mtu ${mtu}) sent to ${formatIpv4(pkt.src)}` });
    icmpSend(ns, pkt, ICMP.DEST_UNREACH, ICMP_UNREACH.FRAG_NEEDED, { dev: inDev, mtu });
    return;
  }
  if (rt.doRedirect) ipRtSendRedirect(ns, pkt, rt);
  const out = withTtl(pkt, pkt.ttl - 1);
  if (ns.nfHooks === null) ipForwardFinish(ns, out, inDev, rt);
  else nfHook(ns, NF_INET.FORWARD, out, inDev, rt, ipForwardFinish);
}

/** ip_forward_finish() */
function ipForwardFinish(ns: Netns, pkt: Ipv4Packet, _in: Netdev | undefined, rt: Rtable): void {
  const w = ns.world;
  if (w.tracing) w.emitEvent(PacketEvent.ip(ns.name, rt.dev.name, Verdict.FORWARD, pkt, forwardWords, ns, pkt, rt.gw).at(rt.route));
  dstOutput(ns, pkt, undefined, rt);
}

/** ip_rt_redirect_load: the first redirect waits this long, each further one twice as long (ms). */
const REDIRECT_LOAD = 20;
/** ip_rt_redirect_number: after this many unheeded redirects, stop sending them */
const REDIRECT_NUMBER = 9;
/** ip_rt_redirect_silence: quiet for this long, and a peer's redirect count starts again (ms) */
const REDIRECT_SILENCE = REDIRECT_LOAD << (REDIRECT_NUMBER + 1);

/** ip_rt_send_redirect(): tell a directly connected sender about a better first hop, with backoff. */
function ipRtSendRedirect(ns: Netns, pkt: Ipv4Packet, rt: Rtable): void {
  ns.world.willChange(ns);
  const w = ns.world;
  const peer = ns.peer(pkt.src, w.now);
  if (w.now - peer.last > REDIRECT_SILENCE) {
    peer.tokens = 0;
    peer.redirects = 0;
  }
  if (peer.redirects >= REDIRECT_NUMBER) {
    peer.last = w.now;
    return;
  }
  if (peer.redirects === 0 || w.now > peer.last + (REDIRECT_LOAD << peer.redirects)) {
    icmpSend(ns, pkt, ICMP.REDIRECT, ICMP_REDIR.HOST, { dev: rt.dev, gateway: rt.nexthop });
    peer.last = w.now;
    peer.redirects++;
  }
}
