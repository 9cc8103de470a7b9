import { formatIpv4, type Ipv4 } from '../addr/ipv4';
import { MAC_BROADCAST, MAC_ZERO, type Mac } from '../addr/mac';
import { brFdbFind, brFdbLearn } from '../bridge/fdb';
import { fibLookup, inetSelectAddr, ipRouteInput, ipRouteOutput, isLocal, type Rtable } from '../fib/frontend';
import { RT_SCOPE } from '../fib/route';
import { ARP_PARMS, nudValid, type Neighbour } from '../neighbour/neighbour';
import { brPortForwarding, carrierOk, type Bridge, type Netdev } from '../netns/netdev';
import type { Netns } from '../netns/netns';
import { Verdict } from '../sim/trace';
import { describeFrame, describePacket, frameView, ipView, PacketEvent, routeText } from './describe';
import { suggestRouteFix } from './fixes';
import { ICMP, ICMP_UNREACH, ipv4Packet, withTtl, type Frame, type IcmpMessage, type Ipv4Packet } from './packet';

/**
 * The packet path, named after the kernel functions it models:
 * output:  ip_local_out -> ip_output -> neigh_output (ARP) -> dev_queue_xmit -> veth_xmit / br_dev_xmit
 * input:   netif_receive_skb -> br_handle_frame (learn, forward, flood, pass up) -> arp_rcv | ip_rcv
 *          ip_rcv -> ip_route_input -> ip_local_deliver | ip_forward | ip_error
 * Every decision emits a trace event ending in a kernel-named verdict.
 */

/** How trace sentences name a namespace: LAN switches by their LAN, not their hidden namespace. */
export const nsLabel = (ns: Netns): string => (ns.role === 'lan' ? `switch ${ns.name.replace(/^__lan_/, '')}` : ns.name);

/** ip_rt_gc_timeout: how long a learned redirect (a next-hop exception) lives, in ms. */
export const REDIRECT_TIMEOUT = 300_000;

/** Time a frame takes to cross one link, in ms. */
export const HOP_DELAY = 0.005;

// ---- trace sentences (written when an event is first read) -------------------------------------

const loopedWords = (_e: PacketEvent, ns: Netns, pkt: Ipv4Packet) => `${nsLabel(ns)}: ${formatIpv4(pkt.dst)} is a local address → looped back through lo`;
const routedWords = (e: PacketEvent, ns: Netns, pkt: Ipv4Packet, gw: Ipv4 | undefined) =>
  `${nsLabel(ns)}: route lookup for ${formatIpv4(pkt.dst)} → ${e.route !== undefined ? `"${e.route}"` : 'no route; assumed on link'}: send out ${e.dev}${gw !== undefined ? ` to gateway ${formatIpv4(gw)}` : ' directly'}`;
const neighHitWords = (e: PacketEvent, ns: Netns, nexthop: Ipv4, stateAtMac: string) => `${nsLabel(ns)}: neighbour ${formatIpv4(nexthop)} is ${stateAtMac} on ${e.dev}`;
const xmitWords = (e: PacketEvent, ns: Netns, frame: Frame) => `${nsLabel(ns)}: ${describeFrame(frame)} sent on ${e.dev}`;
const rcvWords = (e: PacketEvent, ns: Netns, frame: Frame) => `${nsLabel(ns)}: ${describeFrame(frame)} received on ${e.dev}`;
const vethWords = (e: PacketEvent, into: Netns | undefined) => `veth ${e.dev} → ${e.to!.dev}${into !== undefined ? ` (into ${nsLabel(into)})` : ''}`;
const fdbHitWords = (e: PacketEvent, br: string, frame: Frame) => `${br}: fdb says ${frame.dst} is behind ${e.dev} → forwarded out ${e.dev}`;
const brLocalWords = (e: PacketEvent, ns: Netns) => `${e.dev}: frame addressed to the bridge itself → passed up to ${nsLabel(ns)}'s IP stack`;
const deliverWords = (_e: PacketEvent, ns: Netns, pkt: Ipv4Packet) => `${nsLabel(ns)}: ${formatIpv4(pkt.dst)} is a local address → delivered to ${nsLabel(ns)}`;
const forwardWords = (e: PacketEvent, ns: Netns, out: Ipv4Packet, gw: Ipv4 | undefined) =>
  `${nsLabel(ns)}: forwarding enabled; route "${e.route ?? ''}" → forwarded out ${e.dev}${gw !== undefined ? ` to ${formatIpv4(gw)}` : ''}, TTL ${out.ttl + 1} → ${out.ttl}`;
