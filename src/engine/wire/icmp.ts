import type { Ipv4 } from '../addr/ipv4';
import type { Ipv4Packet } from './ipv4';
import type { PacketView } from './view';

/**
 * ICMP (RFC 792): the message types Hoplab sends and understands, and every name they go by — the
 * trace's and tcpdump's ("echo request", "time exceeded in-transit"), iputils ping's ("Destination
 * Host Unreachable") and the short label of the trace list ("unreachable"). No other file names them.
 */

export const ICMP = {
  ECHOREPLY: 0,
  DEST_UNREACH: 3,
  REDIRECT: 5,
  ECHO: 8,
  TIME_EXCEEDED: 11,
} as const;

/** ICMP_DEST_UNREACH codes (include/uapi/linux/icmp.h) */
export const ICMP_UNREACH = { NET: 0, HOST: 1, PROT: 2, PORT: 3, FRAG_NEEDED: 4, SR_FAILED: 5, NET_ANO: 9, HOST_ANO: 10, PKT_FILTERED: 13 } as const;

/** ICMP_TIME_EXCEEDED codes */
export const ICMP_EXC = { TTL: 0, FRAGTIME: 1 } as const;

/** ICMP_REDIRECT codes */
export const ICMP_REDIR = { NET: 0, HOST: 1 } as const;

export type IcmpEcho = { type: 0 | 8; code: 0; id: number; seq: number; payloadLen: number };
/** `mtu`: the next-hop mtu a "fragmentation needed" carries (RFC 1191) */
export type IcmpError = { type: 3 | 11; code: number; inner: Ipv4Packet; mtu?: number };
export type IcmpRedirect = { type: 5; code: number; gateway: Ipv4; inner: Ipv4Packet };
export type IcmpMessage = IcmpEcho | IcmpError | IcmpRedirect;

export const ICMP_HEADER = 8;
/** An ICMP error quotes the offending datagram: its header and at most this many bytes in all (576 − 20 − 8). */
const ICMP_QUOTE_MAX = 548;

export const isEcho = (m: IcmpMessage): m is IcmpEcho => m.type === ICMP.ECHO || m.type === ICMP.ECHOREPLY;

/** The bytes an ICMP message takes (header included). */
export function icmpLength(m: IcmpMessage, quotedLength: (p: Ipv4Packet) => number): number {
  if (isEcho(m)) return ICMP_HEADER + m.payloadLen;
  return ICMP_HEADER + Math.min(quotedLength(m.inner), ICMP_QUOTE_MAX);
}

const UNREACH_NAMES: Record<number, string> = { 0: 'net unreachable', 1: 'host unreachable', 2: 'protocol unreachable', 3: 'port unreachable', 4: 'need to frag', 13: 'packet filtered' };

/** The message's name as the trace and tcpdump say it. */
export function icmpName(type: number, code: number): string {
  switch (type) {
    case ICMP.ECHOREPLY:
      return 'echo reply';
    case ICMP.ECHO:
      return 'echo request';
    case ICMP.TIME_EXCEEDED:
      return code === ICMP_EXC.FRAGTIME ? 'ip reassembly time exceeded' : 'time exceeded in-transit';
    case ICMP.REDIRECT:
      return 'redirect';
    case ICMP.DEST_UNREACH:
      return UNREACH_NAMES[code] ?? `unreachable code ${code}`;
    default:
      return `type ${type}`;
  }
}

/** A short label for lists ("echo request", "time exceeded", "unreachable"). */
export function icmpKind(type: number, code: number): string {
  switch (type) {
    case ICMP.ECHOREPLY:
    case ICMP.ECHO:
      return icmpName(type, code);
    case ICMP.TIME_EXCEEDED:
      return 'time exceeded';
    case ICMP.DEST_UNREACH:
      return 'unreachable';
    default:
      return `ICMP ${icmpName(type, code)}`;
  }
}

const IPUTILS_UNREACH: Record<number, string> = {
  0: 'Destination Net Unreachable',
  1: 'Destination Host Unreachable',
  2: 'Destination Protocol Unreachable',
  3: 'Destination Port Unreachable',
  4: 'Frag needed and DF set',
  5: 'Source Route Failed',
  6: 'Destination Net Unknown',
  7: 'Destination Host Unknown',
  9: 'Destination Net Prohibited',
  10: 'Destination Host Prohibited',
  13: 'Packet filtered',
};

/** An ICMP error as iputils ping prints it after "From X icmp_seq=N" (pr_icmph()). */
export function icmpErrorText(type: number, code: number): string {
  if (type === ICMP.TIME_EXCEEDED) return code === ICMP_EXC.TTL ? 'Time to live exceeded' : 'Frag reassembly time exceeded';
  return IPUTILS_UNREACH[code] ?? `Dest Unreachable, Bad Code: ${code}`;
}

/** The trace's words for an ICMP message: "ICMP echo request seq 1". */
export const describeIcmp = (m: IcmpMessage): string => `ICMP ${icmpName(m.type, m.code)}${isEcho(m) ? ` seq ${m.seq}` : ''}`;

/** tcpdump's ICMP printer (print-icmp.c), over the inspector view; `len` is the ICMP length. */
export function formatIcmpView(p: PacketView, len: number): string {
  const icmp = p.icmp!;
  const inner = icmp.inner;
  switch (icmp.type) {
    case ICMP.ECHO:
    case ICMP.ECHOREPLY:
      return `ICMP ${icmpName(icmp.type, 0)}, id ${icmp.id ?? 0}, seq ${icmp.seq ?? 0}, length ${len}`;
    case ICMP.DEST_UNREACH: {
      // tcpdump names the unreachable target from the quoted header
      const dst = inner?.dst;
      if (dst) {
        switch (icmp.code) {
          case ICMP_UNREACH.NET:
            return `ICMP net ${dst} unreachable, length ${len}`;
          case ICMP_UNREACH.HOST:
            return `ICMP host ${dst} unreachable, length ${len}`;
          case ICMP_UNREACH.PROT:
            return `ICMP ${dst} protocol ${inner.proto === 'UDP' ? 17 : inner.proto === 'TCP' ? 6 : 1} unreachable, length ${len}`;
          case ICMP_UNREACH.PORT:
            if (inner.udp) return `ICMP ${dst} udp port ${inner.udp.dport} unreachable, length ${len}`;
            if (inner.tcp) return `ICMP ${dst} tcp port ${inner.tcp.dport} unreachable, length ${len}`;
            break;
          case ICMP_UNREACH.FRAG_NEEDED:
            return `ICMP ${dst} unreachable - need to frag (mtu ${icmp.mtu ?? 0}), length ${len}`;
          case ICMP_UNREACH.PKT_FILTERED:
            return `ICMP host ${dst} unreachable - admin prohibited filter, length ${len}`;
        }
      }
      return `ICMP ${icmp.name}, length ${len}`;
    }
    default:
      return `ICMP ${icmp.name}, length ${len}`;
  }
}
