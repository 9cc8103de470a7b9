import { MAC_BROADCAST } from '../addr/mac';
import { NF_BR, nfHook } from '../nf/hooks';
import { devXmit } from '../netns/dev';
import { BR, brPortForwarding, type Bridge, type Netdev } from '../netns/netdev';
import type { Netns } from '../netns/netns';
import { PacketEvent } from '../sim/packetEvent';
import { Verdict } from '../sim/trace';
import type { Frame } from '../wire/ethernet';
import { frameView } from '../wire/view';

/**
 * Sending a frame out of bridge ports (net/bridge/br_forward.c): to the one port the FDB named
 * (br_forward), or to every other forwarding port (br_flood). Each copy passes the bridge's
 * FORWARD (or, for the bridge's own frames, LOCAL_OUT) and POST_ROUTING hooks.
 */

const fdbHitWords = (e: PacketEvent, br: string, frame: Frame) => `${br}: fdb says ${frame.dst} is behind ${e.dev} → forwarded out ${e.dev}`;
const floodWords = (_e: PacketEvent, br: string, frame: Frame, names: string[]) => `${br}: ${frame.dst === MAC_BROADCAST ? 'broadcast' : `no fdb entry for ${frame.dst}`} → flooded to ${names.length ? names.join(', ') : 'no other port'}`;

/**
 * br_forward(): to the port the FDB named. `ingress` is the port the frame came in on, undefined
 * for the bridge's own frames (local_orig).
 */
export function brForward(br: Bridge, port: Netdev, frame: Frame, ingress: Netdev | undefined): void {
  const w = br.netns.world;
  // should_deliver()
  if (!brPortForwarding(port)) {
    const why = `${br.name}: fdb says ${frame.dst} is behind ${port.name}`;
    if (w.drop(Verdict.BR_PORT_DOWN, br.netns.name, port.name)) w.emit({ netns: br.netns.name, dev: port.name, verdict: Verdict.BR_PORT_DOWN, packetId: frame.pid, packet: frameView(frame), text: `${why}, but port ${port.name} is not forwarding (down or no carrier) → dropped` });
    return;
  }
  if (w.tracing) w.emitEvent(PacketEvent.frame(br.netns.name, port.name, Verdict.FDB_HIT, frame, fdbHitWords, br.name, frame).fdbEntry(`${frame.dst} dev ${port.name} master ${br.name}`));
  brForwardOne(br, port, frame, ingress);
}

/**
 * br_flood(): every forwarding port that floods this kind of frame (BR_BCAST_FLOOD for broadcasts,
 * BR_FLOOD for unknown unicast), except the one the frame came in on unless it is in hairpin mode.
 */
export function brFlood(br: Bridge, frame: Frame, ingress: Netdev | undefined): void {
  const w = br.netns.world;
  const kind = frame.dst === MAC_BROADCAST ? BR.BCAST_FLOOD : BR.FLOOD;
  const out = br.ports.filter((p) => (p !== ingress || p.brport.flags & BR.HAIRPIN_MODE) && p.brport.flags & kind && brPortForwarding(p));
  if (w.tracing) w.emitEvent(PacketEvent.frame(br.netns.name, br.name, Verdict.FLOOD, frame, floodWords, br.name, frame, out.map((p) => p.name)).fdbEntry('flood'));
  for (const p of out) brForwardOne(br, p, frame, ingress);
}

/** __br_forward(): the FORWARD hook for a bridged frame, LOCAL_OUT for one the bridge itself sends. */
function brForwardOne(br: Bridge, port: Netdev, frame: Frame, ingress: Netdev | undefined): void {
  if (br.netns.nfHooks === null) brForwardFinish(br.netns, frame, ingress, port);
  else nfHook(br.netns, ingress === undefined ? NF_BR.LOCAL_OUT : NF_BR.FORWARD, frame, ingress, port, brForwardFinish);
}

/** br_forward_finish(): the POST_ROUTING hook. */
function brForwardFinish(ns: Netns, frame: Frame, ingress: Netdev | undefined, port: Netdev): void {
  if (ns.nfHooks === null) brDevQueuePushXmit(ns, frame, ingress, port);
  else nfHook(ns, NF_BR.POST_ROUTING, frame, ingress, port, brDevQueuePushXmit);
}

/** br_dev_queue_push_xmit(): out of the port. */
function brDevQueuePushXmit(_ns: Netns, frame: Frame, _ingress: Netdev | undefined, port: Netdev): void {
  devXmit(port, frame);
}