const echoWords = (_e: PacketEvent, ns: Netns, request: Ipv4Packet) => `${nsLabel(ns)}: echo request from ${formatIpv4(request.src)} → echo reply`;

// ---- output ---------------------------------------------------------------------------------

/** ip_local_out(): a packet this namespace originates, already routed. */
export function ipLocalOut(ns: Netns, pkt: Ipv4Packet, rt: Rtable): void {
  const w = ns.world;
  if (rt.type === 'local') {
    if (w.tracing) w.emitEvent(new PacketEvent(ns.name, 'lo', Verdict.FIB_MATCH, undefined, pkt, loopedWords, ns, pkt, undefined, rt.route));
    const lo = ns.devByName('lo')!;
    w.scheduleCall(HOP_DELAY, ipRcv, lo, pkt);
    return;
  }
  if (w.tracing) w.emitEvent(new PacketEvent(ns.name, rt.dev.name, Verdict.FIB_MATCH, undefined, pkt, routedWords, ns, pkt, rt.gw, rt.route));
  ipOutput(ns, pkt, rt);
}

/** ip_finish_output2(): hand the packet to the neighbour layer of the output device. */
export function ipOutput(ns: Netns, pkt: Ipv4Packet, rt: Rtable): void {
  const dev = rt.dev;
  if (dev.kind === 'loopback') {
    ns.world.scheduleCall(HOP_DELAY, ipRcv, dev, pkt);
    return;
  }
  if (rt.type === 'broadcast') {
    devXmit(dev, { pid: pkt.pid, src: dev.mac, dst: MAC_BROADCAST, ip: pkt });
    return;
  }
  neighOutput(ns, dev, rt.nexthop, pkt);
}

/** neigh_output()/__neigh_event_send(): send now if the neighbour is known, else queue and ARP. */
function neighOutput(ns: Netns, dev: Netdev, nexthop: Ipv4, pkt: Ipv4Packet): void {
  const w = ns.world;
  let n = ns.neigh.get(dev, nexthop);
  if (n && nudValid(n.state)) {
    if (n.state === 'STALE') {
      neighWrite(ns, n);
      n.state = 'DELAY';
      armTimer(ns, n, ARP_PARMS.delayProbeTime);
    }
    if (w.tracing) w.emitEvent(new PacketEvent(ns.name, dev.name, Verdict.NEIGH_HIT, undefined, pkt, neighHitWords, ns, nexthop, `${n.state} at ${n.mac}`));
    devXmit(dev, { pid: pkt.pid, src: dev.mac, dst: n.mac!, ip: pkt });
    return;
  }
  w.willChange(ns);
  if (!n) n = ns.neigh.create(dev, nexthop, w.now);
  const entry = n;
  ns.neigh.touch(entry);
  // the queued packet goes on (or fails) in an ARP event: it still belongs to the command that sent it
  const cause = w.traceTarget;
  entry.queue.push({
    resolved: (mac: Mac) => w.asCause(cause, () => devXmit(dev, { pid: pkt.pid, src: dev.mac, dst: mac, ip: pkt })),
    failed: () =>
      w.asCause(cause, () => {
        if (w.tracing)
          w.emit({ netns: ns.name, dev: dev.name, verdict: Verdict.NEIGH_FAILED, packetId: pkt.pid, packet: ipView(pkt), text: `${nsLabel(ns)}: nobody answered ARP for ${formatIpv4(nexthop)} on ${dev.name} → neighbour FAILED, packet dropped, "Destination Host Unreachable" reported to ${formatIpv4(pkt.src)}` });
        icmpSend(ns, pkt, ICMP.DEST_UNREACH, ICMP_UNREACH.HOST, { dev });
      }),
  });
  if (entry.state === 'INCOMPLETE') {
    if (w.tracing) w.emitEvent(new PacketEvent(ns.name, dev.name, Verdict.NEIGH_RESOLVE, undefined, pkt, () => `${nsLabel(ns)}: ARP for ${formatIpv4(nexthop)} still unanswered → packet queued`));
    return;
  }
  // NONE or FAILED: start resolving
  entry.state = 'INCOMPLETE';
  entry.probes = ARP_PARMS.ucastProbes;
  entry.mac = undefined;
  entry.probeSrc = isLocal(ns, pkt.src) ? pkt.src : inetSelectAddr(ns, dev, nexthop, RT_SCOPE.link);
  if (w.tracing) {
    const on = dev.name;
    w.emitEvent(new PacketEvent(ns.name, on, Verdict.NEIGH_RESOLVE, undefined, pkt, () => `${nsLabel(ns)}: no neighbour entry for ${formatIpv4(nexthop)} on ${on} → packet queued, ARP request broadcast`));
  }
  arpSolicit(ns, entry);
  armTimer(ns, entry, ARP_PARMS.retransTime);
}

