import type { Payload } from './payload';

/** A UDP datagram (RFC 768). */
export interface UdpDatagram {
  sport: number;
  dport: number;
  payload: Payload;
}

export const UDP_HEADER = 8;

export const udpLength = (d: UdpDatagram): number => UDP_HEADER + d.payload.len;

/** The trace's words: "UDP 40001 → 33434". */
export const describeUdp = (d: UdpDatagram): string => `UDP ${d.sport} → ${d.dport}`;
