/**
 * What NetworkPolicy evaluation reads of the cluster: namespaces with their labels, pods with
 * their labels, IP, node and container ports, the policies, and the addresses of each node. Built
 * once per question from the API objects (or from plain lists in tests), so the evaluator never
 * reaches into the store and a "what if" view can swap a policy without touching the cluster.
 *
 * Pods that policies know about are the ones with a pod IP of their own: a hostNetwork pod shares
 * its node's address, and policies neither select it nor name it as a peer (it is node traffic).
 */
import type { ContainerPort, Labels, LabelSelector, Namespace, NetworkPolicy, Node, Pod } from '../api/types';
import { matchesSelector } from '../api/selector';
import { ipToNum, numToIp, parseCidr } from '../api/cidr';

export interface PodInfo {
  namespace: string;
  name: string;
  labels: Labels;
  ip: string;
  nodeName?: string;
  /** every container's declared ports (named ports resolve against them) */
  ports: ContainerPort[];
}

export const podKey = (p: { namespace: string; name: string }): string => `${p.namespace}/${p.name}`;
export const policyKey = (np: NetworkPolicy): string => `${np.metadata.namespace}/${np.metadata.name}`;

export interface ViewObjects {
  namespaces: Namespace[];
  pods: Pod[];
  policies: NetworkPolicy[];
  nodes?: Node[];
}

export class PolicyView {
  readonly pods: PodInfo[] = [];
  readonly namespaceLabels = new Map<string, Labels>();
  readonly policies: NetworkPolicy[];
  private readonly byIp = new Map<string, PodInfo>();
  private readonly byKey = new Map<string, PodInfo>();
  private readonly byNamespace = new Map<string, PodInfo[]>();
  private readonly nodeAddrs = new Map<string, Set<string>>();
  private readonly selecting = new WeakMap<PodInfo, { ingress: NetworkPolicy[]; egress: NetworkPolicy[] }>();
  private readonly selected = new WeakMap<LabelSelector, WeakMap<object, boolean>>();
  /** one object per namespace, the key of its selector cache entries */
  private readonly nsTokens = new Map<string, { labels: Labels }>();
  private readonly peerCache = new WeakMap<object, unknown>();

