import type { Ipv4 } from '../addr/ipv4';
import type { Mac } from '../addr/mac';
import type { Netns } from './netns';
import type { Frame } from '../wire/ethernet';
import type { VxlanConfig } from '../vxlan/device';
import type { VxlanFdb } from '../vxlan/fdb';

/** An IPv4 address on a device (in_ifaddr). */
export interface Ifaddr {
  local: Ipv4;
  plen: number;
  broadcast?: Ipv4;
  scope: number; // RT_SCOPE_*
  secondary: boolean;
  label: string;
}

/**
 * What each kind of device does differently (struct net_device_ops and rtnl_link_ops in one):
 * every device points at its kind's table, and the engine asks the table instead of switching on
 * the kind. A new kind is one file that defines its table (see netns/veth.ts) and one entry in the
 * `Netdev` union below.
 */
export interface NetdevOps<D extends Netdev = Netdev> {
  readonly kind: D['kind'];
  /** IFF_LOOPBACK: the host's own traffic loops through it; it has no link-layer neighbours */
  readonly loopback: boolean;
  /** NETIF_F_NETNS_LOCAL: it may not move to another namespace */
  readonly netnsLocal: boolean;
  /** dev->min_mtu and dev->max_mtu (0: no maximum), what dev_validate_mtu() holds a new mtu to */
  readonly minMtu: number;
  readonly maxMtu: number;
  /** the fields only this kind has, with their first values, always in the same order */
  readonly fields: () => object;
  /** ndo_start_xmit(): the frame leaves by dev (which is up; dev_queue_xmit traced it) */
  xmit(dev: D, frame: Frame): void;
  /** netif_carrier_ok() */
  carrier(dev: D): boolean;
  /** operstate UNKNOWN while up: the device does not report carrier (lo, a bridge that never had a port) */
  operUnknown(dev: D): boolean;
  /** the device at the other end of its wire (a veth's peer): its carrier follows this one's */
  peer(dev: D): Netdev | undefined;
  /** ndo_stop(): what closing the device forgets */
  stop(dev: D): void;
  /** before the device leaves its namespace, for good or for another one (a bridge releases its ports) */
  uninit(dev: D): void;
  /** rtnl_link_ops->dellink(): the devices that go when it is deleted, or why it cannot be */
  dellink(dev: D): Netdev[] | 'EOPNOTSUPP';
  /** why it may not be a bridge port, if it may not (netdev_master_upper_dev_link) */
  enslaveError(dev: D): { errno: 'ELOOP' | 'EINVAL'; msg: string } | undefined;
  /** ndo_change_mtu()'s own ceiling below maxMtu (a vxlan's lower device less the headers), if the kind has one */
  mtuLimit?(dev: D): number | undefined;
  /** port_cost() when it joins a bridge, if not the 10G veth's 2 (from the link speed ethtool reports) */
  portCost?(dev: D): number;
  /** ndo_open(): what bringing the device up starts (a vxlan's UDP socket) */
  open?(dev: D): void;
}

interface NetdevCommon {
  ifindex: number;
  name: string;
  netns: Netns;
  /** what this kind of device does (netdev_ops) */
  ops: NetdevOps;
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
  /** IFLA_IFALIAS (`ip link set … alias TEXT`): shown as an `alias` line; undefined when none */
  ifalias: string | undefined;
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
  /** added as static (`bridge fdb add … master static`): never ages, still follows the address to a new port */
  isStatic: boolean;
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
  /** BROPT_MTU_SET_BY_USER: once its mtu is set by hand, the bridge no longer follows its ports' smallest */
  mtuFixed: boolean;
  /** seconds, bridge ageing_time */
  ageingTime: number;
}

/** A VXLAN tunnel endpoint (src/engine/vxlan/device.ts). */
export interface Vxlan extends NetdevCommon {
  kind: 'vxlan';
  cfg: Readonly<VxlanConfig>;
  fdb: VxlanFdb;
}

/** Every kind of device: one entry per kind, beside its ops table. */
export type Netdev = Loopback | Veth | Bridge | Vxlan;

/** A kind's ops table as every device holds it. */
export const defineNetdevKind = <D extends Netdev>(ops: NetdevOps<D>): NetdevOps => ops as unknown as NetdevOps;

/**
 * A new device, down, with every field of its kind present from birth, in one order. The packet
 * path reads the same few fields of whatever device a frame meets; a field added later (`master`
 * on enslaving, `hadPort`, `ll6Seq`) would fork the object's hidden class and turn every hop's
 * property loads megamorphic. So there is exactly one shape per kind.
 */
export function makeNetdev<D extends Netdev>(ns: Netns, name: string, ops: NetdevOps, mac: Mac, mtu: number, qdisc: 'noop' | 'noqueue'): D {
  const ifflags = ops.loopback ? 0 : IFF.MULTICAST;
  const dev = { kind: ops.kind, ifindex: 0, name, netns: ns, ops, mac, mtu, adminUp: false, qdisc, addrs: [], ll6: false, ll6Seq: undefined, txqlen: 1000, ifalias: undefined, ifflags, master: undefined, brport: BRPORT_DEFAULT };
  return Object.assign(dev, ops.fields()) as unknown as D;
}

/** Device flags (include/uapi/linux/if.h) that `ip link set` toggles by name. */
export const IFF = { NOTRAILERS: 0x20, PROMISC: 0x100, ALLMULTI: 0x200, MULTICAST: 0x1000, DYNAMIC: 0x8000 } as const;

/** netif_carrier_ok() */
export const carrierOk = (dev: Netdev): boolean => dev.ops.carrier(dev);

/** The device can send and receive: IFF_UP and carrier (IFF_LOWER_UP). */
export const isRunning = (dev: Netdev): boolean => dev.adminUp && carrierOk(dev);

/** dev_get_iflink(): a veth reports its peer's ifindex, everything else its own. */
export const iflink = (dev: Netdev): number => dev.ops.peer(dev)?.ifindex ?? dev.ifindex;

export type Operstate = 'UP' | 'DOWN' | 'UNKNOWN' | 'LOWERLAYERDOWN';

/**
 * rfc2863_policy()/default_operstate(): note the kernel resolves the lower device by the
 * iflink index in the device's OWN namespace, which is why a veth whose peer sits in another
 * namespace reports DOWN rather than LOWERLAYERDOWN.
 */
export function operstate(dev: Netdev): Operstate {
  if (!dev.adminUp) return 'DOWN';
  if (dev.ops.operUnknown(dev)) return 'UNKNOWN';
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
