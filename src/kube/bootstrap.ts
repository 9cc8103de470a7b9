/**
 * A cluster as kubeadm (and a host-gw pod network) leaves it: the nodes on their LAN with their
 * addresses, the four namespaces, the Node objects with their podCIDRs, the `kubernetes` Service,
 * and kube-system's CoreDNS (Deployment, Service kube-dns at the DNS address, ConfigMap with
 * kubeadm's Corefile). Everything after that is the controllers' and agents' doing.
 */
import { flannelIptablesPlan } from './flannel/iptables';
import type { World } from '../engine/world';
import type { ConfigMap, Deployment, Endpoints, EndpointSlice, Namespace, Node, Service } from './api/types';
import { Cluster, type AgentShell } from './cluster';
import { lanGateway, nodeAddress, type ClusterConfig } from './config';
import { numToIp, parseCidr } from './api/cidr';
import { kubeadmCorefile } from './dns/kubeadm';
import { rfc3339 } from './apiserver/clock';
import { fnv32a } from './controllers/hash';
import { kubeletIptablesPlan } from './kubelet/iptables';
import { installIstio } from './mesh/install';

export const KUBERNETES_VERSION = 'v1.31.0';
export const COREDNS_IMAGE = 'registry.k8s.io/coredns/coredns:v1.11.3';

/** node IPAM: podCIDRs for nodes the configuration left without one, /24s from the cluster CIDR. */
export function allocatePodCIDRs(config: ClusterConfig): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set(config.nodes.filter((n) => n.podCIDR).map((n) => parseCidr(n.podCIDR!).base));
  const cluster = parseCidr(config.clusterCIDR);
  const size = 256;
  let next = cluster.base;
  for (const n of config.nodes) {
    if (n.podCIDR) {
      out.set(n.name, n.podCIDR);
      continue;
    }
    while (taken.has(next)) next += size;
    out.set(n.name, `${numToIp(next)}/24`);
    taken.add(next);
    next += size;
  }
  return out;
}

/** /etc/machine-id and friends: fixed per node name (a real machine's are random, but fixed too). */
const machineHex = (node: string, what: string): string => [0, 1, 2, 3].map((i) => fnv32a(`${what}:${node}:${i}`).toString(16).padStart(8, '0')).join('');
const uuidOf = (hex: string): string => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;

function nodeObject(config: ClusterConfig, name: string, ip: string, podCIDR: string, controlPlane: boolean): Node {
  const boot = rfc3339(0);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        ...(controlPlane ? { 'node-role.kubernetes.io/control-plane': '', 'node.kubernetes.io/exclude-from-external-load-balancers': '' } : {}),
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: { podCIDR, podCIDRs: [podCIDR] },
    status: {
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: name },
      ],
      conditions: [
        { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: boot, lastTransitionTime: boot, reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
        { type: 'DiskPressure', status: 'False', lastHeartbeatTime: boot, lastTransitionTime: boot, reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
        { type: 'PIDPressure', status: 'False', lastHeartbeatTime: boot, lastTransitionTime: boot, reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
        { type: 'Ready', status: 'True', lastHeartbeatTime: boot, lastTransitionTime: boot, reason: 'KubeletReady', message: 'kubelet is posting ready status' },
      ],
      nodeInfo: {
        machineID: machineHex(name, 'machine-id'),
        systemUUID: uuidOf(machineHex(name, 'product_uuid')),
        bootID: uuidOf(machineHex(name, 'boot_id')),
        architecture: 'amd64',
        containerRuntimeVersion: 'containerd://1.7.22',
        kernelVersion: '6.8.0-45-generic',
        kubeProxyVersion: KUBERNETES_VERSION,
        kubeletVersion: KUBERNETES_VERSION,
        operatingSystem: 'linux',
        osImage: 'Ubuntu 24.04.1 LTS',
      },
      capacity: { cpu: '2', 'ephemeral-storage': '20134592Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '4015360Ki', pods: '110' },
      allocatable: { cpu: '2', 'ephemeral-storage': '18556039957', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '3912960Ki', pods: '110' },
    },
  };
}

function coredns(config: ClusterConfig): [ConfigMap, Deployment, Service] {
  const labels = { 'k8s-app': 'kube-dns' };
  const cm: ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'coredns', namespace: 'kube-system' }, data: { Corefile: kubeadmCorefile(config.clusterDomain) } };
  const deploy: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'coredns', namespace: 'kube-system', labels, annotations: { 'deployment.kubernetes.io/revision': '1' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '25%' } },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'coredns',
              image: COREDNS_IMAGE,
              args: ['-conf', '/etc/coredns/Corefile'],
              ports: [
                { name: 'dns', containerPort: 53, protocol: 'UDP' },
                { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
                { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
              ],
              resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
              livenessProbe: { httpGet: { path: '/health', port: 8080, scheme: 'HTTP' }, initialDelaySeconds: 60, timeoutSeconds: 5, successThreshold: 1, failureThreshold: 5 },
              readinessProbe: { httpGet: { path: '/ready', port: 8181, scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
            },
          ],
          dnsPolicy: 'Default',
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          serviceAccountName: 'coredns',
        },
      },
    },
  };
  const svc: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kube-dns',
      namespace: 'kube-system',
      labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
      annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
    },
    spec: {
      clusterIP: config.clusterDNS,
      selector: labels,
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
      ],
    },
  };
  return [cm, deploy, svc];
}

