import type { Payload } from './payload';

/**
 * A TCP segment (RFC 9293): the header fields the state machine reads, and its payload. Options
 * (MSS, window scale, SACK, timestamps) are not modelled.
 */
export interface TcpSegment {
  sport: number;
  dport: number;
  seq: number;
  ack: number;
  /** TCP_FLAG bits */
  flags: number;
  window: number;
  payload: Payload;
}

/** Header flag bits, in the header's order. */
export const TCP_FLAG = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20 } as const;

export const TCP_HEADER = 20;

export const tcpLength = (s: TcpSegment): number => TCP_HEADER + s.payload.len;

/** How much sequence space a segment takes: its data, plus one for SYN and one for FIN. */
export const tcpSeqLength = (s: TcpSegment): number => s.payload.len + (s.flags & TCP_FLAG.SYN ? 1 : 0) + (s.flags & TCP_FLAG.FIN ? 1 : 0);

/** tcpdump's flag letters (tcp_flag_values, in its order): "S", "S.", "P.", "R", "none". */
export function tcpFlagLetters(flags: number): string {
  let s = '';
  if (flags & TCP_FLAG.FIN) s += 'F';
  if (flags & TCP_FLAG.SYN) s += 'S';
  if (flags & TCP_FLAG.RST) s += 'R';
  if (flags & TCP_FLAG.PSH) s += 'P';
  if (flags & TCP_FLAG.ACK) s += '.';
  if (flags & TCP_FLAG.URG) s += 'U';
  return s || 'none';
}

/** The trace's words: "TCP 43210 → 80 [S]". */
export const describeTcp = (s: TcpSegment): string => `TCP ${s.sport} → ${s.dport} [${tcpFlagLetters(s.flags)}]`;

/** tcpdump's TCP printer over the inspector view (absolute sequence numbers, no options). */
export function formatTcpView(t: { flags: string; seq: number; ack?: number; win: number; len: number }): string {
  return `Flags [${t.flags}], seq ${t.seq}${t.ack !== undefined ? `, ack ${t.ack}` : ''}, win ${t.win}, length ${t.len}`;
}
