/**
 * Netfilter at the packet path's hook points: what registers where (net/netfilter/core.c).
 *
 * `nfSync(ns)` runs after every change to a namespace's tables and registers, at the engine's
 * `nfHook` points, exactly what nf_tables would have hooked:
 *
 * | priority              | at                        | what                                          |
 * |-----------------------|---------------------------|-----------------------------------------------|
 * | raw −300              | PREROUTING, OUTPUT        | the raw table (NOTRACK)                        |
 * | conntrack −200        | PREROUTING, OUTPUT        | nf_conntrack_in (only while a rule needs it)  |
 * | mangle −150           | all five                  | the mangle table                              |
 * | nat −100 / +100       | PREROUTING, OUTPUT / POSTROUTING, INPUT | NAT: the nat table for a new connection, its binding for every packet |
 * | filter 0, security 50 | INPUT, FORWARD, OUTPUT    | the filter and security tables                 |
 * | confirm INT_MAX       | POSTROUTING, INPUT        | nf_conntrack_confirm                           |
 *
 * Only the built-in chains nf_tables created are hooked, and a namespace without tables has no
 * function at any hook. br_netfilter's bridge hooks (brnf.ts) run these same IP hooks for frames a
 * bridge forwards when `net.bridge.bridge-nf-call-iptables` is 1.
 */
import type { Netns } from '../netns/netns';
import { NF_ACCEPT, NF_DROP, NF_INET, NF_IP_PRI, NF_STOLEN, nfRegisterNetHook, nfUnregisterNetHook, type NfHookOps, type NfHookState, type NfVerdict } from '../nf/hooks';
import type { Ipv4Packet } from '../wire/ipv4';
import { nfConntrackConfirm, nfConntrackIn } from '../conntrack/core';
import { nfNetIfAny } from './tables';
import { HOOK_CHAIN, TABLES, TABLE_NAMES, type TableName } from './types';
import { skbExt, skbExtFree } from './skbext';
import { skbOf } from './skbconv';
import { hookStateOf, sabotaged } from './hookstate';
import { iptDoTable } from './walk';
import { natHookFn } from './natHook';
import { walkParam } from './targetParam';
import { walkTracer, traceRuleDrop } from './trace';
import { brnfOps } from './brnf';

/** What is registered per namespace, so the next sync can take it away. */
const registered = new WeakMap<Netns, NfHookOps[]>();

/** One table's walk at one hook (ipt_do_table behind nft's base chain). */
function tableFn(table: TableName): NfHookOps['fn'] {
  return (state: NfHookState): NfVerdict => {
    const ns = state.ns;
    const pkt = state.pkt as Ipv4Packet;
    if (sabotaged(state, pkt)) return NF_ACCEPT;
    const live = nfNetIfAny(ns)?.tables.get(table);
    if (live === undefined) return NF_ACCEPT;
    const ext = skbExt(ns, pkt.pid);
    const skb = skbOf(pkt, ext.mark);
    const st = hookStateOf(state, pkt);
    const tracer = ns.world.tracing ? walkTracer(ns, table, pkt) : undefined;
    const p = walkParam(state, pkt, tracer);
    const v = iptDoTable(live, skb, st, p);
    ext.mark = skb.mark;
    // the CT target (raw table) leaves the packet untracked
    if (st.ctinfo !== ext.ctinfo && st.ct === undefined) {
      ext.ct = undefined;
      ext.ctinfo = st.ctinfo;
      ext.tracked = true;
    }
    if (v === 'ACCEPT') return NF_ACCEPT;
    return traceRuleDrop(state, pkt, table, tracer) ? NF_STOLEN : NF_DROP;
  };
}

function conntrackInFn(state: NfHookState): NfVerdict {
  const pkt = state.pkt as Ipv4Packet;
  if (sabotaged(state, pkt)) return NF_ACCEPT;
  const ext = skbExt(state.ns, pkt.pid);
  nfConntrackIn(state.ns, skbOf(pkt, ext.mark), pkt.pid);
  return NF_ACCEPT;
}

function conntrackConfirmFn(state: NfHookState): NfVerdict {
  const pid = (state.pkt as Ipv4Packet).pid;
  nfConntrackConfirm(state.ns, pid);
  // loopback keeps skb->_nfct: the packet comes back in with its connection (and NAT already
  // done), so a locally REDIRECTed packet is not taken for a new flow at PREROUTING
  if (state.out?.kind !== 'loopback') skbExtFree(state.ns, pid);
  return NF_ACCEPT;
}

/** The hook functions nf_tables would have registered for the namespace's tables now. */
export function wantedOps(ns: Netns): NfHookOps[] {
  const net = nfNetIfAny(ns);
  if (net === undefined) return [];
  const ops: NfHookOps[] = [];
  for (const name of TABLE_NAMES) {
    const t = net.tables.get(name);
    if (t === undefined) continue;
    const hooked = TABLES[name].hooks.filter((hook) => [...t.chains.values()].some((x) => x.hook === hook));
    if (name === 'nat') {
      // nf_nat_register_fn(): the first nat chain hooks NAT at all four places, where the bindings
      // of every connection are applied (the nat table itself is walked only where it has a chain)
      if (hooked.length) for (const hook of TABLES.nat.hooks) ops.push({ hook, priority: TABLES.nat.priority(hook), owner: 'nat', fn: natHookFn });
      continue;
    }
    for (const hook of hooked) ops.push({ hook, priority: TABLES[name].priority(hook), owner: `iptables ${name} ${HOOK_CHAIN[hook]}`, fn: tableFn(name) });
  }
  if (net.ctUsers > 0) {
    for (const hook of [NF_INET.PRE_ROUTING, NF_INET.LOCAL_OUT]) ops.push({ hook, priority: NF_IP_PRI.CONNTRACK, owner: 'conntrack', fn: conntrackInFn });
    for (const hook of [NF_INET.POST_ROUTING, NF_INET.LOCAL_IN]) ops.push({ hook, priority: NF_IP_PRI.CONNTRACK_CONFIRM, owner: 'conntrack confirm', fn: conntrackConfirmFn });
  }
  if (ops.length) ops.push(...brnfOps());
  return ops;
}

/** Register what the namespace's tables need at the hooks, and take away what they no longer do. */
export function nfSync(ns: Netns): void {
  for (const o of registered.get(ns) ?? []) nfUnregisterNetHook(ns, o);
  const ops = wantedOps(ns);
  for (const o of ops) nfRegisterNetHook(ns, o);
  registered.set(ns, ops);
}
