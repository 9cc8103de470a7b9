import { inPrefix, type Ipv4 } from '../addr/ipv4';
import { KernelError, RT_SCOPE } from '../fib/route';
import { fibAddIfaddr, fibDelIfaddr, fibFlushDev } from '../fib/frontend';
import type { Ifaddr, Netdev } from './netdev';
import type { Netns } from './netns';

/** IPv4 addresses on devices (devinet.c): __inet_insert_ifa and inet_del_ifa with their routes. */

export function addAddress(
  ns: Netns,
  dev: Netdev,
  local: Ipv4,
  plen: number,
  opts: { scope?: number; broadcast?: Ipv4; label?: string } = {},
): Ifaddr {
  const ifa: Ifaddr = {
    local,
    plen,
    broadcast: opts.broadcast,
    scope: opts.scope ?? (dev.ops.loopback && local >>> 24 === 127 ? RT_SCOPE.host : RT_SCOPE.universe),
    secondary: false,
    label: opts.label ?? dev.name,
  };
  for (const other of dev.addrs) {
    if (other.plen === plen && inPrefix(other.local, local, plen)) {
      if (other.local === local) throw new KernelError('EEXIST', 'ipv4: Address already assigned');
      if (other.scope !== ifa.scope) throw new KernelError('EINVAL', 'ipv4: Invalid scope value');
      ifa.secondary = true;
    }
  }
  if (ifa.secondary) {
    dev.addrs.push(ifa);
  } else {
    // a new primary goes after the last primary whose scope is not narrower
    let at = 0;
    for (let i = 0; i < dev.addrs.length; i++) {
      const a = dev.addrs[i];
      if (!a.secondary && ifa.scope <= a.scope) at = i + 1;
    }
    dev.addrs.splice(at, 0, ifa);
  }
  fibAddIfaddr(ns, dev, ifa);
  ns.world.touch();
  return ifa;
}

/** inet_rtm_deladdr: match by address, and by prefix length when one was given. */
export function findAddress(dev: Netdev, local: Ipv4, plen?: number): Ifaddr | undefined {
  return dev.addrs.find((a) => a.local === local && (plen === undefined || a.plen === plen));
}

/**
 * __inet_del_ifa with promote_secondaries = 0: deleting a primary deletes its secondaries too.
 */
export function deleteAddress(ns: Netns, dev: Netdev, ifa: Ifaddr): void {
  const victims = [ifa];
  if (!ifa.secondary) {
    for (const a of dev.addrs) if (a !== ifa && a.secondary && a.plen === ifa.plen && inPrefix(a.local, ifa.local, ifa.plen)) victims.push(a);
  }
  const promote = !ifa.secondary && (ns.sysctl.conf('all', 'promote_secondaries') || ns.sysctl.conf(dev.name, 'promote_secondaries'));
  if (promote && victims.length > 1) {
    // promote_secondaries: the first secondary becomes the primary and keeps the subnet's routes alive
    const heir = victims[1];
    dev.addrs = dev.addrs.filter((a) => a !== ifa);
    fibDelIfaddr(ns, dev, ifa);
    heir.secondary = false;
    for (const a of dev.addrs) if (a === heir || (a.secondary && a.plen === heir.plen && inPrefix(a.local, heir.local, heir.plen))) fibAddIfaddr(ns, dev, a);
  } else {
    // secondaries go first, as the kernel deletes them before the primary
    for (const v of victims.reverse()) {
      dev.addrs = dev.addrs.filter((a) => a !== v);
      fibDelIfaddr(ns, dev, v);
    }
  }
  // the last address gone: fib_disable_ip() removes every route through the device
  if (dev.addrs.length === 0) fibFlushDev(ns, dev, true);
  ns.world.touch();
}

export function flushAddresses(ns: Netns, dev: Netdev): void {
  while (dev.addrs.length) deleteAddress(ns, dev, dev.addrs.find((a) => !a.secondary) ?? dev.addrs[0]);
}

/** Is addr configured on any device of the namespace (inet_addr_type == RTN_LOCAL)? */
export function isLocalAddress(ns: Netns, addr: Ipv4): boolean {
  for (const d of ns.devs.values()) for (const a of d.addrs) if (a.local === addr) return true;
  return false;
}

/**
 * inetdev_changename(): a renamed device's addresses take its new name as their label; the first
 * plainly, the others keep their ":alias" (or get ":N", N their position).
 */
export function inetdevChangename(dev: Netdev): void {
  const IFNAMSIZ = 16;
  dev.addrs.forEach((ifa, i) => {
    if (i === 0) {
      ifa.label = dev.name;
      return;
    }
    const colon = ifa.label.indexOf(':');
    const alias = colon >= 0 ? ifa.label.slice(colon) : `:${i + 1}`;
    ifa.label = alias.length + dev.name.length < IFNAMSIZ ? dev.name + alias : dev.name.slice(0, IFNAMSIZ - alias.length - 1) + alias;
  });
}
