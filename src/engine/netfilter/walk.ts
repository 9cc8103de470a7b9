/**
 * ipt_do_table(): run a packet through one table at one hook (net/ipv4/netfilter/ip_tables.c).
 *
 * The first rule whose header match and every extension match hold decides: a jump pushes a
 * return point and enters the chain, a goto enters it without one, RETURN (or the end of a user
 * chain) goes back, and the end of a built-in chain applies its policy. Every matching rule
 * counts the packet, whatever its target.
 *
 * The kernel walks every chain rule by rule. Here a chain whose first rules are all of the kind
 * kube-proxy writes into KUBE-SERVICES (`-d IP/32 -p PROTO --dport PORT` and a comment) is
 * indexed by destination address, so 10,000 Services cost one map lookup instead of 10,000 rule
 * matches. The answer is the same: the index only skips rules that cannot match the packet
 * (their destination differs), in order, and the rest of the chain is walked as the kernel does.
 */
import type { Ipv4 } from '../addr/ipv4';
import type { HookState, Skb } from './skb';
import { HOOK_CHAIN, IPT_INV, type Chain, type Counters, type IptIp, type Rule } from './types';
import type { XtTable } from './tables';
import { ifaceMatches, xtMatch, type MatchParam } from './xt/matches';
import { xtTarget, type TargetParam } from './xt/targets';

/** ip_packet_match(): the rule's ipt_ip part. */
export function ipPacketMatch(ip: IptIp, skb: Skb, st: HookState): boolean {
  if ((((skb.src & ip.smsk) >>> 0) !== ip.src) !== Boolean(ip.inv & IPT_INV.SRCIP)) return false;
  if ((((skb.dst & ip.dmsk) >>> 0) !== ip.dst) !== Boolean(ip.inv & IPT_INV.DSTIP)) return false;
  if (ip.iniface !== '' || ip.iniWild) {
    const ok = ifaceMatches(st.in?.name ?? '', ip.iniface, ip.iniWild);
    if (ok === Boolean(ip.inv & IPT_INV.VIA_IN)) return false;
  }
  if (ip.outiface !== '' || ip.outWild) {
    const ok = ifaceMatches(st.out?.name ?? '', ip.outiface, ip.outWild);
    if (ok === Boolean(ip.inv & IPT_INV.VIA_OUT)) return false;
  }
  if (ip.proto !== 0 && (skb.proto === ip.proto) === Boolean(ip.inv & IPT_INV.PROTO)) return false;
  if (ip.frag && (skb.fragOff !== 0) === Boolean(ip.inv & IPT_INV.FRAG)) return false;
  return true;
}

export function ruleMatches(r: Rule, skb: Skb, st: HookState, p: MatchParam): boolean {
  if (!ipPacketMatch(r.ip, skb, st)) return false;
  for (const m of r.matches) if (!xtMatch(m, skb, st, p)) return false;
  return true;
}

// ---- the index of a chain's leading destination rules ------------------------------------------

interface IndexEntry {
  /** rule index in the chain */
  at: number;
  /** IPPROTO_*, 0 = any */
  proto: number;
  /** destination port, -1 = any */
  dport: number;
}

export interface ChainIndex {
  /** rules [0, runEnd) are all indexed */
  runEnd: number;
  byDst: Map<Ipv4, IndexEntry[]>;
}

/** Below this many leading rules a linear walk is as fast. */
const INDEX_MIN_RUN = 16;

/** The destination key of a rule the index can stand in for, or undefined. */
function indexKey(r: Rule): IndexEntry | undefined {
  const ip = r.ip;
  if (ip.dmsk !== 0xffffffff || ip.smsk !== 0 || ip.inv !== 0 || ip.iniface !== '' || ip.iniWild || ip.outiface !== '' || ip.outWild || ip.frag) return undefined;
  let dport = -1;
  for (const m of r.matches) {
    if (m.kind === 'comment') continue;
    if ((m.kind === 'tcp' || m.kind === 'udp') && dport === -1 && m.inv === 0 && m.spts[0] === 0 && m.spts[1] === 65535 && m.dpts[0] === m.dpts[1]) {
      if (m.kind === 'tcp' && (m.flgMask !== 0 || m.option !== 0)) return undefined;
      if (ip.proto !== (m.kind === 'tcp' ? 6 : 17)) return undefined;
      dport = m.dpts[0];
      continue;
    }
    return undefined;
  }
  return { at: 0, proto: ip.proto, dport };
}

const chainIndexes = new WeakMap<Chain, ChainIndex | null>();

