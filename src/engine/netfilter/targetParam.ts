/**
 * What targets do beyond the packet, at a hook: REJECT answers with an ICMP error or a TCP reset
 * (ipt_REJECT: nf_send_unreach / nf_send_reset, through icmp_send and its rate limit), the NAT
 * targets bind the connection (nf_nat_setup_info with the range each computes), LOG writes a line
 * to the namespace's kernel log.
 */
import { asIpv4, type Ipv4 } from '../addr/ipv4';
import { inetSelectAddr, type Rtable } from '../fib/frontend';
import { RT_SCOPE } from '../fib/route';
import { icmpSend } from '../ipv4/icmp';
import { NF_INET, type NfHookState } from '../nf/hooks';
import type { Ipv4Packet, TcpPacket } from '../wire/ipv4';
import { natSetupInfo, type Manip } from '../conntrack/nat';
import { isBrnf } from './hookstate';
import { nfSendReset } from './reject';
import { klogAppend, logLine } from './log';
import type { HookState, Skb } from './skb';
import { skbExtIfAny } from './skbext';
import { NF_NAT_RANGE, type MasqueradeTarget, type NatRange, type NatTarget, type RejectWith } from './xt/targets';
import type { WalkParam, WalkTracer } from './walk';

const REJECT_CODE: Record<Exclude<RejectWith, 'tcp-reset'>, number> = {
  'icmp-net-unreachable': 0,
  'icmp-host-unreachable': 1,
  'icmp-proto-unreachable': 2,
  'icmp-port-unreachable': 3,
  'icmp-net-prohibited': 9,
  'icmp-host-prohibited': 10,
  'icmp-admin-prohibited': 13,
};

/** DNAT and REDIRECT change the destination (PREROUTING, OUTPUT), the others the source. */
export const manipOf = (hook: number): Manip => (hook === NF_INET.PRE_ROUTING || hook === NF_INET.LOCAL_OUT ? 'DST' : 'SRC');

/** The range a NAT target asks for, with the address MASQUERADE and REDIRECT pick. */
function natRange(state: NfHookState, st: HookState, t: NatTarget | MasqueradeTarget): NatRange | undefined {
  if (t.kind === 'DNAT' || t.kind === 'SNAT') return t.range;
  let addr: Ipv4 | undefined;
  if (t.kind === 'MASQUERADE') {
    // nf_nat_masquerade_ipv4(): the out device's address for the route's next hop
    const rt = state.ctx as Rtable;
    addr = st.out !== undefined ? inetSelectAddr(state.ns, st.out, rt?.nexthop, RT_SCOPE.universe) : undefined;
  } else if (st.hook === NF_INET.LOCAL_OUT) addr = asIpv4(0x7f000001);
  else addr = st.in?.addrs.find((a) => !a.secondary)?.local;
  if (addr === undefined) return undefined;
  return { ...t.range, flags: t.range.flags | NF_NAT_RANGE.MAP_IPS, minIp: addr, maxIp: addr };
}

/**
 * What a table's walk at a hook is given: the targets' side effects and the matches' random draw.
 * One object literal per walk (no spread of a prototype-less copy: this runs for every packet at
 * every hook, and an object spread of methods is V8's slow clone path).
 */
export function walkParam(state: NfHookState, pkt: Ipv4Packet, tracer: WalkTracer | undefined): WalkParam {
  const ns = state.ns;
  return {
    random: () => ns.world.random(),
    tracer,
    journal: ns.world.journaling ? ns.world : undefined,
    reject(_skb: Skb, _st: HookState, how: RejectWith): void {
      if (how === 'tcp-reset') {
        if (pkt.proto === 'tcp') nfSendReset(ns, pkt as TcpPacket);
        return;
      }
      icmpSend(ns, pkt, 3, REJECT_CODE[how], { dev: state.in });
    },
    nat(_skb: Skb, st: HookState, t: NatTarget | MasqueradeTarget): boolean {
      const ct = st.ct;
      if (ct === undefined) return true;
      const range = natRange(state, st, t);
      if (range === undefined) return false;
      natSetupInfo(ns, ct, range, manipOf(st.hook));
      return true;
    },
    log(skb: Skb, st: HookState, t): void {
      const src = st.in !== undefined ? ns.neigh.get(st.in, pkt.src)?.mac : undefined;
      const where = { in: st.in, out: st.out, physIn: isBrnf(state) ? state.brnf.physIn : undefined, physOut: isBrnf(state) ? state.brnf.physOut : undefined, macDst: st.in?.mac, macSrc: src };
      klogAppend(ns, t.level, logLine(t, pkt, where, skbExtIfAny(ns, pkt.pid)?.mark ?? skb.mark));
    },
  };
}
