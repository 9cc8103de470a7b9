import { MAC_ZERO, macCompare, type Mac } from '../addr/mac';
import { asIpv4 } from '../addr/ipv4';
import { KernelError, RT_SCOPE } from '../fib/route';
import { fibAddIfaddr, fibFlushDev } from '../fib/frontend';
import { addAddress, findAddress, inetdevChangename } from './devinet';
import { brMtuAutoAdjust, IPV4_MIN_MTU } from './mtu';
import { brFdbDeletePort, brFdbInsertLocal, brFdbLearn } from '../bridge/fdb';
import { brPortForwarding, BRPORT_DEFAULT, carrierOk, type Bridge, type Netdev } from './netdev';
import type { Netns } from './netns';

/**
 * Link-level configuration (rtnl_newlink / dev_open / dev_close / dev_change_net_namespace):
 * creating veth pairs and bridges, up/down, bridge ports, moving between namespaces, deleting.
 * Each operation then lets "linkwatch" settle carrier-dependent state (IPv6 link-local).
 */

export { createVeth } from './veth';
export { createBridge } from '../bridge/br_device';

const INADDR_LOOPBACK = asIpv4(0x7f000001);

/** dev_open / dev_close with their notifier effects. */
export function setLinkUp(dev: Netdev, up: boolean): void {
  if (dev.adminUp === up) return;
  const ns = dev.netns;
  // ndo_open() may refuse (a vxlan's port taken): then the device stays down
  if (up) dev.ops.open?.(dev);
  const before = carrierSnapshot(dev);
  dev.adminUp = up;
  if (up) {
    if (!dev.ops.loopback) dev.qdisc = 'noqueue';
    for (const ifa of dev.addrs) fibAddIfaddr(ns, dev, ifa);
    // inetdev_event(NETDEV_UP): lo gets 127.0.0.1/8 (again) whenever it comes up with an mtu IPv4 can use
    if (dev.ops.loopback && dev.mtu >= IPV4_MIN_MTU && !findAddress(dev, INADDR_LOOPBACK, 8)) {
      try {
        addAddress(ns, dev, INADDR_LOOPBACK, 8, { scope: RT_SCOPE.host });
      } catch (e) {
        // inet_insert_ifa()'s refusal (a clashing address already there) is ignored, as the notifier does
        if (!(e instanceof KernelError)) throw e;
      }
    }
  } else {
    fibFlushDev(ns, dev);
    ns.neigh.flushDev(dev).forEach((n) => n.queue.forEach((q) => q.failed()));
    dev.ll6 = false;
    if (dev.master) brFdbDeletePort(dev.master, dev, false);
    dev.ops.stop(dev);
  }
  linkwatch(before);
  ns.world.touch();
}

/** Devices whose carrier may change with `dev`, and whether each had carrier. */
function carrierSnapshot(dev: Netdev): Map<Netdev, boolean> {
  const set = new Set<Netdev>([dev]);
  const peer = dev.ops.peer(dev);
  if (peer) set.add(peer);
  for (const d of [...set]) if (d.master) set.add(d.master);
  return new Map([...set].map((d) => [d, carrierOk(d)]));
}

/** Orders link-local address arrivals (only the relative order within one world matters). */
let ll6Counter = 0;

/**
 * addrconf_dev_config() / init_loopback(): a device that is up with carrier and an mtu IPv6 can
 * use (IPV6_MIN_MTU) gets its link-local address, lo its ::1.
 */
export function addrconfUp(d: Netdev): void {
  if (d.ll6 || !d.adminUp || d.mtu < 1280) return;
  if (d.ops.loopback) {
    d.ll6 = true;
    return;
  }
  if (!carrierOk(d) || d.netns.role !== 'host') return;
  d.ll6 = true;
  d.ll6Seq = ++ll6Counter;
  announce(d);
}

/** linkwatch: after carrier changes, add IPv6 link-local addresses and drop FDB entries of dead ports. */
function linkwatch(before: Map<Netdev, boolean>): void {
  for (const [d, had] of before) {
    const has = carrierOk(d);
    addrconfUp(d);
    if (had && !has && d.master) brFdbDeletePort(d.master, d, false);
  }
}

/**
 * A device that just got its IPv6 link-local address sends multicast (MLD reports, a router
 * solicitation). IPv6 is not simulated, but every bridge those frames cross learns where the
 * sender is, which `bridge fdb show` shows on Linux before any IPv4 traffic has flowed.
 */
function announce(from: Netdev): void {
  const now = from.netns.world.now;
  const seen = new Set<Netdev>();
  const xmit = (out: Netdev): void => {
    const port = out.ops.peer(out);
    if (!port || !port.adminUp) return;
    if (!port.master || seen.has(port) || !brPortForwarding(port)) return;
    seen.add(port);
    brFdbLearn(port.master, port, from.mac, now);
    // the flood goes on only through ports whose other end is a bridge's port: ask that first, as
    // every host joining a switch floods to all its ports (a cheap look each, not a carrier check)
    for (const p of port.master.ports) if (p !== port && p.ops.peer(p)?.master !== undefined && brPortForwarding(p)) xmit(p);
  };
  if (from.kind === 'bridge') {
    for (const p of from.ports) if (brPortForwarding(p)) xmit(p);
  } else {
    xmit(from);
  }
}