/** A neighbour entry is about to change: inside a probe's rollback, its namespace and the entry are logged first. */
function neighWrite(ns: Netns, n: Neighbour): void {
  ns.world.willChange(ns);
  ns.neigh.touch(n);
}

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

/** arp_solicit(): broadcast while INCOMPLETE, unicast to the cached address while PROBE. */
function arpSolicit(ns: Netns, n: Neighbour): void {
  neighWrite(ns, n);
  n.probes++;
  const dev = n.dev;
  const sip = n.probeSrc ?? inetSelectAddr(ns, dev, n.ip, RT_SCOPE.link) ?? (0 as Ipv4);
  const unicast = n.state === 'PROBE' && n.mac;
  const frame: Frame = {
    pid: ns.world.nextPid(),
    src: dev.mac,
    dst: unicast ? n.mac! : MAC_BROADCAST,
    arp: { op: 'request', sha: dev.mac, sip, tha: MAC_ZERO, tip: n.ip },
  };
  devXmit(dev, frame);
}

/** A frame met a device that is administratively down, on its way out or in. */
function traceDownDrop(dev: Netdev, frame: Frame): void {
  const ns = dev.netns;
  if (!ns.world.tracing) return;
  ns.world.emit({ netns: ns.name, dev: dev.name, verdict: Verdict.NETDEV_DOWN, packetId: frame.pid, packet: frameView(frame), text: `${nsLabel(ns)}: ${dev.name} is down → frame dropped`, fix: { text: `bring ${dev.name} up on ${ns.name}`, on: ns.name, run: `ip link set ${dev.name} up` } });
}

/** dev_queue_xmit(): put a frame on the wire of a device. */
export function devXmit(dev: Netdev, frame: Frame): void {
  const ns = dev.netns;
  const w = ns.world;
  if (!dev.adminUp) {
    traceDownDrop(dev, frame);
    return;
  }
  if (w.tracing) w.emitEvent(new PacketEvent(ns.name, dev.name, Verdict.XMIT, frame, undefined, xmitWords, ns, frame));
  switch (dev.kind) {
    case 'loopback':
      w.scheduleCall(HOP_DELAY, netifRcv, dev, frame);
      return;
    case 'veth': {
      const peer = dev.peer;
      if (!peer.adminUp) {
        if (w.tracing)
          w.emit({
            netns: ns.name,
            dev: dev.name,
            verdict: Verdict.NO_CARRIER,
            packetId: frame.pid,
            packet: frameView(frame),
            text: `${nsLabel(ns)}: ${dev.name} has no carrier (its veth peer ${peer.name} in ${nsLabel(peer.netns)} is down) → frame dropped`,
            fix: { text: `bring ${peer.name} up on ${peer.netns.name}`, on: peer.netns.name, run: `ip link set ${peer.name} up` },
          });
        return;
      }
      if (w.tracing) w.emitEvent(new PacketEvent(ns.name, dev.name, Verdict.VETH_XMIT, frame, undefined, vethWords, peer.netns !== ns ? peer.netns : undefined, undefined, undefined, undefined, undefined, { netns: peer.netns.name, dev: peer.name }));
      w.scheduleCall(HOP_DELAY, netifRcv, peer, frame);
      return;
    }
    case 'bridge':
      brDevXmit(dev, frame);
      return;
  }
}

// ---- bridge ---------------------------------------------------------------------------------

