/**
 * The nat table's hook function (nf_nat_inet_fn): for a connection's first packet the nat table is
 * walked once per manip, and a NAT target binds the connection (or, when none matched, a null
 * binding does); then — for that packet and every later one, in both directions — the binding
 * rewrites the packet (nf_nat_packet). An ICMP error about a NATed connection is translated,
 * quoted header included. At OUTPUT a changed destination is routed again (ip_route_me_harder).
 */
import { ipRouteMeHarder } from '../ipv4/output';
import { NF_ACCEPT, NF_DROP, NF_INET, nfHookName, type NfHookState, type NfVerdict } from '../nf/hooks';
import type { Ipv4Packet } from '../wire/ipv4';
import { natInitialized, natNullBinding, natPacket, natRedirectRefused } from '../conntrack/nat';
import { hookStateOf, sabotaged } from './hookstate';
import { CTINFO, IPPROTO } from './skb';
import { packetOf, skbOf } from './skbconv';
import { skbExtIfAny } from './skbext';
import { nfNetIfAny } from './tables';
import { manipOf, walkParam } from './targetParam';
import { traceNat, traceRuleDrop, walkTracer } from './trace';
import { iptDoTable } from './walk';

const ICMP_REDIRECT = 5;

export function natHookFn(state: NfHookState): NfVerdict {
  const ns = state.ns;
  const pkt = state.pkt as Ipv4Packet;
  if (sabotaged(state, pkt)) return NF_ACCEPT;
  const ext = skbExtIfAny(ns, pkt.pid);
  const ct = ext?.ct;
  if (ext === undefined || ct === undefined) return NF_ACCEPT;
  const manip = manipOf(state.hook);
  const skb = skbOf(pkt, ext.mark);
  const info = ext.ctinfo;
  const related = info === CTINFO.RELATED || info === CTINFO.RELATED_REPLY;
  if (!(related && skb.proto === IPPROTO.ICMP) && (info === CTINFO.NEW || related) && !natInitialized(ct, manip)) {
    const table = nfNetIfAny(ns)?.tables.get('nat');
    if (table !== undefined) {
      const st = hookStateOf(state, pkt);
      const tracer = ns.world.tracing ? walkTracer(ns, 'nat', pkt) : undefined;
      const p = walkParam(state, pkt, tracer);
      if (iptDoTable(table, skb, st, p) === 'DROP') {
        traceRuleDrop(state, pkt, 'nat', tracer);
        return NF_DROP;
      }
      ext.mark = skb.mark;
    }
    if (!natInitialized(ct, manip)) natNullBinding(ns, ct, manip);
  }
  if (related && skb.proto === IPPROTO.ICMP && skb.icmpType === ICMP_REDIRECT && natRedirectRefused(ct)) {
    state.reason = 'an ICMP redirect about a connection with NAT (nf_nat_icmp_reply_translation)';
    return NF_DROP;
  }
  if (!natPacket(skb, ct, info, manip)) return NF_ACCEPT;
  const after = packetOf(pkt, skb);
  if (after === pkt) return NF_ACCEPT;
  // a reply's rewrite undoes the original direction's NAT: its source for a DNAT, its destination for an SNAT
  const undone = info === CTINFO.ESTABLISHED_REPLY || info === CTINFO.RELATED_REPLY ? (after.src !== pkt.src ? 'DNAT' : 'SNAT') : undefined;
  traceNat(ns, (state.in ?? state.out)?.name, nfHookName(state.hook), pkt, after, undone);
  state.pkt = after;
  if (state.hook === NF_INET.LOCAL_OUT && after.dst !== pkt.dst) {
    const rt = ipRouteMeHarder(ns, after);
    if (rt === undefined) return NF_DROP;
    state.ctx = rt;
  }
  return NF_ACCEPT;
}
