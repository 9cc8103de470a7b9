import { formatIpv4, inPrefix, type Prefix } from '../../engine/addr/ipv4';
import { linkLocalFromMac } from '../../engine/addr/ipv6';
import { carrierOk, iflink, IFF, operstate, type Ifaddr, type Netdev } from '../../engine/netns/netdev';
import type { Netns } from '../../engine/netns/netns';
import { scopeName } from '../../engine/fib/format';
import { RT_SCOPE } from '../../engine/fib/route';
import { matchPattern } from '../shell/pattern';
import { linkDetails } from './details';

/** `ip link` / `ip addr` output, byte for byte as iproute2 6.x prints it. */

export interface ShowOpts {
  brief: boolean;
  family?: 4 | 6;
  link: boolean; // ip link (mode DEFAULT) vs ip addr
  oneline?: boolean; // ip -o
  /** ip addr show to PREFIX: only the IPv4 addresses inside it */
  to?: Prefix;
  /** ip addr show scope|label|permanent|dynamic|primary|secondary */
  filter?: AddrFilter;
  /** one device asked for by name (a link GET, not a dump) */
  single?: boolean;
  /** ip -d: the kind's details after the link-layer line */
  details?: boolean;
}

/**
 * The address filters of `ip addr show` (iproute2's filter.scope/scopemask, flags/flagmask and
 * label): an address is shown only when it passes all of them.
 */
export interface AddrFilter {
  /** RT_SCOPE_* an address must have (`scope all`: no filter) */
  scope?: number;
  /** a shell pattern the address's label must match (fnmatch; an IPv6 address's label is its device's name) */
  label?: string;
  /** IFA_F_PERMANENT wanted (permanent) or not (dynamic) */
  permanent?: boolean;
  /** IFA_F_SECONDARY wanted (secondary) or not (primary) */
  secondary?: boolean;
}

interface AddrFacts {
  scope: number;
  label: string;
  permanent: boolean;
  secondary: boolean;
}

function passes(f: AddrFilter | undefined, a: AddrFacts): boolean {
  if (!f) return true;
  if (f.scope !== undefined && f.scope !== a.scope) return false;
  if (f.permanent !== undefined && f.permanent !== a.permanent) return false;
  if (f.secondary !== undefined && f.secondary !== a.secondary) return false;
  return f.label === undefined || matchPattern([{ s: f.label, q: false }], a.label);
}

/** The device's IPv4 addresses that the listing shows. */
export const shownInet = (dev: Netdev, o: Pick<ShowOpts, 'to' | 'filter'>): Ifaddr[] =>
  dev.addrs.filter((a) => (!o.to || inPrefix(a.local, o.to.addr, o.to.plen)) && passes(o.filter, { scope: a.scope, label: a.label, permanent: true, secondary: a.secondary }));

/** The device's IPv6 addresses that the listing shows (the kernel's link-local and ::1: permanent, labelled by the device). */
const shownInet6 = (dev: Netdev, o: Pick<ShowOpts, 'filter'>) => ipv6Addrs(dev).filter((a) => passes(o.filter, { scope: a.scope === 'host' ? RT_SCOPE.host : RT_SCOPE.link, label: dev.name, permanent: true, secondary: false }));

/**
 * ipaddr_filter(): with a filter, a device none of whose addresses passes is left out; a device
 * with no address at all stays unless a family was asked for.
 */
