import { KernelError } from '../fib/route';
import type { Mac } from '../addr/mac';
import { PacketEvent } from '../sim/packetEvent';
import { Verdict } from '../sim/trace';
import type { Frame } from '../wire/ethernet';
import { frameView } from '../wire/view';
import { HOP_DELAY, netifRcv } from './dev';
import { defineNetdevKind, makeNetdev, type Veth } from './netdev';
import { nsLabel, type Netns } from './netns';

/**
 * veth (drivers/net/veth.c): a pair of devices joined by a virtual wire; what leaves one arrives on
 * the other, which may sit in another namespace. Each has carrier only while its peer is up.
 */

const vethWords = (e: PacketEvent, into: Netns | undefined) => `veth ${e.dev} → ${e.to!.dev}${into !== undefined ? ` (into ${nsLabel(into)})` : ''}`;

/** veth_xmit(): across to the peer, which must be up. */
function vethXmit(dev: Veth, frame: Frame): void {
  const ns = dev.netns;
  const w = ns.world;
  const peer = dev.peer;
  if (!peer.adminUp) {
    if (w.drop(Verdict.NO_CARRIER, ns.name, dev.name))
      w.emit({
        netns: ns.name,
        dev: dev.name,
        verdict: Verdict.NO_CARRIER,
        packetId: frame.pid,
        packet: frameView(frame),
        text: `${nsLabel(ns)}: ${dev.name} has no carrier (its veth peer ${peer.name} in ${nsLabel(peer.netns)} is down) → frame dropped`,
        // the device whose state decides: the peer that is down
        to: { netns: peer.netns.name, dev: peer.name },
      });
    return;
  }
  if (w.tracing) w.emitEvent(PacketEvent.frame(ns.name, dev.name, Verdict.VETH_XMIT, frame, vethWords, peer.netns !== ns ? peer.netns : undefined).towards({ netns: peer.netns.name, dev: peer.name }));
  w.scheduleCall(HOP_DELAY, netifRcv, peer, frame);
}

export const vethOps = defineNetdevKind<Veth>({
  kind: 'veth',
  loopback: false,
  netnsLocal: false,
  // ether_setup()'s ETH_MIN_MTU; veth_setup() raises the maximum to ETH_MAX_MTU
  minMtu: 68,
  maxMtu: 65535,
  fields: () => ({ peer: undefined }),
  xmit: vethXmit,
  carrier: (dev) => dev.adminUp && dev.peer.adminUp,
  operUnknown: () => false,
  peer: (dev) => dev.peer,
  stop: () => {},
  uninit: () => {},
  // veth_dellink(): the peer goes too
  dellink: (dev) => [dev, dev.peer],
  enslaveError: () => undefined,
});

/** veth_newlink(): the pair, down; the peer is registered first, so it gets the lower index. */
export function createVeth(ns: Netns, name: string, peerName: string, peerNs: Netns = ns): Veth {
  if (ns.devByName(name) || peerNs.devByName(peerName) || (ns === peerNs && name === peerName)) throw new KernelError('EEXIST');
  const w = ns.world;
  const dev = makeNetdev<Veth>(ns, name, vethOps, '' as Mac, 1500, 'noop');
  const peer = makeNetdev<Veth>(peerNs, peerName, vethOps, '' as Mac, 1500, 'noop');
  dev.peer = peer;
  peer.peer = dev;
  peer.mac = w.randomMac();
  dev.mac = w.randomMac();
  peerNs.attach(peer);
  ns.attach(dev);
  if (peerNs !== ns) {
    ns.nsidFor(peerNs);
    peerNs.nsidFor(ns);
  }
  w.touch();
  return dev;
}
