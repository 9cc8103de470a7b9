import { formatIpv4, type Ipv4 } from '../addr/ipv4';
import { fibLookup, ipRouteOutput, isLocal } from '../fib/frontend';
import { neighEventSend } from '../neighbour/neigh';
import { nudValid } from '../neighbour/table';
import type { Netdev } from '../netns/netdev';
import { nsLabel, type Netns } from '../netns/netns';
import { PacketEvent } from '../sim/packetEvent';
import { Verdict } from '../sim/trace';
import { sockForError } from '../socket/table';
import { ICMP, ICMP_UNREACH, isEcho, type IcmpEcho, type IcmpError, type IcmpMessage, type IcmpRedirect } from '../wire/icmp';
import { icmpPacket, withTtl, type IcmpPacket, type Ipv4Packet } from '../wire/ipv4';
import { ipView } from '../wire/view';
import { ipLocalOut } from './output';
import { updatePmtu } from './pmtu';

/**
 * ICMP (net/ipv4/icmp.c): answering echo requests, handing echo replies and errors to the socket
 * that asked (ping_rcv, icmp_unreach -> the quoted protocol's err_handler), taking redirects, and
 * sending errors about other packets, rate limited per destination host.
 */

/** ip_route_output_key(): where a redirect learned for a destination expires, in ms (ip_rt_gc_timeout). */
export const REDIRECT_TIMEOUT = 300_000;

/** net.ipv4.icmp_ratelimit: one ICMP error per this many ms to a host, once the burst is spent */
const ICMP_RATELIMIT = 1000;
/** XRLIM_BURST_FACTOR: a burst of this many errors is allowed after a quiet spell */
const XRLIM_BURST_FACTOR = 6;
/** ip_rt_error_cost / ip_rt_error_burst: ip_error()'s own bucket (ms per error, ms of burst) */
const IP_RT_ERROR_COST = 1000;
const IP_RT_ERROR_BURST = 5 * IP_RT_ERROR_COST;

const echoWords = (_e: PacketEvent, ns: Netns, request: Ipv4Packet) => `${nsLabel(ns)}: echo request from ${formatIpv4(request.src)} → echo reply`;

/** icmp_rcv() */
export function icmpRcv(ns: Netns, dev: Netdev, pkt: IcmpPacket): void {
  const m = pkt.icmp;
  switch (m.type) {
    case ICMP.ECHO:
      icmpEcho(ns, dev, pkt, m);
      return;
    case ICMP.ECHOREPLY:
      // ping_rcv(): the ping socket whose identifier the reply carries
      ns.sockets.lookup('icmp', pkt.src, 0, pkt.dst, m.id)?.onPacket(pkt, dev);
      return;
    case ICMP.DEST_UNREACH:
    case ICMP.TIME_EXCEEDED:
      icmpUnreach(ns, pkt, m);
      return;
    case ICMP.REDIRECT:
      icmpRedirect(ns, dev, pkt, m);
      return;
  }
}

/**
 * icmp_unreach(): the quoted datagram's protocol finds the socket that sent it; a "frag needed"
 * teaches that socket's host the path mtu to the quoted destination (ping_err, udp_err, tcp_v4_err
 * call ipv4_sk_update_pmtu).
 */
function icmpUnreach(ns: Netns, pkt: IcmpPacket, m: IcmpError): void {
  const sock = sockForError(ns.sockets, m.inner);
  if (!sock) return;
  const fragNeeded = m.type === ICMP.DEST_UNREACH && m.code === ICMP_UNREACH.FRAG_NEEDED;
  if (fragNeeded) {
    const rt = ipRouteOutput(ns, m.inner.dst, { saddr: m.inner.src });
    if (rt.ok) updatePmtu(ns, m.inner.dst, rt.rt, m.mtu ?? 0);
  }
  sock.onError({ from: pkt.src, icmpType: m.type, icmpCode: m.code, inner: m.inner, ...(fragNeeded && { mtu: m.mtu ?? 0 }) });
}

/** icmp_echo(): answer, unless told to ignore echo requests. */
function icmpEcho(ns: Netns, dev: Netdev, pkt: IcmpPacket, m: IcmpEcho): void {
  const w = ns.world;
  if (ns.sysctl.get('net.ipv4.icmp_echo_ignore_all') === '1') return;
  const rt = ipRouteOutput(ns, pkt.src, { saddr: pkt.dst });
  if (!rt.ok) return;
  const reply = icmpPacket(w.nextPid(), pkt.dst, pkt.src, 64, w.nextIpId(), { type: ICMP.ECHOREPLY, code: 0, id: m.id, seq: m.seq, payloadLen: m.payloadLen });
  if (w.tracing) w.emitEvent(PacketEvent.ip(ns.name, dev.name, Verdict.ICMP_REPLY, reply, echoWords, ns, pkt));
  ipLocalOut(ns, reply, rt.rt);
}