/** br_dev_xmit(): the bridge's own IP stack sends through the bridge. */
function brDevXmit(br: Bridge, frame: Frame): void {
  const w = br.netns.world;
  if (frame.dst !== MAC_BROADCAST) {
    const e = brFdbFind(br, frame.dst, w.now);
    if (e && !e.local) {
      brForward(br, e.port, frame);
      return;
    }
  }
  brFlood(br, frame, undefined);
}

/** Forward to the port the FDB named (the sentences say "<br>: fdb says <mac> is behind <port>"). */
function brForward(br: Bridge, port: Netdev, frame: Frame): void {
  const w = br.netns.world;
  if (!brPortForwarding(port)) {
    const why = `${br.name}: fdb says ${frame.dst} is behind ${port.name}`;
    if (w.tracing) w.emit({ netns: br.netns.name, dev: port.name, verdict: Verdict.BR_PORT_DOWN, packetId: frame.pid, packet: frameView(frame), text: `${why}, but port ${port.name} is not forwarding (down or no carrier) → dropped` });
    return;
  }
  if (w.tracing) w.emitEvent(new PacketEvent(br.netns.name, port.name, Verdict.FDB_HIT, frame, undefined, fdbHitWords, br.name, frame, undefined, undefined, `${frame.dst} dev ${port.name} master ${br.name}`));
  devXmit(port, frame);
}

/** br_flood(): every forwarding port except the one the frame came in on. */
function brFlood(br: Bridge, frame: Frame, ingress: Netdev | undefined): void {
  const w = br.netns.world;
  const out = br.ports.filter((p) => p !== ingress && brPortForwarding(p));
  if (w.tracing) {
    const brName = br.name;
    const names = out.map((p) => p.name);
    w.emitEvent(
      new PacketEvent(br.netns.name, brName, Verdict.FLOOD, frame, undefined, () => `${brName}: ${frame.dst === MAC_BROADCAST ? 'broadcast' : `no fdb entry for ${frame.dst}`} → flooded to ${names.length ? names.join(', ') : 'no other port'}`, undefined, undefined, undefined, undefined, 'flood'),
    );
  }
  for (const p of out) devXmit(p, frame);
}

/** br_handle_frame(): learn the source, then pass up, forward or flood. */
function brHandleFrame(port: Netdev, br: Bridge, frame: Frame): void {
  const ns = port.netns;
  const w = ns.world;
  if (!brPortForwarding(port)) {
    if (w.tracing) w.emit({ netns: ns.name, dev: port.name, verdict: Verdict.BR_PORT_DOWN, packetId: frame.pid, packet: frameView(frame), text: `${nsLabel(ns)}: ${port.name} is a port of ${br.name}, which is ${br.adminUp ? 'up' : 'down'}; the port is not forwarding → frame dropped`, fix: br.adminUp ? undefined : { text: `bring ${br.name} up on ${ns.name}`, on: ns.name, run: `ip link set ${br.name} up` } });
    return;
  }
  const learned = brFdbLearn(br, port, frame.src, w.now);
  if (learned === 'learned' && w.tracing) {
    const brName = br.name;
    const portName = port.name;
    w.emitEvent(new PacketEvent(ns.name, portName, Verdict.FDB_LEARN, frame, undefined, () => `${brName}: learned ${frame.src} is behind ${portName}`, undefined, undefined, undefined, undefined, `${frame.src} dev ${portName} master ${brName}`));
  }
  if (frame.dst === MAC_BROADCAST) {
    brFlood(br, frame, port);
    brPassUp(br, frame);
    return;
  }
  const e = brFdbFind(br, frame.dst, w.now);
  if (e?.local) {
    brPassUp(br, frame);
    return;
  }
  if (e) {
    if (e.port === port) {
      if (w.tracing) w.emit({ netns: ns.name, dev: port.name, verdict: Verdict.OTHERHOST, packetId: frame.pid, packet: frameView(frame), text: `${br.name}: ${frame.dst} is behind ${port.name}, where the frame came from → filtered` });
      return;
    }
    brForward(br, e.port, frame);
    return;
  }
  brFlood(br, frame, port);
}

/** br_pass_frame_up(): the frame is for the bridge device itself (its IP address). */
function brPassUp(br: Bridge, frame: Frame): void {
  const w = br.netns.world;
  if (frame.dst !== MAC_BROADCAST && w.tracing) w.emitEvent(new PacketEvent(br.netns.name, br.name, Verdict.BR_LOCAL, frame, undefined, brLocalWords, br.netns));
  l3Rcv(br, frame);
}

