/**
 * A cluster as a scenario describes it (`"cluster": {...}`), with kubeadm's defaults for what it
 * leaves out, and the checks made before anything is built.
 */
import { isValidCIDR, isValidIPv4, isDNS1123Subdomain } from './api/validation/names';
import { formatCidr, ipToNum, numToIp, parseCidr } from './api/cidr';

export type PodNetwork = 'manual' | 'host-gw' | 'vxlan';

export interface ClusterNodeSpec {
  name: string;
  /** the node's address on the LAN, `A.B.C.D/len` */
  ip: string;
  podCIDR?: string;
}

export interface ClusterConfig {
  nodes: ClusterNodeSpec[];
  lan: string;
  podNetwork: PodNetwork;
  clusterCIDR: string;
  serviceCIDR: string;
  clusterDNS: string;
  clusterDomain: string;
  /** `30000-32767` */
  nodePortRange: string;
  /** a CIDR LoadBalancer addresses come from; none: LoadBalancer Services stay <pending> */
  loadBalancerPool?: string;
  /** Istio's control plane (istiod in istio-system); its CRDs and webhooks are always served */
  istio: boolean;
}

export type ClusterConfigInput = Partial<Omit<ClusterConfig, 'nodes'>> & { nodes?: ClusterNodeSpec[] };

export const DEFAULT_NODES: ClusterNodeSpec[] = [1, 2, 3].map((n) => ({ name: `node0${n}`, ip: `192.168.1.1${n}/24`, podCIDR: `10.244.${n}.0/24` }));

const CONFIG_KEYS = ['nodes', 'lan', 'podNetwork', 'clusterCIDR', 'serviceCIDR', 'clusterDNS', 'clusterDomain', 'nodePortRange', 'loadBalancerPool', 'istio'];

/** The smallest CIDR that covers every given one. */
export function coveringCidr(cidrs: string[]): string {
  const ranges = cidrs.map(parseCidr);
  const lo = Math.min(...ranges.map((r) => r.base));
  const hi = Math.max(...ranges.map((r) => r.base + r.size - 1));
  let len = 32;
  while (len > 0 && Math.floor(lo / 2 ** (32 - len)) !== Math.floor(hi / 2 ** (32 - len))) len--;
  return formatCidr(parseCidr(`${[lo >>> 24, (lo >>> 16) & 255, (lo >>> 8) & 255, lo & 255].join('.')}/${len}`));
}