  constructor(readonly objects: ViewObjects) {
    const objs = objects;
    for (const ns of objs.namespaces) this.namespaceLabels.set(ns.metadata.name, ns.metadata.labels ?? {});
    for (const p of objs.pods) {
      const ip = p.status?.podIP;
      if (!ip || p.spec.hostNetwork || p.metadata.deletionTimestamp || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
      const info: PodInfo = {
        namespace: p.metadata.namespace ?? 'default',
        name: p.metadata.name,
        labels: p.metadata.labels ?? {},
        ip,
        nodeName: p.spec.nodeName,
        ports: (p.spec.containers ?? []).flatMap((c) => c.ports ?? []),
      };
      this.pods.push(info);
      this.byIp.set(ip, info);
      this.byKey.set(podKey(info), info);
      const inNs = this.byNamespace.get(info.namespace);
      if (inNs) inNs.push(info);
      else this.byNamespace.set(info.namespace, [info]);
    }
    this.policies = [...objs.policies].sort((a, b) => policyKey(a).localeCompare(policyKey(b)));
    for (const n of objs.nodes ?? []) {
      const addrs = new Set<string>();
      for (const a of n.status?.addresses ?? []) if (a.type === 'InternalIP' || a.type === 'ExternalIP') addrs.add(a.address);
      // the bridge plugin's gateway (isGateway): what the node's own traffic to its pods leaves from
      const cidr = n.spec.podCIDR ?? n.spec.podCIDRs?.[0];
      if (cidr && /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(cidr)) addrs.add(numToIp(parseCidr(cidr).base + 1));
      this.nodeAddrs.set(n.metadata.name, addrs);
    }
  }

  podByIp(ip: string): PodInfo | undefined {
    return this.byIp.get(ip);
  }

  /** Every namespace a pod or a Namespace object names. */
  namespaceNames(): string[] {
    return [...new Set([...this.namespaceLabels.keys(), ...this.byNamespace.keys()])];
  }

  /** The pods of one namespace. */
  podsIn(namespace: string): readonly PodInfo[] {
    return this.byNamespace.get(namespace) ?? [];
  }

  pod(namespace: string, name: string): PodInfo | undefined {
    return this.byKey.get(`${namespace}/${name}`);
  }

  /** Is `ip` one of the node's own addresses? */
  isNodeAddress(nodeName: string | undefined, ip: string): boolean {
    return nodeName !== undefined && (this.nodeAddrs.get(nodeName)?.has(ip) ?? false);
  }

  nodeAddresses(nodeName: string): string[] {
    return [...(this.nodeAddrs.get(nodeName) ?? [])];
  }

  /** Does the selector match the owner's labels? Cached per selector object and owner (a pod, a namespace). */
  matches(sel: LabelSelector, owner: object, labels: Labels): boolean {
    let m = this.selected.get(sel);
    if (!m) this.selected.set(sel, (m = new WeakMap()));
    let hit = m.get(owner);
    if (hit === undefined) m.set(owner, (hit = matchesSelector(sel, labels)));
    return hit;
  }

  /** A value computed once per key object (a policy peer) for this view. */
  memo<T>(key: object, make: () => T): T {
    if (this.peerCache.has(key)) return this.peerCache.get(key) as T;
    const v = make();
    this.peerCache.set(key, v);
    return v;
  }

  /** The policies of the pod's own namespace that select it, per direction (policyTypes). */
  policiesFor(pod: PodInfo): { ingress: NetworkPolicy[]; egress: NetworkPolicy[] } {
    let s = this.selecting.get(pod);
    if (!s) {
      s = { ingress: [], egress: [] };
      for (const np of this.policies) {
        if (np.metadata.namespace !== pod.namespace || !this.matches(np.spec.podSelector ?? {}, pod, pod.labels)) continue;
        const types = policyTypesOf(np);
        if (types.includes('Ingress')) s.ingress.push(np);
        if (types.includes('Egress')) s.egress.push(np);
      }
      this.selecting.set(pod, s);
    }
    return s;
  }

  /** The same cluster with other policies (a "what if" for the editor and the suggestions). */
  withPolicies(policies: NetworkPolicy[]): PolicyView {
    return new PolicyView({ ...this.objects, policies });
  }

  namespaceMatches(sel: LabelSelector, namespace: string): boolean {
    let t = this.nsTokens.get(namespace);
    if (!t) this.nsTokens.set(namespace, (t = { labels: this.namespaceLabels.get(namespace) ?? {} }));
    return this.matches(sel, t, t.labels);
  }
}

/** spec.policyTypes as the API server defaults it (Ingress always; Egress when egress rules exist). */
export function policyTypesOf(np: NetworkPolicy): ('Ingress' | 'Egress')[] {
  const t = np.spec.policyTypes;
  if (t && t.length) return t;
  return np.spec.egress && np.spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

/**
 * Parsed CIDRs and addresses, kept: a policy's ipBlock is tested against every pod, and the same
 * few strings come back on every sync. Bounded, as the texts come from what people type.
 */
const cidrCache = new Map<string, [number, number] | undefined>();
const ipCache = new Map<string, number>();
const CACHE_MAX = 50_000;

function remember<K, V>(m: Map<K, V>, k: K, v: V): V {
  if (m.size >= CACHE_MAX) m.clear();
  m.set(k, v);
  return v;
}

/** An IPv4 CIDR as [first, last] address numbers; undefined for another family. */
export function cidrRange(cidr: string): [number, number] | undefined {
  if (cidrCache.has(cidr)) return cidrCache.get(cidr);
  if (!/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(cidr)) return remember(cidrCache, cidr, undefined);
  const c = parseCidr(cidr);
  return remember(cidrCache, cidr, [c.base, c.base + c.size - 1]);
}

/** A dotted quad as a number. */
export const ipNumber = (ip: string): number => ipCache.get(ip) ?? remember(ipCache, ip, ipToNum(ip));

export const inCidr = (ip: string, cidr: string): boolean => {
  const r = cidrRange(cidr);
  if (!r) return false;
  const n = ipNumber(ip);
  return n >= r[0] && n <= r[1];
};