// ---- input ----------------------------------------------------------------------------------

/** __netif_receive_skb(): a frame arrives on a device. */
export function netifRcv(dev: Netdev, frame: Frame): void {
  const ns = dev.netns;
  const w = ns.world;
  if (!dev.adminUp) {
    traceDownDrop(dev, frame);
    return;
  }
  if (w.tracing && dev.kind !== 'loopback') w.emitEvent(new PacketEvent(ns.name, dev.name, Verdict.RCV, frame, undefined, rcvWords, ns, frame));
  if (dev.master) {
    brHandleFrame(dev, dev.master, frame);
    return;
  }
  if (dev.kind !== 'loopback' && frame.dst !== dev.mac && frame.dst !== MAC_BROADCAST) {
    if (w.tracing) w.emit({ netns: ns.name, dev: dev.name, verdict: Verdict.OTHERHOST, packetId: frame.pid, packet: frameView(frame), text: `${nsLabel(ns)}: frame for ${frame.dst}, not ${dev.name}'s address ${dev.mac} → ignored` });
    return;
  }
  l3Rcv(dev, frame);
}

function l3Rcv(dev: Netdev, frame: Frame): void {
  if (frame.arp) arpRcv(dev, frame);
  else if (frame.ip) ipRcv(dev, frame.ip);
}

/** arp_process(): answer requests for our addresses, learn from what we hear. */
function arpRcv(dev: Netdev, frame: Frame): void {
  const ns = dev.netns;
  const w = ns.world;
  const arp = frame.arp!;
  if (arp.op === 'request' && isLocal(ns, arp.tip) && arp.sip !== 0) {
    const n = neighUpdate(ns, dev, arp.sip, arp.sha, 'STALE');
    void n;
    if (w.tracing) {
      const mac = dev.mac;
      w.emitEvent(new PacketEvent(ns.name, dev.name, Verdict.NEIGH_REPLY, frame, undefined, () => `${nsLabel(ns)}: ${formatIpv4(arp.tip)} is ours → ARP reply "${formatIpv4(arp.tip)} is-at ${mac}" to ${formatIpv4(arp.sip)}`));
    }
    devXmit(dev, { pid: w.nextPid(), src: dev.mac, dst: arp.sha, arp: { op: 'reply', sha: dev.mac, sip: arp.tip, tha: arp.sha, tip: arp.sip } });
    return;
  }
  const n = ns.neigh.get(dev, arp.sip);
  if (!n) return;
  const state = arp.op === 'reply' && frame.dst !== MAC_BROADCAST ? 'REACHABLE' : 'STALE';
  if (state === 'REACHABLE' && w.tracing) {
    const queued = n.queue.length > 0;
    w.emitEvent(new PacketEvent(ns.name, dev.name, Verdict.NEIGH_REPLY, frame, undefined, () => `${nsLabel(ns)}: ARP reply: ${formatIpv4(arp.sip)} is at ${arp.sha} → neighbour REACHABLE${queued ? ', queued packets sent' : ''}`));
  }
  neighUpdate(ns, dev, arp.sip, arp.sha, state);
}

