import type { Ipv4 } from '../addr/ipv4';
import type { Mac } from '../addr/mac';

export const ICMP = {
  ECHOREPLY: 0,
  DEST_UNREACH: 3,
  REDIRECT: 5,
  ECHO: 8,
  TIME_EXCEEDED: 11,
} as const;

export const ICMP_UNREACH = { NET: 0, HOST: 1, PROT: 2, PORT: 3, FRAG_NEEDED: 4, PKT_FILTERED: 13 } as const;

export type IcmpMessage =
  | { type: 0 | 8; code: 0; id: number; seq: number; payloadLen: number }
  | { type: 3 | 11; code: number; inner: Ipv4Packet }
  | { type: 5; code: number; gateway: Ipv4; inner: Ipv4Packet };

export interface UdpDatagram {
  sport: number;
  dport: number;
  payloadLen: number;
}

/** An IPv4 datagram. `pid` follows one packet through the trace; forwarding keeps it. */
export interface Ipv4Packet {
  pid: number;
  src: Ipv4;
  dst: Ipv4;
  ttl: number;
  id: number;
  proto: 'icmp' | 'udp';
  icmp?: IcmpMessage;
  udp?: UdpDatagram;
}

/**
 * A new IPv4 packet. Every packet is made here with every field (the message it does not carry
 * left undefined), so the packet path meets one object shape whatever the protocol.
 */
export function ipv4Packet(pid: number, src: Ipv4, dst: Ipv4, ttl: number, id: number, proto: 'icmp' | 'udp', icmp: IcmpMessage | undefined, udp: UdpDatagram | undefined): Ipv4Packet {
  return { pid, src, dst, ttl, id, proto, icmp, udp };
}

/** The same datagram with another TTL (ip_forward's decrement; a quoted copy when ttl is unchanged). */
export const withTtl = (p: Ipv4Packet, ttl: number): Ipv4Packet => ipv4Packet(p.pid, p.src, p.dst, ttl, p.id, p.proto, p.icmp, p.udp);

export interface ArpMessage {
  op: 'request' | 'reply';
  sha: Mac;
  sip: Ipv4;
  tha: Mac;
  tip: Ipv4;
}

export interface Frame {
  pid: number;
  src: Mac;
  dst: Mac;
  arp?: ArpMessage;
  ip?: Ipv4Packet;
}

/** What a socket learns about a packet it sent: a local failure or an ICMP error (IP_RECVERR). */
export interface SockError {
  /** the address the error came from (ee_offender) */
  from: Ipv4;
  icmpType: number;
  icmpCode: number;
  /** the original datagram, as quoted in the ICMP error */
  inner: Ipv4Packet;
}

export const IPV4_HEADER = 20;
export const ICMP_HEADER = 8;
export const UDP_HEADER = 8;

export function ipTotalLength(p: Ipv4Packet): number {
  if (p.proto === 'udp') return IPV4_HEADER + UDP_HEADER + (p.udp?.payloadLen ?? 0);
  const m = p.icmp!;
  if (m.type === 0 || m.type === 8) return IPV4_HEADER + ICMP_HEADER + m.payloadLen;
  return IPV4_HEADER + ICMP_HEADER + Math.min(ipTotalLength((m as { inner: Ipv4Packet }).inner), IPV4_HEADER + 8 + 548);
}
