import { formatIpv4, type Ipv4 } from '../addr/ipv4';
import type { Mac } from '../addr/mac';
import { inetSelectAddr, isLocal } from '../fib/frontend';
import { RT_SCOPE } from '../fib/route';
import { icmpSend } from '../ipv4/icmp';
import { devXmit } from '../netns/dev';
import type { Netdev } from '../netns/netdev';
import { nsLabel, type Netns } from '../netns/netns';
import { PacketEvent } from '../sim/packetEvent';
import { Verdict } from '../sim/trace';
import { ipFrame } from '../wire/ethernet';
import { ICMP, ICMP_UNREACH } from '../wire/icmp';
import type { Ipv4Packet } from '../wire/ipv4';
import { ipView } from '../wire/view';
import { registerRearm } from '../sim/rearm';
import { arpSolicit } from './arp';
import { ARP_PARMS, nudValid, type Neighbour } from './table';

/**
 * The neighbour state machine (net/core/neighbour.c): sending through an entry, resolving it,
 * its timers, and updates from what ARP hears. Read include/uapi/linux/neighbour.h for the states
 * and RFC 1122 §2.3.2 for why a queued packet waits for resolution.
 */

const neighHitWords = (e: PacketEvent, ns: Netns, nexthop: Ipv4, stateAtMac: string) => `${nsLabel(ns)}: neighbour ${formatIpv4(nexthop)} is ${stateAtMac} on ${e.dev}`;
const stillResolvingWords = (e: PacketEvent, ns: Netns, nexthop: Ipv4) => `${nsLabel(ns)}: ARP for ${formatIpv4(nexthop)} still unanswered → packet queued`;
const resolveWords = (e: PacketEvent, ns: Netns, nexthop: Ipv4) => `${nsLabel(ns)}: no neighbour entry for ${formatIpv4(nexthop)} on ${e.dev} → packet queued, ARP request broadcast`;

/** neigh_output() / __neigh_event_send(): send now if the neighbour is known, else queue and resolve. */
export function neighOutput(ns: Netns, dev: Netdev, nexthop: Ipv4, pkt: Ipv4Packet): void {
  const w = ns.world;
  let n = ns.neigh.get(dev, nexthop);
  if (n && nudValid(n.state)) {
    if (n.state === 'STALE') {
      neighWrite(ns, n);
      n.state = 'DELAY';
      armTimer(ns, n, ARP_PARMS.delayProbeTime);
    }
    if (w.tracing) w.emitEvent(PacketEvent.ip(ns.name, dev.name, Verdict.NEIGH_HIT, pkt, neighHitWords, ns, nexthop, `${n.state} at ${n.mac}`));
    devXmit(dev, ipFrame(pkt.pid, dev.mac, n.mac!, pkt));
    return;
  }
  w.willChange(ns);
  if (!n) n = ns.neigh.create(dev, nexthop, w.now);
  const entry = n;
  ns.neigh.touch(entry);
  // the queued packet goes on (or fails) in an ARP event: it still belongs to the command that sent it
  const cause = w.traceTarget;
  entry.queue.push({
    resolved: (mac: Mac) => w.asCause(cause, () => devXmit(dev, ipFrame(pkt.pid, dev.mac, mac, pkt))),
    failed: () =>
      w.asCause(cause, () => {
        if (w.drop(Verdict.NEIGH_FAILED, ns.name, dev.name))
          w.emit({ netns: ns.name, dev: dev.name, verdict: Verdict.NEIGH_FAILED, packetId: pkt.pid, packet: ipView(pkt), text: `${nsLabel(ns)}: nobody answered ARP for ${formatIpv4(nexthop)} on ${dev.name} → neighbour FAILED, packet dropped, "Destination Host Unreachable" reported to ${formatIpv4(pkt.src)}` });
        icmpSend(ns, pkt, ICMP.DEST_UNREACH, ICMP_UNREACH.HOST, { dev });
      }),
  });
  if (entry.state === 'INCOMPLETE') {
    if (w.tracing) w.emitEvent(PacketEvent.ip(ns.name, dev.name, Verdict.NEIGH_RESOLVE, pkt, stillResolvingWords, ns, nexthop));
    return;
  }
  // NONE or FAILED: ARP asks from the packet's own source when it is ours (arp_solicit's saddr choice)
  if (w.tracing) w.emitEvent(PacketEvent.ip(ns.name, dev.name, Verdict.NEIGH_RESOLVE, pkt, resolveWords, ns, nexthop));
  neighStartResolve(ns, entry, isLocal(ns, pkt.src) ? pkt.src : inetSelectAddr(ns, dev, nexthop, RT_SCOPE.link));
}

/**
 * __neigh_event_send() on an entry that is neither valid nor resolving: it becomes INCOMPLETE, the
 * first request goes out at once and the retransmit timer starts.
 */