/** neigh_update() with the rule that a valid entry keeps its state when told STALE about the same address. */
function neighUpdate(ns: Netns, dev: Netdev, ip: Ipv4, mac: Mac, state: 'STALE' | 'REACHABLE'): Neighbour {
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

/** ip_rcv() -> ip_rcv_finish() -> ip_route_input(). */
export function ipRcv(dev: Netdev, pkt: Ipv4Packet): void {
  const ns = dev.netns;
  const w = ns.world;
  const res = ipRouteInput(ns, pkt.dst, pkt.src, dev);
  switch (res.kind) {
    case 'local':
      if (w.tracing) w.emitEvent(new PacketEvent(ns.name, dev.name, Verdict.LOCAL_DELIVER, undefined, pkt, deliverWords, ns, pkt, undefined, res.route));
      ipLocalDeliver(ns, dev, pkt);
      return;
    case 'broadcast':
      if (w.tracing) w.emitEvent(new PacketEvent(ns.name, dev.name, Verdict.LOCAL_DELIVER, undefined, pkt, () => `${nsLabel(ns)}: broadcast ${describePacket(pkt)} → ignored (icmp_echo_ignore_broadcasts)`));
      return;
    case 'forward':
      ipForward(ns, dev, pkt, res.rt);
      return;
    case 'error':
      ipError(ns, dev, pkt, res.errno, res.forwarding, res.route && routeText(res.route));
      return;
  }
}

/** ip_error(): a packet we cannot forward; silent when forwarding is off. */
function ipError(ns: Netns, dev: Netdev, pkt: Ipv4Packet, errno: string, forwarding: boolean, route?: string): void {
  ns.world.willChange(ns);
  const w = ns.world;
  if (!forwarding) {
    const global = ns.sysctl.get('net.ipv4.ip_forward') === '1';
    if (w.tracing)
      w.emit({
        netns: ns.name,
        dev: dev.name,
        verdict: Verdict.IP_FORWARDING_DISABLED,
        packetId: pkt.pid,
        packet: ipView(pkt),
        text: `${nsLabel(ns)}: ${formatIpv4(pkt.dst)} is not a local address and forwarding is disabled (${global ? `net.ipv4.conf.${dev.name}.forwarding = 0` : 'net.ipv4.ip_forward = 0'}) → dropped silently${route ? '' : ` (there is no route to ${formatIpv4(pkt.dst)} here either)`}`,
        fix: global ? { text: `enable forwarding on ${dev.name} of ${ns.name}`, on: ns.name, run: `sysctl -w net.ipv4.conf.${dev.name}.forwarding=1` } : { text: `enable net.ipv4.ip_forward on ${ns.name}`, on: ns.name, run: 'sysctl -w net.ipv4.ip_forward=1' },
      });
    return;
  }
  const code = errno === 'ENETUNREACH' ? ICMP_UNREACH.NET : errno === 'EHOSTUNREACH' ? ICMP_UNREACH.HOST : errno === 'EACCES' ? ICMP_UNREACH.PKT_FILTERED : -1;
  const verdict = errno === 'ENETUNREACH' ? Verdict.IP_INNOROUTES : errno === 'EHOSTUNREACH' ? Verdict.RTN_UNREACHABLE : errno === 'EACCES' ? Verdict.RTN_PROHIBIT : Verdict.RTN_BLACKHOLE;
  if (w.tracing) {
    const fix = errno === 'ENETUNREACH' ? suggestRouteFix(w, ns, pkt.dst) : undefined;
    w.emit({
      netns: ns.name,
      dev: dev.name,
      verdict,
      packetId: pkt.pid,
      packet: ipView(pkt),
      route,
      text:
        errno === 'ENETUNREACH'
          ? `${nsLabel(ns)}: no route to ${formatIpv4(pkt.dst)} in the main table → dropped, ICMP net unreachable sent back`
          : `${nsLabel(ns)}: route "${route}" → dropped${code >= 0 ? `, ICMP ${code === ICMP_UNREACH.HOST ? 'host unreachable' : 'packet filtered'} sent back` : ' silently'}`,
      fix,
    });
  }
  if (code < 0) return;
  // ip_error() keeps its own token bucket on the same inet_peer as icmp_send()
  const peer = ns.peer(pkt.src, w.now);
  peer.tokens = Math.min(5000, peer.tokens + (w.now - peer.last));
  peer.last = w.now;
  if (peer.tokens >= 1000) peer.tokens -= 1000;
  else {
    if (w.tracing) w.emit({ netns: ns.name, dev: dev.name, verdict: Verdict.ICMP_RATELIMIT, packetId: pkt.pid, packet: ipView(pkt), text: `${nsLabel(ns)}: ICMP error to ${formatIpv4(pkt.src)} suppressed by the rate limit` });
    return;
  }
  icmpSend(ns, pkt, ICMP.DEST_UNREACH, code, { dev });
}

/** ip_forward(): TTL, redirects, then out through the neighbour layer. */
function ipForward(ns: Netns, inDev: Netdev, pkt: Ipv4Packet, rt: Rtable): void {
  const w = ns.world;
  if (pkt.ttl <= 1) {
    if (w.tracing) w.emit({ netns: ns.name, dev: inDev.name, verdict: Verdict.IP_INHDR_TTL, packetId: pkt.pid, packet: ipView(pkt), text: `${nsLabel(ns)}: TTL ${pkt.ttl} would reach 0 when forwarded → dropped, ICMP time exceeded sent to ${formatIpv4(pkt.src)}` });
    icmpSend(ns, pkt, ICMP.TIME_EXCEEDED, 0, { dev: inDev });
    return;
  }
  if (rt.doRedirect) ipRtSendRedirect(ns, pkt, rt);
  const out = withTtl(pkt, pkt.ttl - 1);
  if (w.tracing) w.emitEvent(new PacketEvent(ns.name, rt.dev.name, Verdict.FORWARD, undefined, out, forwardWords, ns, out, rt.gw, rt.route));
  ipOutput(ns, out, rt);
}

/** ip_rt_send_redirect(): tell a directly connected sender about a better first hop, with backoff. */
function ipRtSendRedirect(ns: Netns, pkt: Ipv4Packet, rt: Rtable): void {
  ns.world.willChange(ns);
  const w = ns.world;
  const peer = ns.peer(pkt.src, w.now);
  if (w.now - peer.last > 20 * 1000) {
    peer.tokens = 0;
    peer.redirects = 0;
  }
  if (peer.redirects >= 9) {
    peer.last = w.now;
    return;
  }
  if (peer.redirects === 0 || w.now > peer.last + (20 << peer.redirects)) {
    icmpSend(ns, pkt, ICMP.REDIRECT, 1, { dev: rt.dev, gateway: rt.nexthop });
    peer.last = w.now;
    peer.redirects++;
  }
}

/** ip_local_deliver(): hand to ICMP, or to a UDP socket (port unreachable when none listens). */
function ipLocalDeliver(ns: Netns, dev: Netdev, pkt: Ipv4Packet): void {
  if (pkt.proto === 'icmp') {
    icmpRcv(ns, dev, pkt);
    return;
  }
  const udp = pkt.udp!;
  const sock = ns.sockets.find((s) => s.kind === 'udp' && s.ident === udp.dport);
  if (sock) {
    sock.onPacket(pkt, dev);
    return;
  }
  const w = ns.world;
  if (w.tracing) w.emit({ netns: ns.name, dev: dev.name, verdict: Verdict.UNHANDLED_PROTO, packetId: pkt.pid, packet: ipView(pkt), text: `${nsLabel(ns)}: nothing listens on UDP port ${udp.dport} → ICMP port unreachable sent to ${formatIpv4(pkt.src)}` });
  icmpSend(ns, pkt, ICMP.DEST_UNREACH, ICMP_UNREACH.PORT, { dev });
}

/** icmp_rcv() */
function icmpRcv(ns: Netns, dev: Netdev, pkt: Ipv4Packet): void {
  const w = ns.world;
  const m = pkt.icmp!;
  switch (m.type) {
    case ICMP.ECHO: {
      if (ns.sysctl.get('net.ipv4.icmp_echo_ignore_all') === '1') return;
      const rt = ipRouteOutput(ns, pkt.src, { saddr: pkt.dst });
      if (!rt.ok) return;
      const reply = ipv4Packet(w.nextPid(), pkt.dst, pkt.src, 64, w.nextIpId(), 'icmp', { type: 0, code: 0, id: m.id, seq: m.seq, payloadLen: m.payloadLen }, undefined);
      if (w.tracing) w.emitEvent(new PacketEvent(ns.name, dev.name, Verdict.ICMP_REPLY, undefined, reply, echoWords, ns, pkt));
      ipLocalOut(ns, reply, rt.rt);
      return;
    }
    case ICMP.ECHOREPLY:
      for (const s of ns.sockets) if (s.kind === 'ping' && s.ident === m.id) s.onPacket(pkt, dev);
      return;
    case ICMP.DEST_UNREACH:
    case ICMP.TIME_EXCEEDED: {
      const inner = m.inner;
      const ident = inner.proto === 'icmp' ? (inner.icmp && 'id' in inner.icmp ? inner.icmp.id : -1) : inner.udp!.sport;
      const kind = inner.proto === 'icmp' ? 'ping' : 'udp';
      for (const s of ns.sockets) if (s.kind === kind && s.ident === ident) s.onError({ from: pkt.src, icmpType: m.type, icmpCode: m.code, inner });
      return;
    }
    case ICMP.REDIRECT:
      icmpRedirect(ns, dev, pkt);
      return;
  }
}

/** icmp_redirect() -> __ip_do_redirect(): accepted only when the new gateway's neighbour is already valid. */
function icmpRedirect(ns: Netns, dev: Netdev, pkt: Ipv4Packet): void {
  ns.world.willChange(ns);
  const m = pkt.icmp as Extract<Ipv4Packet['icmp'], { type: 5 }>;
  const inner = m.inner;
  if (inner.proto === 'icmp' && inner.icmp && 'id' in inner.icmp) {
    const id = inner.icmp.id;
    for (const s of ns.sockets) if (s.kind === 'ping' && s.ident === id) s.onPacket(pkt, dev);
  }
  const forwarding = ns.sysctl.forwarding(dev.name);
  const acc = forwarding
    ? ns.sysctl.conf('all', 'accept_redirects') && ns.sysctl.conf(dev.name, 'accept_redirects')
    : ns.sysctl.conf('all', 'accept_redirects') || ns.sysctl.conf(dev.name, 'accept_redirects');
  if (!acc) return;
  const cur = fibLookup(ns, inner.dst);
  if (!cur.ok || cur.route.nh?.gw !== pkt.src) return;
  const n = ns.neigh.get(dev, m.gateway);
  if (n && nudValid(n.state)) {
    ns.redirects.set(inner.dst, m.gateway);
    ns.redirectExpiry.set(inner.dst, ns.world.now + REDIRECT_TIMEOUT);
    ns.world.touch();
  } else {
    // neigh_event_send(): start resolving the new gateway so a later redirect can be taken
    let e = ns.neigh.get(dev, m.gateway);
    if (!e) e = ns.neigh.create(dev, m.gateway, ns.world.now);
    ns.neigh.touch(e);
    if (!nudValid(e.state) && e.state !== 'INCOMPLETE') {
      e.state = 'INCOMPLETE';
      e.probes = ARP_PARMS.ucastProbes;
      e.probeSrc = inetSelectAddr(ns, dev, m.gateway, RT_SCOPE.link);
      arpSolicit(ns, e);
      armTimer(ns, e, ARP_PARMS.retransTime);
    }
  }
}

/** icmp_send(): an ICMP error (or redirect) about pkt, back to its source, rate limited per peer. */
export function icmpSend(ns: Netns, pkt: Ipv4Packet, type: number, code: number, opts: { dev?: Netdev; gateway?: Ipv4 } = {}): void {
  ns.world.willChange(ns);
  const w = ns.world;
  if (pkt.proto === 'icmp' && pkt.icmp && pkt.icmp.type !== 0 && pkt.icmp.type !== 8) return; // never an error about an error
  const saddr = isLocal(ns, pkt.dst) ? pkt.dst : undefined;
  const rt = ipRouteOutput(ns, pkt.src, { saddr });
  if (!rt.ok) return;
  const limited = type === ICMP.DEST_UNREACH || type === ICMP.TIME_EXCEEDED;
  if (limited && rt.rt.type !== 'local') {
    // icmpv4_xrlim_allow(): inet_peer token bucket, icmp_ratelimit = 1000 ms, burst of 6
    const peer = ns.peer(pkt.src, w.now);
    peer.tokens = Math.min(6000, peer.tokens + (w.now - peer.last));
    peer.last = w.now;
    if (peer.tokens < 1000) {
      if (w.tracing) w.emit({ netns: ns.name, verdict: Verdict.ICMP_RATELIMIT, packetId: pkt.pid, packet: ipView(pkt), text: `${nsLabel(ns)}: ICMP error to ${formatIpv4(pkt.src)} suppressed by the rate limit (net.ipv4.icmp_ratelimit)` });
      return;
    }
    peer.tokens -= 1000;
  }
  const quoted = withTtl(pkt, pkt.ttl);
  const icmp: IcmpMessage = type === ICMP.REDIRECT ? { type: 5, code, gateway: opts.gateway!, inner: quoted } : { type: type as 3 | 11, code, inner: quoted };
  const err = ipv4Packet(w.nextPid(), rt.rt.src, pkt.src, 64, w.nextIpId(), 'icmp', icmp, undefined);
  ipLocalOut(ns, err, rt.rt);
}

export { carrierOk };
