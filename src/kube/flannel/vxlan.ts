/**
 * flannel's vxlan backend (flannel-io/flannel pkg/backend/vxlan) as plans of commands. On every
 * node flanneld makes `flannel.1` (VNI 1, the kernel's port 8472, its local address and `dev` the
 * node's own interface, no learning: every entry is written by flanneld), publishes the device's
 * MAC as the lease's VtepMAC in the Node's annotations, gives the device the subnet's .0 address
 * as a /32 and brings it up. For every other node's lease it writes, in this order, the static ARP
 * entry (the remote subnet's .0 is at the remote VTEP's MAC), the FDB entry (that MAC is behind
 * the remote node's address) and last the route (the remote subnet via its .0, onlink through
 * flannel.1), as handleSubnetEvents() does with netlink.NeighSet and RouteReplace. A lease that
 * goes (its Node deleted) has the three removed again.
 */
import { numToIp, parseCidr } from '../api/cidr';

export const FLANNEL_VNI = 1;
export const FLANNEL_DEV = `flannel.${FLANNEL_VNI}`;
/** the kernel's default vxlan port: flanneld leaves Port at 0 */
export const FLANNEL_PORT = 8472;
/** encapOverhead: outer IPv4, UDP, VXLAN and the inner Ethernet header */
export const FLANNEL_ENCAP_OVERHEAD = 50;

/** The annotations the kube subnet manager writes on the Node for a lease (pkg/subnet/kube). */
export const ANNOTATION = {
  backendData: 'flannel.alpha.coreos.com/backend-data',
  backendType: 'flannel.alpha.coreos.com/backend-type',
  kubeSubnetManager: 'flannel.alpha.coreos.com/kube-subnet-manager',
  publicIp: 'flannel.alpha.coreos.com/public-ip',
} as const;

/** One node's lease as the others read it from its Node object. */
export interface VxlanLease {
  node: string;
  /** the node's podCIDR, 10.244.N.0/24 */
  subnet: string;
  publicIp: string;
  vtepMac: string;
}

/** What RegisterNetwork() publishes: backend-data as flannel marshals it (VNI, then VtepMAC). */
export function leaseAnnotations(publicIp: string, vtepMac: string): Record<string, string> {
  return {
    [ANNOTATION.backendData]: JSON.stringify({ VNI: FLANNEL_VNI, VtepMAC: vtepMac }),
    [ANNOTATION.backendType]: 'vxlan',
    [ANNOTATION.kubeSubnetManager]: 'true',
    [ANNOTATION.publicIp]: publicIp,
  };
}

/** A lease from a Node's annotations and podCIDR, when it is a vxlan lease flanneld can use. */
export function leaseOf(node: string, podCIDR: string | undefined, annotations: Record<string, string> | undefined): VxlanLease | undefined {
  const a = annotations ?? {};
  if (!podCIDR || a[ANNOTATION.backendType] !== 'vxlan' || !a[ANNOTATION.publicIp]) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(a[ANNOTATION.backendData] ?? '');
  } catch {
    return undefined;
  }
  const mac = (data as { VtepMAC?: unknown } | null)?.VtepMAC;
  if (typeof mac !== 'string' || !/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(mac)) return undefined;
  return { node, subnet: podCIDR, publicIp: a[ANNOTATION.publicIp], vtepMac: mac };
}

/** mac.NewHardwareAddr(): random bytes, made a locally administered unicast address. */
export function vtepMacFrom(hex12: string): string {
  const bytes = hex12.match(/../g)!.map((b) => parseInt(b, 16));
  bytes[0] = (bytes[0] & 0xfe) | 0x02;
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** The subnet's network address (the lease's .0): the VTEP's own address and the remote gateway. */
export const subnetBase = (subnet: string): string => numToIp(parseCidr(subnet).base);

/** newVXLANDevice(): the device, with flanneld's random MAC. */
export const vxlanDevicePlan = (publicIp: string, vtepMac: string, extIface = 'eth0'): string[] => [
  `ip link add ${FLANNEL_DEV} address ${vtepMac} type vxlan id ${FLANNEL_VNI} local ${publicIp} dev ${extIface} nolearning dstport ${FLANNEL_PORT}`,
];

/** dev.Configure(): the lease's .0 as a /32 (no broadcast routes), then up. */
export const vxlanConfigurePlan = (subnet: string): string[] => [`ip addr add ${subnetBase(subnet)}/32 dev ${FLANNEL_DEV}`, `ip link set ${FLANNEL_DEV} up`];

/**
 * WriteSubnetFile(): /run/flannel/subnet.env, which the flannel CNI plugin reads for the pod
 * network's MTU and the node's range (FLANNEL_SUBNET is the range's first address).
 */
export function subnetEnv(clusterCIDR: string, subnet: string, mtu: number): string {
  const c = parseCidr(subnet);
  return `FLANNEL_NETWORK=${clusterCIDR}\nFLANNEL_SUBNET=${numToIp(c.base + 1)}/${c.len}\nFLANNEL_MTU=${mtu}\nFLANNEL_IPMASQ=true\n`;
}

export const SUBNET_ENV = '/run/flannel/subnet.env';


/** EventAdded: the ARP entry, the FDB entry, then the route (the kernel would ARP for the gateway otherwise). */
export const peerAddPlan = (l: VxlanLease): string[] => [
  `ip neigh replace ${subnetBase(l.subnet)} lladdr ${l.vtepMac} dev ${FLANNEL_DEV} nud permanent`,
  `bridge fdb replace ${l.vtepMac} dev ${FLANNEL_DEV} dst ${l.publicIp} self permanent`,
  `ip route replace ${l.subnet} via ${subnetBase(l.subnet)} dev ${FLANNEL_DEV} onlink`,
];

/** EventRemoved: all three go, each tried whatever the others did. */
export const peerDelPlan = (l: VxlanLease): string[] => [
  `ip neigh del ${subnetBase(l.subnet)} dev ${FLANNEL_DEV}`,
  `bridge fdb del ${l.vtepMac} dev ${FLANNEL_DEV} dst ${l.publicIp} self`,
  `ip route del ${l.subnet} via ${subnetBase(l.subnet)} dev ${FLANNEL_DEV} onlink`,
];