/** The chain's index, built on first use (a changed chain is a new object, so it never goes stale). */
export function chainIndex(c: Chain): ChainIndex | null {
  let idx = chainIndexes.get(c);
  if (idx !== undefined) return idx;
  const byDst = new Map<Ipv4, IndexEntry[]>();
  let i = 0;
  for (; i < c.rules.length; i++) {
    const k = indexKey(c.rules[i]);
    if (k === undefined) break;
    k.at = i;
    const dst = c.rules[i].ip.dst;
    const list = byDst.get(dst);
    if (list === undefined) byDst.set(dst, [k]);
    else list.push(k);
  }
  idx = i >= INDEX_MIN_RUN ? { runEnd: i, byDst } : null;
  chainIndexes.set(c, idx);
  return idx;
}

/** The next rule at or after `from` that may match (indexed part), or runEnd when none does. */
function nextCandidate(idx: ChainIndex, from: number, skb: Skb): number {
  const list = idx.byDst.get(skb.dst);
  if (list !== undefined) {
    for (const e of list) {
      if (e.at < from) continue;
      if (e.proto !== 0 && e.proto !== skb.proto) continue;
      if (e.dport !== -1 && (skb.dport !== e.dport || skb.fragOff !== 0)) continue;
      return e.at;
    }
  }
  return idx.runEnd;
}

// ---- the walk ---------------------------------------------------------------------------------

/** What the walk tells a tracer: each rule that matched and what it did, and each policy taken. */
export interface WalkTracer {
  rule(chain: Chain, num: number, rule: Rule, verdict: string): void;
  policy(chain: Chain, verdict: string): void;
}

export interface WalkParam extends MatchParam, TargetParam {
  tracer: WalkTracer | undefined;
  /** inside a probe's rollback: where counter changes are journaled so the probe leaves none */
  journal: { journalUndo<A, B>(fn: (a: A, b: B) => void, a: A, b: B): void } | undefined;
}

const putBack = (c: Counters, saved: [number, number]): void => {
  c.pkts = saved[0];
  c.bytes = saved[1];
};

/** A matching rule (or a policy taken) counts the packet. */
function count(c: Counters, len: number, p: WalkParam): void {
  p.journal?.journalUndo(putBack, c, [c.pkts, c.bytes]);
  c.pkts++;
  c.bytes += len;
}

interface Frame {
  chain: Chain;
  next: number;
}

/** ipt_do_table(): ACCEPT or DROP for this table at this hook. */
export function iptDoTable(table: XtTable, skb: Skb, st: HookState, p: WalkParam): 'ACCEPT' | 'DROP' {
  const base = table.chains.get(HOOK_CHAIN[st.hook]);
  if (base === undefined) return 'ACCEPT';
  const stack: Frame[] = [];
  let chain = base;
  let i = 0;
  for (;;) {
    const rules = chain.rules;
    const idx = rules.length >= INDEX_MIN_RUN ? chainIndex(chain) : null;
    let r = -1;
    while (i < rules.length) {
      // in the indexed run, go straight to the next rule that can match (or past the run)
      if (idx !== null && i < idx.runEnd) {
        i = nextCandidate(idx, i, skb);
        if (i >= rules.length) break;
      }
      if (ruleMatches(rules[i], skb, st, p)) {
        r = i;
        break;
      }
      i++;
    }
    if (r < 0) {
      // end of chain: a user chain returns, a built-in chain applies its policy
      const back = chain.hook === undefined ? stack.pop() : undefined;
      if (back !== undefined) {
        chain = back.chain;
        i = back.next;
        continue;
      }
      if (base.stats) count(base, skb.len, p);
      p.tracer?.policy(base, base.policy);
      return base.policy;
    }
    const rule = rules[r];
    count(rule, skb.len, p);
    const t = rule.target;
    if (t.kind === 'jump') {
      const next = table.chains.get(t.chain);
      p.tracer?.rule(chain, r + 1, rule, t.goto ? `goto ${t.chain}` : `jump ${t.chain}`);
      if (next === undefined) return 'DROP';
      if (!t.goto) stack.push({ chain, next: r + 1 });
      chain = next;
      i = 0;
      continue;
    }
    const v = xtTarget(t, skb, st, p);
    if (v === 'CONTINUE') {
      if (t.kind !== 'none') p.tracer?.rule(chain, r + 1, rule, 'continue');
      i = r + 1;
      continue;
    }
    p.tracer?.rule(chain, r + 1, rule, v);
    if (v === 'RETURN') {
      const back = stack.pop();
      if (back === undefined) {
        if (base.stats) count(base, skb.len, p);
        p.tracer?.policy(base, base.policy);
        return base.policy;
      }
      chain = back.chain;
      i = back.next;
      continue;
    }
    return v;
  }
}
