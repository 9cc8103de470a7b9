/**
 * The reference CNI plugins as plans of commands (containernetworking/plugins): `host-local` IPAM
 * hands out the node's podCIDR (gateway .1, first pod .2, round robin from the last reserved
 * address, freed on delete), and `bridge` wires the pod: bridge cni0 with the gateway address
 * (isGateway), a veth pair `veth<8 hex>` on the host and `eth0` in the pod's `cni-<uuid>` netns,
 * the address and the default route. Plans are lines a person could type; the kubelet runs them.
 */
import { numToIp, parseCidr, type Cidr } from '../api/cidr';

export const CNI_BRIDGE = 'cni0';

/** host-local's state for one node's range (what /var/lib/cni/networks/<net>/ holds). */
export class HostLocalIpam {
  readonly range: Cidr;
  private readonly allocated = new Map<number, string>();
  private lastReserved: number | undefined;

  constructor(readonly subnet: string) {
    this.range = parseCidr(subnet);
  }

  get gateway(): string {
    return numToIp(this.range.base + 1);
  }

  get prefixLength(): number {
    return this.range.len;
  }

  /** rangeStart .2 (the gateway .1 is reserved), rangeEnd the last before broadcast */
  private get start(): number {
    return this.range.base + 2;
  }

  private get end(): number {
    return this.range.base + this.range.size - 2;
  }

  /** The next free address after the last reserved one, wrapping round; undefined when full. */
  allocate(id: string, requested?: string): string | undefined {
    if (requested) {
      const n = requested.split('.').reduce((a, p) => a * 256 + Number(p), 0);
      if (n < this.start || n > this.end || this.allocated.has(n)) return undefined;
      this.allocated.set(n, id);
      this.lastReserved = n;
      return requested;
    }
    const span = this.end - this.start + 1;
    const from = this.lastReserved === undefined ? this.start : this.lastReserved + 1;
    for (let i = 0; i < span; i++) {
      const n = this.start + ((from - this.start + i) % span);
      if (!this.allocated.has(n)) {
        this.allocated.set(n, id);
        this.lastReserved = n;
        return numToIp(n);
      }
    }
    return undefined;
  }

  release(id: string): void {
    for (const [n, owner] of this.allocated) if (owner === id) this.allocated.delete(n);
  }
}

export interface BridgeAdd {
  netns: string;
  hostVeth: string;
  ip: string;
  prefixLength: number;
  gateway: string;
  /** the bridge is not there yet: the plugin creates it first */
  createBridge: boolean;
  /** the network's hairpinMode (flannel's cbr0 sets it) */
  hairpinMode?: boolean;
  hostname: string;
  /** the network's mtu (flannel's subnet.env FLANNEL_MTU), for the bridge and both veth ends; the kernel's 1500 when not given */
  mtu?: number;
}

/**
 * The bridge plugin's ADD, as commands. The plugin adds addresses through netlink
 * (vishvananda/netlink AddrAdd), which fills in the broadcast address: `brd +`. Flannel's cbr0
 * network asks for hairpinMode, so a pod can reach itself through a Service.
 */
export function bridgeAddPlan(a: BridgeAdd): string[] {
  const lines: string[] = [];
  const mtu = a.mtu !== undefined && a.mtu !== 1500 ? ` mtu ${a.mtu}` : '';
  if (a.createBridge) lines.push(`ip link add ${CNI_BRIDGE}${mtu} type bridge`, `ip link set ${CNI_BRIDGE} up`, `ip addr add ${a.gateway}/${a.prefixLength} brd + dev ${CNI_BRIDGE}`);
  lines.push(
    `ip netns add ${a.netns}`,
    `ip -n ${a.netns} link set lo up`,
    `ip link add ${a.hostVeth}${mtu} type veth peer name eth0${mtu} netns ${a.netns}`,
    `ip link set ${a.hostVeth} master ${CNI_BRIDGE}`,
    ...(a.hairpinMode === false ? [] : [`bridge link set dev ${a.hostVeth} hairpin on`]),
    `ip link set ${a.hostVeth} up`,
    `ip -n ${a.netns} addr add ${a.ip}/${a.prefixLength} brd + dev eth0`,
    `ip -n ${a.netns} link set eth0 up`,
    `ip -n ${a.netns} route add default via ${a.gateway} dev eth0`,
  );
  return lines;
}

/** The bridge plugin's DEL (the veth goes with eth0), then the runtime removes the netns. */
export const bridgeDelPlan = (netns: string): string[] => [`ip -n ${netns} link del eth0`, `ip netns del ${netns}`];
