import type { Netdev } from '../netns/netdev';
import type { Netns } from '../netns/netns';
import type { Frame } from '../wire/ethernet';
import type { Ipv4Packet } from '../wire/ipv4';
import { nsLabel } from '../netns/netns';
import { Verdict } from '../sim/trace';
import { PacketEvent } from '../sim/packetEvent';

/**
 * Netfilter's hook points (net/netfilter/core.c, include/linux/netfilter.h): the places in the
 * packet path where registered functions may look at a packet, rewrite it (NAT), drop it or take it
 * away. The tables, chains, rules and connection tracking that register here live in
 * src/engine/netfilter and src/engine/conntrack; this file only knows hooks and priorities.
 *
 * The packet path calls `nfHook(ns, hook, pkt, inDev, ctx, okfn)` the way the kernel writes
 * NF_HOOK(): the functions registered at that point of that namespace run in priority order and
 * okfn gets the packet as they left it. A namespace where nothing is registered has `nfHooks`
 * null, and the packet path tests that first and calls okfn itself (the kernel's nf_hooks_needed
 * static key): one comparison per hook point, and each step a direct call.
 */

/** NF_INET_* (include/uapi/linux/netfilter.h) */
export const NF_INET = { PRE_ROUTING: 0, LOCAL_IN: 1, FORWARD: 2, LOCAL_OUT: 3, POST_ROUTING: 4 } as const;
export type InetHook = (typeof NF_INET)[keyof typeof NF_INET];

/**
 * NF_BR_* (include/uapi/linux/netfilter_bridge.h). The kernel numbers them 0–5 in their own family;
 * here they follow the inet ones, so one array per namespace holds every hook's entries.
 */
export const NF_BR = { PRE_ROUTING: 8, LOCAL_IN: 9, FORWARD: 10, LOCAL_OUT: 11, POST_ROUTING: 12 } as const;
export type BrHook = (typeof NF_BR)[keyof typeof NF_BR];
export type NfHookPoint = InetHook | BrHook;

const HOOK_NAMES: Record<NfHookPoint, string> = { 0: 'PREROUTING', 1: 'INPUT', 2: 'FORWARD', 3: 'OUTPUT', 4: 'POSTROUTING', 8: 'bridge PREROUTING', 9: 'bridge INPUT', 10: 'bridge FORWARD', 11: 'bridge OUTPUT', 12: 'bridge POSTROUTING' };

/** The chain name iptables gives a hook ("PREROUTING", "INPUT", …). */
export const nfHookName = (hook: NfHookPoint): string => HOOK_NAMES[hook];

/** enum nf_ip_hook_priorities (include/uapi/linux/netfilter_ipv4.h): lower runs first. */
export const NF_IP_PRI = {
  CONNTRACK_DEFRAG: -400,
  RAW: -300,
  CONNTRACK: -200,
  MANGLE: -150,
  NAT_DST: -100,
  FILTER: 0,
  SECURITY: 50,
  NAT_SRC: 100,
  CONNTRACK_HELPER: 300,
  CONNTRACK_CONFIRM: 0x7fffffff,
} as const;

/** enum nf_br_hook_priorities (include/uapi/linux/netfilter_bridge.h) */
export const NF_BR_PRI = { FIRST: -0x80000000, NAT_DST_BRIDGED: -300, FILTER_BRIDGED: -200, BRNF: 0, NAT_DST_OTHER: 100, FILTER_OTHER: 200, NAT_SRC: 300, LAST: 0x7fffffff } as const;

/** What a hook function decides (NF_DROP, NF_ACCEPT, NF_STOLEN); there is no NF_QUEUE. */
export const NF_DROP = 0;
export const NF_ACCEPT = 1;
/** the function took the packet (it will call `nfReinject(state)` later, or let it go) */
export const NF_STOLEN = 2;
export type NfVerdict = typeof NF_DROP | typeof NF_ACCEPT | typeof NF_STOLEN;

/** What the packet path hands on to its next step once the hooks accepted. */
export type NfOkfn<P, X> = (ns: Netns, pkt: P, inDev: Netdev | undefined, ctx: X) => void;

/**
 * The packet at a hook, as the functions there see it (struct nf_hook_state plus the skb). A function
 * that rewrites the packet (NAT) puts the new one in `pkt`; the next function and okfn get that one.
 * A function that changes a locally generated packet's destination at LOCAL_OUT must route it again
 * (`ipRouteMeHarder` in src/engine/ipv4/output.ts) and put the result in `ctx`.
 */
export interface NfHookState<P = Ipv4Packet | Frame, X = unknown> {
  readonly hook: NfHookPoint;
  readonly ns: Netns;
  /** the device the packet came in on (PRE_ROUTING, LOCAL_IN, FORWARD) */
  readonly in: Netdev | undefined;
  /** the device it will leave by (FORWARD, LOCAL_OUT, POST_ROUTING), where known */
  readonly out: Netdev | undefined;
  pkt: P;
  /** what okfn needs besides the packet: the route (inet hooks) or the output port (bridge hooks) */
  ctx: X;
  /** why a function dropped the packet, for the trace ("iptables -A INPUT … -j DROP") */
  reason: string | undefined;
  readonly okfn: NfOkfn<P, X>;
}

