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

/** The nodes' nameserver (192.168.1.1, the first address of their LAN) as a dnsmasq host on the LAN. */
const UPSTREAM = {
  name: 'cluster-dns-forward',
  description: "CoreDNS forwards names outside the cluster to the nodes' nameserver",
  preset: 'cluster',
  hosts: ['dns'],
  lans: { lan0: ['dns:eth0'] },
  steps: [
    { on: 'dns', run: 'ip addr add 192.168.1.1/24 dev eth0' },
    { on: 'dns', run: 'ip link set eth0 up' },
    // host-gw: the way back to each node's pods
    { on: 'dns', run: 'ip route add 10.244.1.0/24 via 192.168.1.11' },
    { on: 'dns', run: 'ip route add 10.244.2.0/24 via 192.168.1.12' },
    { on: 'dns', run: 'ip route add 10.244.3.0/24 via 192.168.1.13' },
    { on: 'dns', run: 'dnsmasq --no-resolv --no-hosts --host-record=example.org,203.0.113.7 --address=/#/' },
    { on: 'node01', run: 'kubectl run client --image=registry.k8s.io/e2e-test-images/agnhost:2.47 -- pause' },
    { on: 'node01', run: 'kubectl exec client -- nslookup example.org. {{coredns}}' },
    { on: 'node01', run: 'kubectl exec client -- dig @{{coredns}} +short example.org' },
    { on: 'node01', run: 'kubectl exec client -- nslookup nosuch.example. {{coredns}}' },
  ],
};

describe('names outside the cluster', () => {
  const r = run(UPSTREAM as unknown as typeof SCENARIO);
  const out = (i: number) => r[i].stdout.replace(/\d+\.\d+\.\d+\.\d+#53/g, 'COREDNS#53').replace(/^(Server:\t\t)\S+$/m, '$1COREDNS');

  it('starts the outside server', () => {
    expect(r.slice(0, 7).map((x) => x.exit)).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  // forward passes the upstream's reply on as it came: dnsmasq's own records carry aa
  it("are forwarded to the nodes' nameserver and answered as it answered", () => {
    expect(out(7)).toBe('Server:\t\tCOREDNS\nAddress:\tCOREDNS#53\n\nName:\texample.org\nAddress: 203.0.113.7\n\n');
    expect(r[8].stdout).toBe('203.0.113.7\n');
  });

  it("carry the upstream's NXDOMAIN back", () => {
    expect(out(9)).toBe('Server:\t\tCOREDNS\nAddress:\tCOREDNS#53\n\n** server can\'t find nosuch.example: NXDOMAIN\n\n');
    expect(r[9].exit).toBe(1);
  });
});

const POLICY_PODS = `apiVersion: v1
kind: Namespace
metadata: {name: team}
---
apiVersion: v1
kind: Pod
metadata: {name: first, namespace: team}
spec:
  hostname: box
  subdomain: crew
  hostAliases: [{ip: 10.1.2.3, hostnames: [legacy, legacy.corp]}]
  dnsConfig:
    searches: [corp.example, svc.lab.example]
    options: [{name: ndots, value: "2"}]
  containers: [{name: c, image: registry.k8s.io/e2e-test-images/agnhost:2.47, args: [pause]}]
---
apiVersion: v1
kind: Pod
metadata: {name: default-policy, namespace: team}
spec:
  dnsPolicy: Default
  containers: [{name: c, image: registry.k8s.io/e2e-test-images/agnhost:2.47, args: [pause]}]
---
apiVersion: v1
kind: Pod
metadata: {name: none-policy, namespace: team}
spec:
  dnsPolicy: None
  dnsConfig:
    nameservers: [192.0.2.53]
    searches: [example.net]
    options: [{name: timeout, value: "1"}]
  containers: [{name: c, image: registry.k8s.io/e2e-test-images/agnhost:2.47, args: [pause]}]
`;

/** A cluster with its own domain: kubelet's search list and CoreDNS's zone both follow it. */
const POLICIES = {
  name: 'cluster-dns-resolv-conf',
  description: "each dnsPolicy's resolv.conf, kubelet's /etc/hosts, and a custom cluster domain",
  preset: 'cluster',
  cluster: { clusterDomain: 'lab.example', serviceCIDR: '10.100.0.0/16' },
  steps: [
    { on: 'node01', run: 'kubectl apply -f -', stdin: POLICY_PODS },
    { on: 'node01', run: 'kubectl exec -n team first -- cat /etc/resolv.conf' },
    { on: 'node01', run: 'kubectl exec -n team default-policy -- cat /etc/resolv.conf' },
    { on: 'node01', run: 'kubectl exec -n team none-policy -- cat /etc/resolv.conf' },
    { on: 'node01', run: 'kubectl exec -n team first -- cat /etc/hosts' },
    { on: 'node02', run: 'cat /etc/resolv.conf' },
    { on: 'node01', run: 'kubectl exec -n team first -- dig @{{coredns}} +short kubernetes.default.svc.lab.example' },
    { on: 'node01', run: 'kubectl exec -n team first -- getent hosts legacy' },
  ],
};

describe("a pod's resolver files", () => {
  const r = run(POLICIES as unknown as typeof SCENARIO);

  // (kubelet merges options through a Go map, so with several their order is not fixed: one here)
  it('ClusterFirst: the cluster domain search list, the DNS Service, dnsConfig merged in', () => {
    expect(r[0].stderr).toBe('');
    expect(r[1].stdout).toBe('search team.svc.lab.example svc.lab.example lab.example corp.example\nnameserver 10.100.0.10\noptions ndots:2\n');
  });

  it("Default: the node's file; None: only dnsConfig", () => {
    expect(r[2].stdout).toBe('nameserver 192.168.1.1\n');
    expect(r[3].stdout).toBe('search example.net\nnameserver 192.0.2.53\noptions timeout:1\n');
    expect(r[5].stdout).toBe('nameserver 192.168.1.1\n');
  });

  it("kubelet's hosts file: the pod's FQDN from hostname and subdomain, then hostAliases", () => {
    expect(r[4].stdout).toMatch(/^# Kubernetes-managed hosts file\.\n127\.0\.0\.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n/);
    expect(r[4].stdout).toMatch(/\n10\.244\.\d+\.\d+\tbox\.crew\.team\.svc\.lab\.example\tbox\n\n# Entries added by HostAliases\.\n10\.1\.2\.3\tlegacy\tlegacy\.corp\n$/);
    expect(r[7].stdout).toBe('10.1.2.3        legacy legacy.corp\n');
  });

  it('CoreDNS serves the custom zone', () => {
    expect(r[6].stdout).toBe('10.100.0.1\n');
  });
});
