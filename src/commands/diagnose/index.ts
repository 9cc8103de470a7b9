/**
 * Diagnosis: what a student most likely has to change when a packet was dropped. The engine only
 * says what happened (a kernel drop reason, where, and the data the decision used); the remedies
 * are worked out here, above it, from those events and the lab as it stands.
 */
import { parseDottedQuad } from '../../engine/addr/ipv4';
import { Verdict, type SuggestedFix, type TraceEvent } from '../../engine/sim/trace';
import type { World } from '../../engine/world';
import { suggestRouteFix } from './route';
import { rpFilter } from '../../engine/fib/validate';
import { kubeLoaded } from '../kube/load';

const bringUp = (netns: string, dev: string): SuggestedFix => ({ text: `bring ${dev} up on ${netns}`, on: netns, run: `ip link set ${dev} up` });

/** The remedy for one dropped packet, if there is an obvious one. */
export function suggestFix(world: World, e: TraceEvent): SuggestedFix | undefined {
  const ns = world.netns(e.netns);
  if (!ns) return undefined;
  switch (e.verdict) {
    case Verdict.NETDEV_DOWN:
      return e.dev !== undefined ? bringUp(e.netns, e.dev) : undefined;
    case Verdict.NO_CARRIER:
    case Verdict.BR_PORT_DOWN: {
      // the device whose state decided: a veth's peer, the bridge of an ingress port
      const to = e.to && world.netns(e.to.netns)?.devByName(e.to.dev);
      return to && !to.adminUp ? bringUp(e.to!.netns, e.to!.dev) : undefined;
    }
    case Verdict.IP_FORWARDING_DISABLED:
      if (ns.sysctl.get('net.ipv4.ip_forward') !== '1') return { text: `enable net.ipv4.ip_forward on ${e.netns}`, on: e.netns, run: 'sysctl -w net.ipv4.ip_forward=1' };
      return e.dev !== undefined ? { text: `enable forwarding on ${e.dev} of ${e.netns}`, on: e.netns, run: `sysctl -w net.ipv4.conf.${e.dev}.forwarding=1` } : undefined;
    case Verdict.IP_INNOROUTES:
    case Verdict.IP_OUTNOROUTES: {
      const dst = e.dst !== undefined ? parseDottedQuad(e.dst) : null;
      return dst !== null ? suggestRouteFix(world, ns, dst) : undefined;
    }
    case Verdict.IP_RPFILTER: {
      // strict → loose lets asymmetric routes through; loose refused only when no route leads back: off
      const dev = e.dev !== undefined ? ns.devByName(e.dev) : undefined;
      if (!dev) return undefined;
      const to = rpFilter(ns, dev) === 1 ? 2 : 0;
      return { text: `${to === 2 ? 'loosen' : 'turn off'} the reverse path filter for ${dev.name} on ${e.netns}`, on: e.netns, run: `sysctl -w net.ipv4.conf.all.rp_filter=${to} net.ipv4.conf.${dev.name}.rp_filter=${to}` };
    }
    default:
      return undefined;
  }
}

/** Attach a suggested fix to each drop in a trace that has one (events are changed in place). */
export function diagnose(world: World, events: readonly TraceEvent[]): void {
  // only a cluster's policy agent drops for a NetworkPolicy, and a cluster means its code is loaded
  kubeLoaded()?.diagnosePolicyDrops(world, events);
  for (const e of events) {
    if (e.fix !== undefined) continue;
    const fix = suggestFix(world, e);
    if (fix) e.fix = fix;
  }
}
