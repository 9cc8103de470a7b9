/**
 * CoreDNS in its pods: an instance per CoreDNS sandbox, answering over the pod network, its log in
 * `kubectl logs`, a ConfigMap change picked up at the reload plugin's next check (a bad file
 * logged and refused), and nothing listening once the pod is gone.
 */
import { describe, expect, it } from 'vitest';
import { World } from '../../engine/world';
import { bootCluster } from '../../commands/kubectl/boot';
import { runCommand } from '../../commands';
import type { ConfigMap, Pod } from '../api/types';
import { kubeadmCorefile } from './kubeadm';
import { RELOAD_CHECK_MS } from './serving';
import { nodeResolvConf, podResolverFiles } from './files';

const boot = () => {
  const world = new World();
  const cluster = bootCluster(world);
  const run = (line: string, stdin?: string, on = 'node01') => runCommand(world, on, line, { stdin });
  const dnsPods = () => cluster.store.list<Pod>('Pod', 'kube-system').filter((p) => !p.metadata.deletionTimestamp);
  run('kubectl run client --image=registry.k8s.io/e2e-test-images/agnhost:2.47 -- pause');
  return { world, cluster, run, dnsPods };
};

const corefileManifest = (corefile: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: coredns, namespace: kube-system}\ndata:\n  Corefile: |\n${corefile
    .split('\n')
    .map((l) => (l ? `    ${l}` : l))
    .join('\n')}`;

describe('CoreDNS serving in its pods', () => {
  it('starts in every CoreDNS pod with the ConfigMap Corefile and answers over the pod network', () => {
    const { cluster, run, dnsPods } = boot();
    const pods = dnsPods();
    expect(pods).toHaveLength(2);
    for (const p of pods) {
      expect(cluster.coredns.instanceOf(p.metadata.uid!)?.running).toBe(kubeadmCorefile('cluster.local'));
      const log = run(`kubectl logs -n kube-system ${p.metadata.name}`).stdout.split('\n');
      expect(log[0]).toBe('.:53');
      expect(log[1]).toMatch(/^\[INFO\] plugin\/reload: Running configuration SHA512 = [0-9a-f]{128}$/);
      expect(log.slice(2)).toEqual(['CoreDNS-1.11.3', 'linux/amd64, go1.21.11, a6338e9', '']);
    }
    for (const p of pods) {
      const r = run(`kubectl exec client -- dig @${p.status!.podIP} +short kubernetes.default.svc.cluster.local`);
      expect(r).toMatchObject({ exit: 0, stdout: '10.96.0.1\n' });
    }
  });

  it('gives pods kubelet resolv.conf files and the nodes a nameserver on their LAN', () => {
    const { cluster } = boot();
    expect(nodeResolvConf(cluster, 'node02')).toBe('nameserver 192.168.1.1\n');
    const client = cluster.runtime.find('default', 'client')!;
    expect(podResolverFiles(cluster, client)?.resolvConf).toBe('search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n');
    // CoreDNS's own pod has dnsPolicy Default: the node's file, which `forward . /etc/resolv.conf` reads
    const dns = cluster.runtime.all().find((s) => s.namespace === 'kube-system')!;
    expect(podResolverFiles(cluster, dns)?.resolvConf).toBe('nameserver 192.168.1.1\n');
  });

  it('reloads a changed Corefile at the next check, and keeps the old one when the new one is bad', () => {
    const { world, cluster, run, dnsPods } = boot();
    const [pod] = dnsPods();
    const ip = pod.status!.podIP!;
    const logs = () => run(`kubectl logs -n kube-system ${pod.metadata.name}`).stdout;
    const withLog = kubeadmCorefile('cluster.local').replace('    errors\n', '    errors\n    log\n');
    expect(run('kubectl apply -f -', corefileManifest(withLog)).stdout).toBe('configmap/coredns configured\n');
    expect(logs()).not.toContain('Reloading');
    world.advance(RELOAD_CHECK_MS);
    expect(logs()).toContain('[INFO] Reloading\n[INFO] plugin/health: Going into lameduck mode for 5s\n');
    expect(logs()).toContain('[INFO] Reloading complete\n');
    expect(cluster.coredns.instanceOf(pod.metadata.uid!)?.running).toBe(withLog);
    run(`kubectl exec client -- dig @${ip} kubernetes.default.svc.cluster.local`);
    expect(logs()).toMatch(/\[INFO\] 10\.244\.3\.2:\d+ - \d+ "A IN kubernetes\.default\.svc\.cluster\.local\. udp \d+ false 1232" NOERROR qr,aa,rd \d+ 0s\n$/);

    const bad = withLog.replace('    log\n', '    lgo\n');
    run('kubectl apply -f -', corefileManifest(bad));
    world.advance(RELOAD_CHECK_MS);
    expect(logs()).toContain("[ERROR] Restart failed: /etc/coredns/Corefile:3 - Error during parsing: Unknown directive 'lgo'\n");
    expect(cluster.coredns.instanceOf(pod.metadata.uid!)?.running).toBe(withLog);
    expect(run(`kubectl exec client -- dig @${ip} +short kubernetes.default.svc.cluster.local`).stdout).toBe('10.96.0.1\n');
    expect(cluster.store.get<ConfigMap>('ConfigMap', 'kube-system', 'coredns')!.data!.Corefile).toBe(bad);
  });

  it('listens on the ports a reloaded Corefile names, and stops with its pod', () => {
    const { world, cluster, run, dnsPods } = boot();
    const before = dnsPods().map((p) => p.metadata.uid);
    const [pod] = dnsPods();
    const ip = pod.status!.podIP!;
    run('kubectl apply -f -', corefileManifest(kubeadmCorefile('cluster.local').replace('.:53 {', '.:5353 {')));
    world.advance(RELOAD_CHECK_MS);
    expect(run(`kubectl exec client -- dig @${ip} -p 5353 +short kubernetes.default.svc.cluster.local`).stdout).toBe('10.96.0.1\n');
    const refused = run(`kubectl exec client -- dig @${ip} +tries=1 kubernetes.default.svc.cluster.local`);
    expect(refused.stdout).toContain(`;; communications error to ${ip}#53: connection refused\n`);
    run(`kubectl delete pod -n kube-system ${pod.metadata.name}`);
    // CoreDNS answers through its lameduck time; the kubelet tears the sandbox down after it exits
    world.advance(30_000);
    expect(cluster.coredns.instanceOf(pod.metadata.uid!)).toBeUndefined();
    // the ReplicaSet's replacement starts with the ConfigMap as it is now
    const fresh = dnsPods().filter((p) => !before.includes(p.metadata.uid));
    expect(fresh).toHaveLength(1);
    expect(cluster.coredns.instanceOf(fresh[0].metadata.uid!)?.ports()).toEqual([5353]);
  });

  it('does not start without its ConfigMap, saying why in the log', () => {
    const { run } = boot();
    run('kubectl create namespace dns2');
    run('kubectl run mydns -n dns2 --image=registry.k8s.io/coredns/coredns:v1.11.3');
    expect(run('kubectl logs -n dns2 mydns').stdout).toBe('open /etc/coredns/Corefile: no such file or directory\n');
  });
});
