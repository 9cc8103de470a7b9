/**
 * The cluster as the UI draws it: a plain, serialisable picture of what the API server holds
 * (nodes, pods, Services and their endpoints, NetworkPolicies) joined with what the container
 * runtime made of each pod (its network namespace and the host end of its veth). Read from the
 * lab's World after every change, like the WorldSnapshot; the UI never reaches the API store.
 */
import type { World } from '../engine/world';
import { clusterOf } from '../kube/worlds';
import { CNI_BRIDGE } from '../kube/kubelet/cni';
import { hasSidecar } from '../kube/mesh/inject';
import type { EndpointSlice, Labels, NetworkPolicy, Node, Pod, Service } from '../kube/api/types';

export interface NodePicture {
  name: string;
  /** InternalIP */
  ip: string | null;
  podCIDR: string | null;
  ready: boolean;
  /** the CNI bridge on the node (`cni0`), once kubelet made one */
  bridge: string;
}

export interface PodPicture {
  namespace: string;
  name: string;
  node: string | null;
  ip: string | null;
  labels: Labels;
  phase: string;
  ready: boolean;
  /** deletion requested, the pod is going */
  terminating: boolean;
  /** the sandbox's network namespace (a terminal opens there); null with hostNetwork or before it started */
  netns: string | null;
  /** the host end of the pod's veth on its node */
  hostVeth: string | null;
  hostNetwork: boolean;
  /** injected into the service mesh: an istio-proxy container (Envoy) beside the app, behind istio-init's REDIRECTs */
  sidecar: boolean;
}

export interface ServicePortPicture {
  name: string | null;
  protocol: string;
  port: number;
  targetPort: string;
  nodePort: number | null;
}

export interface EndpointPicture {
  ip: string;
  /** `namespace/name` of the pod behind it, when there is one */
  pod: string | null;
  node: string | null;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
}

export interface ServicePicture {
  namespace: string;
  name: string;
  type: string;
  clusterIP: string | null;
  /** LoadBalancer addresses the cluster announced */
  loadBalancerIPs: string[];
  externalName: string | null;
  selector: Labels | null;
  ports: ServicePortPicture[];
  endpoints: EndpointPicture[];
}

export interface ClusterPicture {
  nodes: NodePicture[];
  pods: PodPicture[];
  services: ServicePicture[];
  /** `namespace/name` of every NetworkPolicy */
  policies: string[];
  namespaces: string[];
}

export const objectKey = (o: { namespace: string; name: string }): string => `${o.namespace}/${o.name}`;

const condition = (conds: { type: string; status: string }[] | undefined, type: string): boolean => conds?.some((c) => c.type === type && c.status === 'True') ?? false;

function servicePorts(svc: Service): ServicePortPicture[] {
  return (svc.spec.ports ?? []).map((p) => ({
    name: p.name ?? null,
    protocol: p.protocol ?? 'TCP',
    port: p.port,
    targetPort: String(p.targetPort ?? p.port),
    nodePort: p.nodePort ?? null,
  }));
}

function endpointsOf(svc: Service, slices: EndpointSlice[]): EndpointPicture[] {
  const out: EndpointPicture[] = [];
  const seen = new Set<string>();
  for (const sl of slices) {
    if (sl.metadata.namespace !== svc.metadata.namespace || sl.metadata.labels?.['kubernetes.io/service-name'] !== svc.metadata.name) continue;
    for (const e of sl.endpoints ?? []) {
      for (const ip of e.addresses) {
        if (seen.has(ip)) continue;
        seen.add(ip);
        const ref = e.targetRef?.kind === 'Pod' ? `${e.targetRef.namespace ?? svc.metadata.namespace}/${e.targetRef.name}` : null;
        // conditions.ready unset means ready (EndpointConditions' documented default)
        const ready = e.conditions?.ready !== false;
        out.push({ ip, pod: ref, node: e.nodeName ?? null, ready, serving: e.conditions?.serving ?? ready, terminating: e.conditions?.terminating ?? false });
      }
    }
  }
  return out.sort((a, b) => (a.pod ?? a.ip).localeCompare(b.pod ?? b.ip));
}

/** The picture of the lab's cluster, or null for a lab without one. */
export function clusterPicture(world: World): ClusterPicture | null {
  const cluster = clusterOf(world);
  if (!cluster) return null;
  const { store, runtime } = cluster;
  const nodes: NodePicture[] = store.list<Node>('Node').map((n) => ({
    name: n.metadata.name,
    ip: n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? null,
    podCIDR: n.spec.podCIDR ?? n.spec.podCIDRs?.[0] ?? null,
    ready: condition(n.status?.conditions, 'Ready'),
    bridge: CNI_BRIDGE,
  }));
  const pods: PodPicture[] = store.list<Pod>('Pod').map((p) => {
    const ns = p.metadata.namespace ?? 'default';
    const sb = runtime.find(ns, p.metadata.name);
    const live = sb && sb.uid === p.metadata.uid ? sb : undefined;
    return {
      namespace: ns,
      name: p.metadata.name,
      node: p.spec.nodeName ?? null,
      ip: p.status?.podIP ?? null,
      labels: p.metadata.labels ?? {},
      phase: p.status?.phase ?? 'Pending',
      ready: condition(p.status?.conditions, 'Ready'),
      terminating: !!p.metadata.deletionTimestamp,
      netns: live && !live.hostNetwork ? live.netns : null,
      hostVeth: live?.hostVeth ?? null,
      hostNetwork: p.spec.hostNetwork === true,
      sidecar: hasSidecar(p),
    };
  });
  const slices = store.list<EndpointSlice>('EndpointSlice');
  const services: ServicePicture[] = store.list<Service>('Service').map((s) => ({
    namespace: s.metadata.namespace ?? 'default',
    name: s.metadata.name,
    type: s.spec.type ?? 'ClusterIP',
    clusterIP: s.spec.clusterIP && s.spec.clusterIP !== 'None' ? s.spec.clusterIP : s.spec.clusterIP === 'None' ? 'None' : null,
    loadBalancerIPs: (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname ?? '').filter(Boolean),
    externalName: s.spec.externalName ?? null,
    selector: s.spec.selector ?? null,
    ports: servicePorts(s),
    endpoints: endpointsOf(s, slices),
  }));
  const policies = store.list<NetworkPolicy>('NetworkPolicy').map((np) => `${np.metadata.namespace}/${np.metadata.name}`);
  const namespaces = store.list('Namespace').map((n) => n.metadata.name);
  return { nodes, pods, services, policies, namespaces };
}

/**
 * Where a cluster pod's packets are, by the pod's name: its sandbox netns (`cni-<uuid>`) →
 * `namespace/pod`. The trace and the inspector name pods so; anything else keeps its own name.
 */
export function podPlaces(picture: ClusterPicture | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of picture?.pods ?? []) if (p.netns) out[p.netns] = objectKey(p);
  return out;
}

/** What to call a namespace in the UI: a cluster pod's sandbox by the pod's name, anything else by its own. */
export function netnsTitles(picture: ClusterPicture | null): Record<string, string> {
  return Object.fromEntries(Object.entries(podPlaces(picture)).map(([netns, pod]) => [netns, `pod ${pod}`]));
}

/** The node kubectl runs on for the app's own requests (any node has an admin kubeconfig). */
export const kubectlHost = (picture: ClusterPicture | null): string | null => picture?.nodes[0]?.name ?? null;
