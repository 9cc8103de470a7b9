/**
 * The Kubernetes stages of the Lab menu: a cluster as `"preset": "cluster"` boots it (three
 * kubeadm-like nodes, CoreDNS), then the manifests a student would apply to get to each stage,
 * applied with `kubectl apply -f -` on node01 like every other setup step.
 */
import { stringify } from 'yaml';
import { MODEL_NAMESPACES, MODEL_PODS, modelNamespaces, modelPod } from '../kube/netpol/e2eModel';
import { CLUSTER_PRESET, type Scenario, type Step } from './scenario';

const apply = (manifest: string): Step => ({ on: 'node01', run: 'kubectl apply -f -', stdin: manifest });

/** A Deployment of three agnhost netexec pods (one per node) behind a NodePort Service. */
export const WEB_MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: agnhost
        image: registry.k8s.io/e2e-test-images/agnhost:2.53
        args: [netexec, --http-port=8080]
        ports:
        - {name: http, containerPort: 8080}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: http, nodePort: 30080}
`;

/** The upstream e2e suite's model: namespaces x, y, z with pods a, b, c serving 80 and 81 over TCP and UDP. */
export function netpolModelManifest(): string {
  const strip = <T extends { status?: unknown }>(o: T): Omit<T, 'status'> => {
    const { status: _status, ...rest } = o;
    return rest;
  };
  const docs = [...modelNamespaces(), ...MODEL_NAMESPACES.flatMap((ns) => MODEL_PODS.map((p) => strip(modelPod(ns, p))))];
  return docs.map((d) => stringify(d)).join('---\n');
}

const cluster = (name: string, description: string, steps: Step[]): Scenario => ({ name, description, preset: CLUSTER_PRESET, steps });

export const clusterStages = [
  {
    name: 'cluster',
    title: '7. A Kubernetes cluster',
    description: 'node01–node03 (192.168.1.11–13) as kubeadm lays them out: pods on 10.244.N.0/24 through cni0, host-gw routes, CoreDNS in kube-system. Apply your own manifests.',
    steps: [],
  },
  {
    name: 'cluster-service',
    title: '8. A Deployment behind a Service',
    description: 'Deployment web (three agnhost netexec pods, one per node) behind Service web: ClusterIP, and NodePort 30080 on every node.',
    steps: [apply(WEB_MANIFEST)],
  },
  {
    name: 'cluster-netpol',
    title: '9. NetworkPolicy: the e2e model',
    description: 'The upstream e2e suite\'s namespaces x, y, z with pods a, b, c (80 and 81, TCP and UDP), no policy yet: everything reaches everything.',
    steps: [apply(netpolModelManifest())],
  },
].map((s) => ({ name: s.name, title: s.title, description: s.description, scenario: cluster(s.name, s.description, s.steps) }));
