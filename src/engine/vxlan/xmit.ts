import { formatIpv4, isMulticast, type Ipv4 } from '../addr/ipv4';
import { MAC_ZERO } from '../addr/mac';
import { ipRouteOutput } from '../fib/frontend';
import { ipLocalOut } from '../ipv4/output';
import { netifRcv } from '../netns/dev';
import type { Vxlan } from '../netns/netdev';
import { nsLabel } from '../netns/netns';
import { Verdict } from '../sim/trace';
import { localPortRange } from '../socket/ports';
import type { Frame } from '../wire/ethernet';
import { udpPacket } from '../wire/ipv4';
import { messagePayload } from '../wire/payload';
import { frameView, ipView } from '../wire/view';
import { vxlanMessage } from '../wire/vxlan';
import { vxlanFdbFind, type VxlanFdbEntry, type VxlanRdst } from './fdb';

/**
 * The transmit side (vxlan_xmit() and vxlan_xmit_one()): the inner destination MAC is looked up
 * in the device's FDB, falling back to the all-zeros default entry; every destination of the entry
 * gets a copy (the first one last, as the kernel clones for the others first), wrapped in VXLAN and
 * UDP and sent through the host's own output path: routed from the device's `local` address (out
 * of its `dev`), through OUTPUT and POSTROUTING, ARP and the underlay device, as any datagram the
 * host sends.
 */

/**
 * A frame's flow, mixed into one 32-bit number (skb_get_hash()). The kernel orders the two ends
 * before hashing (__flow_hash_consistentify()), so both directions of a flow get the same outer
 * source port; a frame with no ports or addresses to dissect (ARP) hashes by its protocol alone.
 */
