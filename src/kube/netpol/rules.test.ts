import { describe, expect, it } from 'vitest';
import { buildWorld } from '../../scenarios/runner';
import { runCommand } from '../../commands/job';
import { egressRules, genPolicy, ingressRules, modelNamespaces, modelNodes, modelPodIp, modelPods } from './e2eModel';
import { cidrMinus } from './cidr';
import { peerChainName, policyChain, syncPolicyRules, podChain } from './rules';
import { PolicyView } from './view';
import type { NetworkPolicy } from '../api/types';

const NS = 'kubernetes.io/metadata.name';
const view = (policies: NetworkPolicy[]) => new PolicyView({ namespaces: modelNamespaces(), pods: modelPods(), policies, nodes: modelNodes() });

describe('cidrMinus', () => {
  it('splits a block around its excepts', () => {
    expect(cidrMinus('10.0.0.0/24', ['10.0.0.5/32'])).toEqual(['10.0.0.0/30', '10.0.0.4/32', '10.0.0.6/31', '10.0.0.8/29', '10.0.0.16/28', '10.0.0.32/27', '10.0.0.64/26', '10.0.0.128/25']);
    expect(cidrMinus('0.0.0.0/0', [])).toEqual(['0.0.0.0/0']);
    expect(cidrMinus('10.0.0.7/24', [])).toEqual(['10.0.0.0/24']);
    expect(cidrMinus('10.0.0.0/16', ['10.0.0.0/17', '10.0.128.0/17'])).toEqual([]);
  });
});

describe('the policy agent rules of a node', () => {
  const policies = [
    genPolicy('x', 'deny-all', {}, ingressRules()),
    genPolicy('x', 'allow-from-y', { matchLabels: { pod: 'a' } }, ingressRules({ from: [{ namespaceSelector: { matchLabels: { [NS]: 'y' } } }], ports: [{ port: 'serve-80-tcp' }] })),
    genPolicy('y', 'egress', { matchLabels: { pod: 'a' } }, egressRules({ to: [{ ipBlock: { cidr: '10.244.0.0/16', except: ['10.244.2.0/24', '10.244.3.0/24'] } }], ports: [{ port: 80, endPort: 81, protocol: 'UDP' }] }, { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 53, protocol: 'UDP' }] })),
  ];
  const plan = syncPolicyRules(view(policies), 'node01');

  it('jumps to a chain per isolated pod and direction, and a chain per policy, with comments naming them', () => {
    const lines = plan.restore.split('\n');
    expect(lines).toContain(`-A KUBE-ROUTER-FORWARD -d ${modelPodIp('x', 'a')}/32 -m comment --comment "x/a ingress: isolated by policies x/allow-from-y, x/deny-all" -j ${podChain({ namespace: 'x', name: 'a', labels: {}, ip: '', ports: [] }, 'ingress')}`);
    // a peer of several addresses: one shared chain of them (kube-router's ipset), jumped to once the ports match
    const src = peerChainName('ingress', ['y/a', 'y/b', 'y/c'].map((p) => `${modelPodIp(p.split('/')[0], p.split('/')[1])}/32`));
    expect(lines).toContain(`-A ${policyChain(policies[1], 'ingress')} -d ${modelPodIp('x', 'a')}/32 -p tcp -m tcp --dport 80 -m comment --comment "x/allow-from-y ingress rule 1: TCP serve-80-tcp from y/*" -j ${src}`);
    expect(lines).toContain(`-A ${src} -s ${modelPodIp('y', 'a')}/32 -m comment --comment "y/a" -j MARK --set-xmark 0x10000/0x10000`);
    const dst = peerChainName('egress', cidrMinus('10.244.0.0/16', ['10.244.2.0/24', '10.244.3.0/24']));
    expect(lines).toContain(`-A ${policyChain(policies[2], 'egress')} -p udp -m udp --dport 80:81 -m comment --comment "y/egress egress rule 1: UDP 80-81 to 10.244.0.0/16 except 10.244.2.0/24, 10.244.3.0/24" -j ${dst}`);
    expect(lines).toContain(`-A ${dst} -d 10.244.0.0/23 -j MARK --set-xmark 0x20000/0x20000`);
    // everywhere: no address match at all, as iptables-save prints it
    expect(lines).toContain(`-A ${policyChain(policies[2], 'egress')} -p udp -m udp --dport 53 -m comment --comment "y/egress egress rule 2: UDP 53 to 0.0.0.0/0" -j MARK --set-xmark 0x20000/0x20000`);
    expect(lines).toContain(`-A ${podChain({ namespace: 'x', name: 'a', labels: {}, ip: '', ports: [] }, 'ingress')} -m comment --comment "x/a ingress: isolated by policies x/allow-from-y, x/deny-all; no rule matched" -j DROP`);
    // pods of other nodes get no chains here
    expect(plan.restore).not.toContain(modelPodIp('x', 'b') + '/32 -m comment');
  });

  it('iptables-restore takes it, iptables-save gives it back, and a later sync deletes stale chains', () => {
    const w = buildWorld({ name: 't', preset: 'fresh', steps: [] });
    const r = runCommand(w, 'node01', 'iptables-restore --noflush', { stdin: plan.restore });
    expect(r.stderr).toBe('');
    expect(r.exit).toBe(0);
    const saved = runCommand(w, 'node01', 'iptables-save -t filter').stdout;
    for (const line of plan.restore.split('\n').filter((l) => l.startsWith('-A '))) expect(saved).toContain(line);
    const existing = [...saved.matchAll(/^:(\S+) /gm)].map((m) => m[1]);
    const next = syncPolicyRules(view(policies.slice(0, 1)), 'node01', existing);
    expect(runCommand(w, 'node01', 'iptables-restore --noflush', { stdin: next.restore }).exit).toBe(0);
    const after = runCommand(w, 'node01', 'iptables-save -t filter').stdout;
    expect(after).not.toContain(policyChain(policies[1], 'ingress'));
    expect(after).toContain(policyChain(policies[0], 'ingress'));
  });
});