/** Problems with a scenario's `cluster` object, one sentence each (empty when it is fine). */
export function validateClusterConfig(raw: unknown): string[] {
  if (raw === undefined) return [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return ['"cluster" must be an object'];
  const o = raw as Record<string, unknown>;
  const errs: string[] = [];
  for (const k of Object.keys(o)) if (!CONFIG_KEYS.includes(k)) errs.push(`cluster: unknown key "${k}" (allowed: ${CONFIG_KEYS.join(', ')})`);
  const cidr = (k: string) => {
    if (o[k] !== undefined && (typeof o[k] !== 'string' || !isValidCIDR(o[k] as string))) errs.push(`cluster.${k}: must be a CIDR such as 10.96.0.0/12`);
  };
  ['clusterCIDR', 'serviceCIDR', 'loadBalancerPool'].forEach(cidr);
  if (o.clusterDNS !== undefined && (typeof o.clusterDNS !== 'string' || !isValidIPv4(o.clusterDNS))) errs.push('cluster.clusterDNS: must be an IPv4 address');
  if (o.clusterDomain !== undefined && (typeof o.clusterDomain !== 'string' || isDNS1123Subdomain(o.clusterDomain).length > 0)) errs.push('cluster.clusterDomain: must be a DNS domain such as cluster.local');
  if (o.lan !== undefined && (typeof o.lan !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(o.lan))) errs.push('cluster.lan: must be a LAN name');
  if (o.istio !== undefined && typeof o.istio !== 'boolean') errs.push('cluster.istio: must be true or false');
  if (o.podNetwork !== undefined && !['manual', 'host-gw', 'vxlan'].includes(o.podNetwork as string)) errs.push('cluster.podNetwork: must be one of manual, host-gw, vxlan');
  if (o.nodePortRange !== undefined) {
    const m = typeof o.nodePortRange === 'string' ? /^(\d+)-(\d+)$/.exec(o.nodePortRange) : null;
    if (!m || Number(m[1]) < 1 || Number(m[2]) > 65535 || Number(m[1]) > Number(m[2])) errs.push('cluster.nodePortRange: must be a range such as 30000-32767');
  }
  if (o.nodes !== undefined) {
    if (!Array.isArray(o.nodes) || o.nodes.length === 0) errs.push('cluster.nodes: must be a non-empty array of {"name", "ip", "podCIDR"}');
    else {
      const names = new Set<string>();
      o.nodes.forEach((n, i) => {
        const w = `cluster.nodes[${i}]`;
        if (typeof n !== 'object' || n === null) return errs.push(`${w}: must be an object {"name", "ip", "podCIDR"}`);
        const node = n as Record<string, unknown>;
        for (const k of Object.keys(node)) if (!['name', 'ip', 'podCIDR'].includes(k)) errs.push(`${w}: unknown key "${k}" (allowed: name, ip, podCIDR)`);
        if (typeof node.name !== 'string' || isDNS1123Subdomain(node.name).length > 0) errs.push(`${w}.name: must be a lowercase host name`);
        else if (names.has(node.name)) errs.push(`${w}.name: duplicate node "${node.name}"`);
        else names.add(node.name);
        if (typeof node.ip !== 'string' || !isValidCIDR(node.ip)) errs.push(`${w}.ip: must be an address with its prefix length, such as 192.168.1.11/24`);
        if (node.podCIDR !== undefined && (typeof node.podCIDR !== 'string' || !isValidCIDR(node.podCIDR))) errs.push(`${w}.podCIDR: must be a CIDR such as 10.244.1.0/24`);
      });
    }
  }
  return errs;
}

/** The configuration with kubeadm's defaults filled in; node podCIDRs left out are allocated later by node IPAM. */
export function resolveClusterConfig(input: ClusterConfigInput = {}): ClusterConfig {
  const nodes = (input.nodes ?? DEFAULT_NODES).map((n) => ({ ...n }));
  const given = nodes.filter((n) => n.podCIDR).map((n) => n.podCIDR!);
  const clusterCIDR = input.clusterCIDR ?? (given.length ? coveringCidr(given) : '10.244.0.0/16');
  return {
    nodes,
    lan: input.lan ?? 'lan0',
    podNetwork: input.podNetwork ?? 'host-gw',
    clusterCIDR,
    serviceCIDR: input.serviceCIDR ?? '10.96.0.0/12',
    clusterDNS: input.clusterDNS ?? tenthAddress(input.serviceCIDR ?? '10.96.0.0/12'),
    clusterDomain: input.clusterDomain ?? 'cluster.local',
    nodePortRange: input.nodePortRange ?? '30000-32767',
    loadBalancerPool: input.loadBalancerPool,
    istio: input.istio ?? false,
  };
}

/** kubeadm puts the DNS Service at the 10th address of the Service CIDR. */
export function tenthAddress(serviceCIDR: string): string {
  const c = parseCidr(serviceCIDR);
  const n = c.base + 10;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export const nodeAddress = (n: ClusterNodeSpec): string => n.ip.split('/')[0];

/**
 * The gateway of a node's LAN: its first address, where a lab puts its router (and outside DNS
 * server), as the node's setup configures it for the default route and /etc/resolv.conf.
 */
export const lanGateway = (n: ClusterNodeSpec): string => numToIp(parseCidr(n.ip).base + 1);
export { ipToNum };
