/**
 * Extension matches (`-m NAME`) as typed values, and how each decides on a packet
 * (the kernel's xt_*.c `match` functions). The iptables command parses and prints them
 * (src/commands/iptables/ext/); here they are only evaluated.
 */
import type { Ipv4 } from '../../addr/ipv4';
import type { HookState, Skb } from '../skb';
import { ctMatch, connmarkMatch, stateMatch, type ConntrackMatch, type ConnmarkMatch, type StateMatch } from './ctmatch';
import { addrtypeMatch, type AddrtypeMatch } from './addrtype';
import { recentMatch, type RecentMatch } from './recent';

/** A port range [min, max]; a single port has min === max. */
export type PortRange = readonly [number, number];
export const ANY_PORTS: PortRange = [0, 65535];

/** xt_tcp / xt_udp (libxt_tcp, libxt_udp) */
export interface TcpMatch {
  kind: 'tcp';
  spts: PortRange;
  dpts: PortRange;
  /** --tcp-flags MASK COMP (flgMask 0 = not given); --syn is SYN,RST,ACK,FIN / SYN */
  flgMask: number;
  flgCmp: number;
  /** --tcp-option N (0 = not given) */
  option: number;
  /** XT_TCP_INV_* bits: 1 sport, 2 dport, 4 flags, 8 option */
  inv: number;
}

export interface UdpMatch {
  kind: 'udp';
  spts: PortRange;
  dpts: PortRange;
  /** 1 sport, 2 dport */
  inv: number;
}

/** xt_sctp's ports (chunk types are not modelled): the engine carries no SCTP, so it never matches a packet here */
export interface SctpMatch {
  kind: 'sctp';
  spts: PortRange;
  dpts: PortRange;
  /** 1 sport, 2 dport (as XT_TCP_INV) */
  inv: number;
}

export const XT_TCP_INV = { SRCPT: 0x01, DSTPT: 0x02, FLAGS: 0x04, OPTION: 0x08 } as const;

/** ipt_icmp: type 0xff is "any" */
export interface IcmpMatch {
  kind: 'icmp';
  type: number;
  codeMin: number;
  codeMax: number;
  invert: boolean;
}

/** xt_multiport revision 1: up to 15 ports, a range takes two */
export interface MultiportMatch {
  kind: 'multiport';
  dir: 'src' | 'dst' | 'any';
  /** entries in the order given; a range is [min, max] */
  ports: PortRange[];
  invert: boolean;
}

export interface CommentMatch {
  kind: 'comment';
  comment: string;
}

/** xt_mark: (skb->mark & mask) == mark */
export interface MarkMatch {
  kind: 'mark';
  mark: number;
  mask: number;
  invert: boolean;
}

/** xt_statistic: `random` draws from the world's generator, `nth` counts packets per rule */
export interface StatisticMatch {
  kind: 'statistic';
  mode: 'random' | 'nth';
  /** random: lround(2^31 × p), as the kernel stores it */
  probability: number;
  /** nth: every N-th (stored as N − 1, like the kernel), starting at `packet` */
  every: number;
  packet: number;
  invert: boolean;
  /** nth: the rule's own counter (xt_statistic_priv), starting at every − packet */
  count: { n: number };
}

/** xt_physdev: the bridge ports of a bridged packet */
export interface PhysdevMatch {
  kind: 'physdev';
  physindev: string;
  inWild: boolean;
  physoutdev: string;
  outWild: boolean;
  /** XT_PHYSDEV_OP_* bits given, and which are inverted */
  bitmask: number;
  invert: number;
}
export const XT_PHYSDEV_OP = { IN: 0x01, OUT: 0x02, BRIDGED: 0x04, ISIN: 0x08, ISOUT: 0x10 } as const;

/** xt_owner: the sending socket's user (locally generated packets only) */
export interface OwnerMatch {
  kind: 'owner';
  uidMin: number;
  uidMax: number;
  gidMin: number;
  gidMax: number;
  /** XT_OWNER_* bits: 1 uid, 2 gid, 4 socket-exists */
  match: number;
  invert: number;
}
export const XT_OWNER = { UID: 0x01, GID: 0x02, SOCKET: 0x04 } as const;

export type XtMatch =
  | TcpMatch
  | UdpMatch
  | SctpMatch
  | IcmpMatch
  | MultiportMatch
  | CommentMatch
  | MarkMatch
  | ConnmarkMatch
  | ConntrackMatch
  | StateMatch
  | AddrtypeMatch
  | StatisticMatch
  | PhysdevMatch
  | OwnerMatch
  | RecentMatch;

/** What a match may need besides the packet: the world's generator (statistic), the rollback journal (statistic, recent). */
export interface MatchParam {
  random(): number;
  journal?: { journalUndo<A, B>(fn: (a: A, b: B) => void, a: A, b: B): void } | undefined;
}

const putCount = (c: { n: number }, n: number): void => {
  c.n = n;
};

const inRange = (p: number, r: PortRange): boolean => p >= r[0] && p <= r[1];

/** ifname_compare: a `+` name matches by prefix. */
export const ifaceMatches = (name: string, want: string, wild: boolean): boolean => (wild ? name.startsWith(want) : name === want);

function multiportMatch(m: MultiportMatch, skb: Skb): boolean {
  let hit = false;
  for (const r of m.ports) {
    if ((m.dir !== 'dst' && inRange(skb.sport, r)) || (m.dir !== 'src' && inRange(skb.dport, r))) {
      hit = true;
      break;
    }
  }
  return hit !== m.invert;
}

