import { describe, expect, it, vi } from 'vitest';
import { World } from '../../engine/world';
import { bootCluster } from '../../commands/kubectl/boot';
import { runCommand } from '../../commands';
import { clusterPolicyChain } from './chains';

// every test boots a cluster (a few hundred ms, more on a busy machine)
vi.setConfig({ testTimeout: 60_000 });

const svc = `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080, nodePort: 30080}]
`;
const pod = (name: string, node: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: {app: web}}
spec:
  nodeName: ${node}
  containers: [{name: c, image: registry.k8s.io/e2e-test-images/agnhost:2.47, args: [netexec, --http-port=8080]}]
`;

describe('kube-proxy on the nodes', () => {
  const boot = () => {
    const world = new World();
    const cluster = bootCluster(world);
    const on = (node: string, line: string, stdin?: string) => runCommand(world, node, line, { stdin });
    return { world, cluster, on };
  };

  it("writes its chains into every node's netfilter through iptables-restore, and iptables-save shows them", () => {
    const { cluster, on } = boot();
    on('node01', 'kubectl apply -f -', `${svc}---\n${pod('a', 'node01')}---\n${pod('b', 'node02')}`);
    const svcChain = clusterPolicyChain('default/web:http', 'TCP');
    for (const node of ['node01', 'node02', 'node03']) {
      const nat = on(node, 'iptables-save -t nat').stdout;
      expect(nat).toContain(`-A KUBE-NODEPORTS -p tcp -m comment --comment "default/web:http" -m tcp --dport 30080 -j KUBE-EXT-`);
      expect(nat).toContain(`-A ${svcChain} -m comment --comment "default/web:http -> 10.244.1.3:8080" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-`);
      expect(nat).toContain('-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES\n');
      const filter = on(node, 'iptables-save -t filter').stdout;
      expect(filter).toContain('-A INPUT -j KUBE-FIREWALL\n');
      expect(filter).toContain('-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD\n');
    }
    // the activity log shows what kube-proxy typed, the rules it restored among them
    const restore = cluster.peekLog().filter((e) => e.by === 'kube-proxy' && e.run.startsWith('iptables-restore')).at(-1)!;
    expect(restore.run).toBe('iptables-restore -w 5 -W 100000 --noflush --counters');
    expect(restore.exit).toBe(0);
    expect(restore.stdin).toMatch(/^\*filter\n:KUBE-SERVICES - \[0:0\]\n/);
  });

  it('rejects traffic to a Service without endpoints, then deletes the stale chains once they are gone', () => {
    const { on } = boot();
    on('node01', 'kubectl apply -f -', `${svc}---\n${pod('a', 'node01')}`);
    const svcChain = clusterPolicyChain('default/web:http', 'TCP');
    expect(on('node02', 'iptables-save -t nat').stdout).toContain(`:${svcChain} - [0:0]`);
    on('node01', 'kubectl delete pod a --grace-period=0');
    expect(on('node02', 'iptables-save -t nat').stdout).not.toContain(svcChain);
    expect(on('node02', 'iptables -S KUBE-SERVICES').stdout).toMatch(/-A KUBE-SERVICES -d 10\.\d+\.\d+\.\d+\/32 -p tcp -m comment --comment "default\/web:http has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable\n/);
    on('node01', 'kubectl delete svc web');
    expect(on('node02', 'iptables-save').stdout).not.toContain('default/web');
  });

  it('keeps a node whose rules did not change untouched', () => {
    const { cluster, on } = boot();
    on('node01', 'kubectl apply -f -', svc);
    const restores = () => cluster.peekLog().filter((e) => e.by === 'kube-proxy' && e.run.startsWith('iptables-restore')).length;
    const before = restores();
    on('node01', 'kubectl label svc web tier=front');
    expect(restores()).toBe(before);
  });
});
