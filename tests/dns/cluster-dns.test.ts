/**
 * Cluster DNS as a student meets it: a scenario on the `cluster` preset whose pods ask CoreDNS
 * through `kubectl exec`, with the records of the Kubernetes DNS specification (schema 1.1.0):
 * Service A and SRV, headless Services, hostname/subdomain pods, ExternalName, PTR, pod A records,
 * dns-version, NXDOMAIN against NODATA, and the search list a pod's resolv.conf gives (ndots:5).
 *
 * Steps name the CoreDNS pod they ask as {{coredns}}: the test puts in the address of a CoreDNS
 * pod of the booted cluster.
 */
import { describe, expect, it } from 'vitest';
import { buildWorld, parseScenario, STEP_SETTLE_MS_PER_NETNS } from '../../src/scenarios/runner';
import { runCommand } from '../../src/commands';
import { clusterOf } from '../../src/kube/cluster';
import type { Pod } from '../../src/kube/api/types';

const MANIFESTS = `apiVersion: v1
kind: Namespace
metadata: {name: team}
---
apiVersion: apps/v1
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
        ports: [{name: http, containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  clusterIP: 10.96.0.20
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{name: pg, port: 5432}]
---
apiVersion: v1
kind: Pod
metadata: {name: db-0, labels: {app: db}, annotations: {cni.projectcalico.org/ipAddrs: '["10.244.2.50"]'}}
spec:
  hostname: db-0
  subdomain: db
  nodeName: node02
  containers:
  - name: agnhost
    image: registry.k8s.io/e2e-test-images/agnhost:2.47
    args: [netexec, --http-port=5432]
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: team}
spec:
  clusterIP: 10.96.0.30
  ports: [{port: 443}]
---
apiVersion: v1
kind: Service
metadata: {name: www}
spec:
  type: ExternalName
  externalName: web.default.svc.cluster.local
---
apiVersion: v1
kind: Pod
metadata: {name: client, annotations: {cni.projectcalico.org/ipAddrs: '["10.244.3.40"]'}}
spec:
  nodeName: node03
  containers:
  - name: agnhost
    image: registry.k8s.io/e2e-test-images/agnhost:2.47
    args: [pause]
`;

const SCENARIO = {
  name: 'cluster-dns-records',
  description: 'pods resolve Services, headless Services, pods and reverse names through CoreDNS',
  preset: 'cluster',
  steps: [
    { on: 'node01', run: 'kubectl apply -f -', stdin: MANIFESTS },
    { on: 'node01', run: 'kubectl exec client -- nslookup web {{coredns}}' },
    { on: 'node01', run: 'kubectl exec client -- nslookup api.team {{coredns}}' },
    { on: 'node01', run: 'kubectl exec client -- nslookup -type=srv _http._tcp.web {{coredns}}' },
    { on: 'node01', run: 'kubectl exec client -- dig @{{coredns}} +short db-0.db.default.svc.cluster.local' },
    { on: 'node01', run: 'kubectl exec client -- dig @{{coredns}} +noall +answer +additional SRV _pg._tcp.db.default.svc.cluster.local' },
    { on: 'node01', run: 'kubectl exec client -- dig @{{coredns}} +short www.default.svc.cluster.local' },
    { on: 'node01', run: 'kubectl exec client -- dig @{{coredns}} +short -x 10.96.0.20' },
    { on: 'node01', run: 'kubectl exec client -- dig @{{coredns}} +short -x 10.244.2.50' },
    { on: 'node01', run: 'kubectl exec client -- nslookup 10-244-3-40.default.pod {{coredns}}' },
    { on: 'node01', run: 'kubectl exec client -- dig @{{coredns}} +short TXT dns-version.cluster.local' },
    { on: 'node01', run: 'kubectl exec client -- dig @{{coredns}} AAAA web.default.svc.cluster.local' },
    { on: 'node01', run: 'kubectl exec client -- dig @{{coredns}} nosuch.default.svc.cluster.local' },
    { on: 'node01', run: 'kubectl exec client -- dig @{{coredns}} +search +showsearch +short web' },
  ],
};