/** `ip link set DEV master BR` (br_add_if) and `nomaster` (br_del_if). */
export function setMaster(dev: Netdev, br: Bridge | null): void {
  const before = carrierSnapshot(dev);
  const old = dev.master;
  if (old) {
    old.ports = old.ports.filter((p) => p !== dev);
    brFdbDeletePort(old, dev, true);
    dev.master = undefined;
    recalcBridgeMac(old);
    before.set(old, before.get(old) ?? carrierOk(old));
  }
  if (br) {
    const refused = dev.ops.enslaveError(dev);
    if (refused) throw new KernelError(refused.errno, refused.msg || undefined);
    dev.master = br;
    // a new net_bridge_port starts from the defaults
    const cost = dev.ops.portCost?.(dev) ?? BRPORT_DEFAULT.cost;
    dev.brport = cost !== BRPORT_DEFAULT.cost ? Object.freeze({ ...BRPORT_DEFAULT, cost }) : BRPORT_DEFAULT;
    br.ports.push(dev);
    br.hadPort = true;
    brFdbInsertLocal(br, dev, dev.mac);
    recalcBridgeMac(br, dev);
    before.set(br, before.get(br) ?? carrierOk(br));
  }
  if (old) brMtuAutoAdjust(old);
  if (br) brMtuAutoAdjust(br);
  linkwatch(before);
  dev.netns.world.touch();
}

/**
 * br_stp_recalculate_bridge_id(): the bridge takes the lowest port address unless set by hand;
 * when its last port leaves, the bridge id and address become zero (a never-ported bridge keeps its own).
 */
function recalcBridgeMac(br: Bridge, joined?: Netdev): void {
  if (br.macFixed) return;
  if (br.ports.length === 0) {
    if (!br.hadPort || br.mac === MAC_ZERO) return;
    if (br.fdb.get(br.mac)?.port === br) br.fdb.delete(br.mac);
    br.mac = MAC_ZERO;
    return;
  }
  // the address is already the lowest of the other ports: a port joining only compares with it,
  // so a switch with N ports is built in N steps, not N² (a 2,000-member LAN replays in linear time)
  const lowest = joined && br.ports.length > 1 ? lower(br.mac, joined.mac) : lowestPortMac(br);
  if (lowest === br.mac) return;
  if (br.fdb.get(br.mac)?.port === br) br.fdb.delete(br.mac);
  br.mac = lowest;
  // the port's own local entry already stands for this address
  if (!br.fdb.has(br.mac)) brFdbInsertLocal(br, br, br.mac);
}

const lower = (a: Mac, b: Mac): Mac => (macCompare(b, a) < 0 ? b : a);

function lowestPortMac(br: Bridge): Mac {
  let lowest = br.ports[0].mac;
  for (const p of br.ports) lowest = lower(lowest, p.mac);
  return lowest;
}

/** dev_change_net_namespace(): the device goes down, loses its addresses and master, keeps its index if free. */
export function moveToNetns(dev: Netdev, target: Netns): void {
  const src = dev.netns;
  // __dev_change_net_namespace(): nothing to do is success, even for lo
  if (src === target) return;
  if (dev.ops.netnsLocal) throw new KernelError('EINVAL', 'The interface netns is immutable');
  if (target.devByName(dev.name)) throw new KernelError('EEXIST', 'An interface with the same name exists in the target netns');
  setLinkUp(dev, false);
  if (dev.master) setMaster(dev, null);
  dev.ops.uninit(dev);
  dev.addrs = [];
  fibFlushDev(src, dev, true);
  src.neigh.flushDev(dev);
  src.detach(dev);
  target.attach(dev, dev.ifindex);
  // the RTM_DELLINK the old namespace hears names the new one by its peer id (IFLA_NEW_NETNSID)
  src.nsidFor(target);
  const peer = dev.ops.peer(dev);
  if (peer && peer.netns !== target) {
    target.nsidFor(peer.netns);
    peer.netns.nsidFor(target);
  }
  dev.qdisc = 'noop';
  src.world.touch();
}

/** `ip link del`: a veth takes its peer with it; a bridge releases its ports. */
export function deleteLink(dev: Netdev): void {
  const victims = dev.ops.dellink(dev);
  if (victims === 'EOPNOTSUPP') throw new KernelError('EOPNOTSUPP');
  // vxlan_handle_lowerdev_unregister(): a vxlan goes with the device it rides on
  for (const d of [...victims]) for (const v of d.netns.devList()) if (v.kind === 'vxlan' && v.cfg.link === d.ifindex && !victims.includes(v)) victims.push(v);
  for (const d of victims) {
    setLinkUp(d, false);
    if (d.master) setMaster(d, null);
    d.ops.uninit(d);
    d.addrs = [];
    fibFlushDev(d.netns, d, true);
    d.netns.detach(d);
  }
  dev.netns.world.touch();
}

/**
 * dev_valid_name(), behind the IFLA_IFNAME policy (shorter than IFNAMSIZ): what the kernel refuses
 * in a device name. Any other byte is a valid name, control characters included.
 */
export function devValidName(name: string): void {
  if (name.length >= 16) throw new KernelError('EINVAL', 'Attribute failed policy validation');
  if (name === '' || name === '.' || name === '..' || /[/: \t\n\v\f\r]/.test(name)) throw new KernelError('EINVAL');
}

export function renameLink(dev: Netdev, name: string): void {
  devValidName(name);
  if (dev.netns.devByName(name) && dev.netns.devByName(name) !== dev) throw new KernelError('EEXIST');
  dev.netns.rename(dev, name);
  inetdevChangename(dev);
  dev.netns.world.touch();
}

export function setLinkMac(dev: Netdev, mac: import('../addr/mac').Mac): void {
  if (dev.master) {
    dev.master.fdb.delete(dev.mac);
    brFdbInsertLocal(dev.master, dev, mac);
  }
  if (dev.kind === 'bridge') {
    dev.fdb.delete(dev.mac);
    dev.macFixed = true;
    brFdbInsertLocal(dev, dev, mac);
  }
  dev.mac = mac;
  if (dev.master) recalcBridgeMac(dev.master);
  dev.netns.world.touch();
}

export { brPortForwarding };