/** A function registered at a hook (struct nf_hook_ops). */
export interface NfHookOps {
  readonly hook: NfHookPoint;
  readonly priority: number;
  /** who registered it, for the trace ("iptables filter", "conntrack") */
  readonly owner: string;
  readonly fn: (state: NfHookState) => NfVerdict;
}

/** nf_register_net_hook(): add ops to its hook in ns, after any of equal priority. */
export function nfRegisterNetHook(ns: Netns, ops: NfHookOps): void {
  const hooks = (ns.nfHooks ??= []);
  const list = (hooks[ops.hook] ?? []).slice();
  let i = list.length;
  while (i > 0 && list[i - 1].priority > ops.priority) i--;
  list.splice(i, 0, ops);
  // a new array each time: a walk in progress keeps the list it started with
  hooks[ops.hook] = list;
}

/** nf_unregister_net_hook(): when a hook has no function left, it costs nothing again. */
export function nfUnregisterNetHook(ns: Netns, ops: NfHookOps): void {
  const hooks = ns.nfHooks;
  const list = hooks?.[ops.hook];
  if (!hooks || !list || !list.includes(ops)) return;
  const rest = list.filter((o) => o !== ops);
  hooks[ops.hook] = rest.length ? rest : undefined;
  if (hooks.every((l) => l === undefined)) ns.nfHooks = null;
}

/** The functions registered at a hook, in the order they run (for br_netfilter and for tests). */
export const nfHookEntries = (ns: Netns, hook: NfHookPoint): readonly NfHookOps[] => ns.nfHooks?.[hook] ?? [];

export function nfHook<X>(ns: Netns, hook: InetHook, pkt: Ipv4Packet, inDev: Netdev | undefined, ctx: X, okfn: NfOkfn<Ipv4Packet, X>): void;
export function nfHook<X>(ns: Netns, hook: BrHook, frame: Frame, inDev: Netdev | undefined, ctx: X, okfn: NfOkfn<Frame, X>): void;
/** NF_HOOK(): run the functions registered at `hook` in ns, then okfn unless one dropped or stole the packet. */
export function nfHook(ns: Netns, hook: NfHookPoint, pkt: Ipv4Packet | Frame, inDev: Netdev | undefined, ctx: unknown, okfn: NfOkfn<never, unknown>): void {
  const entries = ns.nfHooks === null ? undefined : ns.nfHooks[hook];
  if (entries === undefined) {
    (okfn as NfOkfn<Ipv4Packet | Frame, unknown>)(ns, pkt, inDev, ctx);
    return;
  }
  // after routing, ctx says where the packet goes: the route (inet) or the port (bridge)
  const routed = hook === NF_INET.FORWARD || hook === NF_INET.LOCAL_OUT || hook === NF_INET.POST_ROUTING;
  const bridged = hook === NF_BR.FORWARD || hook === NF_BR.LOCAL_OUT || hook === NF_BR.POST_ROUTING;
  const out = routed ? (ctx as { dev: Netdev }).dev : bridged ? (ctx as Netdev) : undefined;
  const state: NfHookState = { hook, ns, in: inDev, out, pkt, ctx, reason: undefined, okfn: okfn as NfOkfn<Ipv4Packet | Frame, unknown> };
  if (nfIterate(entries, state) === NF_ACCEPT) nfReinject(state);
}

/**
 * nf_hook_slow()'s walk: each function in turn until one does not accept. A drop is traced here,
 * once, with the function's reason.
 */
export function nfIterate(entries: readonly NfHookOps[], state: NfHookState): NfVerdict {
  for (const ops of entries) {
    const v = ops.fn(state);
    if (v === NF_ACCEPT) continue;
    if (v === NF_DROP) traceNfDrop(state, ops);
    return v;
  }
  return NF_ACCEPT;
}

/** Hand a packet on to the step after the hook (also how a function that stole one gives it back). */
export function nfReinject(state: NfHookState): void {
  state.okfn(state.ns, state.pkt, state.in, state.ctx);
}

const nfDropWords = (_e: PacketEvent, ns: Netns, why: string, hook: NfHookPoint) => `${nsLabel(ns)}: ${why} (netfilter ${nfHookName(hook)}) → dropped`;

function traceNfDrop(state: NfHookState, ops: NfHookOps): void {
  const ns = state.ns;
  const w = ns.world;
  const dev = (state.in ?? state.out)?.name;
  if (!w.drop(Verdict.NETFILTER_DROP, ns.name, dev)) return;
  const p = state.pkt;
  const why = state.reason ?? `dropped by ${ops.owner}`;
  const e = 'ttl' in p ? PacketEvent.ip(ns.name, dev, Verdict.NETFILTER_DROP, p, nfDropWords, ns, why, state.hook) : PacketEvent.frame(ns.name, dev, Verdict.NETFILTER_DROP, p, nfDropWords, ns, why, state.hook);
  w.emitEvent(e);
}
