import { formatIpv4 } from '../addr/ipv4';
import { ipRouteInput, type MartianReason } from '../fib/frontend';
import { rpFilter } from '../fib/validate';
import { routeText } from '../fib/format';
import type { Errno, FibRoute } from '../fib/route';
import type { Netdev } from '../netns/netdev';
import { nsLabel, type Netns } from '../netns/netns';
import { NF_INET, nfHook } from '../nf/hooks';
import { PacketEvent } from '../sim/packetEvent';
import { Verdict } from '../sim/trace';
import { ICMP, ICMP_UNREACH } from '../wire/icmp';
import { describePacket, type Ipv4Packet } from '../wire/ipv4';
import { ipView } from '../wire/view';
import { ipForward } from './forward';
import { ipDefrag } from './fragment';
import { icmpRcv, icmpSend, ipErrorAllowed } from './icmp';
import { tcpV4Rcv } from './tcp';
import { udpRcv } from './udp';

/**
 * IPv4 input (net/ipv4/ip_input.c): ip_rcv (PRE_ROUTING hook) -> ip_rcv_finish, which routes the
 * packet (ip_route_input) to local delivery, forwarding or ip_error; ip_local_deliver (LOCAL_IN hook)
 * -> ip_local_deliver_finish, which hands it to its transport protocol.
 */

const deliverWords = (_e: PacketEvent, ns: Netns, pkt: Ipv4Packet) => `${nsLabel(ns)}: ${formatIpv4(pkt.dst)} is a local address → delivered to ${nsLabel(ns)}`;
const broadcastWords = (_e: PacketEvent, ns: Netns, pkt: Ipv4Packet) => `${nsLabel(ns)}: broadcast ${describePacket(pkt)} → ignored (icmp_echo_ignore_broadcasts)`;

/** ip_rcv(): the PRE_ROUTING hook (a scheduled call: the link delivers (dev, pkt)). */
export function ipRcv(dev: Netdev, pkt: Ipv4Packet): void {
  const ns = dev.netns;
  if (ns.nfHooks === null) ipRcvFinish(ns, pkt, dev);
  else nfHook(ns, NF_INET.PRE_ROUTING, pkt, dev, undefined, ipRcvFinish);
}

/** ip_rcv_finish(): route the packet (after PRE_ROUTING, so a DNAT there decides where it goes). */
function ipRcvFinish(ns: Netns, pkt: Ipv4Packet, inDev: Netdev | undefined): void {
  const dev = inDev!;
  const w = ns.world;
  const res = ipRouteInput(ns, pkt.dst, pkt.src, dev);
  switch (res.kind) {
    case 'local':
      if (w.tracing) w.emitEvent(PacketEvent.ip(ns.name, dev.name, Verdict.LOCAL_DELIVER, pkt, deliverWords, ns, pkt).at(res.route));
      ipLocalDeliver(ns, dev, pkt);
      return;
    case 'broadcast':
      if (w.tracing) w.emitEvent(PacketEvent.ip(ns.name, dev.name, Verdict.LOCAL_DELIVER, pkt, broadcastWords, ns, pkt));
      return;
    case 'forward':
      ipForward(ns, dev, pkt, res.rt);
      return;
    case 'error':
      ipError(ns, dev, pkt, res.errno, res.forwarding, res.route);
      return;
    case 'martian':
      dropMartian(ns, dev, pkt, res.reason);
      return;
  }
}

/** What each martian verdict means, in the words of the packet in front of the student. */
function martianWords(ns: Netns, dev: Netdev, pkt: Ipv4Packet, reason: MartianReason): string {
  const src = formatIpv4(pkt.src);
  const dst = formatIpv4(pkt.dst);
  const rpf = rpFilter(ns, dev);
  switch (reason) {
    case Verdict.IP_LOCAL_SOURCE:
      return `martian source ${src}: it is an address of ${nsLabel(ns)} itself, yet it came in on ${dev.name} (two hosts with the same address?) → dropped (accept_local is 0)`;
    case Verdict.IP_INVALID_SOURCE:
      return `martian source ${src} on ${dev.name}: no host sends from a multicast, broadcast or zero address → dropped`;
    case Verdict.IP_LOCALNET:
      return `martian: ${src} → ${dst} on ${dev.name}, and 127.0.0.0/8 never comes from a wire (net.ipv4.conf.${dev.name}.route_localnet is 0) → dropped`;
    case Verdict.IP_INVALID_DEST:
      return `martian destination ${dst} on ${dev.name} → dropped`;
    case Verdict.IP_RPFILTER:
      return `reverse path filter (rp_filter = ${rpf}, ${rpf === 1 ? 'strict' : 'loose'}): the way back to ${src} ${rpf === 1 ? `does not leave through ${dev.name}, where it came in` : 'is not in any routing table'} → dropped`;
  }
}

