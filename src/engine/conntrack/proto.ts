/**
 * Per-protocol connection tracking (nf_conntrack_proto_{icmp,udp,tcp}.c): how a packet becomes a
 * tuple, which packets may start a connection, and how each packet moves its connection's state
 * and timeout. Timeouts are the namespace's `net.netfilter.nf_conntrack_*` sysctls, in seconds.
 */
import type { Netns } from '../netns/netns';
import { IPPROTO, TCPF, type Skb } from '../netfilter/skb';
import { IPS, type Conn, type CtDir, type TcpCtState, type Tuple } from './conn';
import { CT_SYSCTL_DEFAULTS } from '../netfilter/sysctls';

/** A conntrack timeout in ms, from the namespace's sysctl (the default when unreadable). */
export function ctTimeout(ns: Netns, name: string): number {
  const key = `net.netfilter.nf_conntrack_${name}`;
  const v = Number(ns.sysctl.get(key) ?? CT_SYSCTL_DEFAULTS[key]);
  return (Number.isFinite(v) ? v : Number(CT_SYSCTL_DEFAULTS[key])) * 1000;
}

const ICMP_ECHO = 8;
const ICMP_ECHOREPLY = 0;
/** the ICMP requests that may start a connection, and the reply type each expects (invmap) */
const ICMP_INVMAP: Record<number, number> = { 8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 17: 18, 18: 17 };
const ICMP_NEW_OK = new Set([8, 13, 15, 17]);
/** ICMP errors: they belong to the connection of the packet they quote */
export const ICMP_ERRORS = new Set([3, 4, 5, 11, 12]);

/** nf_ct_get_tuple(): the packet's tuple, or undefined for a protocol without ports it cannot track by them. */
export function tupleOf(skb: Skb): Tuple {
  if (skb.proto === IPPROTO.ICMP) return { src: skb.src, dst: skb.dst, proto: 1, sport: skb.icmpId, dport: (skb.icmpType << 8) | skb.icmpCode };
  if (skb.proto === IPPROTO.TCP || skb.proto === IPPROTO.UDP) return { src: skb.src, dst: skb.dst, proto: skb.proto, sport: skb.sport, dport: skb.dport };
  return { src: skb.src, dst: skb.dst, proto: skb.proto, sport: 0, dport: 0 };
}

/** nf_ct_invert_tuple(): the tuple replies carry (an echo request's reply is an echo reply). */
export function invertTuple(t: Tuple): Tuple {
  if (t.proto === 1) {
    const type = t.dport >> 8;
    const inv = ICMP_INVMAP[type];
    return { src: t.dst, dst: t.src, proto: 1, sport: t.sport, dport: ((inv ?? type) << 8) | (t.dport & 0xff) };
  }
  return { src: t.dst, dst: t.src, proto: t.proto, sport: t.dport, dport: t.sport };
}

/** Can this packet start a connection (icmp_new, tcp_new)? */
export function mayStart(ns: Netns, skb: Skb): boolean {
  if (skb.proto === IPPROTO.ICMP) return ICMP_NEW_OK.has(skb.icmpType);
  if (skb.proto === IPPROTO.TCP) {
    const i = tcpIndex(skb.tcpFlags);
    if (i === 'syn') return true;
    // mid-stream pickup (nf_conntrack_tcp_loose)
    return i === 'ack' && ns.sysctl.get('net.netfilter.nf_conntrack_tcp_loose') !== '0';
  }
  return true;
}

type TcpIndex = 'syn' | 'synack' | 'fin' | 'ack' | 'rst' | 'none';

/** get_conntrack_index() */
function tcpIndex(flags: number): TcpIndex {
  if (flags & TCPF.RST) return 'rst';
  if (flags & TCPF.SYN) return flags & TCPF.ACK ? 'synack' : 'syn';
  if (flags & TCPF.FIN) return 'fin';
  if (flags & TCPF.ACK) return 'ack';
  return 'none';
}

