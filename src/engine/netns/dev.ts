import { MAC_BROADCAST } from '../addr/mac';
import { brHandleFrame } from '../bridge/br_input';
import { ipRcv } from '../ipv4/input';
import { arpRcv } from '../neighbour/arp';
import { PacketEvent } from '../sim/packetEvent';
import { Verdict } from '../sim/trace';
import type { Frame } from '../wire/ethernet';
import { describeFrame, frameView } from '../wire/view';
import type { Netdev } from './netdev';
import { nsLabel, type Netns } from './netns';

/**
 * The device layer (net/core/dev.c): a frame leaves by dev_queue_xmit() and arrives by
 * __netif_receive_skb(), which hands it to a bridge it is a port of, or to ARP or IPv4.
 */

/** Time a frame takes to cross one link, in ms. */
export const HOP_DELAY = 0.005;

const xmitWords = (e: PacketEvent, ns: Netns, frame: Frame) => `${nsLabel(ns)}: ${describeFrame(frame)} sent on ${e.dev}`;
const rcvWords = (e: PacketEvent, ns: Netns, frame: Frame) => `${nsLabel(ns)}: ${describeFrame(frame)} received on ${e.dev}`;

/** A frame met a device that is administratively down, on its way out or in. */
function traceDownDrop(dev: Netdev, frame: Frame): void {
  const ns = dev.netns;
  if (!ns.world.drop(Verdict.NETDEV_DOWN, ns.name, dev.name)) return;
  ns.world.emit({ netns: ns.name, dev: dev.name, verdict: Verdict.NETDEV_DOWN, packetId: frame.pid, packet: frameView(frame), text: `${nsLabel(ns)}: ${dev.name} is down → frame dropped` });
}

/** dev_queue_xmit(): put a frame on the wire of a device (its kind's ndo_start_xmit does the rest). */
export function devXmit(dev: Netdev, frame: Frame): void {
  const ns = dev.netns;
  const w = ns.world;
  if (!dev.adminUp) {
    traceDownDrop(dev, frame);
    return;
  }
  if (w.tracing) w.emitEvent(PacketEvent.frame(ns.name, dev.name, Verdict.XMIT, frame, xmitWords, ns, frame));
  dev.ops.xmit(dev, frame);
}

/** __netif_receive_skb(): a frame arrives on a device. */
export function netifRcv(dev: Netdev, frame: Frame): void {
  const ns = dev.netns;
  const w = ns.world;
  if (!dev.adminUp) {
    traceDownDrop(dev, frame);
    return;
  }
  if (w.tracing && !dev.ops.loopback) w.emitEvent(PacketEvent.frame(ns.name, dev.name, Verdict.RCV, frame, rcvWords, ns, frame));
  // rx_handler: a bridge port's frames belong to the bridge
  if (dev.master) {
    brHandleFrame(dev, dev.master, frame);
    return;
  }
  if (!dev.ops.loopback && frame.dst !== dev.mac && frame.dst !== MAC_BROADCAST) {
    // not this packet's fate (flooded frames reach everyone): traced, but no probe's verdict
    if (w.tracing) w.emit({ netns: ns.name, dev: dev.name, verdict: Verdict.OTHERHOST, packetId: frame.pid, packet: frameView(frame), text: `${nsLabel(ns)}: frame for ${frame.dst}, not ${dev.name}'s address ${dev.mac} → ignored` });
    return;
  }
  deliverSkb(dev, frame);
}

/** deliver_skb(): the protocol handler of the frame's ethertype (arp_rcv, ip_rcv). */
export function deliverSkb(dev: Netdev, frame: Frame): void {
  if (frame.arp) arpRcv(dev, frame);
  else if (frame.ip) ipRcv(dev, frame.ip);
}
