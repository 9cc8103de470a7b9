import { createBridge, createVeth, setLinkUp, setMaster } from './netns/link';
import type { Bridge } from './netns/netdev';
import type { World } from './world';

/**
 * The lab's wiring as the kernel oracle builds it: hosts are namespaces with lo up; a LAN is a
 * bridge `br0` in a hidden namespace `__lan_<lan>` with one veth per member; a cable is a veth pair
 * with one end in each host.
 */

export const LAN_NS_PREFIX = '__lan_';
export const LAN_BRIDGE = 'br0';
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const IFNAME_RE = /^[A-Za-z0-9_.-]{1,15}$/;

export interface Lan {
  name: string;
  members: { netns: string; dev: string }[];
}

/** A host as the oracle builds one: a namespace with lo up. */
export function addHost(w: World, name: string): void {
  if (!NAME_RE.test(name)) throw new Error(`invalid host name "${name}"`);
  if (name.startsWith(LAN_NS_PREFIX)) throw new Error(`host names may not start with ${LAN_NS_PREFIX}`);
  const ns = w.createNetns(name, 'host');
  setLinkUp(ns.loopback, true);
}

/** A LAN segment: bridge br0 in a hidden namespace, one veth per member (its far end a bridge port). */
export function addLan(w: World, name: string, members: string[]): void {
  if (!NAME_RE.test(name)) throw new Error(`invalid LAN name "${name}"`);
  if (w.lans.some((l) => l.name === name)) throw new Error(`LAN "${name}" exists`);
  for (const m of members) checkEndpoint(w, m);
  const twice = members.find((m, i) => members.indexOf(m) !== i);
  if (twice !== undefined) throw new Error(`interface "${twice}" is listed twice`);
  const ns = w.createNetns(LAN_NS_PREFIX + name, 'lan');
  const br = createBridge(ns, LAN_BRIDGE);
  setLinkUp(br, true);
  const lan: Lan = { name, members: [] };
  w.lans.push(lan);
  for (const m of members) plugLan(w, lan, m);
}

export function addLanMember(w: World, lanName: string, member: string): void {
  const lan = w.lans.find((l) => l.name === lanName);
  if (!lan) throw new Error(`no LAN "${lanName}"`);
  checkEndpoint(w, member);
  plugLan(w, lan, member);
}

function plugLan(w: World, lan: Lan, member: string): void {
  const [host, ifname] = member.split(':');
  const hostNs = w.netns(host)!;
  const lanNs = w.netns(LAN_NS_PREFIX + lan.name)!;
  const dev = createVeth(hostNs, ifname, `p${lan.members.length}`, lanNs);
  const port = dev.peer;
  setMaster(port, lanNs.devByName(LAN_BRIDGE) as Bridge);
  setLinkUp(port, true);
  setLinkUp(dev, true);
  lan.members.push({ netns: host, dev: ifname });
  w.touch();
}

/** A point-to-point cable: a veth pair with one end in each host, both up. */
export function addLink(w: World, a: string, b: string): void {
  checkEndpoint(w, a);
  checkEndpoint(w, b);
  if (a === b) throw new Error(`a cable needs two ends`);
  const [ha, ia] = a.split(':');
  const [hb, ib] = b.split(':');
  const dev = createVeth(w.netns(ha)!, ia, ib, w.netns(hb)!);
  setLinkUp(dev, true);
  setLinkUp(dev.peer, true);
  w.links.push([a, b]);
  w.touch();
}

function checkEndpoint(w: World, ref: string): void {
  const parts = ref.split(':');
  if (parts.length !== 2) throw new Error(`expected "host:ifname", got "${ref}"`);
  const [host, ifname] = parts;
  const ns = w.netns(host);
  if (!ns || ns.role !== 'host') throw new Error(`unknown host "${host}" in "${ref}"`);
  if (!IFNAME_RE.test(ifname) || ifname === 'lo') throw new Error(`invalid interface name "${ifname}"`);
  if (ns.devByName(ifname)) throw new Error(`interface "${ref}" already exists`);
}

/** A namespace went: its LAN (if it held one), its LAN memberships and its cables go from the lab's wiring. */
export function forgetNetns(w: World, name: string, wasLan: boolean): void {
  if (wasLan) {
    const i = w.lans.findIndex((l) => LAN_NS_PREFIX + l.name === name);
    if (i >= 0) w.lans.splice(i, 1);
  }
  for (const lan of w.lans) {
    const kept = lan.members.filter((m) => m.netns !== name);
    lan.members.splice(0, lan.members.length, ...kept);
  }
  const links = w.links.filter(([a, b]) => a.split(':')[0] !== name && b.split(':')[0] !== name);
  w.links.splice(0, w.links.length, ...links);
}