export function neighStartResolve(ns: Netns, n: Neighbour, probeSrc: Ipv4 | undefined): void {
  neighWrite(ns, n);
  n.state = 'INCOMPLETE';
  n.probes = ARP_PARMS.ucastProbes;
  n.mac = undefined;
  n.probeSrc = probeSrc;
  arpSolicit(ns, n);
  armTimer(ns, n, ARP_PARMS.retransTime);
}

/** A neighbour entry is about to change: inside a probe's rollback, its namespace and the entry are logged first. */
export function neighWrite(ns: Netns, n: Neighbour): void {
  ns.world.willChange(ns);
  ns.neigh.touch(n);
}

/** neigh_max_probes() */
function maxProbes(n: Neighbour): number {
  return ARP_PARMS.ucastProbes + ARP_PARMS.appProbes + (n.state === 'PROBE' ? ARP_PARMS.mcastReprobes : ARP_PARMS.mcastProbes);
}

function armTimer(ns: Netns, n: Neighbour, delay: number): void {
  neighWrite(ns, n);
  const gen = ++n.timerGen;
  n.timerAt = ns.world.now + delay;
  ns.world.schedule(delay, () => {
    if (n.timerGen === gen) neighTimer(ns, n);
  });
}

/** neigh_rand_reach_time(): uniformly between half and one and a half base_reachable_time. */
function reachableTime(ns: Netns): number {
  const base = ARP_PARMS.baseReachableTime;
  return base / 2 + ns.world.random() * base;
}

/** neigh_timer_handler() */
function neighTimer(ns: Netns, n: Neighbour): void {
  neighWrite(ns, n);
  const now = ns.world.now;
  n.timerAt = undefined;
  switch (n.state) {
    case 'REACHABLE':
      n.state = 'STALE';
      n.updated = now;
      return;
    case 'DELAY':
      if (now - n.confirmed < ARP_PARMS.delayProbeTime) {
        n.state = 'REACHABLE';
        armTimer(ns, n, reachableTime(ns));
      } else {
        n.state = 'PROBE';
        n.probes = 0;
        arpSolicit(ns, n);
        armTimer(ns, n, ARP_PARMS.retransTime);
      }
      return;
    case 'INCOMPLETE':
    case 'PROBE':
      if (n.probes >= maxProbes(n)) {
        n.state = 'FAILED';
        n.updated = now;
        const q = n.queue;
        n.queue = [];
        q.forEach((p) => p.failed());
        ns.world.touch();
        return;
      }
      arpSolicit(ns, n);
      armTimer(ns, n, ARP_PARMS.retransTime);
      return;
    default:
      return;
  }
}

/** neigh_update() with the rule that a valid entry keeps its state when told STALE about the same address. */
export function neighUpdate(ns: Netns, dev: Netdev, ip: Ipv4, mac: Mac, state: 'STALE' | 'REACHABLE'): Neighbour {
  ns.world.willChange(ns);
  const now = ns.world.now;
  let n = ns.neigh.get(dev, ip);
  if (!n) n = ns.neigh.create(dev, ip, now);
  ns.neigh.touch(n);
  const wasValid = nudValid(n.state);
  if (state === 'REACHABLE') n.confirmed = now;
  if (wasValid && n.mac === mac && state === 'STALE') return n;
  if (n.state !== state || n.mac !== mac) n.updated = now;
  n.mac = mac;
  n.state = state;
  if (state === 'REACHABLE') armTimer(ns, n, reachableTime(ns));
  else n.timerGen++;
  const q = n.queue;
  n.queue = [];
  if (q.length && n.state === 'STALE') {
    // sending through a STALE entry starts the DELAY timer, as neigh_event_send() does
    n.state = 'DELAY';
    armTimer(ns, n, ARP_PARMS.delayProbeTime);
  }
  q.forEach((p) => p.resolved(mac));
  ns.world.touch();
  return n;
}

/** neigh_event_send() for a gateway a redirect named: start resolving it unless it is valid or resolving already. */
export function neighEventSend(ns: Netns, dev: Netdev, ip: Ipv4): void {
  ns.world.willChange(ns);
  let e = ns.neigh.get(dev, ip);
  if (!e) e = ns.neigh.create(dev, ip, ns.world.now);
  ns.neigh.touch(e);
  if (!nudValid(e.state) && e.state !== 'INCOMPLETE') neighStartResolve(ns, e, inetSelectAddr(ns, dev, ip, RT_SCOPE.link));
}

// an entry waiting on its timer (INCOMPLETE, DELAY, PROBE, REACHABLE) would wait for ever after a
// storm's cut: arm it again for what was left of its time
registerRearm('neighbour timers', (w) => {
  for (const ns of w.allNetns()) for (const n of ns.neigh.all()) if (n.timerAt !== undefined) armTimer(ns, n, Math.max(0, n.timerAt - w.now));
});
