import { isMulticast, type Ipv4 } from '../addr/ipv4';
import { KernelError } from '../fib/route';
import { defineNetdevKind, makeNetdev, type Netdev, type Vxlan } from '../netns/netdev';
import type { Netns } from '../netns/netns';
import { vxlanFdbFlush, vxlanFdbInsertDefault } from './fdb';
import { vxlanSockAdd, vxlanSockRelease } from './sock';
import { vxlanXmit } from './xmit';

/**
 * The vxlan device (drivers/net/vxlan/vxlan_core.c): an Ethernet device whose wire is UDP. What
 * it sends is looked up in its own FDB (MAC → remote VTEP addresses), wrapped in a VXLAN header
 * and sent as a locally generated UDP datagram to the remote's dstport; what arrives on that port
 * for its VNI comes out of it as a frame. The UDP socket is opened when the device comes up.
 *
 * Not modelled: IPv6 underlays, metadata ("external") devices, GBP/GPE, proxy ARP replies, route
 * short-circuiting (rsc), multicast group membership on the underlay (a `group` device sends to
 * its group, but no receiver joins it).
 */

/** VXLAN_HEADROOM: outer IPv4 (20) + UDP (8) + VXLAN (8) + inner Ethernet (14) */
export const VXLAN_HEADROOM = 50;
/** IANA's port, and the one Linux uses when none is given (what the first implementations used, before IANA's) */
export const IANA_VXLAN_UDP_PORT = 4789;
export const VXLAN_DEFAULT_PORT = 8472;
/** VXLAN_N_VID */
export const VXLAN_N_VID = 1 << 24;
/** ETH_DATA_LEN: a vxlan without a lower device */
const ETH_DATA_LEN = 1500;

/** struct vxlan_config, as `ip link add … type vxlan` sets it. */
export interface VxlanConfig {
  vni: number;
  /** the default destination: a remote VTEP (unicast) or a group (multicast); 0 when none */
  remote: Ipv4;
  /** the source address of what it sends; 0: the route's */
  local: Ipv4;
  /** the lower device (`dev`): its ifindex, what the outer packets are routed out of and what the mtu follows */
  link: number;
  dstPort: number;
  /** `srcport MIN MAX`: 0 0 is the namespace's ip_local_port_range */
  portMin: number;
  portMax: number;
  learning: boolean;
  /** 0: auto (the route's hop limit, 1 to a group) */
  ttl: number;
  ttlInherit: boolean;
  /** 1: inherit the inner packet's */
  tos: number;
  /** seconds a learned entry lives; 0: none */
  ageing: number;
  /** maxaddress: 0 is unlimited */
  maxAddr: number;
  flowLabel: number;
  proxy: boolean;
  rsc: boolean;
  l2miss: boolean;
  l3miss: boolean;
  udpCsum: boolean;
  udp6ZeroCsumTx: boolean;
  udp6ZeroCsumRx: boolean;
  remCsumTx: boolean;
  remCsumRx: boolean;
  /** the outer header's DF: unset (never), set (always), inherit (the inner packet's) */
  df: 'unset' | 'set' | 'inherit';
  /** collect_metadata ("external"): destinations come with each packet (tc, bpf), none from the FDB */
  external: boolean;
}

export const VXLAN_CONFIG_DEFAULT: Readonly<VxlanConfig> = Object.freeze({
  vni: 0,
  remote: 0 as Ipv4,
  local: 0 as Ipv4,
  link: 0,
  dstPort: VXLAN_DEFAULT_PORT,
  portMin: 0,
  portMax: 0,
  learning: true,
  ttl: 0,
  ttlInherit: false,
  tos: 0,
  ageing: 300,
  maxAddr: 0,
  flowLabel: 0,
  proxy: false,
  rsc: false,
  l2miss: false,
  l3miss: false,
  udpCsum: true,
  udp6ZeroCsumTx: false,
  udp6ZeroCsumRx: false,
  remCsumTx: false,
  remCsumRx: false,
  df: 'unset',
  external: false,
});

const lowerDev = (dev: Vxlan): Netdev | undefined => (dev.cfg.link ? dev.netns.devByIndex(dev.cfg.link) : undefined);

export const vxlanOps = defineNetdevKind<Vxlan>({
  kind: 'vxlan',
  loopback: false,
  netnsLocal: false,
  minMtu: 68,
  maxMtu: 65535,
  fields: () => ({ cfg: VXLAN_CONFIG_DEFAULT, fdb: undefined }),
  xmit: vxlanXmit,
  carrier: () => true,
  operUnknown: () => true,
  peer: () => undefined,
  // vxlan_stop(): the socket goes, and what it learned (vxlan_flush(vxlan, false) keeps permanent entries)
  stop: (dev) => {
    vxlanSockRelease(dev);
    vxlanFdbFlush(dev, false);
  },
  uninit: (dev) => vxlanSockRelease(dev),
  dellink: (dev) => [dev],
  enslaveError: () => undefined,
  // vxlan_get_link_ksettings() reports the lower device's speed; without one there is none, and the cost is 100
  portCost: (dev) => (lowerDev(dev) ? 2 : 100),
  // vxlan_change_mtu(): no bigger than the lower device can carry once wrapped
  mtuLimit: (dev) => {
    const lower = lowerDev(dev);
    return lower ? Math.max(68, lower.mtu - VXLAN_HEADROOM) : undefined;
  },
  open: (dev) => vxlanSockAdd(dev),
});

/**
 * vxlan_config_validate(): what the kernel refuses in a new device's configuration, with its
 * extack words. iproute2 has already refused bad syntax.
 */
export function vxlanValidate(ns: Netns, cfg: VxlanConfig): void {
  if (cfg.portMax < cfg.portMin) throw new KernelError('EINVAL', 'Invalid source port range');
  if (isMulticast(cfg.local)) throw new KernelError('EINVAL', 'Local address cannot be multicast');
  if (cfg.link && !ns.devByIndex(cfg.link)) throw new KernelError('ENODEV', 'Invalid local interface, device not found');
  if (!cfg.link && isMulticast(cfg.remote)) throw new KernelError('EINVAL', 'Local interface required for multicast remote destination');
  for (const d of ns.devList()) {
    if (d.kind !== 'vxlan') continue;
    if (d.cfg.vni === cfg.vni && d.cfg.dstPort === cfg.dstPort) throw new KernelError('EEXIST', 'A VXLAN device with the specified VNI already exists');
  }
}

/**
 * vxlan_newlink() → __vxlan_dev_create(): a down device with a random address; over a lower
 * device its mtu leaves room for the headers (1450 over a 1500 link), and a `remote` or `group`
 * becomes the FDB's default entry (00:00:00:00:00:00).
 */
export function createVxlan(ns: Netns, name: string, cfg: VxlanConfig): Vxlan {
  if (ns.devByName(name)) throw new KernelError('EEXIST');
  vxlanValidate(ns, cfg);
  const lower = cfg.link ? ns.devByIndex(cfg.link) : undefined;
  const mtu = lower ? Math.max(68, lower.mtu - VXLAN_HEADROOM) : ETH_DATA_LEN;
  const dev = makeNetdev<Vxlan>(ns, name, vxlanOps, ns.world.randomMac(), mtu, 'noop');
  dev.cfg = Object.freeze({ ...cfg });
  dev.fdb = { entries: new Map() };
  ns.attach(dev);
  if (cfg.remote !== 0) vxlanFdbInsertDefault(dev);
  ns.world.touch();
  return dev;
}
