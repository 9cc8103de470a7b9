import { describe, expect, it, vi } from 'vitest';
import { World } from '../../engine/world';
import { bootCluster } from '../../commands/kubectl/boot';
import { runCommand } from '../../commands/job';
import type { Pod } from '../api/types';
import { podChain, policyChain } from './rules';
import { policyViewOf } from './cluster';
import { podManifest, policyManifest } from './testManifests';

vi.setConfig({ testTimeout: 60_000 });

const pod = (ns: string, name: string, node: string) => podManifest(ns, name, node, 'registry.k8s.io/e2e-test-images/agnhost:2.53');

const denyAll = policyManifest('x', 'deny-all', '{podSelector: {}}');

describe('the NetworkPolicy agent on each node', () => {
  it('programs each node for its own pods, and reprograms on policy, label and pod changes', () => {
    const world = new World();
    const cluster = bootCluster(world);
    const sh = (on: string, line: string, stdin?: string) => runCommand(world, on, line, { stdin });
    sh('node01', 'kubectl create namespace x');
    sh('node01', 'kubectl create namespace y');
    expect(sh('node01', 'kubectl apply -f -', [pod('x', 'a', 'node01'), pod('x', 'b', 'node02'), pod('y', 'a', 'node01')].join('---\n')).exit).toBe(0);
    const ip = (ns: string, name: string) => cluster.store.get<Pod>('Pod', ns, name)!.status!.podIP!;
    const save = (on: string) => sh(on, 'iptables-save -t filter').stdout;
    expect(save('node01')).toContain('-A FORWARD -m comment --comment "netpol-agent: pod traffic through the NetworkPolicy chains" -j KUBE-ROUTER-FORWARD');
    expect(save('node01')).not.toContain('KUBE-POD-IN-');

    expect(sh('node01', 'kubectl apply -f -', denyAll).exit).toBe(0);
    const view = policyViewOf(cluster.store);
    const xa = view.pod('x', 'a')!;
    const xb = view.pod('x', 'b')!;
    const np = view.policies[0];
    const n1 = save('node01');
    expect(n1).toContain(`-A KUBE-ROUTER-FORWARD -d ${ip('x', 'a')}/32 -m comment --comment "x/a ingress: isolated by policy x/deny-all" -j ${podChain(xa, 'ingress')}`);
    expect(n1).toContain(`-A ${podChain(xa, 'ingress')} -m comment --comment "x/a ingress: isolated by policy x/deny-all; no rule matched" -j DROP`);
    expect(n1).not.toContain(podChain(xb, 'ingress'));
    expect(save('node02')).toContain(`-A KUBE-ROUTER-FORWARD -d ${ip('x', 'b')}/32 -m comment --comment "x/b ingress: isolated by policy x/deny-all" -j ${podChain(xb, 'ingress')}`);

    // a rule admitting pod=a of namespace y: written once y/a exists, gone when its label changes
    const allow = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-y, namespace: x}
spec:
  podSelector: {}
  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}, podSelector: {matchLabels: {pod: a}}}]}]
`;
    expect(sh('node01', 'kubectl apply -f -', allow).exit).toBe(0);
    const fromY = cluster.store.get('NetworkPolicy', 'x', 'from-y')!;
    const rule = `-A ${policyChain(fromY as never, 'ingress')} -s ${ip('y', 'a')}/32 -m comment --comment "x/from-y ingress rule 1: any port from y/pod=a" -j MARK --set-xmark 0x10000/0x10000`;
    expect(save('node01')).toContain(rule);
    expect(save('node02')).toContain(rule);
    expect(sh('node01', 'kubectl label pod a -n y pod=z --overwrite').exit).toBe(0);
    expect(save('node02')).not.toContain(`-s ${ip('y', 'a')}/32`);

    // deleting the policies leaves no chain of theirs behind
    expect(sh('node01', 'kubectl delete netpol deny-all from-y -n x').exit).toBe(0);
    expect(save('node01')).not.toContain('KUBE-NWPLCY-');
    expect(save('node01')).not.toContain('KUBE-POD-IN-');
    expect(np.metadata.name).toBe('deny-all');
  });
});
