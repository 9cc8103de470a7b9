import type { Payload } from './payload';

/**
 * The options Linux puts on its segments (tcp_options_write()): MSS, SACK permitted and window
 * scale on a SYN, timestamps on every segment of a connection that negotiated them.
 */
export interface TcpOptions {
  mss?: number;
  sackOk?: boolean;
  /** TSval and TSecr */
  ts?: readonly [number, number];
  wscale?: number;
}

/** A TCP segment (RFC 9293): the header fields the state machine reads, its options and its payload. */
export interface TcpSegment {
  sport: number;
  dport: number;
  seq: number;
  ack: number;
  /** TCP_FLAG bits */
  flags: number;
  /** the window field as sent (already shifted right by the sender's window scale) */
  window: number;
  opts?: TcpOptions;
  payload: Payload;
}

/** Header flag bits, in the header's order. */
export const TCP_FLAG = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20 } as const;

export const TCP_HEADER = 20;

/**
 * Bytes the options take, padded as Linux lays them out: on a SYN mss (4), sackOK (2) beside
 * the timestamps (10), nop + wscale (4); on later segments nop, nop, timestamps (12).
 */
export function tcpOptionsLength(o: TcpOptions | undefined): number {
  if (o === undefined) return 0;
  let n = 0;
  if (o.mss !== undefined) n += 4;
  if (o.ts !== undefined) n += 12;
  else if (o.sackOk) n += 4;
  if (o.wscale !== undefined) n += 4;
  return n;
}

export const tcpLength = (s: TcpSegment): number => TCP_HEADER + tcpOptionsLength(s.opts) + s.payload.len;

/** tcpdump's options list: "mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7" / "nop,nop,TS val 3 ecr 2". */
export function formatTcpOptions(o: TcpOptions): string {
  const parts: string[] = [];
  if (o.mss !== undefined) parts.push(`mss ${o.mss}`);
  if (o.ts !== undefined) {
    if (o.sackOk) parts.push('sackOK');
    else parts.push('nop', 'nop');
    parts.push(`TS val ${o.ts[0] >>> 0} ecr ${o.ts[1] >>> 0}`);
  } else if (o.sackOk) parts.push('nop', 'nop', 'sackOK');
  if (o.wscale !== undefined) parts.push('nop', `wscale ${o.wscale}`);
  return parts.join(',');
}

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

/**
 * tcpdump's TCP printer over the inspector view. `seq` is printed as "a:b" when the segment carries
 * data, and left out of a bare ACK (as tcpdump does); the caller passes relative numbers if it
 * tracks the connection.
 */
export function formatTcpView(t: { flags: string; seq: number; ack?: number; win: number; len: number; opts?: string }, rel: { seq: number; ack?: number } = t): string {
  const dataOrCtl = t.len > 0 || /[SFR]/.test(t.flags);
  const seq = !dataOrCtl ? '' : t.len > 0 ? `, seq ${rel.seq >>> 0}:${(rel.seq + t.len) >>> 0}` : `, seq ${rel.seq >>> 0}`;
  const ack = rel.ack !== undefined ? `, ack ${rel.ack >>> 0}` : '';
  return `Flags [${t.flags}]${seq}${ack}, win ${t.win}${t.opts ? `, options [${t.opts}]` : ''}, length ${t.len}`;
}
