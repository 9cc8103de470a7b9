import { formatIpv4, type Ipv4 } from '../addr/ipv4';
import { describeIcmp, icmpLength, type IcmpMessage } from './icmp';
import { describeTcp, tcpLength, type TcpSegment } from './tcp';
import { describeUdp, udpLength, type UdpDatagram } from './udp';

/**
 * An IPv4 datagram and the transport message it carries, discriminated by `proto`: narrow on it and
 * the matching field (`icmp`, `udp`, `tcp`) is there. Every packet is made by `ipv4Packet` with all
 * three fields (the two it does not carry undefined), so the packet path meets one object shape
 * whatever the protocol. Packets are never changed once made.
 */
interface Ipv4Header {
  /** follows one packet through the trace; forwarding and NAT keep it */
  pid: number;
  src: Ipv4;
  dst: Ipv4;
  ttl: number;
  id: number;
  /** IP_DF: routers must not fragment it; one too big for the next link is dropped with "frag needed" */
  df: boolean;
  /** a fragment of the datagram (its transport message is the whole datagram's), or undefined */
  frag: IpFrag | undefined;
}

/**
 * Where a fragment sits in its datagram: `offset` and `len` in bytes of the IP payload (offset a
 * multiple of 8) and IP_MF, set on every fragment but the last.
 */
export interface IpFrag {
  offset: number;
  len: number;
  more: boolean;
}

export interface IcmpPacket extends Ipv4Header {
  proto: 'icmp';
  icmp: IcmpMessage;
  udp: undefined;
  tcp: undefined;
}

export interface UdpPacket extends Ipv4Header {
  proto: 'udp';
  icmp: undefined;
  udp: UdpDatagram;
  tcp: undefined;
}

export interface TcpPacket extends Ipv4Header {
  proto: 'tcp';
  icmp: undefined;
  udp: undefined;
  tcp: TcpSegment;
}

export type Ipv4Packet = IcmpPacket | UdpPacket | TcpPacket;
export type IpProto = Ipv4Packet['proto'];

/** IANA protocol numbers, as the IPv4 header carries them. */
export const IPPROTO = { icmp: 1, tcp: 6, udp: 17 } as const satisfies Record<IpProto, number>;

export const IPV4_HEADER = 20;

function ipv4Packet(pid: number, src: Ipv4, dst: Ipv4, ttl: number, id: number, df: boolean, frag: IpFrag | undefined, proto: IpProto, icmp: IcmpMessage | undefined, udp: UdpDatagram | undefined, tcp: TcpSegment | undefined): Ipv4Packet {
  return { pid, src, dst, ttl, id, df, frag, proto, icmp, udp, tcp } as Ipv4Packet;
}

export const icmpPacket = (pid: number, src: Ipv4, dst: Ipv4, ttl: number, id: number, icmp: IcmpMessage, df = false): IcmpPacket => ipv4Packet(pid, src, dst, ttl, id, df, undefined, 'icmp', icmp, undefined, undefined) as IcmpPacket;
export const udpPacket = (pid: number, src: Ipv4, dst: Ipv4, ttl: number, id: number, udp: UdpDatagram, df = false): UdpPacket => ipv4Packet(pid, src, dst, ttl, id, df, undefined, 'udp', undefined, udp, undefined) as UdpPacket;
export const tcpPacket = (pid: number, src: Ipv4, dst: Ipv4, ttl: number, id: number, tcp: TcpSegment, df = false): TcpPacket => ipv4Packet(pid, src, dst, ttl, id, df, undefined, 'tcp', undefined, undefined, tcp) as TcpPacket;

/** The same datagram with another TTL (ip_forward's decrement; a quoted copy when ttl is unchanged). */
export const withTtl = <P extends Ipv4Packet>(p: P, ttl: number): P => ipv4Packet(p.pid, p.src, p.dst, ttl, p.id, p.df, p.frag, p.proto, p.icmp, p.udp, p.tcp) as P;

/** The same datagram with other addresses (NAT); the transport message is shared. */
export const withAddrs = <P extends Ipv4Packet>(p: P, src: Ipv4, dst: Ipv4): P => ipv4Packet(p.pid, src, dst, p.ttl, p.id, p.df, p.frag, p.proto, p.icmp, p.udp, p.tcp) as P;

/** One fragment of p (ip_do_fragment(): the header is copied, DF is not). */
export const asFragment = <P extends Ipv4Packet>(p: P, frag: IpFrag): P => ipv4Packet(p.pid, p.src, p.dst, p.ttl, p.id, false, frag, p.proto, p.icmp, p.udp, p.tcp) as P;

/** The datagram a complete set of fragments makes again (ip_frag_reasm()), with the last one's TTL. */
export const reassembled = <P extends Ipv4Packet>(p: P): P => ipv4Packet(p.pid, p.src, p.dst, p.ttl, p.id, false, undefined, p.proto, p.icmp, p.udp, p.tcp) as P;

/** The IP total length (of the fragment, for a fragment). */
export function ipTotalLength(p: Ipv4Packet): number {
  return p.frag ? IPV4_HEADER + p.frag.len : datagramLength(p);
}

/** The whole datagram's IP total length, whether p is a fragment of it or not. */
export function datagramLength(p: Ipv4Packet): number {
  switch (p.proto) {
    case 'icmp':
      return IPV4_HEADER + icmpLength(p.icmp, ipTotalLength);
    case 'udp':
      return IPV4_HEADER + udpLength(p.udp);
    case 'tcp':
      return IPV4_HEADER + tcpLength(p.tcp);
  }
}

/** Its transport message in the trace's words. */
export function describeTransport(p: Ipv4Packet): string {
  switch (p.proto) {
    case 'icmp':
      return describeIcmp(p.icmp);
    case 'udp':
      return describeUdp(p.udp);
    case 'tcp':
      return describeTcp(p.tcp);
  }
}

/** The trace's words for a packet: "ICMP echo request seq 1 10.0.0.1 → 10.0.0.2 (ttl 64)". */
export const describePacket = (p: Ipv4Packet): string =>
  `${describeTransport(p)} ${formatIpv4(p.src)} → ${formatIpv4(p.dst)} (ttl ${p.ttl})${p.frag ? `, fragment of ${p.frag.len} bytes at ${p.frag.offset}${p.frag.more ? '' : ', the last'}` : ''}`;
