import { deliverSkb } from '../netns/dev';
import { NF_BR, nfHook } from '../nf/hooks';
import { BR, brPortForwarding, type Bridge, type Netdev } from '../netns/netdev';
import { nsLabel, type Netns } from '../netns/netns';
import { PacketEvent } from '../sim/packetEvent';
import { Verdict } from '../sim/trace';
import { isBroadcast, type Frame } from '../wire/ethernet';
import { frameView } from '../wire/view';
import { brFlood, brForward } from './br_forward';
import { brFdbFind, brFdbLearn } from './fdb';

/**
 * A frame arriving on a bridge port (net/bridge/br_input.c): br_handle_frame() checks the port and
 * passes the bridge's PRE_ROUTING hook; br_handle_frame_finish() learns the source, then passes the
 * frame up to the bridge's own IP stack, forwards it to one port, or floods it.
 */

const learnWords = (_e: PacketEvent, br: string, port: string, frame: Frame) => `${br}: learned ${frame.src} is behind ${port}`;
const brLocalWords = (e: PacketEvent, ns: Netns) => `${e.dev}: frame addressed to the bridge itself → passed up to ${nsLabel(ns)}'s IP stack`;

/** br_handle_frame(): only a forwarding port takes frames in. */
export function brHandleFrame(port: Netdev, br: Bridge, frame: Frame): void {
  const ns = port.netns;
  const w = ns.world;
  if (!brPortForwarding(port)) {
    if (w.drop(Verdict.BR_PORT_DOWN, ns.name, port.name)) w.emit({ netns: ns.name, dev: port.name, verdict: Verdict.BR_PORT_DOWN, packetId: frame.pid, packet: frameView(frame), text: `${nsLabel(ns)}: ${port.name} is a port of ${br.name}, which is ${br.adminUp ? 'up' : 'down'}; the port is not forwarding → frame dropped`, to: { netns: ns.name, dev: br.name } });
    return;
  }
  if (ns.nfHooks === null) brHandleFrameFinish(ns, frame, port, br);
  else nfHook(ns, NF_BR.PRE_ROUTING, frame, port, br, brHandleFrameFinish);
}

/** br_handle_frame_finish(): learn, then pass up, forward or flood. */
function brHandleFrameFinish(ns: Netns, frame: Frame, port: Netdev | undefined, br: Bridge): void {
  const w = ns.world;
  const ingress = port!;
  const learned = ingress.brport.flags & BR.LEARNING ? brFdbLearn(br, ingress, frame.src, w.now) : 'off';
  if (learned === 'learned' && w.tracing) w.emitEvent(PacketEvent.frame(ns.name, ingress.name, Verdict.FDB_LEARN, frame, learnWords, br.name, ingress.name, frame).fdbEntry(`${frame.src} dev ${ingress.name} master ${br.name}`));
  if (isBroadcast(frame)) {
    brFlood(br, frame, ingress);
    brPassFrameUp(br, frame, ingress);
    return;
  }
  const e = brFdbFind(br, frame.dst, w.now);
  if (e?.local) {
    brPassFrameUp(br, frame, ingress);
    return;
  }
  if (e) {
    // should_deliver(): back out of the port it came in on only in hairpin mode; a frame filtered
    // at its own port is not this packet's fate: traced, but no probe's verdict
    if (e.port === ingress && !(ingress.brport.flags & BR.HAIRPIN_MODE)) {
      if (w.tracing) w.emit({ netns: ns.name, dev: ingress.name, verdict: Verdict.OTHERHOST, packetId: frame.pid, packet: frameView(frame), text: `${br.name}: ${frame.dst} is behind ${ingress.name}, where the frame came from → filtered` });
      return;
    }
    brForward(br, e.port, frame, ingress);
    return;
  }
  brFlood(br, frame, ingress);
}

/** br_pass_frame_up(): the frame is for the bridge device itself (its IP address); the bridge's LOCAL_IN hook. */
function brPassFrameUp(br: Bridge, frame: Frame, ingress: Netdev): void {
  const w = br.netns.world;
  if (!isBroadcast(frame) && w.tracing) w.emitEvent(PacketEvent.frame(br.netns.name, br.name, Verdict.BR_LOCAL, frame, brLocalWords, br.netns));
  if (br.netns.nfHooks === null) brNetifReceive(br.netns, frame, ingress, br);
  else nfHook(br.netns, NF_BR.LOCAL_IN, frame, ingress, br, brNetifReceive);
}

/** br_netif_receive_skb(): up the bridge device's own stack. */
function brNetifReceive(_ns: Netns, frame: Frame, _ingress: Netdev | undefined, br: Bridge): void {
  deliverSkb(br, frame);
}
