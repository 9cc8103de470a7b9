import { formatIpv4 } from '../addr/ipv4';
import { ipRouteOutput } from '../fib/frontend';
import type { Netdev } from '../netns/netdev';
import { nsLabel, type Netns } from '../netns/netns';
import { Verdict } from '../sim/trace';
import { EMPTY_PAYLOAD } from '../wire/payload';
import { tcpPacket, type TcpPacket } from '../wire/ipv4';
import { TCP_FLAG, tcpSeqLength } from '../wire/tcp';
import { ipView } from '../wire/view';
import { ipLocalOut } from './output';

/**
 * TCP demultiplexing (net/ipv4/tcp_ipv4.c): a segment goes to the socket of its connection, else to
 * a listener on the port (both found by the socket table's lookup); with neither, the sender gets a
 * reset. The state machine itself lives with the sockets that implement it.
 */

/** tcp_v4_rcv() */
export function tcpV4Rcv(ns: Netns, dev: Netdev, pkt: TcpPacket): void {
  const seg = pkt.tcp;
  const sk = ns.sockets.lookup('tcp', pkt.src, seg.sport, pkt.dst, seg.dport);
  if (sk) {
    sk.onPacket(pkt, dev);
    return;
  }
  const w = ns.world;
  const rst = (seg.flags & TCP_FLAG.RST) !== 0;
  if (w.drop(Verdict.NO_SOCKET, ns.name, dev.name))
    w.emit({
      netns: ns.name,
      dev: dev.name,
      verdict: Verdict.NO_SOCKET,
      packetId: pkt.pid,
      packet: ipView(pkt),
      text: `${nsLabel(ns)}: nothing listens on TCP port ${seg.dport} → ${rst ? 'reset dropped' : `reset sent to ${formatIpv4(pkt.src)}`}`,
    });
  tcpV4SendReset(ns, pkt);
}

/**
 * tcp_v4_send_reset(): never in answer to a reset. A segment with ACK is answered from its ack
 * number; one without is answered with an ACK of everything it carried (RFC 9293 §3.10.7.1).
 */
export function tcpV4SendReset(ns: Netns, pkt: TcpPacket): void {
  if (pkt.tcp.flags & TCP_FLAG.RST) return;
  const rt = ipRouteOutput(ns, pkt.src, { saddr: pkt.dst });
  if (!rt.ok) return;
  ipLocalOut(ns, tcpResetFor(ns, pkt), rt.rt);
}

/** The reset answering a segment: its ACK's number, or an ACK of what the segment occupied. */
export function tcpResetFor(ns: Netns, pkt: TcpPacket): TcpPacket {
  const seg = pkt.tcp;
  const w = ns.world;
  const hasAck = (seg.flags & TCP_FLAG.ACK) !== 0;
  return tcpPacket(w.nextPid(), pkt.dst, pkt.src, 64, w.nextIpId(), {
    sport: seg.dport,
    dport: seg.sport,
    seq: hasAck ? seg.ack : 0,
    ack: hasAck ? 0 : (seg.seq + tcpSeqLength(seg)) >>> 0,
    flags: hasAck ? TCP_FLAG.RST : TCP_FLAG.RST | TCP_FLAG.ACK,
    window: 0,
    payload: EMPTY_PAYLOAD,
  });
}
