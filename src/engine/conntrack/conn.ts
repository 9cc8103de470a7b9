/**
 * A tracked connection (struct nf_conn; read net/netfilter/nf_conntrack_core.c first).
 *
 * A connection has two tuples: the original direction as its first packet had it, and the reply
 * direction as replies will arrive. NAT changes the reply tuple (a DNAT to 10.244.2.5:8080 makes
 * replies come *from* 10.244.2.5:8080), so looking a reply up finds the connection, and the
 * difference between the two tuples is what gets undone on the way back.
 */
import type { Ipv4 } from '../addr/ipv4';

/**
 * struct nf_conntrack_tuple. Ports are the TCP/UDP ports; for ICMP `sport` is the echo
 * identifier and `dport` is type << 8 | code, as the kernel keeps them (u.icmp.id, u.icmp.type/code).
 */
export interface Tuple {
  src: Ipv4;
  dst: Ipv4;
  proto: number;
  sport: number;
  dport: number;
}

/** IPS_* status bits (include/uapi/linux/netfilter/nf_conntrack_common.h). */
export const IPS = {
  EXPECTED: 1 << 0,
  SEEN_REPLY: 1 << 1,
  ASSURED: 1 << 2,
  CONFIRMED: 1 << 3,
  SRC_NAT: 1 << 4,
  DST_NAT: 1 << 5,
  SRC_NAT_DONE: 1 << 7,
  DST_NAT_DONE: 1 << 8,
  DYING: 1 << 9,
  /** packets do not refresh the timeout (set with conntrack -u FIXED_TIMEOUT) */
  FIXED_TIMEOUT: 1 << 10,
  /** flow offloading (nf_flow_table), software and hardware: never set here */
  OFFLOAD: 1 << 14,
  HW_OFFLOAD: 1 << 15,
} as const;

/** TCP conntrack states (enum tcp_conntrack), as `conntrack -L` names them. */
export const TCP_CONNTRACK = ['NONE', 'SYN_SENT', 'SYN_RECV', 'ESTABLISHED', 'FIN_WAIT', 'CLOSE_WAIT', 'LAST_ACK', 'TIME_WAIT', 'CLOSE', 'SYN_SENT2'] as const;
export type TcpCtState = (typeof TCP_CONNTRACK)[number];

export const IP_CT_DIR = { ORIGINAL: 0, REPLY: 1 } as const;
export type CtDir = 0 | 1;

export interface Conn {
  /** allocation order: a stand-in for the kernel's hash order in listings */
  id: number;
  /** tuplehash[IP_CT_DIR_ORIGINAL], tuplehash[IP_CT_DIR_REPLY] */
  orig: Tuple;
  reply: Tuple;
  status: number;
  /** virtual ms when the entry was made, and when it dies unless a packet refreshes it */
  created: number;
  expires: number;
  /** TCP state (tcp only) */
  tcp: TcpCtState | undefined;
  /** the TCP direction that sent the last FIN, SYN, … (state tracking needs it) */
  tcpLastDir: CtDir;
  /** ct->mark (CONNMARK) */
  mark: number;
  /** packets and bytes seen in each direction */
  packets: [number, number];
  bytes: [number, number];
  /** confirmed: in the table (the first packet got through POSTROUTING or INPUT) */
  confirmed: boolean;
}

export const tupleKey = (t: Tuple): string => `${t.proto}|${t.src}|${t.dst}|${t.sport}|${t.dport}`;

export const sameTuple = (a: Tuple, b: Tuple): boolean => a.src === b.src && a.dst === b.dst && a.proto === b.proto && a.sport === b.sport && a.dport === b.dport;

/** A copy (connections are changed in place by packets). */
export const cloneConn = (ct: Conn): Conn => ({ ...ct, orig: { ...ct.orig }, reply: { ...ct.reply }, packets: [ct.packets[0], ct.packets[1]], bytes: [ct.bytes[0], ct.bytes[1]] });