function physdevMatch(m: PhysdevMatch, st: HookState): boolean {
  const has = (bit: number): boolean => (m.bitmask & bit) !== 0;
  const inv = (bit: number): boolean => (m.invert & bit) !== 0;
  // no bridge info (not bridged, or LOCAL_OUT before the bridge): only inverted options match
  if (!st.bridged) {
    for (const bit of [XT_PHYSDEV_OP.BRIDGED, XT_PHYSDEV_OP.ISIN, XT_PHYSDEV_OP.ISOUT, XT_PHYSDEV_OP.IN, XT_PHYSDEV_OP.OUT]) if (has(bit) && !inv(bit)) return false;
    return true;
  }
  // physdev_mt compares the out device's name, which is "" without one, so --physdev-is-bridged
  // holds for every bridged packet (and its inversion for none)
  if (has(XT_PHYSDEV_OP.BRIDGED) && inv(XT_PHYSDEV_OP.BRIDGED)) return false;
  if (has(XT_PHYSDEV_OP.ISIN) && (st.physIn === undefined) !== inv(XT_PHYSDEV_OP.ISIN)) return false;
  if (has(XT_PHYSDEV_OP.ISOUT) && (st.physOut === undefined) !== inv(XT_PHYSDEV_OP.ISOUT)) return false;
  if (has(XT_PHYSDEV_OP.IN) && st.physIn !== undefined) {
    if (ifaceMatches(st.physIn.name, m.physindev, m.inWild) === inv(XT_PHYSDEV_OP.IN)) return false;
  }
  if (!has(XT_PHYSDEV_OP.OUT)) return true;
  return ifaceMatches(st.physOut?.name ?? '', m.physoutdev, m.outWild) !== inv(XT_PHYSDEV_OP.OUT);
}

function ownerMatch(m: OwnerMatch, st: HookState): boolean {
  // owner_mt: without a socket (forwarded, or the kernel's own reply) only a rule whose every
  // option is inverted matches
  if (st.uid === undefined) return (m.match ^ m.invert) === 0;
  if (m.match & m.invert & XT_OWNER.SOCKET) return false;
  if (m.match & XT_OWNER.UID) {
    const ok = st.uid >= m.uidMin && st.uid <= m.uidMax;
    if (ok === Boolean(m.invert & XT_OWNER.UID)) return false;
  }
  if (m.match & XT_OWNER.GID) {
    const gid = st.gid ?? 0;
    const ok = gid >= m.gidMin && gid <= m.gidMax;
    if (ok === Boolean(m.invert & XT_OWNER.GID)) return false;
  }
  return true;
}

function statisticMatch(m: StatisticMatch, p: MatchParam): boolean {
  let hit: boolean;
  if (m.mode === 'random') {
    // (get_random_u32() & 0x7FFFFFFF) < probability
    hit = Math.floor(p.random() * 0x80000000) < m.probability;
  } else {
    // the counter starts at every − packet and the packet that wraps it to 0 matches
    p.journal?.journalUndo(putCount, m.count, m.count.n);
    m.count.n = m.count.n === m.every ? 0 : m.count.n + 1;
    hit = m.count.n === 0;
  }
  return hit !== m.invert;
}

/** Does one extension match accept the packet? (xt_action_param → bool) */
export function xtMatch(m: XtMatch, skb: Skb, st: HookState, p: MatchParam): boolean {
  switch (m.kind) {
    case 'tcp':
      if (skb.proto !== 6 || skb.fragOff !== 0) return false;
      if (inRange(skb.sport, m.spts) === Boolean(m.inv & XT_TCP_INV.SRCPT)) return false;
      if (inRange(skb.dport, m.dpts) === Boolean(m.inv & XT_TCP_INV.DSTPT)) return false;
      if (m.flgMask !== 0 && ((skb.tcpFlags & m.flgMask) === m.flgCmp) === Boolean(m.inv & XT_TCP_INV.FLAGS)) return false;
      // no TCP options are modelled: --tcp-option N never finds N
      if (m.option !== 0 && !(m.inv & XT_TCP_INV.OPTION)) return false;
      return true;
    case 'udp':
      if (skb.proto !== 17 || skb.fragOff !== 0) return false;
      if (inRange(skb.sport, m.spts) === Boolean(m.inv & XT_TCP_INV.SRCPT)) return false;
      return inRange(skb.dport, m.dpts) !== Boolean(m.inv & XT_TCP_INV.DSTPT);
    case 'sctp':
      if (skb.proto !== 132 || skb.fragOff !== 0) return false;
      if (inRange(skb.sport, m.spts) === Boolean(m.inv & XT_TCP_INV.SRCPT)) return false;
      return inRange(skb.dport, m.dpts) !== Boolean(m.inv & XT_TCP_INV.DSTPT);
    case 'icmp': {
      if (skb.proto !== 1 || skb.fragOff !== 0) return false;
      const hit = m.type === 0xff || (skb.icmpType === m.type && skb.icmpCode >= m.codeMin && skb.icmpCode <= m.codeMax);
      return hit !== m.invert;
    }
    case 'multiport':
      return skb.fragOff === 0 && multiportMatch(m, skb);
    case 'comment':
      return true;
    case 'mark':
      return ((skb.mark & m.mask) === m.mark) !== m.invert;
    case 'connmark':
      return connmarkMatch(m, st);
    case 'conntrack':
      return ctMatch(m, st);
    case 'state':
      return stateMatch(m, st);
    case 'addrtype':
      return addrtypeMatch(m, skb, st);
    case 'statistic':
      return statisticMatch(m, p);
    case 'physdev':
      return physdevMatch(m, st);
    case 'owner':
      return ownerMatch(m, st);
    case 'recent':
      return recentMatch(m, skb, st, p);
  }
}

/** Address/mask pair as ipt_ip keeps them. */
export interface AddrMask {
  addr: Ipv4;
  mask: Ipv4;
}