/**
 * Build the cluster in the world: hosts, LAN, addresses (commands on the nodes), the API objects,
 * then let the controllers and kubelets bring the workloads up.
 */
export function buildCluster(world: World, config: ClusterConfig, shell: AgentShell): Cluster {
  // every node is a computer of its own: it sees only the namespaces its runtime creates
  world.machines = true;
  for (const n of config.nodes) if (!world.hasNetns(n.name)) world.addHost(n.name);
  if (world.lans.some((l) => l.name === config.lan)) for (const n of config.nodes) world.addLanMember(config.lan, `${n.name}:eth0`);
  else world.addLan(config.lan, config.nodes.map((n) => `${n.name}:eth0`));
  const cluster = new Cluster(world, config, shell);
  for (const n of config.nodes) {
    cluster.run(n.name, `ip addr add ${n.ip} dev eth0`, 'setup');
    // a node's network setup has a default route through its LAN's gateway (kubeadm picks the
    // node's address from it); unless the node is that address itself
    if (lanGateway(n) !== nodeAddress(n)) cluster.run(n.name, `ip route add default via ${lanGateway(n)} dev eth0`, 'setup');
    // kubeadm's preflight wants forwarding on
    cluster.run(n.name, 'sysctl -w net.ipv4.ip_forward=1', 'setup');
    // and bridged pod traffic through iptables (br_netfilter), so Services and policies see it
    cluster.run(n.name, 'sysctl -w net.bridge.bridge-nf-call-iptables=1', 'setup');
    for (const line of kubeletIptablesPlan()) cluster.run(n.name, line, 'kubelet');
  }
  const store = cluster.store;
  for (const name of ['default', 'kube-node-lease', 'kube-public', 'kube-system']) store.create<Namespace>({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const cidrs = allocatePodCIDRs(config);
  config.nodes.forEach((n, i) => store.create(nodeObject(config, n.name, nodeAddress(n), cidrs.get(n.name)!, i === 0)));
  if (config.podNetwork === 'host-gw')
    for (const n of config.nodes)
      for (const m of config.nodes) if (m !== n) cluster.run(n.name, `ip route add ${cidrs.get(m.name)} via ${nodeAddress(m)} dev eth0`, 'flanneld');
  // flanneld runs with --ip-masq (kube-flannel.yml); a manual pod network has no flanneld
  if (config.podNetwork !== 'manual') for (const n of config.nodes) for (const line of flannelIptablesPlan(config.clusterCIDR, cidrs.get(n.name)!)) cluster.run(n.name, line, 'flanneld');
  const apiserver = nodeAddress(config.nodes[0]);
  const svcCidr = parseCidr(config.serviceCIDR);
  store.create<Service>({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { clusterIP: numToIp(svcCidr.base + 1), ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] },
  });
  store.create<Endpoints>({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: apiserver }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }],
  });
  store.create<EndpointSlice>({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [apiserver], conditions: { ready: true } }],
    ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
  });
  const [cm, deploy, svc] = coredns(config);
  store.create(cm);
  store.create(svc);
  store.create(deploy);
  installIstio(cluster);
  cluster.sync();
  return cluster;
}
