/**
 * What netfilter sees of a packet at a hook: the IPv4 and transport headers it matches on and
 * rewrites (NAT), the skb's mark, and the hook state (devices, the bridge ports of a bridged
 * frame, the conntrack entry, the owning socket). The packet path builds one per hook traversal
 * from its own packet type and reads NAT rewrites back from it (see hooks.ts).
 */
import type { Ipv4 } from '../addr/ipv4';
import type { Netdev } from '../netns/netdev';
import type { Netns } from '../netns/netns';
import type { Conn } from '../conntrack/conn';
import type { NfHook } from './types';

export const IPPROTO = { ICMP: 1, TCP: 6, UDP: 17, SCTP: 132 } as const;

/** TCP header flags, as the kernel numbers them. */
export const TCPF = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20, ECE: 0x40, CWR: 0x80 } as const;

/**
 * Where a packet stands with its connection (enum ip_conntrack_info). INVALID is Hoplab's name for
 * "conntrack saw it and found no connection" (the kernel leaves skb->_nfct empty); UNTRACKED is
 * NOTRACK's template.
 */
export const CTINFO = { ESTABLISHED: 0, RELATED: 1, NEW: 2, ESTABLISHED_REPLY: 3, RELATED_REPLY: 4, UNTRACKED: 7, INVALID: 8 } as const;
export type CtInfo = (typeof CTINFO)[keyof typeof CTINFO];

export interface Skb {
  src: Ipv4;
  dst: Ipv4;
  /** IPPROTO_* */
  proto: number;
  /** IP total length: what byte counters count */
  len: number;
  ttl: number;
  tos: number;
  id: number;
  df: boolean;
  /** fragment offset in 8-byte units: non-zero for second and later fragments (-f) */
  fragOff: number;
  /** TCP/UDP ports (0 otherwise) */
  sport: number;
  dport: number;
  /** ICMP type and code (-1 when not ICMP) */
  icmpType: number;
  icmpCode: number;
  /** ICMP echo identifier and sequence */
  icmpId: number;
  icmpSeq: number;
  /** TCP flags (TCPF bits) */
  tcpFlags: number;
  /** the ICMP error's quoted datagram, as far as conntrack needs it */
  inner: SkbInner | undefined;
  /** skb->mark */
  mark: number;
}

/** The header an ICMP error quotes (the packet that caused it). */
export interface SkbInner {
  src: Ipv4;
  dst: Ipv4;
  proto: number;
  sport: number;
  dport: number;
  icmpType: number;
  icmpCode: number;
  icmpId: number;
}

/** struct nf_hook_state, plus what the matches read from the skb's surroundings. */
export interface HookState {
  hook: NfHook;
  ns: Netns;
  in: Netdev | undefined;
  out: Netdev | undefined;
  /** bridge ports of a bridged frame (br_netfilter's physindev/physoutdev) */
  physIn: Netdev | undefined;
  physOut: Netdev | undefined;
  /** true while br_netfilter runs the frame through the IP hooks */
  bridged: boolean;
  ct: Conn | undefined;
  ctinfo: CtInfo;
  /** the sending socket's owner, for locally generated packets */
  uid: number | undefined;
  gid: number | undefined;
}

/** A fresh skb view with every field set (one object shape on the hot path). */
export function makeSkb(src: Ipv4, dst: Ipv4, proto: number, len: number): Skb {
  return {
    src,
    dst,
    proto,
    len,
    ttl: 64,
    tos: 0,
    id: 0,
    df: false,
    fragOff: 0,
    sport: 0,
    dport: 0,
    icmpType: -1,
    icmpCode: -1,
    icmpId: 0,
    icmpSeq: 0,
    tcpFlags: 0,
    inner: undefined,
    mark: 0,
  };
}

export function makeHookState(ns: Netns, hook: NfHook, inDev: Netdev | undefined, outDev: Netdev | undefined): HookState {
  return { hook, ns, in: inDev, out: outDev, physIn: undefined, physOut: undefined, bridged: false, ct: undefined, ctinfo: CTINFO.INVALID, uid: undefined, gid: undefined };
}
