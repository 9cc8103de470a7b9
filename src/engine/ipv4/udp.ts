import { formatIpv4, type Ipv4 } from '../addr/ipv4';
import { ipRouteOutput } from '../fib/frontend';
import type { Errno } from '../fib/route';
import type { Netdev } from '../netns/netdev';
import { nsLabel, type Netns } from '../netns/netns';
import { Verdict } from '../sim/trace';
import type { BindErrno, Sock } from '../socket/table';
import { bindPort } from '../socket/ports';
import { ICMP, ICMP_UNREACH } from '../wire/icmp';
import { udpPacket, type UdpPacket } from '../wire/ipv4';
import type { Payload } from '../wire/payload';
import { ipView } from '../wire/view';
import { icmpSend } from './icmp';
import { ipLocalOut } from './output';

/** UDP (net/ipv4/udp.c): delivering datagrams to sockets, and sending them. */

/** udp_rcv() -> __udp4_lib_rcv(): to the socket bound to the port, else ICMP port unreachable. */
export function udpRcv(ns: Netns, dev: Netdev, pkt: UdpPacket): void {
  const udp = pkt.udp;
  const sk = ns.sockets.lookup('udp', pkt.src, udp.sport, pkt.dst, udp.dport);
  if (sk) {
    sk.onPacket(pkt, dev);
    return;
  }
  const w = ns.world;
  if (w.drop(Verdict.NO_SOCKET, ns.name, dev.name)) w.emit({ netns: ns.name, dev: dev.name, verdict: Verdict.NO_SOCKET, packetId: pkt.pid, packet: ipView(pkt), text: `${nsLabel(ns)}: nothing listens on UDP port ${udp.dport} → ICMP port unreachable sent to ${formatIpv4(pkt.src)}` });
  icmpSend(ns, pkt, ICMP.DEST_UNREACH, ICMP_UNREACH.PORT, { dev });
}

/**
 * bind() for a UDP socket: its own port, or with lport 0 a free ephemeral one (udp_lib_get_port():
 * a port of net.ipv4.ip_local_port_range drawn from the world's generator, see socket/ports.ts).
 */
export function udpBind(ns: Netns, sk: Sock): BindErrno | undefined {
  if (sk.lport !== 0) return ns.sockets.bind(sk);
  const port = bindPort(ns, 'udp', (p) => ns.sockets.onPort('udp', p).length > 0);
  if (port === undefined) return 'EADDRINUSE';
  sk.lport = port;
  return ns.sockets.bind(sk);
}

/** close(): the socket leaves its namespace's table. */
export const sockClose = (ns: Netns, sk: Sock): void => ns.sockets.remove(sk);

export interface UdpSendOpts {
  /** IP_TTL */
  ttl: number;
  /** SO_BINDTODEVICE */
  oif?: Netdev;
}

/**
 * udp_sendmsg(): route to daddr (from the socket's bound address, if any) and send one datagram
 * from sk's port. Returns the errno when there is no route.
 */
export function udpSendmsg(ns: Netns, sk: Sock, daddr: Ipv4, dport: number, payload: Payload, opts: UdpSendOpts): Errno | undefined {
  const w = ns.world;
  const r = ipRouteOutput(ns, daddr, { saddr: sk.laddr !== 0 ? sk.laddr : undefined, oif: opts.oif });
  if (!r.ok) return r.errno;
  ipLocalOut(ns, udpPacket(w.nextPid(), r.rt.src, daddr, opts.ttl, w.nextIpId(), { sport: sk.lport, dport, payload }), r.rt);
  return undefined;
}