function run(sc: typeof SCENARIO) {
  const world = buildWorld(parseScenario(JSON.stringify(sc)));
  world.tracing = false;
  const cluster = clusterOf(world)!;
  const coredns = cluster.store.list<Pod>('Pod', 'kube-system').find((p) => p.status?.podIP)!.status!.podIP!;
  return sc.steps.map((s) => {
    world.advance(STEP_SETTLE_MS_PER_NETNS * world.allNetns().length);
    return runCommand(world, s.on, s.run.replace('{{coredns}}', coredns), { shell: 'sh', stdin: s.stdin });
  });
}

describe('cluster DNS from a pod', () => {
  const r = run(SCENARIO);
  const out = (i: number) => r[i].stdout.replace(/\d+\.\d+\.\d+\.\d+#53/g, 'COREDNS#53').replace(/^(Server:\t\t)\S+$/m, '$1COREDNS');

  it('applies the manifests', () => {
    expect(r[0].stderr).toBe('');
  });

  it('answers a Service name through the first search domain', () => {
    expect(out(1)).toBe('Server:\t\tCOREDNS\nAddress:\tCOREDNS#53\n\nName:\tweb.default.svc.cluster.local\nAddress: 10.96.0.20\n\n');
    // <service>.<ns> is found under svc.<zone>, after <ns>.svc.<zone> said NXDOMAIN
    expect(out(2)).toBe('Server:\t\tCOREDNS\nAddress:\tCOREDNS#53\n\nName:\tapi.team.svc.cluster.local\nAddress: 10.96.0.30\n\n');
  });

  it('gives SRV records for named ports', () => {
    expect(out(3)).toBe('Server:\t\tCOREDNS\nAddress:\tCOREDNS#53\n\n_http._tcp.web.default.svc.cluster.local\tservice = 0 100 80 web.default.svc.cluster.local.\n\n');
    expect(r[5].stdout).toBe(
      '_pg._tcp.db.default.svc.cluster.local. 30 IN SRV 0 100 5432 db-0.db.default.svc.cluster.local.\n' + 'db-0.db.default.svc.cluster.local. 30 IN A\t10.244.2.50\n',
    );
  });

  it('names a pod with hostname and subdomain under its headless Service', () => {
    expect(r[4].stdout).toBe('10.244.2.50\n');
  });

  it('answers ExternalName with a CNAME and the target addresses it knows', () => {
    expect(r[6].stdout).toBe('web.default.svc.cluster.local.\n10.96.0.20\n');
  });

  it('answers PTR for cluster IPs and named endpoints', () => {
    expect(r[7].stdout).toBe('web.default.svc.cluster.local.\n');
    expect(r[8].stdout).toBe('db-0.db.default.svc.cluster.local.\n');
  });

  it('serves pod A records (pods insecure) and the schema version', () => {
    expect(out(9)).toBe('Server:\t\tCOREDNS\nAddress:\tCOREDNS#53\n\nName:\t10-244-3-40.default.pod.cluster.local\nAddress: 10.244.3.40\n\n');
    expect(r[10].stdout).toBe('"1.1.0"\n');
  });

  it('tells NODATA (NOERROR, no answer) from NXDOMAIN, with the zone SOA', () => {
    expect(r[11].stdout).toMatch(/status: NOERROR,.*\n;; flags: qr aa rd; QUERY: 1, ANSWER: 0, AUTHORITY: 1,/);
    expect(r[12].stdout).toMatch(/status: NXDOMAIN,.*\n;; flags: qr aa rd; QUERY: 1, ANSWER: 0, AUTHORITY: 1,/);
    expect(r[12].stdout).toMatch(/\ncluster\.local\.\t\t30\tIN\tSOA\tns\.dns\.cluster\.local\. hostmaster\.cluster\.local\. \d+ 7200 1800 86400 30\n/);
  });

  it('walks the pod resolv.conf search list with dig +search', () => {
    expect(r[13].stdout).toBe('10.96.0.20\n');
  });
});
