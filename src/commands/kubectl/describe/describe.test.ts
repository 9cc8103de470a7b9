import { describe, expect, it, vi } from 'vitest';
import { GoTabwriter } from './tabwriter';
import { testCluster } from '../testCluster';

// every test boots a cluster (a few hundred ms, more on a busy machine)
vi.setConfig({ testTimeout: 60_000 });

const boot = () => testCluster({ loadBalancerPool: '192.168.1.240/28' });

const app = `apiVersion: apps/v1
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
metadata: {name: web, labels: {app: web}}
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http, nodePort: 30080}]
`;

describe('Go tabwriter', () => {
  it('aligns each block of lines that share a column, and restarts after a line without one', () => {
    const w = new GoTabwriter(0, 2);
    w.write('a:\tx\nlonger:\ty\nplain\nb:\tz\n');
    expect(w.toString()).toBe('a:       x\nlonger:  y\nplain\nb:  z\n');
  });

  it('keeps a flushed part apart from what follows', () => {
    const w = new GoTabwriter(0, 2);
    w.write('Name:\tx\n');
    w.flush();
    w.write('Events:\n  T\tReason\n');
    expect(w.toString()).toBe('Name:  x\nEvents:\n  T  Reason\n');
  });
});

describe('kubectl describe', () => {
  it('describes a Service with its endpoints, node port, load balancer address and policies', () => {
    const { kubectl, cluster } = boot();
    kubectl('apply -f -', app);
    const ip = cluster.store.get<import('../../../kube/api/types').Service>('Service', 'default', 'web')!.spec.clusterIP!;
    const hc = cluster.store.get<import('../../../kube/api/types').Service>('Service', 'default', 'web')!.spec.healthCheckNodePort!;
    const r = kubectl('describe svc web');
    expect(r.exit).toBe(0);
    expect(r.stdout.replace(/(Endpoints: +)10\.244\.\d\.\d:8080,10\.244\.\d\.\d:8080/, '$1ENDPOINTS')).toBe(
      [
        'Name:                     web',
        'Namespace:                default',
        'Labels:                   app=web',
        'Annotations:              <none>',
        'Selector:                 app=web',
        'Type:                     LoadBalancer',
        'IP Family Policy:         SingleStack',
        'IP Families:              IPv4',
        `IP:                       ${ip}`,
        `IPs:                      ${ip}`,
        'LoadBalancer Ingress:     192.168.1.240 (VIP)',
        'Port:                     http  80/TCP',
        'TargetPort:               http/TCP',
        'NodePort:                 http  30080/TCP',
        'Endpoints:                ENDPOINTS',
        'Session Affinity:         None',
        'External Traffic Policy:  Local',
        'Internal Traffic Policy:  Cluster',
        `HealthCheck NodePort:     ${hc}`,
        'Events:',
        '  Type    Reason       Age   From                Message',
        '  ----    ------       ----  ----                -------',
        '  Normal  IPAllocated  0s    metallb-controller  Assigned IP ["192.168.1.240"]',
        '',
      ].join('\n'),
    );
  });

  it("describes a pod: node and IPs, the container's state, conditions, volumes, tolerations and events", () => {
    const { kubectl, world } = boot();
    kubectl('run p --image=registry.k8s.io/e2e-test-images/agnhost:2.47 --port=8080 -- netexec --http-port=8080');
    world.advance(90_000);
    const out = kubectl('describe pod p').stdout;
    expect(out).toMatch(/^Name:             p\nNamespace:        default\nPriority:         0\nService Account:  default\nNode:             node0\d\/192\.168\.1\.1\d\nStart Time:       Wed, 01 Jan 2025 00:00:00 \+0000\n/);
    expect(out).toContain('Labels:           run=p\nAnnotations:      <none>\nStatus:           Running\nIP:               10.244.');
    expect(out).toContain('    Port:          8080/TCP\n    Host Port:     0/TCP\n    Args:\n      netexec\n      --http-port=8080\n    State:          Running\n');
    expect(out).toContain('Conditions:\n  Type                        Status\n  PodReadyToStartContainers   True \n  Initialized                 True \n  Ready                       True \n');
    expect(out).toContain('Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n');
    expect(out).toMatch(/Events:\n  Type    Reason     Age   From               Message\n  ----    ------     ----  ----               -------\n  Normal  Scheduled  90s   default-scheduler  Successfully assigned default\/p to node0\d\n  Normal  Pulling    90s   kubelet            Pulling image "registry\.k8s\.io\/e2e-test-images\/agnhost:2\.47"\n  Normal  Pulled     90s   kubelet            Successfully pulled image "registry\.k8s\.io\/e2e-test-images\/agnhost:2\.47" in 0s \(0s including waiting\)\. Image size: \d+ bytes\.\n  Normal  Created    90s   kubelet            Created container p\n  Normal  Started    90s   kubelet            Started container p\n$/);
  });

  it('shows a failing readiness probe as Unhealthy events counted together', () => {
    const { kubectl, world } = boot();
    kubectl('apply -f -', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: registry.k8s.io/e2e-test-images/agnhost:2.47\n    args: [pause]\n    readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 5}\n');
    world.advance(60_000);
    const out = kubectl('describe pod p').stdout;
    expect(out).toMatch(/Warning  Unhealthy  \d+s \(x13 over 60s\)  kubelet +Readiness probe failed: dial tcp 10\.244\.\d\.\d+:8080: connect: connection refused\n$/);
    expect(out).toContain('    Readiness:      tcp-socket :8080 delay=0s timeout=1s period=5s #success=1 #failure=3\n');
    expect(out).toContain('  Ready                       False \n');
  });

  it('describes by name prefix, a Deployment with its ReplicaSet and scaling events, nodes and errors', () => {
    const { kubectl } = boot();
    kubectl('apply -f -', app);
    const pods = kubectl('describe pod web-');
    expect(pods.stdout.match(/^Name: +web-/gm)).toHaveLength(2);
    const d = kubectl('describe deployment web').stdout;
    expect(d).toContain('Replicas:               2 desired | 2 updated | 2 total | 2 available | 0 unavailable\nStrategyType:           RollingUpdate\nMinReadySeconds:        0\nRollingUpdateStrategy:  25% max unavailable, 25% max surge\nPod Template:\n  Labels:  app=web\n  Containers:\n   agnhost:\n');
    expect(d).toMatch(/NewReplicaSet:   web-\w+ \(2\/2 replicas created\)\nEvents:\n  Type    Reason             Age   From                   Message\n  ----    ------             ----  ----                   -------\n  Normal  ScalingReplicaSet  0s    deployment-controller  Scaled up replica set web-\w+ from 0 to 2\n$/);
    const n = kubectl('describe node node01').stdout;
    expect(n).toContain('Roles:              control-plane\n');
    expect(n).toContain('Addresses:\n  InternalIP:  192.168.1.11\n  Hostname:    node01\n');
    expect(n).toContain('PodCIDR:                      10.244.1.0/24\nPodCIDRs:                     10.244.1.0/24\n');
    expect(n).toMatch(/  kube-system +coredns-\w+-\w+ +100m \(5%\) +0 \(0%\) +70Mi \(1%\) +170Mi \(4%\) +0s\n/);
    expect(kubectl('describe pod nope').stderr).toBe('Error from server (NotFound): pods "nope" not found\n');
    expect(kubectl('describe pods -n kube-public').stderr).toBe('No resources found in kube-public namespace.\n');
  });
});
