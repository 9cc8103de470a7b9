import type { PacketView } from '../wire/view';

export type { PacketView };

/**
 * Trace events: the record of every forwarding decision a packet meets.
 *
 * The UI animates this stream and never reaches into engine state; a student should be able to
 * answer "why did this ping fail?" from the events alone. Each event names the namespace and
 * device where it happened, a kernel-named verdict, and a sentence for people.
 */

/** Verdicts, named after the kernel's skb_drop_reason and route types. */
export const Verdict = {
  // progress
  XMIT: 'XMIT', // a frame leaves a device
  RCV: 'RCV', // a frame arrives on a device
  VETH_XMIT: 'VETH_XMIT', // crossed a veth pair to its peer
  FIB_MATCH: 'FIB_MATCH', // route lookup found an entry
  NEIGH_RESOLVE: 'NEIGH_RESOLVE', // ARP request sent
  NEIGH_REPLY: 'NEIGH_REPLY', // ARP reply sent / received
  NEIGH_HIT: 'NEIGH_HIT', // neighbour entry already valid
  FDB_HIT: 'FDB_HIT', // bridge forwarded to the learned port
  FDB_LEARN: 'FDB_LEARN',
  FLOOD: 'FLOOD', // bridge flooded an unknown or broadcast frame
  BR_LOCAL: 'BR_LOCAL', // bridge passed the frame up to its own IP stack
  FORWARD: 'FORWARD', // ip_forward: routed on to the next hop
  LOCAL_DELIVER: 'LOCAL_DELIVER', // ip_local_deliver: the packet is for this namespace
  ICMP_REPLY: 'ICMP_REPLY', // an echo reply or ICMP error is generated
  VXLAN_ENCAP: 'VXLAN_ENCAP', // a vxlan device wrapped a frame in UDP to a remote VTEP
  VXLAN_DECAP: 'VXLAN_DECAP', // a VXLAN datagram came out of its vxlan device as a frame
  // drops (SKB_DROP_REASON_* / route types)
  IP_INNOROUTES: 'IP_INNOROUTES', // no route to the destination
  IP_OUTNOROUTES: 'IP_OUTNOROUTES',
  RTN_UNREACHABLE: 'RTN_UNREACHABLE',
  RTN_BLACKHOLE: 'RTN_BLACKHOLE',
  RTN_PROHIBIT: 'RTN_PROHIBIT',
  IP_FORWARDING_DISABLED: 'IP_FORWARDING_DISABLED', // net.ipv4.ip_forward / conf.X.forwarding is 0
  IP_INHDR_TTL: 'IP_INHDR_TTL', // TTL expired in transit
  NEIGH_FAILED: 'NEIGH_FAILED', // ARP got no answer
  NEIGH_QUEUEFULL: 'NEIGH_QUEUEFULL',
  NETDEV_DOWN: 'NETDEV_DOWN', // device administratively down
  NO_CARRIER: 'NO_CARRIER', // device up but no carrier (veth peer down, bridge without ports…)
  BR_PORT_DOWN: 'BR_PORT_DOWN',
  OTHERHOST: 'OTHERHOST', // frame not addressed to this device
  IP_RPFILTER: 'IP_RPFILTER', // rp_filter: the way back to the source is not through the device it came in on
  IP_LOCAL_SOURCE: 'IP_LOCAL_SOURCE', // a martian: the source is one of our own addresses
  IP_INVALID_SOURCE: 'IP_INVALID_SOURCE', // a martian: a multicast, broadcast or zero source
  IP_LOCALNET: 'IP_LOCALNET', // a martian: 127.0.0.0/8 from outside (route_localnet is off)
  IP_INVALID_DEST: 'IP_INVALID_DEST', // a martian destination: 0.0.0.0, or a route type that cannot forward
  ICMP_RATELIMIT: 'ICMP_RATELIMIT', // ICMP error suppressed by the rate limit
  UNHANDLED_PROTO: 'UNHANDLED_PROTO', // a transport protocol this host does not speak
  NO_SOCKET: 'NO_SOCKET', // nothing listens on the port: UDP gets port unreachable, TCP a reset
  NETFILTER_DROP: 'NETFILTER_DROP', // a netfilter hook (an iptables rule) dropped it
  NF_RULE: 'NF_RULE', // an iptables rule matched (a jump, a goto, a verdict) or a chain's policy decided
  NF_NAT: 'NF_NAT', // NAT rewrote the packet (DNAT, SNAT, MASQUERADE, REDIRECT, or a reply translated back)
  LOOP_BUDGET: 'LOOP_BUDGET', // the simulator stopped a loop (event budget exhausted)
  TRACE_CAP: 'TRACE_CAP', // the trace stopped recording (what it left out is counted)
  FRAGMENTED: 'FRAGMENTED', // ip_fragment: too big for the link's mtu, sent in fragments
  DEFRAG: 'DEFRAG', // ip_defrag: the last missing fragment came, the datagram is whole again
  PKT_TOO_BIG: 'PKT_TOO_BIG', // bigger than the mtu with DF set: dropped, ICMP frag needed sent back
  FRAG_REASM_TIMEOUT: 'FRAG_REASM_TIMEOUT', // fragments that never made a whole datagram in time
  VXLAN_NO_REMOTE: 'VXLAN_NO_REMOTE', // a vxlan device found no FDB entry (and no default) for the frame
  VXLAN_VNI_NOT_FOUND: 'VXLAN_VNI_NOT_FOUND', // no vxlan device up for the datagram's VNI on its port
  VXLAN_INVALID_HDR: 'VXLAN_INVALID_HDR', // a datagram on a vxlan port without a VXLAN header
  VXLAN_ENTRY_EXISTS: 'VXLAN_ENTRY_EXISTS', // the inner source MAC has a static FDB entry at another VTEP
  LOCAL_MAC: 'LOCAL_MAC', // a decapsulated frame from the device's own MAC (a loop)
  // a service mesh's proxy (src/kube/mesh): its L7 decisions, beside the kernel's L3/L4 ones
  MESH_ROUTE: 'MESH_ROUTE', // the sidecar took a request or connection and sent it on (route, cluster, endpoint, mTLS)
  MESH_DENY: 'MESH_DENY', // the sidecar refused it (RBAC 403, plaintext under STRICT mTLS, no healthy upstream, a fault)
} as const;
export type Verdict = (typeof Verdict)[keyof typeof Verdict];

