/**
 * Targets (`-j NAME`) as typed values, and what each does to a packet (the kernel's xt_*.c
 * `target` functions, and the standard target's verdicts). Side effects that reach beyond the
 * packet (an ICMP error or RST for REJECT, a NAT binding, a kernel log line) go through the
 * `TargetParam` the hook gives, so this file never touches the packet path.
 */
import type { Ipv4 } from '../../addr/ipv4';
import type { HookState, Skb } from '../skb';
import { CTINFO } from '../skb';

/** A rule without -j: it only counts. */
export interface NoTarget {
  kind: 'none';
}

/** The standard target: ACCEPT, DROP, RETURN (QUEUE has no listener here: it drops). */
export interface VerdictTarget {
  kind: 'verdict';
  verdict: 'ACCEPT' | 'DROP' | 'RETURN' | 'QUEUE';
}

/** -j CHAIN (a call that RETURNs) or -g CHAIN (a goto that does not come back here) */
export interface JumpTarget {
  kind: 'jump';
  chain: string;
  goto: boolean;
}

export const REJECT_WITH = [
  'icmp-net-unreachable',
  'icmp-host-unreachable',
  'icmp-port-unreachable',
  'icmp-proto-unreachable',
  'icmp-net-prohibited',
  'icmp-host-prohibited',
  'tcp-reset',
  'icmp-admin-prohibited',
] as const;
export type RejectWith = (typeof REJECT_WITH)[number];

export interface RejectTarget {
  kind: 'REJECT';
  with: RejectWith;
}

/** nf_nat_range2 flags */
export const NF_NAT_RANGE = { MAP_IPS: 1, PROTO_SPECIFIED: 2, PROTO_RANDOM: 4, PERSISTENT: 8, PROTO_RANDOM_FULLY: 16 } as const;

export interface NatRange {
  flags: number;
  minIp: Ipv4;
  maxIp: Ipv4;
  minPort: number;
  maxPort: number;
}

/** DNAT / SNAT (--to-destination / --to-source) */
export interface NatTarget {
  kind: 'DNAT' | 'SNAT';
  range: NatRange;
}

/** MASQUERADE: SNAT to the out device's address; REDIRECT: DNAT to the in device's (or 127.0.0.1) */
export interface MasqueradeTarget {
  kind: 'MASQUERADE' | 'REDIRECT';
  range: NatRange;
}

/** MARK revision 2: mark = (mark & ~mask) ^ value (every --*-mark is saved as --set-xmark) */
export interface MarkTarget {
  kind: 'MARK';
  mark: number;
  mask: number;
}

export interface ConnmarkTarget {
  kind: 'CONNMARK';
  mode: 'set' | 'save' | 'restore';
  ctmark: number;
  ctmask: number;
  nfmask: number;
}

export interface LogTarget {
  kind: 'LOG';
  level: number;
  /** XT_LOG_* flags */
  logflags: number;
  prefix: string;
}
export const XT_LOG = { TCPSEQ: 0x01, TCPOPT: 0x02, IPOPT: 0x04, UID: 0x08, MACDECODE: 0x20 } as const;

/** -j CT [--notrack], or the older -j NOTRACK (the same thing, printed back as given) */
export interface CtTarget {
  kind: 'CT';
  notrack: boolean;
  alias: 'NOTRACK' | undefined;
}

export type XtTarget = NoTarget | VerdictTarget | JumpTarget | RejectTarget | NatTarget | MasqueradeTarget | MarkTarget | ConnmarkTarget | LogTarget | CtTarget;

/** What the hook offers targets that act beyond the packet. */
export interface TargetParam {
  /** REJECT: send the ICMP error or RST in answer to skb (the packet itself is dropped) */
  reject(skb: Skb, st: HookState, how: RejectWith): void;
  /** DNAT/SNAT/MASQUERADE/REDIRECT: bind the connection's NAT for this manip; false = no tuple free (drop) */
  nat(skb: Skb, st: HookState, t: NatTarget | MasqueradeTarget): boolean;
  /** LOG: one kernel log line */
  log(skb: Skb, st: HookState, t: LogTarget): void;
}

/** What a target tells the walker: a final verdict, go on with the next rule, or return. */
export type TargetVerdict = 'ACCEPT' | 'DROP' | 'CONTINUE' | 'RETURN';

/** Run a non-jump target (jumps and RETURN are the walker's). */
export function xtTarget(t: XtTarget, skb: Skb, st: HookState, p: TargetParam): TargetVerdict {
  switch (t.kind) {
    case 'none':
      return 'CONTINUE';
    case 'verdict':
      return t.verdict === 'QUEUE' ? 'DROP' : t.verdict;
    case 'jump':
      throw new Error('jumps are the walker\'s');
    case 'REJECT':
      p.reject(skb, st, t.with);
      return 'DROP';
    case 'DNAT':
    case 'SNAT':
    case 'MASQUERADE':
    case 'REDIRECT':
      return p.nat(skb, st, t) ? 'ACCEPT' : 'DROP';
    case 'MARK':
      skb.mark = ((skb.mark & ~t.mask) ^ t.mark) >>> 0;
      return 'CONTINUE';
    case 'CONNMARK':
      if (st.ct !== undefined) {
        if (t.mode === 'set') st.ct.mark = ((st.ct.mark & ~t.ctmask) ^ t.ctmark) >>> 0;
        else if (t.mode === 'save') st.ct.mark = ((st.ct.mark & ~t.ctmask) ^ (skb.mark & t.nfmask)) >>> 0;
        else skb.mark = ((skb.mark & ~t.nfmask) ^ (st.ct.mark & t.ctmask)) >>> 0;
      }
      return 'CONTINUE';
    case 'LOG':
      p.log(skb, st, t);
      return 'CONTINUE';
    case 'CT':
      if (!t.notrack) return 'CONTINUE';
      // the packet goes on untracked (nf_ct_set(skb, NULL, IP_CT_UNTRACKED))
      st.ct = undefined;
      st.ctinfo = CTINFO.UNTRACKED;
      return 'CONTINUE';
  }
}

/** Tables and hooks a target may be used in, as the kernel's checkentry refuses it (EINVAL). */
export function targetAllowed(t: XtTarget, table: string, hook: number, proto: number, protoInv: boolean): boolean {
  switch (t.kind) {
    case 'DNAT':
    case 'REDIRECT':
      return table === 'nat' && (hook === 0 || hook === 3);
    case 'SNAT':
      return table === 'nat' && (hook === 4 || hook === 1);
    case 'MASQUERADE':
      return table === 'nat' && hook === 4;
    case 'REJECT':
      if (t.with === 'tcp-reset' && (proto !== 6 || protoInv)) return false;
      return table === 'filter' && (hook === 1 || hook === 2 || hook === 3);
    case 'CT':
      return table === 'raw';
    default:
      return true;
  }
}
