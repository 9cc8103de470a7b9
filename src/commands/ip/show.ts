import { formatIpv4, inPrefix, type Prefix } from '../../engine/addr/ipv4';
import { linkLocalFromMac } from '../../engine/addr/ipv6';
import { carrierOk, iflink, IFF, operstate, type Ifaddr, type Netdev } from '../../engine/netns/netdev';
import type { Netns } from '../../engine/netns/netns';
import { scopeName } from '../../engine/fib/format';

/** `ip link` / `ip addr` output, byte for byte as iproute2 6.x prints it. */

export interface ShowOpts {
  brief: boolean;
  family?: 4 | 6;
  link: boolean; // ip link (mode DEFAULT) vs ip addr
  oneline?: boolean; // ip -o
  /** ip addr show to PREFIX: only the IPv4 addresses inside it */
  to?: Prefix;
}

/** The device's IPv4 addresses that the listing shows. */
export const shownInet = (dev: Netdev, o: Pick<ShowOpts, 'to'>): Ifaddr[] => (o.to ? dev.addrs.filter((a) => inPrefix(a.local, o.to!.addr, o.to!.plen)) : dev.addrs);

/** The interface name with its "@peer" suffix, and whether that peer lives in another namespace. */
/**
 * IFLA_LINK_NETNSID as iproute2 prints it: the namespace's name when this machine's /run/netns
 * has it (`link-netns pod1`), else the id (`link-netnsid 0`: a machine's own root, a LAN switch).
 */
function peerNetns(ns: Netns, peer: Netns): string {
  return ns.world.netnsFrom(ns, peer.name) === peer ? `link-netns ${peer.name}` : `link-netnsid ${ns.nsidFor(peer)}`;
}

function nameWithLink(dev: Netdev): { label: string; netnsId?: string; mdown: boolean } {
  if (dev.kind !== 'veth') return { label: dev.name, mdown: false };
  const peer = dev.peer;
  if (peer.netns !== dev.netns) return { label: `${dev.name}@if${peer.ifindex}`, netnsId: peerNetns(dev.netns, peer.netns), mdown: false };
  // iproute2 resolves IFLA_LINK in its own namespace's cache
  const local = dev.netns.devByIndex(iflink(dev));
  return { label: `${dev.name}@${local ? local.name : `if${iflink(dev)}`}`, mdown: !!local && !local.adminUp };
}

export function linkFlags(dev: Netdev, mdown: boolean): string {
  const running = dev.adminUp && carrierOk(dev);
  const f: string[] = [];
  if (dev.adminUp && !running) f.push('NO-CARRIER');
  if (dev.kind === 'loopback') f.push('LOOPBACK');
  else f.push('BROADCAST');
  // in iproute2's print order
  if (dev.ifflags & IFF.MULTICAST) f.push('MULTICAST');
  if (dev.ifflags & IFF.ALLMULTI) f.push('ALLMULTI');
  if (dev.ifflags & IFF.PROMISC) f.push('PROMISC');
  if (dev.ifflags & IFF.DYNAMIC) f.push('DYNAMIC');
  if (dev.ifflags & IFF.NOTRAILERS) f.push('NOTRAILERS');
  if (dev.adminUp) f.push('UP');
  if (running) f.push('LOWER_UP');
  if (mdown) f.push('M-DOWN');
  return `<${f.join(',')}>`;
}

function linkLine(dev: Netdev): string {
  return dev.kind === 'loopback' ? `link/loopback ${dev.mac} brd 00:00:00:00:00:00` : `link/ether ${dev.mac} brd ff:ff:ff:ff:ff:ff`;
}

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));

export function formatLink(dev: Netdev, o: ShowOpts): string {
  const { label, netnsId, mdown } = nameWithLink(dev);
  const state = operstate(dev);
  if (o.brief) {
    if (o.link) return `${pad(label, 16)} ${pad(state, 14)} ${dev.mac} ${linkFlags(dev, mdown)} \n`;
    const addrs = briefAddrs(dev, o);
    return `${pad(label, 16)} ${pad(state, 14)} ${addrs.map((a) => `${a} `).join('')}\n`;
  }
  if (o.oneline && !o.link) return onelineAddrs(dev, o);
  let s = `${dev.ifindex}: ${label}: ${linkFlags(dev, mdown)} mtu ${dev.mtu} qdisc ${dev.qdisc} `;
  if (dev.master) s += `master ${dev.master.name} `;
  s += `state ${state} `;
  if (o.link) s += 'mode DEFAULT ';
  s += 'group default ';
  // the kernel's u32, printed as iproute2 does (signed); a zero-length queue is not shown
  if (dev.txqlen !== 0) s += `qlen ${dev.txqlen | 0}`;
  if (o.family === 4 && !o.link) {
    if (netnsId) s += ` ${netnsId}`;
    s += '\n';
  } else {
    s += `\n    ${linkLine(dev)}${netnsId ? ` ${netnsId}` : ''}\n`;
  }
  if (!o.link) {
    if (o.family !== 6) {
      for (const a of shownInet(dev, o)) {
        s += `    inet ${formatIpv4(a.local)}/${a.plen} `;
        if (a.broadcast !== undefined) s += `brd ${formatIpv4(a.broadcast)} `;
        s += `scope ${scopeName(a.scope)} `;
        if (a.secondary) s += 'secondary ';
        s += `${a.label}\n       valid_lft forever preferred_lft forever\n`;
      }
    }
    if (o.family !== 4) {
      const v6 = ipv6Addrs(dev);
      for (const a of v6) s += `    inet6 ${a.addr} scope ${a.scope} \n       valid_lft forever preferred_lft forever\n`;
    }
  }
  // ip -o link: the record's lines joined by a backslash (print_linkinfo's _SL_)
  if (o.oneline) s = s.replace(/\n(?=.)/g, '\\');
  return s;
}

/** ip -o addr: one line per address, "IDX: DEV    inet …\       valid_lft …"; devices without any are left out. */
function onelineAddrs(dev: Netdev, o: ShowOpts): string {
  const family = o.family;
  const head = `${dev.ifindex}: ${dev.name}    `;
  const tail = '\\       valid_lft forever preferred_lft forever\n';
  let s = '';
  if (family !== 6) {
    for (const a of shownInet(dev, o)) {
      s += `${head}inet ${formatIpv4(a.local)}/${a.plen} `;
      if (a.broadcast !== undefined) s += `brd ${formatIpv4(a.broadcast)} `;
      s += `scope ${scopeName(a.scope)} ${a.secondary ? 'secondary ' : ''}${a.label}${tail}`;
    }
  }
  if (family !== 4) for (const a of ipv6Addrs(dev)) s += `${head}inet6 ${a.addr} scope ${a.scope} ${tail}`;
  return s;
}

function ipv6Addrs(dev: Netdev): { addr: string; scope: string }[] {
  if (!dev.ll6) return [];
  if (dev.kind === 'loopback') return [{ addr: '::1/128', scope: 'host' }];
  return [{ addr: `${linkLocalFromMac(dev.mac)}/64`, scope: 'link' }];
}

function briefAddrs(dev: Netdev, o: ShowOpts): string[] {
  const family = o.family;
  const out: string[] = [];
  if (family !== 6) for (const a of shownInet(dev, o)) out.push(`${formatIpv4(a.local)}/${a.plen}`);
  if (family !== 4) for (const a of ipv6Addrs(dev)) out.push(a.addr);
  return out;
}

export const hasFamilyAddrs = (dev: Netdev, family: 4 | 6): boolean => (family === 4 ? dev.addrs.length > 0 : ipv6Addrs(dev).length > 0);
