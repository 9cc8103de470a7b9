import { formatIpv4, type Ipv4 } from '../addr/ipv4';
import { MAC_BROADCAST, MAC_ZERO } from '../addr/mac';
import { inetSelectAddr, isLocal } from '../fib/frontend';
import { RT_SCOPE } from '../fib/route';
import { devXmit } from '../netns/dev';
import type { Netdev } from '../netns/netdev';
import { nsLabel, type Netns } from '../netns/netns';
import { PacketEvent } from '../sim/packetEvent';
import { Verdict } from '../sim/trace';
import type { ArpMessage } from '../wire/arp';
import { arpFrame, type Frame } from '../wire/ethernet';
import { neighUpdate, neighWrite } from './neigh';
import type { Neighbour } from './table';

/** ARP (net/ipv4/arp.c): asking for an address, answering for ours, learning from what we hear. */

const answerWords = (_e: PacketEvent, ns: Netns, arp: ArpMessage, mac: string) => `${nsLabel(ns)}: ${formatIpv4(arp.tip)} is ours → ARP reply "${formatIpv4(arp.tip)} is-at ${mac}" to ${formatIpv4(arp.sip)}`;
const replyWords = (_e: PacketEvent, ns: Netns, frame: Frame, queued: boolean) => `${nsLabel(ns)}: ARP reply: ${formatIpv4(frame.arp!.sip)} is at ${frame.arp!.sha} → neighbour REACHABLE${queued ? ', queued packets sent' : ''}`;

/** arp_process(): answer requests for our addresses, learn from what we hear. */
export function arpRcv(dev: Netdev, frame: Frame): void {
  const ns = dev.netns;
  const w = ns.world;
  const arp = frame.arp!;
  if (arp.op === 'request' && isLocal(ns, arp.tip) && arp.sip !== 0) {
    // the asker is learned as STALE: the reply will be sent through it
    neighUpdate(ns, dev, arp.sip, arp.sha, 'STALE');
    if (w.tracing) w.emitEvent(PacketEvent.frame(ns.name, dev.name, Verdict.NEIGH_REPLY, frame, answerWords, ns, arp, dev.mac));
    devXmit(dev, arpFrame(w.nextPid(), dev.mac, arp.sha, { op: 'reply', sha: dev.mac, sip: arp.tip, tha: arp.sha, tip: arp.sip }));
    return;
  }
  const n = ns.neigh.get(dev, arp.sip);
  if (!n) return;
  const state = arp.op === 'reply' && frame.dst !== MAC_BROADCAST ? 'REACHABLE' : 'STALE';
  if (state === 'REACHABLE' && w.tracing) w.emitEvent(PacketEvent.frame(ns.name, dev.name, Verdict.NEIGH_REPLY, frame, replyWords, ns, frame, n.queue.length > 0));
  neighUpdate(ns, dev, arp.sip, arp.sha, state);
}

/** arp_solicit(): broadcast while INCOMPLETE, unicast to the cached address while PROBE. */
export function arpSolicit(ns: Netns, n: Neighbour): void {
  neighWrite(ns, n);
  n.probes++;
  const dev = n.dev;
  const sip = n.probeSrc ?? inetSelectAddr(ns, dev, n.ip, RT_SCOPE.link) ?? (0 as Ipv4);
  const unicast = n.state === 'PROBE' && n.mac;
  devXmit(dev, arpFrame(ns.world.nextPid(), dev.mac, unicast ? n.mac! : MAC_BROADCAST, { op: 'request', sha: dev.mac, sip, tha: MAC_ZERO, tip: n.ip }));
}
