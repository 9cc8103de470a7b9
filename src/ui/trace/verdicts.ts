/**
 * Verdict names for people. The engine's verdicts are kernel words (skb_drop_reason, route types);
 * the trace list shows both, so the kernel word can be looked up and the meaning read at once.
 * Which verdicts are drops is the engine's to say (`isDrop`, through the store).
 */
import type { Verdict } from '../../engine/sim/trace';

export const VERDICT_LABEL: Record<Verdict, string> = {
  XMIT: 'sent',
  RCV: 'received',
  VETH_XMIT: 'crossed veth',
  FIB_MATCH: 'route found',
  NEIGH_RESOLVE: 'ARP who-has',
  NEIGH_REPLY: 'ARP reply',
  NEIGH_HIT: 'neighbour known',
  FDB_HIT: 'bridge forward',
  FDB_LEARN: 'bridge learned',
  FLOOD: 'bridge flood',
  BR_LOCAL: 'to bridge IP',
  FORWARD: 'forwarded',
  LOCAL_DELIVER: 'delivered',
  ICMP_REPLY: 'ICMP sent',
  IP_INNOROUTES: 'no route',
  IP_OUTNOROUTES: 'no route',
  RTN_UNREACHABLE: 'unreachable route',
  RTN_BLACKHOLE: 'blackhole route',
  RTN_PROHIBIT: 'prohibit route',
  IP_FORWARDING_DISABLED: 'forwarding off',
  IP_INHDR_TTL: 'TTL expired',
  NEIGH_FAILED: 'ARP failed',
  NEIGH_QUEUEFULL: 'ARP queue full',
  NETDEV_DOWN: 'device down',
  NO_CARRIER: 'no carrier',
  BR_PORT_DOWN: 'bridge port down',
  OTHERHOST: 'not for us',
  IP_RPFILTER: 'rp_filter',
  ICMP_RATELIMIT: 'ICMP rate limit',
  UNHANDLED_PROTO: 'unknown protocol',
  NO_SOCKET: 'port closed',
  NETFILTER_DROP: 'firewall drop',
  NF_RULE: 'iptables rule',
  NF_NAT: 'NAT',
  FRAGMENTED: 'fragmented',
  DEFRAG: 'reassembled',
  PKT_TOO_BIG: 'too big (DF)',
  FRAG_REASM_TIMEOUT: 'reassembly timeout',
  LOOP_BUDGET: 'loop stopped',
  TRACE_CAP: 'trace cut short',
};