export function keptByAddrFilter(dev: Netdev, o: Pick<ShowOpts, 'to' | 'filter' | 'family'>): boolean {
  const v4 = o.family === 6 ? [] : dev.addrs;
  const v6 = o.family === 4 ? [] : ipv6Addrs(dev);
  if (v4.length + v6.length === 0) return !o.family;
  return (o.family !== 6 && shownInet(dev, o).length > 0) || (o.family !== 4 && !o.to && shownInet6(dev, o).length > 0);
}

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
  // a label filter selects addresses, not devices: iproute2 prints them without their link's lines
  if (!o.link && o.filter?.label !== undefined) return labelledAddrs(dev, o);
  const { label, netnsId, mdown } = nameWithLink(dev);
  const state = operstate(dev);
  if (o.brief) {
    if (o.link) return `${pad(label, 16)} ${pad(state, 14)} ${dev.mac} ${linkFlags(dev, mdown)} \n`;
    const addrs = briefAddrs(dev, o);
    return `${pad(label, 16)} ${pad(state, 14)} ${addrs.map((a) => `${a} `).join('')}\n`;
  }
  if (o.oneline && !o.link) return onelineAddrs(dev, o);
  // ip -6 addr over all devices: the IPv6 link dump carries no qdisc, group or link-netns
  if (o.family === 6 && !o.link && !o.single) {
    let s = `${dev.ifindex}: ${label}: ${linkFlags(dev, mdown)} mtu ${dev.mtu} state ${state} ${dev.txqlen !== 0 ? `qlen ${dev.txqlen | 0}` : ''}\n`;
    s += inet6Lines(dev, o);
    return s;
  }
  let s = `${dev.ifindex}: ${label}: ${linkFlags(dev, mdown)} mtu ${dev.mtu} qdisc ${dev.qdisc} `;
  if (dev.master) s += `master ${dev.master.name} `;
  s += `state ${state} `;
  if (o.link) s += 'mode DEFAULT ';
  s += 'group default ';
  // the kernel's u32, printed as iproute2 does (signed); a zero-length queue is not shown
  if (dev.txqlen !== 0) s += `qlen ${dev.txqlen | 0}`;
  if ((o.family === 4 || o.family === 6) && !o.link) {
    if (netnsId) s += ` ${netnsId}`;
    s += '\n';
  } else {
    s += `\n    ${linkLine(dev)}${netnsId ? ` ${netnsId}` : ''}${o.details ? linkDetails(dev, o.link) : ''}\n`;
    // print_linkinfo(): the alias after the details, for ip link (or -details) only
    if (dev.ifalias !== undefined && (o.link || o.details)) s += `    alias ${dev.ifalias}\n`;
  }
  if (!o.link) {
    if (o.family !== 6) s += inetLines(dev, o);
    if (o.family !== 4) s += inet6Lines(dev, o);
  }
  // ip -o link: the record's lines joined by a backslash (print_linkinfo's _SL_)
  if (o.oneline) s = s.replace(/\n(?=.)/g, '\\');
  return s;
}

function inetLines(dev: Netdev, o: ShowOpts): string {
  let s = '';
  for (const a of shownInet(dev, o)) {
    s += `    inet ${formatIpv4(a.local)}/${a.plen} `;
    if (a.broadcast !== undefined) s += `brd ${formatIpv4(a.broadcast)} `;
    s += `scope ${scopeName(a.scope)} `;
    if (a.secondary) s += 'secondary ';
    s += `${a.label}\n       valid_lft forever preferred_lft forever\n`;
  }
  return s;
}

function inet6Lines(dev: Netdev, o: ShowOpts): string {
  let s = '';
  for (const a of shownInet6(dev, o)) s += `    inet6 ${a.addr} scope ${a.scope} \n       valid_lft forever preferred_lft forever\n`;
  return s;
}

function labelledAddrs(dev: Netdev, o: ShowOpts): string {
  if (o.oneline) return onelineAddrs(dev, o);
  if (o.brief) {
    const addrs = briefAddrs(dev, o);
    return addrs.length ? `${addrs.map((a) => `${a} `).join('')}\n` : '';
  }
  let s = '';
  if (o.family !== 6) s += inetLines(dev, o);
  if (o.family !== 4) s += inet6Lines(dev, o);
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
  if (family !== 4) for (const a of shownInet6(dev, o)) s += `${head}inet6 ${a.addr} scope ${a.scope} ${tail}`;
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
  if (family !== 4) for (const a of shownInet6(dev, o)) out.push(a.addr);
  return out;
}

export const hasFamilyAddrs = (dev: Netdev, family: 4 | 6): boolean => (family === 4 ? dev.addrs.length > 0 : ipv6Addrs(dev).length > 0);
