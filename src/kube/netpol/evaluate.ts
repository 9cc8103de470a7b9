/**
 * The NetworkPolicy verdict for one connection, as the networking.k8s.io/v1 API defines it
 * (k8s.io/api networking/v1 types.go; the upstream e2e model in test/e2e/network/netpol):
 *
 * - a pod is isolated for a direction only when some policy *of its own namespace* selects it
 *   with that policyType; an unisolated direction allows everything;
 * - an isolated direction allows what the union of the selecting policies' rules allows; a rule
 *   is (peers AND ports), an empty or missing list meaning "all";
 * - a connection needs both the source's egress and the destination's ingress;
 * - podSelector / namespaceSelector peers only ever match pods (never node or outside
 *   addresses); an ipBlock matches any address in its CIDR outside its excepts, pods included;
 * - a named port is resolved on the destination pod, by name and protocol;
 * - the destination pod's own node may always reach it (kubelet probes).
 *
 * Replies of allowed connections are conntrack's business (the datapath), not this function's.
 */
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, Protocol } from '../api/types';
import { inCidr, type PodInfo, type PolicyView } from './view';

export type Endpoint = { kind: 'pod'; pod: PodInfo } | { kind: 'ip'; ip: string };

export interface Connection {
  src: Endpoint;
  dst: Endpoint;
  port: number;
  protocol: Protocol;
}

export type Direction = 'ingress' | 'egress';

/** Where an allow came from: the policy, its rule, and the peer and port entries that matched (0-based; undefined when the list was empty). */
export interface RuleRef {
  policy: NetworkPolicy;
  direction: Direction;
  rule: number;
  peer?: number;
  port?: number;
}

export type DirectionReason =
  /** the endpoint is not a pod (a node, an outside host): policies do not apply to it */
  | 'not-a-pod'
  /** no policy of its namespace selects the pod for this direction */
  | 'not-isolated'
  /** a rule of a selecting policy allows it */
  | 'rule'
  /** ingress from the pod's own node */
  | 'own-node'
  /** a pod talking to itself: the packet never leaves its network namespace */
  | 'loopback'
  /** isolated and no rule matched */
  | 'no-rule';

export interface DirectionVerdict {
  direction: Direction;
  /** the pod this direction is judged for (the source for egress, the destination for ingress) */
  pod?: PodInfo;
  allowed: boolean;
  reason: DirectionReason;
  /** the policies selecting the pod for this direction, sorted by namespace/name */
  policies: NetworkPolicy[];
  allowedBy?: RuleRef;
}

export interface Verdict {
  allowed: boolean;
  egress: DirectionVerdict;
  ingress: DirectionVerdict;
}

const ipOf = (e: Endpoint): string => (e.kind === 'pod' ? e.pod.ip : e.ip);

/** A bare address as an endpoint: a pod when one has that IP, else an outside/node address. */
export function endpointOf(view: PolicyView, ip: string): Endpoint {
  const pod = view.podByIp(ip);
  return pod ? { kind: 'pod', pod } : { kind: 'ip', ip };
}

/** Does the peer (a `from` or `to` entry of a policy in `policyNs`) name this endpoint? */
export function peerMatches(view: PolicyView, peer: NetworkPolicyPeer, policyNs: string, e: Endpoint): boolean {
  if (peer.ipBlock) {
    const ip = ipOf(e);
    return inCidr(ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((x) => inCidr(ip, x));
  }
  if (e.kind !== 'pod') return false;
  const pod = e.pod;
  if (peer.namespaceSelector) {
    if (!view.namespaceMatches(peer.namespaceSelector, pod.namespace)) return false;
  } else if (pod.namespace !== policyNs) return false;
  return peer.podSelector ? view.matches(peer.podSelector, pod, pod.labels) : true;
}

/** The port number a policy port names on this destination, or undefined (a name the pod lacks, a non-pod). */
export function resolvePort(p: NetworkPolicyPort, dst: Endpoint): number | undefined {
  if (typeof p.port !== 'string') return p.port;
  if (dst.kind !== 'pod') return undefined;
  const proto = p.protocol ?? 'TCP';
  return dst.pod.ports.find((c) => c.name === p.port && (c.protocol ?? 'TCP') === proto)?.containerPort;
}

export function portMatches(p: NetworkPolicyPort, dst: Endpoint, port: number, protocol: Protocol): boolean {
  if ((p.protocol ?? 'TCP') !== protocol) return false;
  if (p.port === undefined || p.port === null) return true;
  const n = resolvePort(p, dst);
  if (n === undefined) return false;
  return typeof p.port === 'number' && p.endPort !== undefined ? port >= n && port <= p.endPort : port === n;
}

/** The first rule of the policy that allows the connection in this direction, or undefined. */
export function ruleAllowing(view: PolicyView, np: NetworkPolicy, direction: Direction, c: Connection): RuleRef | undefined {
  const rules = direction === 'ingress' ? (np.spec.ingress ?? []) : (np.spec.egress ?? []);
  const ns = np.metadata.namespace ?? 'default';
  const other = direction === 'ingress' ? c.src : c.dst;
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i];
    const peers = direction === 'ingress' ? (r as { from?: NetworkPolicyPeer[] }).from : (r as { to?: NetworkPolicyPeer[] }).to;
    let peer: number | undefined;
    if (peers && peers.length) {
      peer = peers.findIndex((p) => peerMatches(view, p, ns, other));
      if (peer < 0) continue;
    }
    let port: number | undefined;
    if (r.ports && r.ports.length) {
      port = r.ports.findIndex((p) => portMatches(p, c.dst, c.port, c.protocol));
      if (port < 0) continue;
    }
    return { policy: np, direction, rule: i, peer, port };
  }
  return undefined;
}

export function judgeDirection(view: PolicyView, c: Connection, direction: Direction): DirectionVerdict {
  const self = direction === 'ingress' ? c.dst : c.src;
  if (self.kind !== 'pod') return { direction, allowed: true, reason: 'not-a-pod', policies: [] };
  const pod = self.pod;
  const policies = view.policiesFor(pod)[direction];
  if (policies.length === 0) return { direction, pod, allowed: true, reason: 'not-isolated', policies };
  if (direction === 'ingress' && view.isNodeAddress(pod.nodeName, ipOf(c.src))) return { direction, pod, allowed: true, reason: 'own-node', policies };
  for (const np of policies) {
    const by = ruleAllowing(view, np, direction, c);
    if (by) return { direction, pod, allowed: true, reason: 'rule', policies, allowedBy: by };
  }
  return { direction, pod, allowed: false, reason: 'no-rule', policies };
}

/** The verdict of a new connection: the source's egress and the destination's ingress. */
export function evaluate(view: PolicyView, c: Connection): Verdict {
  if (c.src.kind === 'pod' && c.dst.kind === 'pod' && c.src.pod === c.dst.pod) {
    const pod = c.src.pod;
    const self = (direction: Direction): DirectionVerdict => ({ direction, pod, allowed: true, reason: 'loopback', policies: view.policiesFor(pod)[direction] });
    return { allowed: true, egress: self('egress'), ingress: self('ingress') };
  }
  const egress = judgeDirection(view, c, 'egress');
  const ingress = judgeDirection(view, c, 'ingress');
  return { allowed: egress.allowed && ingress.allowed, egress, ingress };
}
