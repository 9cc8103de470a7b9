/**
 * The upstream e2e network-policy model (kubernetes test/e2e/network/netpol: model.go,
 * reachability.go, policies.go) as plain API objects: namespaces x, y, z (labelled `ns=<name>`
 * and `kubernetes.io/metadata.name=<name>`), pods a, b, c in each (label `pod=<name>`), one
 * container per port × protocol with the port named `serve-<port>-<proto>`. Pod a lives on
 * node01, b on node02, c on node03, so same-node and cross-node pairs both occur.
 *
 * `Reachability` is upstream's truth table: start from a default, then Expect / ExpectAllIngress /
 * ExpectAllEgress / ExpectPeer cells, and compare cell by cell with what was observed.
 */
import type { Namespace, NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, Node, Pod, Protocol, LabelSelector } from '../api/types';

export const MODEL_NAMESPACES = ['x', 'y', 'z'];
export const MODEL_PODS = ['a', 'b', 'c'];
export const MODEL_PORTS = [80, 81];
export const MODEL_PROTOCOLS: Protocol[] = ['TCP', 'UDP'];

export const modelPodIp = (ns: string, pod: string): string => `10.244.${MODEL_PODS.indexOf(pod) + 1}.${MODEL_NAMESPACES.indexOf(ns) + 2}`;

export function modelNamespaces(): Namespace[] {
  return MODEL_NAMESPACES.map((n) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n, labels: { ns: n, 'kubernetes.io/metadata.name': n } } }));
}

export function modelNodes(): Node[] {
  return MODEL_PODS.map((_, i) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: `node0${i + 1}` },
    spec: { podCIDR: `10.244.${i + 1}.0/24` },
    status: { addresses: [{ type: 'InternalIP', address: `192.168.1.1${i + 1}` }] },
  }));
}

export function modelPod(ns: string, name: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels: { pod: name } },
    spec: {
      nodeName: `node0${MODEL_PODS.indexOf(name) + 1}`,
      containers: MODEL_PORTS.flatMap((port) =>
        MODEL_PROTOCOLS.map((proto) => ({
          name: `cont-${port}-${proto.toLowerCase()}`,
          image: 'registry.k8s.io/e2e-test-images/agnhost:2.53',
          command: ['/agnhost', 'serve-hostname', `--${proto.toLowerCase()}`, '--http=false', '--port', String(port)],
          ports: [{ containerPort: port, name: `serve-${port}-${proto.toLowerCase()}`, protocol: proto }],
        })),
      ),
    },
    status: { phase: 'Running', podIP: modelPodIp(ns, name) },
  };
}

export function modelPods(): Pod[] {
  return MODEL_NAMESPACES.flatMap((ns) => MODEL_PODS.map((p) => modelPod(ns, p)));
}

/** `ns/pod` of every model pod, in upstream's order (x/a, x/b, x/c, y/a, ...). */
export const MODEL_POD_STRINGS = MODEL_NAMESPACES.flatMap((ns) => MODEL_PODS.map((p) => `${ns}/${p}`));

// ---- policies.go ------------------------------------------------------------------------------

type SetFunc = (np: NetworkPolicy) => void;

/** SetSpecIngressRules: the first call also adds Ingress to policyTypes (even with no rules). */
export const ingressRules =
  (...rules: NetworkPolicyIngressRule[]): SetFunc =>
  (np) => {
    if (!np.spec.ingress) {
      np.spec.ingress = [];
      (np.spec.policyTypes ??= []).push('Ingress');
    }
    np.spec.ingress.push(...rules);
  };

/** SetSpecEgressRules: the first call also adds Egress to policyTypes. */
export const egressRules =
  (...rules: NetworkPolicyEgressRule[]): SetFunc =>
  (np) => {
    if (!np.spec.egress) {
      np.spec.egress = [];
      (np.spec.policyTypes ??= []).push('Egress');
    }
    np.spec.egress.push(...rules);
  };

/** GenNetworkPolicyWithNameAndPodSelector */
export function genPolicy(namespace: string, name: string, podSelector: LabelSelector, ...set: SetFunc[]): NetworkPolicy {
  const np: NetworkPolicy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec: { podSelector } };
  for (const f of set) f(np);
  return np;
}

// ---- reachability.go --------------------------------------------------------------------------

export interface Peer {
  namespace?: string;
  pod?: string;
}

const peerMatches = (p: Peer, podString: string): boolean => {
  const [ns, pod] = podString.split('/');
  return (!p.namespace || p.namespace === ns) && (!p.pod || p.pod === pod);
};

export class Reachability {
  private readonly cells = new Map<string, boolean>();

  constructor(
    readonly pods: readonly string[],
    defaultExpectation: boolean,
  ) {
    for (const from of pods) for (const to of pods) this.cells.set(`${from}>${to}`, defaultExpectation);
  }

  expect(from: string, to: string, connected: boolean): this {
    this.cells.set(`${from}>${to}`, connected);
    return this;
  }

  expectAllIngress(to: string, connected: boolean): this {
    for (const from of this.pods) this.expect(from, to, connected);
    return this;
  }

  expectAllEgress(from: string, connected: boolean): this {
    for (const to of this.pods) this.expect(from, to, connected);
    return this;
  }

  expectPeer(from: Peer, to: Peer, connected: boolean): this {
    for (const f of this.pods) if (peerMatches(from, f)) for (const t of this.pods) if (peerMatches(to, t)) this.expect(f, t, connected);
    return this;
  }

  get(from: string, to: string): boolean {
    return this.cells.get(`${from}>${to}`)!;
  }

  /** The truth table as upstream's PrintSummary lays it out: `.` connected, `X` not. */
  table(ignoreLoopback = true): string {
    const rows = [['-', ...this.pods].join('\t')];
    for (const from of this.pods) rows.push([from, ...this.pods.map((to) => (ignoreLoopback && from === to ? '#' : this.get(from, to) ? '.' : 'X'))].join('\t'));
    return rows.join('\n');
  }
}
