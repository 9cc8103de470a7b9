/**
 * The way a pod really asks: its resolv.conf names the kube-dns Service, kube-proxy's DNAT sends
 * each query to a CoreDNS pod, and the answer comes back un-NATed from the Service address.
 * ndots:5 walks the search list: a short name is tried under each domain before being asked as is.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario, runScenario } from '../../src/scenarios/runner';

const MANIFESTS = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: agnhost
        image: registry.k8s.io/e2e-test-images/agnhost:2.47
        args: [netexec, --http-port=8080]
---
apiVersion: v1
kind: Service
metadata: {name: my-svc}
spec:
  clusterIP: 10.96.0.20
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  containers:
  - name: agnhost
    image: registry.k8s.io/e2e-test-images/agnhost:2.47
    args: [pause]
`;

const SCENARIO = {
  name: 'kube-dns-service',
  preset: 'cluster',
  steps: [
    { on: 'node01', run: 'kubectl apply -f -', stdin: MANIFESTS },
    { on: 'node01', run: 'kubectl exec client -- nslookup my-svc' },
    { on: 'node01', run: 'kubectl exec client -- getent hosts my-svc.default' },
    { on: 'node01', run: 'kubectl exec client -- dig +short kubernetes.default.svc.cluster.local.' },
    { on: 'node01', run: 'kubectl exec client -- nslookup nosuch.default.svc.cluster.local' },
  ],
};

describe('a pod resolving through the kube-dns Service', () => {
  const { results: r } = runScenario(parseScenario(JSON.stringify(SCENARIO)));

  it('finds a Service by its short name under the first search domain', () => {
    expect(r[1].stdout).toBe('Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tmy-svc.default.svc.cluster.local\nAddress: 10.96.0.20\n\n');
    expect(r[2].stdout).toBe('10.96.0.20      my-svc.default.svc.cluster.local\n');
  });

  it('asks an absolute name once', () => {
    expect(r[3].stdout).toBe('10.96.0.1\n');
  });

  it('says NXDOMAIN for a Service that does not exist', () => {
    expect(r[4].stdout).toContain("** server can't find nosuch.default.svc.cluster.local: NXDOMAIN\n");
    expect(r[4].exit).toBe(1);
  });
});
