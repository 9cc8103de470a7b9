/**
 * Netfilter's x_tables as typed data (read net/ipv4/netfilter/ip_tables.c and
 * include/uapi/linux/netfilter_ipv4/ip_tables.h first).
 *
 * A table holds chains; a built-in chain is attached to one hook and has a policy, a user chain is
 * only reached by jumps. A rule is the `ipt_ip` header match (addresses, interfaces, protocol,
 * fragment), a list of extension matches and one target, with packet and byte counters.
 * Everything here is a value the iptables tool can print back exactly as it was given, and that
 * the walker (walk.ts) evaluates without parsing anything.
 */
import type { Ipv4 } from '../addr/ipv4';
import { NF_IP_PRI } from '../nf/hooks';
import type { XtMatch } from './xt/matches';
import type { XtTarget } from './xt/targets';

/** The five IPv4 hooks, numbered as NF_INET_*. */
export const NF_INET = { PRE_ROUTING: 0, LOCAL_IN: 1, FORWARD: 2, LOCAL_OUT: 3, POST_ROUTING: 4 } as const;
export type NfHook = (typeof NF_INET)[keyof typeof NF_INET];

/** The built-in chain of each hook, by hook number. */
export const HOOK_CHAIN = ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'] as const;
export type BuiltinChainName = (typeof HOOK_CHAIN)[number];

export const hookOfChain = (name: string): NfHook | undefined => {
  const i = (HOOK_CHAIN as readonly string[]).indexOf(name);
  return i < 0 ? undefined : (i as NfHook);
};

/** ipt_ip.invflags */
export const IPT_INV = { VIA_IN: 0x01, VIA_OUT: 0x02, TOS: 0x04, SRCIP: 0x08, DSTIP: 0x10, FRAG: 0x20, PROTO: 0x40 } as const;

/** struct ipt_ip: what every rule matches before its extensions. */
export interface IptIp {
  src: Ipv4;
  smsk: Ipv4;
  dst: Ipv4;
  dmsk: Ipv4;
  /** interface name without its `+`; '' = any */
  iniface: string;
  /** `eth+`: the name is a prefix */
  iniWild: boolean;
  outiface: string;
  outWild: boolean;
  /** IPPROTO_*, 0 = all */
  proto: number;
  /** `-f`: second and further fragments */
  frag: boolean;
  /** IPT_INV_* bits */
  inv: number;
}

export interface Counters {
  pkts: number;
  bytes: number;
}

export interface Rule extends Counters {
  ip: IptIp;
  matches: XtMatch[];
  target: XtTarget;
}

export type Policy = 'ACCEPT' | 'DROP';

export interface Chain extends Counters {
  name: string;
  /** the hook a built-in chain is attached to; undefined for a user chain */
  hook: NfHook | undefined;
  /** policy of a built-in chain (user chains RETURN at their end) */
  policy: Policy;
  /**
   * nf_tables counts a base chain's policy only when the chain was given counters (`iptables -P`,
   * a restore's `:CHAIN POLICY [p:b]`); one made by `iptables -A` counts nothing.
   */
  stats: boolean;
  rules: Rule[];
}

export type TableName = 'raw' | 'mangle' | 'nat' | 'filter' | 'security';


export interface TableDef {
  name: TableName;
  /** built-in chains, in the order iptables lists them */
  hooks: readonly NfHook[];
  /** priority at each hook (nat's differ: DNAT before filter, SNAT after) */
  priority: (hook: NfHook) => number;
}

const P = NF_INET;
export const TABLES: Readonly<Record<TableName, TableDef>> = {
  raw: { name: 'raw', hooks: [P.PRE_ROUTING, P.LOCAL_OUT], priority: () => NF_IP_PRI.RAW },
  mangle: { name: 'mangle', hooks: [P.PRE_ROUTING, P.LOCAL_IN, P.FORWARD, P.LOCAL_OUT, P.POST_ROUTING], priority: () => NF_IP_PRI.MANGLE },
  nat: {
    name: 'nat',
    hooks: [P.PRE_ROUTING, P.LOCAL_IN, P.LOCAL_OUT, P.POST_ROUTING],
    priority: (h) => (h === P.PRE_ROUTING || h === P.LOCAL_OUT ? NF_IP_PRI.NAT_DST : NF_IP_PRI.NAT_SRC),
  },
  filter: { name: 'filter', hooks: [P.LOCAL_IN, P.FORWARD, P.LOCAL_OUT], priority: () => NF_IP_PRI.FILTER },
  security: { name: 'security', hooks: [P.LOCAL_IN, P.FORWARD, P.LOCAL_OUT], priority: () => NF_IP_PRI.SECURITY },
};

/** The tables in the order iptables-nft walks them (its NFT_TABLE_* enum), which is iptables-save's order. */
export const TABLE_NAMES: readonly TableName[] = ['mangle', 'security', 'raw', 'filter', 'nat'];

export const isTableName = (s: string): s is TableName => Object.prototype.hasOwnProperty.call(TABLES, s);
