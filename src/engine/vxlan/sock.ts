import { formatIpv4, type Ipv4 } from '../addr/ipv4';
import { KernelError } from '../fib/route';
import { netifRcv } from '../netns/dev';
import type { Netdev, Vxlan } from '../netns/netdev';
import { nsLabel, type Netns } from '../netns/netns';
import { Verdict } from '../sim/trace';
import type { Sock } from '../socket/table';
import type { Ipv4Packet, UdpPacket } from '../wire/ipv4';
import { payloadMessage } from '../wire/payload';
import { ipView } from '../wire/view';
import type { VxlanMessage } from '../wire/vxlan';
import { vxlanSnoop } from './fdb';

/**
 * The receive side (vxlan_sock_add() and vxlan_rcv()): a kernel UDP socket on the dstport, bound
 * to every address, shared by the namespace's vxlan devices that use that port and are up. A
 * datagram reaches it after the host's own INPUT hook, like any UDP datagram; its VNI picks the
 * device, the inner source MAC is learned, and the inner frame arrives on the device as if from a
 * wire (into its bridge, or up its own stack). `ss -uan` lists the socket, with no process.
 */
export class VxlanSock implements Sock {
  readonly proto = 'udp';
  laddr = 0 as Ipv4;
  raddr = 0 as Ipv4;
  rport = 0;
  /** the devices up on this port (vxlan_vs_add_dev()), by VNI */
  readonly devs = new Map<number, Vxlan>();

  constructor(
    readonly ns: Netns,
    public lport: number,
  ) {}

  onPacket(pkt: Ipv4Packet, dev: Netdev): void {
    vxlanRcv(this, pkt as UdpPacket, dev);
  }

  /** an ICMP error about an encapsulated datagram: the tunnel does not report it anywhere */
  onError(): void {}
}

const socks = new WeakMap<Vxlan, VxlanSock>();

/** vxlan_open() → vxlan_sock_add(): join the port's socket, opening it if no other device has. */
export function vxlanSockAdd(dev: Vxlan): void {
  const ns = dev.netns;
  const port = dev.cfg.dstPort;
  const owners = ns.sockets.onPort('udp', port);
  let vs = owners.find((s): s is VxlanSock => s instanceof VxlanSock);
  if (!vs) {
    // a program already holding the port keeps it: the device does not come up
    if (owners.some((s) => s.laddr === 0)) throw new KernelError('EADDRINUSE');
    vs = new VxlanSock(ns, port);
    if (ns.sockets.bind(vs)) throw new KernelError('EADDRINUSE');
  }
  vs.devs.set(dev.cfg.vni, dev);
  socks.set(dev, vs);
}

/** vxlan_stop() → vxlan_sock_release(): leave the socket; the last device closes it. */
export function vxlanSockRelease(dev: Vxlan): void {
  const vs = socks.get(dev);
  if (!vs) return;
  socks.delete(dev);
  if (vs.devs.get(dev.cfg.vni) === dev) vs.devs.delete(dev.cfg.vni);
  if (vs.devs.size === 0) vs.ns.sockets.remove(vs);
}

function dropRcv(ns: Netns, dev: Netdev, pkt: UdpPacket, reason: Verdict, text: string): void {
  const w = ns.world;
  if (w.drop(reason, ns.name, dev.name)) w.emit({ netns: ns.name, dev: dev.name, verdict: reason, packetId: pkt.pid, packet: ipView(pkt), text });
}

/** vxlan_rcv(): unwrap the frame and hand it to the device its VNI names. */
export function vxlanRcv(vs: VxlanSock, pkt: UdpPacket, under: Netdev): void {
  const ns = vs.ns;
  const w = ns.world;
  const where = `${nsLabel(ns)}: UDP ${formatIpv4(pkt.src)}:${pkt.udp.sport} → port ${vs.lport}`;
  const msg = payloadMessage<VxlanMessage>(pkt.udp.payload, 'vxlan');
  if (!msg) return dropRcv(ns, under, pkt, Verdict.VXLAN_INVALID_HDR, `${where} has no VXLAN header → dropped by the vxlan socket`);
  const dev = vs.devs.get(msg.vni);
  if (!dev) return dropRcv(ns, under, pkt, Verdict.VXLAN_VNI_NOT_FOUND, `${where}: no vxlan device is up with VNI ${msg.vni} on this port → dropped`);
  const inner = msg.frame;
  // vxlan_set_mac(): our own frames coming back (a loop, or multicast echo) are ignored
  if (inner.src === dev.mac) return dropRcv(ns, dev, pkt, Verdict.LOCAL_MAC, `${where}: the inner frame comes from ${dev.name}'s own address ${dev.mac} → dropped`);
  if (dev.cfg.learning) {
    const snoop = vxlanSnoop(dev, inner.src, pkt.src);
    if (snoop.drop) return dropRcv(ns, dev, pkt, Verdict.VXLAN_ENTRY_EXISTS, `${where}: ${inner.src} has a static entry on ${dev.name} at another VTEP, not ${formatIpv4(pkt.src)} → dropped`);
    if (snoop.learned && w.tracing)
      w.emit({ netns: ns.name, dev: dev.name, verdict: Verdict.FDB_LEARN, packetId: inner.pid, packet: ipView(pkt), fdb: `${inner.src} dst ${formatIpv4(pkt.src)} self`, text: `${nsLabel(ns)}: ${dev.name} learned that ${inner.src} is behind VTEP ${formatIpv4(pkt.src)}` });
  }
  if (w.tracing)
    w.emit({
      netns: ns.name,
      dev: dev.name,
      verdict: Verdict.VXLAN_DECAP,
      packetId: inner.pid,
      packet: ipView(pkt),
      text: `${nsLabel(ns)}: VXLAN VNI ${msg.vni} from ${formatIpv4(pkt.src)} on ${under.name} → the inner frame comes out of ${dev.name}`,
    });
  netifRcv(dev, inner);
}
