import { formatIpv4, type Ipv4 } from '../addr/ipv4';
import { MAC_BROADCAST } from '../addr/mac';
import { ipRouteOutput, isLocal, type Rtable } from '../fib/frontend';
import { neighOutput } from '../neighbour/neigh';
import { devXmit, HOP_DELAY } from '../netns/dev';
import type { Netdev } from '../netns/netdev';
import { nsLabel, type Netns } from '../netns/netns';
import { NF_INET, nfHook } from '../nf/hooks';
import { PacketEvent } from '../sim/packetEvent';
import { Verdict } from '../sim/trace';
import { ipFrame } from '../wire/ethernet';
import { ICMP, ICMP_UNREACH } from '../wire/icmp';
import { ipTotalLength, type Ipv4Packet } from '../wire/ipv4';
import { ipView } from '../wire/view';
import { skbExt } from '../netfilter/skbext';
import { ipFragment } from './fragment';
import { icmpSend } from './icmp';
import { ipRcv } from './input';
import { hasPmtuExceptions, IP_MAX_MTU, routeMtu } from './pmtu';

/**
 * IPv4 output (net/ipv4/ip_output.c), for packets this namespace originates and for forwarded ones
 * once routed: ip_local_out -> __ip_local_out (LOCAL_OUT hook) -> dst_output -> ip_output
 * (POST_ROUTING hook) -> ip_finish_output -> ip_finish_output2 -> neighbour layer, lo, or broadcast.
 */

const loopedWords = (_e: PacketEvent, ns: Netns, pkt: Ipv4Packet) => `${nsLabel(ns)}: ${formatIpv4(pkt.dst)} is a local address → looped back through lo`;
const routedWords = (e: PacketEvent, ns: Netns, pkt: Ipv4Packet, gw: Ipv4 | undefined) =>
  `${nsLabel(ns)}: route lookup for ${formatIpv4(pkt.dst)} → ${e.route !== undefined ? `"${e.route}"` : 'no route; assumed on link'}: send out ${e.dev}${gw !== undefined ? ` to gateway ${formatIpv4(gw)}` : ' directly'}`;

/** The user and group of the socket a packet leaves from (skb->sk), for the owner match. */
export interface SockCred {
  readonly uid: number;
  readonly gid: number;
}

/** ip_local_out(): a packet this namespace originates, already routed (ip_route_output's rt); `sk`: its socket's owner. */
export function ipLocalOut(ns: Netns, pkt: Ipv4Packet, rt: Rtable, sk?: SockCred): void {
  const w = ns.world;
  if (sk !== undefined && ns.nfHooks !== null) {
    const ext = skbExt(ns, pkt.pid);
    ext.uid = sk.uid;
    ext.gid = sk.gid;
  }
  if (w.tracing) {
    const e = rt.type === 'local' ? PacketEvent.ip(ns.name, rt.dev.name, Verdict.FIB_MATCH, pkt, loopedWords, ns, pkt) : PacketEvent.ip(ns.name, rt.dev.name, Verdict.FIB_MATCH, pkt, routedWords, ns, pkt, rt.gw);
    w.emitEvent(e.at(rt.route));
  }
  if (ns.nfHooks === null) dstOutput(ns, pkt, undefined, rt);
  else nfHook(ns, NF_INET.LOCAL_OUT, pkt, undefined, rt, dstOutput);
}

/**
 * ip_route_me_harder(): route a locally generated packet again after a LOCAL_OUT hook changed its
 * destination (DNAT); undefined when there is no route now (the hook then drops it).
 */
export function ipRouteMeHarder(ns: Netns, pkt: Ipv4Packet): Rtable | undefined {
  const r = ipRouteOutput(ns, pkt.dst, { saddr: pkt.src });
  return r.ok ? r.rt : undefined;
}

/** dst_output(): where the route sends it; every IPv4 route's output is ip_output. */
export function dstOutput(ns: Netns, pkt: Ipv4Packet, _in: Netdev | undefined, rt: Rtable): void {
  ipOutput(ns, pkt, rt);
}

/** ip_output(): the POST_ROUTING hook. */
export function ipOutput(ns: Netns, pkt: Ipv4Packet, rt: Rtable): void {
  if (ns.nfHooks === null) ipFinishOutput(ns, pkt, undefined, rt);
  else nfHook(ns, NF_INET.POST_ROUTING, pkt, undefined, rt, ipFinishOutput);
}

/** ip_finish_output(): a packet bigger than the mtu is fragmented, or with DF set refused. */
function ipFinishOutput(ns: Netns, pkt: Ipv4Packet, _in: Netdev | undefined, rt: Rtable): void {
  const mtu = ipSkbDstMtu(ns, pkt, rt);
  if (ipTotalLength(pkt) <= mtu) {
    ipFinishOutput2(ns, pkt, rt);
    return;
  }
  if (pkt.df) {
    // ip_fragment(): not allowed to fragment, so "frag needed" goes back to the sender (this host too)
    const w = ns.world;
    if (w.drop(Verdict.PKT_TOO_BIG, ns.name, rt.dev.name))
      w.emit({ netns: ns.name, dev: rt.dev.name, verdict: Verdict.PKT_TOO_BIG, packetId: pkt.pid, packet: ipView(pkt), text: `${nsLabel(ns)}: ${ipTotalLength(pkt)} bytes with DF set do not fit the mtu ${mtu} of ${rt.dev.name} → dropped, ICMP frag needed sent to ${formatIpv4(pkt.src)}` });
    icmpSend(ns, pkt, ICMP.DEST_UNREACH, ICMP_UNREACH.FRAG_NEEDED, { dev: rt.dev, mtu });
    return;
  }
  for (const f of ipFragment(ns, rt.dev, pkt, mtu)) ipFinishOutput2(ns, f, rt);
}

/**
 * ip_skb_dst_mtu(): a forwarded packet meets its device's mtu (ip_forward_use_pmtu is 0), one this
 * host sends the route's, which a learned path mtu may lower.
 */
function ipSkbDstMtu(ns: Netns, pkt: Ipv4Packet, rt: Rtable): number {
  return hasPmtuExceptions(ns) && isLocal(ns, pkt.src) ? routeMtu(ns, rt, pkt.dst) : Math.min(rt.dev.mtu, IP_MAX_MTU);
}

/** ip_finish_output2(): lo loops back, a broadcast goes to everyone, the rest through the neighbour. */
function ipFinishOutput2(ns: Netns, pkt: Ipv4Packet, rt: Rtable): void {
  const dev = rt.dev;
  if (dev.ops.loopback) {
    ns.world.scheduleCall(HOP_DELAY, ipRcv, dev, pkt);
    return;
  }
  if (rt.type === 'broadcast') {
    devXmit(dev, ipFrame(pkt.pid, dev.mac, MAC_BROADCAST, pkt));
    return;
  }
  neighOutput(ns, dev, rt.nexthop, pkt);
}