/** ip_handle_martian_source() and friends: dropped without an ICMP error. */
function dropMartian(ns: Netns, dev: Netdev, pkt: Ipv4Packet, reason: MartianReason): void {
  const w = ns.world;
  if (w.drop(reason, ns.name, dev.name))
    w.emit({ netns: ns.name, dev: dev.name, verdict: reason, packetId: pkt.pid, packet: ipView(pkt), text: `${nsLabel(ns)}: ${martianWords(ns, dev, pkt, reason)}` });
}

/** ip_local_deliver(): fragments are put together first (ip_defrag), then the LOCAL_IN hook. */
export function ipLocalDeliver(ns: Netns, dev: Netdev, frag: Ipv4Packet): void {
  const pkt = frag.frag ? ipDefrag(ns, dev, frag) : frag;
  if (!pkt) return;
  if (ns.nfHooks === null) ipLocalDeliverFinish(ns, pkt, dev);
  else nfHook(ns, NF_INET.LOCAL_IN, pkt, dev, undefined, ipLocalDeliverFinish);
}

/** ip_local_deliver_finish() -> ip_protocol_deliver_rcu(): the transport protocol's handler. */
function ipLocalDeliverFinish(ns: Netns, pkt: Ipv4Packet, inDev: Netdev | undefined): void {
  const dev = inDev!;
  switch (pkt.proto) {
    case 'icmp':
      icmpRcv(ns, dev, pkt);
      return;
    case 'udp':
      udpRcv(ns, dev, pkt);
      return;
    case 'tcp':
      tcpV4Rcv(ns, dev, pkt);
      return;
  }
}

/** ip_error(): a packet we cannot forward; silent when forwarding is off. */
function ipError(ns: Netns, dev: Netdev, pkt: Ipv4Packet, errno: Errno, forwarding: boolean, matched: FibRoute | undefined): void {
  ns.world.willChange(ns);
  const w = ns.world;
  const route = matched && routeText(matched);
  if (!forwarding) {
    const global = ns.sysctl.get('net.ipv4.ip_forward') === '1';
    if (w.drop(Verdict.IP_FORWARDING_DISABLED, ns.name, dev.name))
      w.emit({
        netns: ns.name,
        dev: dev.name,
        verdict: Verdict.IP_FORWARDING_DISABLED,
        packetId: pkt.pid,
        packet: ipView(pkt),
        text: `${nsLabel(ns)}: ${formatIpv4(pkt.dst)} is not a local address and forwarding is disabled (${global ? `net.ipv4.conf.${dev.name}.forwarding = 0` : 'net.ipv4.ip_forward = 0'}) → dropped silently${route ? '' : ` (there is no route to ${formatIpv4(pkt.dst)} here either)`}`,
      });
    return;
  }
  const code = errno === 'ENETUNREACH' ? ICMP_UNREACH.NET : errno === 'EHOSTUNREACH' ? ICMP_UNREACH.HOST : errno === 'EACCES' ? ICMP_UNREACH.PKT_FILTERED : -1;
  const verdict = errno === 'ENETUNREACH' ? Verdict.IP_INNOROUTES : errno === 'EHOSTUNREACH' ? Verdict.RTN_UNREACHABLE : errno === 'EACCES' ? Verdict.RTN_PROHIBIT : Verdict.RTN_BLACKHOLE;
  if (w.drop(verdict, ns.name, dev.name))
    w.emit({
      netns: ns.name,
      dev: dev.name,
      verdict,
      packetId: pkt.pid,
      packet: ipView(pkt),
      route,
      dst: formatIpv4(pkt.dst),
      text:
        errno === 'ENETUNREACH'
          ? `${nsLabel(ns)}: no route to ${formatIpv4(pkt.dst)} in the main table → dropped, ICMP net unreachable sent back`
          : `${nsLabel(ns)}: route "${route}" → dropped${code >= 0 ? `, ICMP ${code === ICMP_UNREACH.HOST ? 'host unreachable' : 'packet filtered'} sent back` : ' silently'}`,
    });
  if (code < 0) return;
  if (!ipErrorAllowed(ns, dev, pkt)) return;
  icmpSend(ns, pkt, ICMP.DEST_UNREACH, code, { dev });
}