/** icmp_redirect() -> __ip_do_redirect(): accepted only when the new gateway's neighbour is already valid. */
function icmpRedirect(ns: Netns, dev: Netdev, pkt: IcmpPacket, m: IcmpRedirect): void {
  ns.world.willChange(ns);
  // the socket that sent the redirected packet hears about it (ping prints "Redirect Host")
  sockForError(ns.sockets, m.inner)?.onPacket(pkt, dev);
  const forwarding = ns.sysctl.forwarding(dev.name);
  const acc = forwarding
    ? ns.sysctl.conf('all', 'accept_redirects') && ns.sysctl.conf(dev.name, 'accept_redirects')
    : ns.sysctl.conf('all', 'accept_redirects') || ns.sysctl.conf(dev.name, 'accept_redirects');
  if (!acc) return;
  const cur = fibLookup(ns, m.inner.dst);
  if (!cur.ok || cur.route.nh?.gw !== pkt.src) return;
  const n = ns.neigh.get(dev, m.gateway);
  if (n && nudValid(n.state)) {
    ns.redirects.set(m.inner.dst, m.gateway);
    ns.redirectExpiry.set(m.inner.dst, ns.world.now + REDIRECT_TIMEOUT);
    ns.world.touch();
  } else {
    // start resolving the new gateway so a later redirect can be taken
    neighEventSend(ns, dev, m.gateway);
  }
}

/**
 * ip_error()'s token bucket (on the same inet_peer as icmp_send's): whether an error about pkt may
 * be sent now. A suppressed one is traced.
 */
export function ipErrorAllowed(ns: Netns, dev: Netdev, pkt: Ipv4Packet): boolean {
  const w = ns.world;
  const peer = ns.peer(pkt.src, w.now);
  peer.tokens = Math.min(IP_RT_ERROR_BURST, peer.tokens + (w.now - peer.last));
  peer.last = w.now;
  if (peer.tokens >= IP_RT_ERROR_COST) {
    peer.tokens -= IP_RT_ERROR_COST;
    return true;
  }
  if (w.drop(Verdict.ICMP_RATELIMIT, ns.name, dev.name)) w.emit({ netns: ns.name, dev: dev.name, verdict: Verdict.ICMP_RATELIMIT, packetId: pkt.pid, packet: ipView(pkt), text: `${nsLabel(ns)}: ICMP error to ${formatIpv4(pkt.src)} suppressed by the rate limit` });
  return false;
}

/** icmpv4_xrlim_allow(): the inet_peer token bucket of icmp_send(). */
function icmpv4XrlimAllow(ns: Netns, pkt: Ipv4Packet): boolean {
  const w = ns.world;
  const peer = ns.peer(pkt.src, w.now);
  peer.tokens = Math.min(XRLIM_BURST_FACTOR * ICMP_RATELIMIT, peer.tokens + (w.now - peer.last));
  peer.last = w.now;
  if (peer.tokens < ICMP_RATELIMIT) {
    if (w.drop(Verdict.ICMP_RATELIMIT, ns.name)) w.emit({ netns: ns.name, verdict: Verdict.ICMP_RATELIMIT, packetId: pkt.pid, packet: ipView(pkt), text: `${nsLabel(ns)}: ICMP error to ${formatIpv4(pkt.src)} suppressed by the rate limit (net.ipv4.icmp_ratelimit)` });
    return false;
  }
  peer.tokens -= ICMP_RATELIMIT;
  return true;
}

/** icmp_send(): an ICMP error (or redirect) about pkt, back to its source, rate limited per peer. */
export function icmpSend(ns: Netns, pkt: Ipv4Packet, type: 3 | 5 | 11, code: number, opts: { dev?: Netdev; gateway?: Ipv4; mtu?: number } = {}): void {
  ns.world.willChange(ns);
  const w = ns.world;
  if (pkt.proto === 'icmp' && !isEcho(pkt.icmp)) return; // never an error about an error
  if (pkt.frag && pkt.frag.offset > 0) return; // only about the first fragment of a datagram
  const saddr = isLocal(ns, pkt.dst) ? pkt.dst : undefined;
  const rt = ipRouteOutput(ns, pkt.src, { saddr });
  if (!rt.ok) return;
  // icmpv4_xrlim_allow(): path mtu discovery must not be starved, so "frag needed" is never limited
  const fragNeeded = type === ICMP.DEST_UNREACH && code === ICMP_UNREACH.FRAG_NEEDED;
  if (type !== ICMP.REDIRECT && !fragNeeded && rt.rt.type !== 'local' && !icmpv4XrlimAllow(ns, pkt)) return;
  const quoted = withTtl(pkt, pkt.ttl);
  const icmp: IcmpMessage = type === ICMP.REDIRECT ? { type, code, gateway: opts.gateway!, inner: quoted } : fragNeeded ? { type, code, inner: quoted, mtu: opts.mtu ?? 0 } : { type, code, inner: quoted };
  ipLocalOut(ns, icmpPacket(w.nextPid(), rt.rt.src, pkt.src, 64, w.nextIpId(), icmp), rt.rt);
}
