import type { Ipv4 } from '../addr/ipv4';
import type { Mac } from '../addr/mac';
import type { Netns } from './netns';

/** An IPv4 address on a device (in_ifaddr). */
export interface Ifaddr {
  local: Ipv4;
  plen: number;
  broadcast?: Ipv4;
  scope: number; // RT_SCOPE_*
  secondary: boolean;
  label: string;
}

interface NetdevCommon {
  ifindex: number;
  name: string;
  netns: Netns;
  mac: Mac;
  mtu: number;
  adminUp: boolean;
  /** 'noop' until first opened, 'noqueue' after (and 'noop' again after a move between namespaces) */
  qdisc: 'noop' | 'noqueue';
  addrs: Ifaddr[];
  /** IPv6 link-local (addrconf) present: added once up with carrier, removed on admin down */
  ll6: boolean;
  /** when ll6 last came (a counter): the kernel lists fe80::/64 and ff00::/8 routes in that order */
  ll6Seq?: number;
  /** tx_queue_len (`ip link set … txqueuelen`): 1000 for every kind Hoplab makes; shown as `qlen` unless 0 */
  txqlen: number;
  /** the flags `ip link set … multicast|allmulticast|promisc|dynamic|trailers` change (IFF_* bits; display only) */
  ifflags: number;
  master?: Bridge;
  /** the bridge port's settings (net_bridge_port): a shared default until `bridge link set` changes them */
  brport: BrPort;
}

/** Bridge port flags (include/linux/if_bridge.h), as `bridge link set` toggles them. */
export const BR = {
  HAIRPIN_MODE: 1 << 0,
  BPDU_GUARD: 1 << 1,
  ROOT_BLOCK: 1 << 2,
  MULTICAST_FAST_LEAVE: 1 << 3,
  LEARNING: 1 << 5,
  FLOOD: 1 << 6,
  LEARNING_SYNC: 1 << 9,
  MCAST_FLOOD: 1 << 11,
  MULTICAST_TO_UNICAST: 1 << 12,
  VLAN_TUNNEL: 1 << 13,
  BCAST_FLOOD: 1 << 14,
  NEIGH_SUPPRESS: 1 << 15,
  ISOLATED: 1 << 16,
  PORT_LOCKED: 1 << 21,
} as const;

export interface BrPort {
  readonly flags: number;
  /** multicast_router: 1 (learn) unless set */
  readonly mcastRouter: number;
  readonly cost: number;
  readonly priority: number;
}

/** new_nbp(): learning and every kind of flooding on, hairpin off */
export const BRPORT_DEFAULT: BrPort = Object.freeze({ flags: BR.LEARNING | BR.FLOOD | BR.MCAST_FLOOD | BR.BCAST_FLOOD, mcastRouter: 1, cost: 2, priority: 32 });

export interface Loopback extends NetdevCommon {
  kind: 'loopback';
}

export interface Veth extends NetdevCommon {
  kind: 'veth';
  peer: Veth;
}

export interface FdbEntry {
  mac: Mac;
  port: Netdev;
  /** local entries are the bridge's and its ports' own addresses; they never age */
  local: boolean;
  updated: number;
}

export interface Bridge extends NetdevCommon {
  kind: 'bridge';
  ports: Netdev[];
  fdb: Map<Mac, FdbEntry>;
  /** set by `ip link set dev br address …`; otherwise the bridge takes its lowest port MAC */
  macFixed: boolean;
  /** a port was ever enslaved: from then on the carrier follows the ports, even when none is left */
  hadPort?: boolean;
  /** seconds, bridge ageing_time */
  ageingTime: number;
}

export type Netdev = Loopback | Veth | Bridge;

/**
 * A new device, down, with every field of its kind present from birth, in one order. The packet
 * path reads the same few fields of whatever device a frame meets; a field added later (`master`
 * on enslaving, `hadPort`, `ll6Seq`) would fork the object's hidden class and turn every hop's
 * property loads megamorphic. So there are exactly three shapes: loopback, veth, bridge.
 */
export function makeNetdev<K extends Netdev['kind']>(ns: Netns, name: string, kind: K, mac: Mac, mtu: number, qdisc: 'noop' | 'noqueue'): Extract<Netdev, { kind: K }> {
  const ifflags = kind === 'loopback' ? 0 : IFF.MULTICAST;
  const dev: Record<string, unknown> = { kind, ifindex: 0, name, netns: ns, mac, mtu, adminUp: false, qdisc, addrs: [], ll6: false, ll6Seq: undefined, txqlen: 1000, ifflags, master: undefined, brport: BRPORT_DEFAULT };
  if (kind === 'veth') {
    dev.peer = undefined;
  } else if (kind === 'bridge') {
    dev.ports = [];
    dev.fdb = new Map();
    dev.macFixed = false;
    dev.hadPort = false;
    dev.ageingTime = 300;
  }
  return dev as unknown as Extract<Netdev, { kind: K }>;
}

/** Device flags (include/uapi/linux/if.h) that `ip link set` toggles by name. */
export const IFF = { NOTRAILERS: 0x20, PROMISC: 0x100, ALLMULTI: 0x200, MULTICAST: 0x1000, DYNAMIC: 0x8000 } as const;

/** netif_carrier_ok() */
export function carrierOk(dev: Netdev): boolean {
  switch (dev.kind) {
    case 'loopback':
      return true;
    case 'veth':
      return dev.adminUp && dev.peer.adminUp;
    case 'bridge':
      // a bridge without ports keeps the carrier it was born with (operstate UNKNOWN)
      // a bridge that never had a port keeps its birth carrier; once it had one, no forwarding port means no carrier
      return dev.adminUp && (dev.ports.length === 0 ? !dev.hadPort : dev.ports.some((p) => p.adminUp && carrierOk(p)));
  }
}

/** The device can send and receive: IFF_UP and carrier (IFF_LOWER_UP). */
export const isRunning = (dev: Netdev): boolean => dev.adminUp && carrierOk(dev);

/** dev_get_iflink(): a veth reports its peer's ifindex, everything else its own. */
export const iflink = (dev: Netdev): number => (dev.kind === 'veth' ? dev.peer.ifindex : dev.ifindex);

export type Operstate = 'UP' | 'DOWN' | 'UNKNOWN' | 'LOWERLAYERDOWN';

/**
 * rfc2863_policy()/default_operstate(): note the kernel resolves the lower device by the
 * iflink index in the device's OWN namespace, which is why a veth whose peer sits in another
 * namespace reports DOWN rather than LOWERLAYERDOWN.
 */
export function operstate(dev: Netdev): Operstate {
  if (!dev.adminUp) return 'DOWN';
  if (dev.kind === 'loopback') return 'UNKNOWN';
  if (dev.kind === 'bridge' && dev.ports.length === 0 && !dev.hadPort) return 'UNKNOWN';
  if (!carrierOk(dev)) {
    const link = iflink(dev);
    if (link === dev.ifindex) return 'DOWN';
    const lower = dev.netns.devByIndex(link);
    if (!lower) return 'DOWN';
    return carrierOk(lower) ? 'DOWN' : 'LOWERLAYERDOWN';
  }
  return 'UP';
}

/** Is this bridge port forwarding frames (no STP: enabled whenever port and bridge are up with carrier)? */
export function brPortForwarding(port: Netdev): boolean {
  return !!port.master && port.master.adminUp && port.adminUp && carrierOk(port);
}
