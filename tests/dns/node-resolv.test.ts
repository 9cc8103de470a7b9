/**
 * CoreDNS's `forward . /etc/resolv.conf` reads the resolv.conf kubelet gave its pod (dnsPolicy
 * Default: the node's, as it was when the pod started). Editing the nodes' /etc/resolv.conf
 * changes what the next CoreDNS pods forward to; with no nameserver in it, CoreDNS cannot start
 * (plugin/forward: no nameservers found) and nothing answers on the kube-dns Service.
 */
import { describe, expect, it, vi } from 'vitest';
import { testCluster } from '../../src/commands/kubectl/testCluster';
import { runCommand } from '../../src/commands';

vi.setConfig({ testTimeout: 120_000 });

const CLIENT = 'apiVersion: v1\nkind: Pod\nmetadata: {name: c}\nspec:\n  containers: [{name: c, image: nicolaka/netshoot, command: [sleep, infinity]}]\n';

function restartCoreDns(run: (l: string) => { stdout: string }) {
  run('kubectl -n kube-system delete pod -l k8s-app=kube-dns');
  run('kubectl -n kube-system wait --for=condition=Ready pod -l k8s-app=kube-dns --timeout=60s');
}

describe('forwarding from the nodes’ resolv.conf', () => {
  it('follows an edited node resolv.conf: new search domains for pods, CoreDNS forwarding to the new server', () => {
    const { world } = testCluster();
    const run = (l: string, on = 'node01') => runCommand(world, on, l);
    for (const n of ['node01', 'node02', 'node03']) run('printf "search lab\\nnameserver 192.168.1.53\\n" > /etc/resolv.conf', n);
    restartCoreDns(run);
    runCommand(world, 'node01', 'kubectl apply -f -', { stdin: CLIENT });
    run('kubectl wait --for=condition=Ready pod/c');
    expect(run('kubectl exec c -- cat /etc/resolv.conf').stdout).toBe('search default.svc.cluster.local svc.cluster.local cluster.local lab\nnameserver 10.96.0.10\noptions ndots:5\n');
    // CoreDNS asks 192.168.1.53 (nobody there): the forward times out and the client gets SERVFAIL
    const r = run('kubectl exec c -- dig +tries=1 +timeout=10 example.com');
    expect(r.stdout).toContain('status: SERVFAIL');
    const logs = run('for p in $(kubectl -n kube-system get pods -l k8s-app=kube-dns -o name); do kubectl -n kube-system logs $p; done').stdout;
    expect(logs).toMatch(/\[ERROR\] plugin\/errors: 2 example\.com\. A: .*192\.168\.1\.53:53/);
  });

  it('with no nameserver in it, CoreDNS does not start and the kube-dns Service answers nothing', () => {
    const { world } = testCluster();
    const run = (l: string, on = 'node01') => runCommand(world, on, l);
    for (const n of ['node01', 'node02', 'node03']) run('echo "search lab" > /etc/resolv.conf', n);
    restartCoreDns(run);
    const logs = run('for p in $(kubectl -n kube-system get pods -l k8s-app=kube-dns -o name); do kubectl -n kube-system logs $p; done').stdout;
    expect(logs).toBe('plugin/forward: no nameservers found\nplugin/forward: no nameservers found\n');
    runCommand(world, 'node01', 'kubectl apply -f -', { stdin: CLIENT });
    run('kubectl wait --for=condition=Ready pod/c');
    const r = run('kubectl exec c -- nslookup kubernetes.default');
    expect(r.exit).toBe(1);
    expect(r.stdout).toContain(';; communications error to 10.96.0.10#53: connection refused\n');
  });
});
