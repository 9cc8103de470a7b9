/**
 * Between the packet path's packets and netfilter's view of them: `skbOf` reads the headers the
 * rules match on, `packetOf` makes the packet again with what NAT rewrote (a new value: packets
 * are never changed once made).
 */
import { icmpPacket, ipTotalLength, tcpPacket, udpPacket, type Ipv4Packet } from '../wire/ipv4';
import { isEcho } from '../wire/icmp';
import { IPPROTO, makeSkb, type Skb, type SkbInner } from './skb';

const PROTO_NUM = { icmp: IPPROTO.ICMP, tcp: IPPROTO.TCP, udp: IPPROTO.UDP } as const;

function innerOf(p: Ipv4Packet): SkbInner {
  const i: SkbInner = { src: p.src, dst: p.dst, proto: PROTO_NUM[p.proto], sport: 0, dport: 0, icmpType: -1, icmpCode: -1, icmpId: 0 };
  if (p.proto === 'udp') [i.sport, i.dport] = [p.udp.sport, p.udp.dport];
  else if (p.proto === 'tcp') [i.sport, i.dport] = [p.tcp.sport, p.tcp.dport];
  else {
    i.icmpType = p.icmp.type;
    i.icmpCode = p.icmp.code;
    if (isEcho(p.icmp)) i.icmpId = p.icmp.id;
  }
  return i;
}

/** The skb view of a packet, with the mark the packet carries in this namespace. */
export function skbOf(p: Ipv4Packet, mark: number): Skb {
  const skb = makeSkb(p.src, p.dst, PROTO_NUM[p.proto], ipTotalLength(p));
  skb.ttl = p.ttl;
  skb.id = p.id;
  skb.mark = mark;
  switch (p.proto) {
    case 'udp':
      skb.sport = p.udp.sport;
      skb.dport = p.udp.dport;
      break;
    case 'tcp':
      skb.sport = p.tcp.sport;
      skb.dport = p.tcp.dport;
      skb.tcpFlags = p.tcp.flags;
      break;
    case 'icmp':
      skb.icmpType = p.icmp.type;
      skb.icmpCode = p.icmp.code;
      if (isEcho(p.icmp)) {
        skb.icmpId = p.icmp.id;
        skb.icmpSeq = p.icmp.seq;
      } else skb.inner = innerOf(p.icmp.inner);
  }
  return skb;
}

function innerChanged(p: Ipv4Packet, i: SkbInner): boolean {
  if (p.src !== i.src || p.dst !== i.dst) return true;
  if (p.proto === 'udp') return p.udp.sport !== i.sport || p.udp.dport !== i.dport;
  if (p.proto === 'tcp') return p.tcp.sport !== i.sport || p.tcp.dport !== i.dport;
  return isEcho(p.icmp) && p.icmp.id !== i.icmpId;
}

/** The quoted packet with NAT's changes (a value like any other). */
function rebuild(p: Ipv4Packet, src: number, dst: number, sport: number, dport: number, icmpId: number, inner: SkbInner | undefined): Ipv4Packet {
  const s = src as Ipv4Packet['src'];
  const d = dst as Ipv4Packet['dst'];
  switch (p.proto) {
    case 'udp':
      return udpPacket(p.pid, s, d, p.ttl, p.id, { ...p.udp, sport, dport });
    case 'tcp':
      return tcpPacket(p.pid, s, d, p.ttl, p.id, { ...p.tcp, sport, dport });
    case 'icmp': {
      const m = p.icmp;
      if (isEcho(m)) return icmpPacket(p.pid, s, d, p.ttl, p.id, { ...m, id: icmpId });
      const quoted = inner !== undefined && innerChanged(m.inner, inner) ? rebuildInner(m.inner, inner) : m.inner;
      return icmpPacket(p.pid, s, d, p.ttl, p.id, { ...m, inner: quoted });
    }
  }
}

function rebuildInner(p: Ipv4Packet, i: SkbInner): Ipv4Packet {
  return rebuild(p, i.src, i.dst, i.sport, i.dport, i.icmpId, undefined);
}

/** The packet as NAT left the skb: the same value when nothing changed. */
export function packetOf(p: Ipv4Packet, skb: Skb): Ipv4Packet {
  let changed = p.src !== skb.src || p.dst !== skb.dst;
  if (p.proto === 'udp') changed ||= p.udp.sport !== skb.sport || p.udp.dport !== skb.dport;
  else if (p.proto === 'tcp') changed ||= p.tcp.sport !== skb.sport || p.tcp.dport !== skb.dport;
  else if (isEcho(p.icmp)) changed ||= p.icmp.id !== skb.icmpId;
  else changed ||= skb.inner !== undefined && innerChanged(p.icmp.inner, skb.inner);
  if (!changed) return p;
  return rebuild(p, skb.src, skb.dst, skb.sport, skb.dport, skb.icmpId, skb.inner);
}
