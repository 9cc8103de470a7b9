/**
 * br_netfilter (net/bridge/br_netfilter_hooks.c): IPv4 frames a bridge handles go through the IP
 * hooks of the bridge's namespace when `net.bridge.bridge-nf-call-iptables` is 1 (the default once
 * the module is loaded; Kubernetes requires it).
 *
 * - bridge PREROUTING: the IP PREROUTING hooks (conntrack, DNAT) with `-i` the bridge and
 *   `--physdev-in` the port. A DNAT to an address behind the same bridge rewrites the frame's
 *   destination MAC and the frame is bridged on (bridged DNAT: no TTL decrement); a DNAT elsewhere
 *   sends the frame up to the IP stack to be routed. When the bridge passes a frame up, ip_rcv does
 *   not run PREROUTING again (ip_sabotage_in).
 * - bridge FORWARD: the IP FORWARD hooks, `-i` and `-o` the bridge, `--physdev-in/-out` the ports.
 * - bridge POSTROUTING: the IP POSTROUTING hooks (SNAT/MASQUERADE, conntrack confirm).
 *
 * This is why a same-node pod-to-Service packet comes back translated: the reply is bridged, but
 * its connection is found and un-DNATed on the bridge. With the sysctl at 0 the reply skips
 * netfilter and reaches the client from the pod's own address.
 */
import { ipRouteInput, ipRouteOutput } from '../fib/frontend';
import { nudValid } from '../neighbour/table';
import type { Bridge, Netdev } from '../netns/netdev';
import type { Netns } from '../netns/netns';
import { NF_ACCEPT, NF_BR, NF_BR_PRI, NF_INET, NF_STOLEN, nfHookEntries, nfIterate, type NfHookOps, type NfHookState, type NfVerdict } from '../nf/hooks';
import { ipFrame, type Frame } from '../wire/ethernet';
import type { Ipv4Packet } from '../wire/ipv4';
import type { BrnfHookState } from './hookstate';
import { skbExt, skbExtIfAny } from './skbext';

const callIptables = (ns: Netns): boolean => (ns.sysctl.get('net.bridge.bridge-nf-call-iptables') ?? '1') !== '0';

const noop = (): void => undefined;

/** Run the IP hook functions of `hook` on a bridged packet; the packet they leave, or undefined if dropped. */
function runIpHooks(ns: Netns, hook: 0 | 2 | 4, pkt: Ipv4Packet, inDev: Netdev | undefined, outDev: Netdev | undefined, physIn: Netdev | undefined, physOut: Netdev | undefined): Ipv4Packet | undefined {
  const entries = nfHookEntries(ns, hook);
  if (entries.length === 0) return pkt;
  const state: BrnfHookState = { hook, ns, in: inDev, out: outDev, pkt, ctx: undefined, reason: undefined, okfn: noop, brnf: { physIn, physOut } };
  return nfIterate(entries, state) === NF_ACCEPT ? (state.pkt as Ipv4Packet) : undefined;
}

/** br_nf_pre_routing() */
function brNfPreRouting(state: NfHookState): NfVerdict {
  const ns = state.ns;
  const frame = state.pkt as Frame;
  const br = state.ctx as Bridge;
  if (frame.ip === undefined || !callIptables(ns)) return NF_ACCEPT;
  const pkt = frame.ip;
  skbExt(ns, pkt.pid).brPrerouted = true;
  const after = runIpHooks(ns, NF_INET.PRE_ROUTING, pkt, br, undefined, state.in, undefined);
  if (after === undefined) return NF_STOLEN;
  if (after === pkt) return NF_ACCEPT;
  state.pkt = after.dst !== pkt.dst ? dnatFrame(ns, br, frame, after) : ipFrame(frame.pid, frame.src, frame.dst, after);
  return NF_ACCEPT;
}

/**
 * br_nf_pre_routing_finish() after a DNAT: bridged on to the new destination's MAC when it is
 * behind this bridge and known, otherwise up to the bridge's IP stack to be routed.
 */
function dnatFrame(ns: Netns, br: Bridge, frame: Frame, pkt: Ipv4Packet): Frame {
  const r = ipRouteInput(ns, pkt.dst, pkt.src, br);
  // bridged-and-DNATed traffic does not need ip_forward: an output route through the bridge will do
  const out = r.kind === 'forward' ? r.rt : r.kind === 'error' ? ipRouteOutput(ns, pkt.dst) : undefined;
  const rt = out === undefined ? undefined : 'ok' in out ? (out.ok ? out.rt : undefined) : out;
  if (rt !== undefined && rt.dev === br) {
    const n = ns.neigh.get(br, rt.nexthop);
    if (n !== undefined && nudValid(n.state) && n.mac !== undefined) return ipFrame(frame.pid, frame.src, n.mac, pkt);
  }
  return ipFrame(frame.pid, frame.src, br.mac, pkt);
}

/** br_nf_forward_ip(): only frames br_nf_pre_routing saw */
function brNfForward(state: NfHookState): NfVerdict {
  const ns = state.ns;
  const frame = state.pkt as Frame;
  if (frame.ip === undefined || skbExtIfAny(ns, frame.ip.pid)?.brPrerouted !== true || !callIptables(ns)) return NF_ACCEPT;
  const port = state.out!;
  const br = port.master;
  const after = runIpHooks(ns, NF_INET.FORWARD, frame.ip, br, br, state.in, port);
  if (after === undefined) return NF_STOLEN;
  if (after !== frame.ip) state.pkt = ipFrame(frame.pid, frame.src, frame.dst, after);
  return NF_ACCEPT;
}

/** br_nf_post_routing() */
function brNfPostRouting(state: NfHookState): NfVerdict {
  const ns = state.ns;
  const frame = state.pkt as Frame;
  if (frame.ip === undefined || skbExtIfAny(ns, frame.ip.pid)?.brPrerouted !== true || !callIptables(ns)) return NF_ACCEPT;
  const port = state.out!;
  const after = runIpHooks(ns, NF_INET.POST_ROUTING, frame.ip, undefined, port.master, state.in, port);
  if (after === undefined) return NF_STOLEN;
  if (after !== frame.ip) state.pkt = ipFrame(frame.pid, frame.src, frame.dst, after);
  return NF_ACCEPT;
}

/** br_nf_ops[]: registered beside the IP hooks of a namespace that has any. */
export function brnfOps(): NfHookOps[] {
  return [
    { hook: NF_BR.PRE_ROUTING, priority: NF_BR_PRI.BRNF, owner: 'br_netfilter', fn: brNfPreRouting },
    { hook: NF_BR.FORWARD, priority: NF_BR_PRI.BRNF - 1, owner: 'br_netfilter', fn: brNfForward },
    { hook: NF_BR.POST_ROUTING, priority: NF_BR_PRI.LAST, owner: 'br_netfilter', fn: brNfPostRouting },
  ];
}