function flowHash(frame: Frame): number {
  let h = 0x9e3779b9;
  const mix = (v: number) => {
    h = Math.imul(h ^ (v >>> 0), 0x85ebca6b) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
  };
  const ip = frame.ip;
  if (ip) {
    const l4 = ip.udp ?? ip.tcp;
    const a = { addr: ip.src, port: l4?.sport ?? 0 };
    const b = { addr: ip.dst, port: l4?.dport ?? 0 };
    const [lo, hi] = a.addr < b.addr || (a.addr === b.addr && a.port <= b.port) ? [a, b] : [b, a];
    mix(lo.addr);
    mix(hi.addr);
    mix((lo.port << 16) | hi.port);
    mix(ip.proto === 'udp' ? 17 : ip.proto === 'tcp' ? 6 : 1);
  } else mix(0x0806);
  h = Math.imul(h ^ (h >>> 16), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** udp_flow_src_port(): the outer source port, from the flow hash, inside `srcport MIN MAX` or the local port range. */
export function vxlanSrcPort(dev: Vxlan, frame: Frame): number {
  let min = dev.cfg.portMin;
  let max = dev.cfg.portMax;
  if (min >= max) [min, max] = localPortRange(dev.netns);
  let hash = flowHash(frame);
  hash = (hash ^ (hash << 16)) >>> 0;
  return Math.floor((hash * (max - min)) / 2 ** 32) + min;
}

const fdbText = (e: VxlanFdbEntry, rd: VxlanRdst): string => `${e.mac} dst ${formatIpv4(rd.ip)}${e.mac === MAC_ZERO ? ' (default)' : ''}`;

/** vxlan_xmit(): to every destination the FDB names for the frame, or nowhere. */
export function vxlanXmit(dev: Vxlan, frame: Frame): void {
  const ns = dev.netns;
  const w = ns.world;
  // a metadata ("external") device takes its destinations from the packet, and nothing here gives one
  const e = dev.cfg.external ? undefined : (vxlanFdbFind(dev, frame.dst) ?? vxlanFdbFind(dev, MAC_ZERO));
  if (!e || e.remotes.length === 0) {
    if (w.drop(Verdict.VXLAN_NO_REMOTE, ns.name, dev.name))
      w.emit({
        netns: ns.name,
        dev: dev.name,
        verdict: Verdict.VXLAN_NO_REMOTE,
        packetId: frame.pid,
        packet: frameView(frame),
        text: `${nsLabel(ns)}: ${dev.name} has no FDB entry for ${frame.dst} and no default (00:00:00:00:00:00) entry → frame dropped`,
      });
    return;
  }
  for (let i = 1; i < e.remotes.length; i++) vxlanXmitOne(dev, frame, e, e.remotes[i]);
  vxlanXmitOne(dev, frame, e, e.remotes[0]);
}

function dropOne(dev: Vxlan, frame: Frame, reason: Verdict, text: string): void {
  const ns = dev.netns;
  if (ns.world.drop(reason, ns.name, dev.name)) ns.world.emit({ netns: ns.name, dev: dev.name, verdict: reason, packetId: frame.pid, packet: frameView(frame), text });
}

/** vxlan_xmit_one(): one copy to one remote VTEP. */
function vxlanXmitOne(dev: Vxlan, frame: Frame, e: VxlanFdbEntry, rd: VxlanRdst): void {
  const ns = dev.netns;
  const w = ns.world;
  const cfg = dev.cfg;
  const dst: Ipv4 = rd.ip;
  const to = `VTEP ${formatIpv4(dst)}`;
  if (dst === 0) return dropOne(dev, frame, Verdict.VXLAN_NO_REMOTE, `${nsLabel(ns)}: ${dev.name}'s entry for ${e.mac} names no remote address → frame dropped`);
  const oif = rd.ifindex ? ns.devByIndex(rd.ifindex) : undefined;
  const r = ipRouteOutput(ns, dst, { saddr: cfg.local !== 0 ? cfg.local : undefined, oif });
  if (!r.ok) return dropOne(dev, frame, Verdict.IP_OUTNOROUTES, `${nsLabel(ns)}: ${dev.name} has no route to ${to} (${r.errno}) → frame dropped`);
  const rt = r.rt;
  // the underlay route leads back into the tunnel itself
  if (rt.dev === dev) return dropOne(dev, frame, Verdict.IP_OUTNOROUTES, `${nsLabel(ns)}: the route to ${to} goes out of ${dev.name} itself (a circular route) → frame dropped`);
  const dport = rd.port || cfg.dstPort;
  const vni = rd.vni;
  if (rt.type === 'local') return encapBypass(dev, frame, dport, vni);
  const ttl = cfg.ttl || (isMulticast(dst) ? 1 : Number(ns.sysctl.get('net.ipv4.ip_default_ttl') ?? 64));
  const df = cfg.df === 'set' || (cfg.df === 'inherit' && !!frame.ip?.df);
  const outer = udpPacket(w.nextPid(), cfg.local !== 0 ? cfg.local : rt.src, dst, ttl, w.nextIpId(), { sport: vxlanSrcPort(dev, frame), dport, payload: messagePayload(vxlanMessage(vni, frame)) }, df);
  if (w.tracing)
    w.emit({
      netns: ns.name,
      dev: dev.name,
      verdict: Verdict.VXLAN_ENCAP,
      packetId: frame.pid,
      packet: ipView(outer),
      fdb: fdbText(e, rd),
      text: `${nsLabel(ns)}: ${dev.name} wraps the frame for ${frame.dst} in VXLAN VNI ${vni}, UDP ${formatIpv4(outer.src)}:${outer.udp.sport} → ${formatIpv4(dst)}:${dport} (FDB ${fdbText(e, rd)})`,
    });
  ipLocalOut(ns, outer, rt);
}

/** vxlan_encap_bypass(): a remote that is one of our own addresses gets the frame without the wire. */
function encapBypass(dev: Vxlan, frame: Frame, dport: number, vni: number): void {
  const ns = dev.netns;
  const dst = ns.devList().find((d): d is Vxlan => d.kind === 'vxlan' && d.adminUp && d.cfg.dstPort === dport && d.cfg.vni === vni);
  if (!dst) return dropOne(dev, frame, Verdict.VXLAN_VNI_NOT_FOUND, `${nsLabel(ns)}: the remote is this host, where no vxlan device is up with VNI ${vni} on port ${dport} → frame dropped`);
  netifRcv(dst, frame);
}
