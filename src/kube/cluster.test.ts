import { describe, expect, it, vi } from 'vitest';
import { runCommand } from '../commands';
import type { EndpointSlice, Pod, Service } from './api/types';
import { StatusError } from './api/errors';
import { testCluster } from '../commands/kubectl/testCluster';

// every test boots a cluster (a few hundred ms, more on a busy machine)
vi.setConfig({ testTimeout: 60_000 });

const boot = () => testCluster();

const deployment = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: agnhost
        image: registry.k8s.io/e2e-test-images/agnhost:2.47
        args: [netexec, --http-port=8080]
        ports: [{name: http, containerPort: 8080}]
`;

describe('a kubeadm-like cluster', () => {
  it('has kubeadm namespaces, the kubernetes Service at .1 and kube-dns at .10 with two CoreDNS pods', () => {
    const { cluster } = boot();
    expect(cluster.store.list('Namespace').map((n) => n.metadata.name)).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    expect(cluster.store.get<Service>('Service', 'default', 'kubernetes')!.spec.clusterIP).toBe('10.96.0.1');
    expect(cluster.store.get<Service>('Service', 'kube-system', 'kube-dns')!.spec.clusterIP).toBe('10.96.0.10');
    const pods = cluster.store.list<Pod>('Pod', 'kube-system');
    expect(pods.map((p) => p.spec.nodeName).sort()).toEqual(['node01', 'node02']);
    expect(pods.every((p) => p.status?.phase === 'Running')).toBe(true);
  });

  it('runs a Deployment: ReplicaSet named by the template hash, pods spread by least pods, endpoints ready', () => {
    const { cluster, kubectl } = boot();
    expect(kubectl('apply -f -', deployment(3)).stdout).toBe('deployment.apps/web created\n');
    const pods = cluster.store.list<Pod>('Pod', 'default');
    expect(pods).toHaveLength(3);
    expect(new Set(pods.map((p) => p.spec.nodeName))).toEqual(new Set(['node01', 'node02', 'node03']));
    for (const p of pods) expect(p.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{1,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(pods.find((p) => p.spec.nodeName === 'node03')!.status!.podIP).toBe('10.244.3.2');
    kubectl('apply -f -', 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80, targetPort: http}]\n');
    const slices = cluster.store.list<EndpointSlice>('EndpointSlice', 'default').filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'web');
    expect(slices).toHaveLength(1);
    expect(slices[0].metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(slices[0].metadata.labels?.['endpointslice.kubernetes.io/managed-by']).toBe('endpointslice-controller.k8s.io');
    expect(slices[0].ports).toEqual([{ name: '', port: 8080, protocol: 'TCP' }]);
    expect(slices[0].endpoints.every((e) => e.conditions?.ready && e.conditions.serving && !e.conditions.terminating)).toBe(true);
    expect(kubectl('scale deployment web --replicas=1').stdout).toBe('deployment.apps/web scaled\n');
    expect(cluster.store.list<Pod>('Pod', 'default').filter((p) => !p.metadata.deletionTimestamp)).toHaveLength(1);
  });

  it('refuses a bad manifest with the field path and stores nothing', () => {
    const { cluster, kubectl } = boot();
    const r = kubectl('apply -f -', 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports: [{port: 70000, targetPort: 80}]\n');
    expect(r.exit).toBe(1);
    expect(r.stderr).toBe('The Service "web" is invalid: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive\n');
    expect(cluster.store.get('Service', 'default', 'web')).toBeUndefined();
  });

  it('applies the good objects of a multi-document manifest and reports the bad one', () => {
    const { cluster, kubectl } = boot();
    const r = kubectl('apply -f -', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\ndata: {a: b}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: Bad}\nspec:\n  ports: [{port: 80}]\n');
    expect(r.stdout).toBe('configmap/ok created\n');
    expect(r.stderr).toMatch(/^The Service "Bad" is invalid: metadata.name: Invalid value: "Bad": a DNS-1035 label must consist of lower case alphanumeric characters/);
    expect(cluster.store.get('ConfigMap', 'default', 'ok')).toBeDefined();
  });

  it('allocates node ports and refuses a taken one with the API server message', () => {
    const { kubectl } = boot();
    const svc = (name: string) => `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\nspec:\n  type: NodePort\n  selector: {app: x}\n  ports: [{port: 80, nodePort: 30080}]\n`;
    expect(kubectl('apply -f -', svc('a')).exit).toBe(0);
    const r = kubectl('apply -f -', svc('b'));
    expect(r.stderr).toBe('The Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated\n');
  });

  it('ignores a status written in a LoadBalancer manifest, as the API server does on create', () => {
    const { cluster, kubectl } = boot();
    kubectl('apply -f -', 'apiVersion: v1\nkind: Service\nmetadata: {name: lb}\nspec:\n  type: LoadBalancer\n  ports: [{port: 80}]\nstatus:\n  loadBalancer:\n    ingress: [{ip: 1.2.3.4}]\n');
    expect(cluster.store.get<Service>('Service', 'default', 'lb')!.status).toEqual({ loadBalancer: {} });
    expect(kubectl('get svc lb').stdout).toMatch(/lb\s+LoadBalancer\s+10\.\S+\s+<pending>\s+80:3\d{4}\/TCP\s+0s\n$/);
  });

  it('prints kubectl tables with kubectl column spacing and the empty-namespace message', () => {
    const { kubectl } = boot();
    expect(kubectl('get ns').stdout).toBe('NAME              STATUS   AGE\ndefault           Active   0s\nkube-node-lease   Active   0s\nkube-public       Active   0s\nkube-system       Active   0s\n');
    const r = kubectl('get pods');
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('No resources found in default namespace.\n');
    expect(kubectl('get pods nope').stderr).toBe('Error from server (NotFound): pods "nope" not found\n');
    expect(kubectl('get frobs').stderr).toBe('error: the server doesn\'t have a resource type "frobs"\n');
  });

  it('takes readiness from an exec probe, and keeps a terminating endpoint while a pod stops', () => {
    const { cluster, kubectl, world } = boot();
    kubectl(
      'apply -f -',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {app: p}}\nspec:\n  containers:\n  - name: c\n    image: busybox\n    command: [sleep, "3600"]\n    readinessProbe: {exec: {command: ["false"]}}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: p}\nspec:\n  selector: {app: p}\n  ports: [{port: 80}]\n',
    );
    const pod = cluster.store.get<Pod>('Pod', 'default', 'p')!;
    expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
    let slice = cluster.store.list<EndpointSlice>('EndpointSlice', 'default').find((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'p')!;
    expect(slice.endpoints[0].conditions).toEqual({ ready: false, serving: false, terminating: false });
    kubectl('delete pod p --wait=false');
    slice = cluster.store.list<EndpointSlice>('EndpointSlice', 'default').find((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'p')!;
    expect(slice.endpoints[0].conditions?.terminating).toBe(true);
    // sleep as PID 1 ignores SIGTERM: the pod goes after its 30 s grace period
    world.advance(29_000);
    expect(cluster.store.get('Pod', 'default', 'p')).toBeDefined();
    world.advance(2_000);
    expect(cluster.store.get('Pod', 'default', 'p')).toBeUndefined();
  });

  it('wires pods as the bridge plugin does: netlink broadcasts on cni0 and eth0, hairpin on the host veth', () => {
    const { world, kubectl } = boot();
    kubectl('apply -f -', 'apiVersion: v1\nkind: Pod\nmetadata: {name: q}\nspec:\n  nodeName: node02\n  containers: [{name: c, image: nginx}]\n');
    const on = (host: string, line: string) => runCommand(world, host, line).stdout;
    expect(on('node02', 'ip addr show cni0')).toContain('    inet 10.244.2.1/24 brd 10.244.2.255 scope global cni0\n');
    const netns = on('node02', 'ip netns list').split('\n').find((l) => l.startsWith('cni-'))!.split(' ')[0];
    expect(on('node02', `ip -n ${netns} addr show eth0`)).toMatch(/ {4}inet 10\.244\.2\.\d+\/24 brd 10\.244\.2\.255 scope global eth0\n/);
    expect(on('node02', 'bridge -d link show')).toMatch(/master cni0 state forwarding priority 32 cost 2 \n {4}hairpin on /);
  });

  it('turns on br_netfilter on every node, so pod-to-pod traffic on one bridge goes through FORWARD', () => {
    const { world, kubectl } = boot();
    const on = (host: string, line: string) => runCommand(world, host, line);
    for (const n of ['node01', 'node02', 'node03']) expect(on(n, 'sysctl net.bridge.bridge-nf-call-iptables').stdout).toBe('net.bridge.bridge-nf-call-iptables = 1\n');
    const pod = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec:\n  nodeName: node03\n  containers:\n  - {name: c, image: registry.k8s.io/e2e-test-images/agnhost:2.47, args: [netexec, --http-port=8080]}\n`;
    kubectl('apply -f -', pod('a'));
    kubectl('apply -f -', pod('b'));
    const ip = (p: string) => kubectl(`get pod ${p} -o jsonpath={.status.podIP}`).stdout;
    expect(kubectl(`exec a -- curl -s -m 1 ${ip('b')}:8080/hostname`).stdout).toBe('b');
    expect(on('node03', `iptables -I FORWARD -s ${ip('a')} -d ${ip('b')} -j DROP`).exit).toBe(0);
    expect(kubectl(`exec a -- curl -s -m 1 ${ip('b')}:8080/hostname`).exit).toBe(28);
    expect(on('node03', 'iptables -L FORWARD 1 -v -n -x').stdout).toMatch(/^\s+[1-9]\d*\s+\d+ DROP/);
  });

  it('reports API errors as StatusErrors with the right reason', () => {
    const { cluster } = boot();
    expect(() => cluster.store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'nope' } })).toThrow(StatusError);
  });
});