const S = { NO: 0, SS: 1, SR: 2, ES: 3, FW: 4, CW: 5, LA: 6, TW: 7, CL: 8, S2: 9, IV: 10, IG: 11 } as const;
const STATES: TcpCtState[] = ['NONE', 'SYN_SENT', 'SYN_RECV', 'ESTABLISHED', 'FIN_WAIT', 'CLOSE_WAIT', 'LAST_ACK', 'TIME_WAIT', 'CLOSE', 'SYN_SENT2'];
const { NO: sNO, SS: sSS, SR: sSR, ES: sES, FW: sFW, CW: sCW, LA: sLA, TW: sTW, CL: sCL, S2: sS2, IV: sIV, IG: sIG } = S;

/** tcp_conntracks[dir][index][state] of nf_conntrack_proto_tcp.c */
const TCP_CONNTRACKS: Record<CtDir, Record<TcpIndex, number[]>> = {
  0: {
    syn: [sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2],
    synack: [sIV, sIV, sSR, sIV, sIV, sIV, sIV, sIV, sIV, sSR],
    fin: [sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV],
    ack: [sES, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV],
    rst: [sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL],
    none: [sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV],
  },
  1: {
    syn: [sIV, sS2, sIV, sIV, sIV, sIV, sIV, sSS, sIV, sS2],
    synack: [sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR],
    fin: [sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV],
    ack: [sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG],
    rst: [sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL],
    none: [sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV],
  },
};

const TCP_TIMEOUT_NAME: Record<TcpCtState, string> = {
  NONE: 'tcp_timeout_close',
  SYN_SENT: 'tcp_timeout_syn_sent',
  SYN_RECV: 'tcp_timeout_syn_recv',
  ESTABLISHED: 'tcp_timeout_established',
  FIN_WAIT: 'tcp_timeout_fin_wait',
  CLOSE_WAIT: 'tcp_timeout_close_wait',
  LAST_ACK: 'tcp_timeout_last_ack',
  TIME_WAIT: 'tcp_timeout_time_wait',
  CLOSE: 'tcp_timeout_close',
  SYN_SENT2: 'tcp_timeout_syn_sent',
};

/** The state a new TCP connection starts in, for its first packet. */
export function tcpNewState(skb: Skb): TcpCtState {
  return STATES[TCP_CONNTRACKS[0][tcpIndex(skb.tcpFlags)][sNO]];
}

/**
 * The protocol's packet handler (tcp_packet, udp_packet, icmp_packet): update the connection for
 * a packet of direction `dir` and refresh its timeout. false: the packet is invalid (it goes on
 * without a connection, and `-m conntrack --ctstate INVALID` sees it).
 */
export function ctPacket(ns: Netns, ct: Conn, dir: CtDir, skb: Skb, now: number): boolean {
  switch (ct.orig.proto) {
    case IPPROTO.TCP: {
      const old = ct.tcp ?? 'NONE';
      const oldIdx = STATES.indexOf(old);
      const next = TCP_CONNTRACKS[dir][tcpIndex(skb.tcpFlags)][oldIdx];
      if (next === sIV) return false;
      if (next !== sIG) {
        const state = STATES[next];
        ct.tcp = state;
        ct.tcpLastDir = dir;
        if (!(ct.status & IPS.ASSURED) && (old === 'SYN_RECV' || old === 'ESTABLISHED') && state === 'ESTABLISHED') ct.status |= IPS.ASSURED;
      }
      ct.expires = now + ctTimeout(ns, TCP_TIMEOUT_NAME[ct.tcp ?? 'NONE']);
      return true;
    }
    case IPPROTO.UDP:
      if (ct.status & IPS.SEEN_REPLY) {
        // still active two seconds after it began: a stream (udp_timeout_stream) and assured
        if (now > ct.created + 2000) {
          ct.status |= IPS.ASSURED;
          ct.expires = now + ctTimeout(ns, 'udp_timeout_stream');
        } else ct.expires = now + ctTimeout(ns, 'udp_timeout');
      } else ct.expires = now + ctTimeout(ns, 'udp_timeout');
      return true;
    case IPPROTO.ICMP:
      ct.expires = now + ctTimeout(ns, 'icmp_timeout');
      return true;
    default:
      ct.expires = now + ctTimeout(ns, 'generic_timeout');
      return true;
  }
}

export const isEchoOrReply = (type: number): boolean => type === ICMP_ECHO || type === ICMP_ECHOREPLY;