export const DROP_VERDICTS: ReadonlySet<Verdict> = new Set<Verdict>([
  Verdict.IP_INNOROUTES,
  Verdict.IP_OUTNOROUTES,
  Verdict.RTN_UNREACHABLE,
  Verdict.RTN_BLACKHOLE,
  Verdict.RTN_PROHIBIT,
  Verdict.IP_FORWARDING_DISABLED,
  Verdict.IP_INHDR_TTL,
  Verdict.NEIGH_FAILED,
  Verdict.NEIGH_QUEUEFULL,
  Verdict.NETDEV_DOWN,
  Verdict.NO_CARRIER,
  Verdict.BR_PORT_DOWN,
  Verdict.OTHERHOST,
  Verdict.IP_RPFILTER,
  Verdict.IP_LOCAL_SOURCE,
  Verdict.IP_INVALID_SOURCE,
  Verdict.IP_LOCALNET,
  Verdict.IP_INVALID_DEST,
  Verdict.ICMP_RATELIMIT,
  Verdict.UNHANDLED_PROTO,
  Verdict.NO_SOCKET,
  Verdict.NETFILTER_DROP,
  Verdict.LOOP_BUDGET,
  Verdict.PKT_TOO_BIG,
  Verdict.FRAG_REASM_TIMEOUT,
  Verdict.VXLAN_NO_REMOTE,
  Verdict.VXLAN_VNI_NOT_FOUND,
  Verdict.VXLAN_INVALID_HDR,
  Verdict.VXLAN_ENTRY_EXISTS,
  Verdict.LOCAL_MAC,
  Verdict.MESH_DENY,
]);

/** A one-click remedy the UI can offer beside a drop. */
export interface SuggestedFix {
  text: string; // "enable net.ipv4.ip_forward on node02"
  on: string; // namespace to run it in
  run: string; // "sysctl -w net.ipv4.ip_forward=1"
}

export interface TraceEvent {
  seq: number; // order within the world, strictly increasing
  time: number; // virtual time in ms
  netns: string;
  dev?: string; // device where it happened
  verdict: Verdict;
  text: string; // a sentence for people
  packetId: number; // which packet (request, reply, ARP…) this event belongs to
  packet?: PacketView;
  route?: string; // matched FIB entry, as `ip route` prints it
  fdb?: string; // matched FDB entry or "flood"
  /** for veth crossings and bridge forwarding: where the frame goes next */
  to?: { netns: string; dev: string };
  /** for a routing failure: the destination the lookup was for */
  dst?: string;
  /** filled above the engine, by the diagnosis module (src/commands/diagnose): the engine knows no fixes */
  fix?: SuggestedFix;
}

export const isDrop = (e: TraceEvent): boolean => DROP_VERDICTS.has(e.verdict);

/** Trace events kept per command line; a storm beyond this is counted, not recorded frame by frame. */
export const TRACE_CAP = 5_000;

/**
 * The trace of one command line. Events land here when the work that emits them was started by
 * that command (the event queue carries the log from cause to effect), so the late packets of one
 * command are never shown as another's. Past the cap, events are counted instead of kept.
 */
export class TraceLog {
  readonly events: TraceEvent[] = [];
  /** events left out once the cap was reached */
  dropped = 0;
  /** a finished command's trace is shown: what its packets do later is not added to it */
  closed = false;

  constructor(readonly cap = TRACE_CAP) {}

  add(e: TraceEvent): boolean {
    if (this.closed) return false;
    if (this.events.length >= this.cap) {
      this.dropped++;
      return false;
    }
    this.events.push(e);
    return true;
  }
}
