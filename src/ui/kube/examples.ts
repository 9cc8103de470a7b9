/**
 * Example manifests for the editor: what a student writes first. Each is real YAML kubectl
 * accepts; the NetworkPolicy ones pick the first namespace that runs workloads of the student's.
 */
import type { ClusterPicture } from '../../store';
import { WEB_MANIFEST } from '../../scenarios/clusterStages';

const SYSTEM = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

/** The namespace a policy example is about: the first with pods that are not the cluster's own. */
export function workloadNamespace(c: ClusterPicture): string {
  const withPods = [...new Set(c.pods.map((p) => p.namespace))].filter((n) => !SYSTEM.has(n)).sort();
  return withPods[0] ?? 'default';
}

export interface ManifestExample {
  name: string;
  title: string;
  manifest: (c: ClusterPicture) => string;
}

export const MANIFEST_EXAMPLES: ManifestExample[] = [
  { name: 'web', title: 'Deployment + Service (agnhost netexec)', manifest: () => WEB_MANIFEST },
  {
    name: 'default-deny',
    title: 'NetworkPolicy: deny all ingress',
    manifest: (c) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-ingress
  namespace: ${workloadNamespace(c)}
spec:
  podSelector: {}
  policyTypes: [Ingress]
`,
  },
  {
    name: 'allow-same-namespace',
    title: 'NetworkPolicy: allow ingress from the same namespace',
    manifest: (c) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-same-namespace
  namespace: ${workloadNamespace(c)}
spec:
  podSelector: {}
  ingress:
  - from:
    - podSelector: {}
`,
  },
  {
    name: 'deny-egress',
    title: 'NetworkPolicy: deny all egress but DNS',
    manifest: (c) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-egress
  namespace: ${workloadNamespace(c)}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to:
    - namespaceSelector:
        matchLabels: {kubernetes.io/metadata.name: kube-system}
      podSelector:
        matchLabels: {k8s-app: kube-dns}
    ports:
    - {protocol: UDP, port: 53}
    - {protocol: TCP, port: 53}
`,
  },
];
