import { describe, expect, it } from 'vitest';
import type { NetworkPolicy } from '../api/types';
import { egressRules, genPolicy, ingressRules, modelNamespaces, modelNodes, modelPodIp, modelPods } from './e2eModel';
import { endpointOf, evaluate, type Connection } from './evaluate';
import { suggest } from './suggest';
import { PolicyView } from './view';

const view = (policies: NetworkPolicy[]) => new PolicyView({ namespaces: modelNamespaces(), pods: modelPods(), policies, nodes: modelNodes() });
const conn = (v: PolicyView, from: string, to: string, port = 80): Connection => {
  const ip = (s: string) => modelPodIp(s.split('/')[0], s.split('/')[1]);
  return { src: endpointOf(v, ip(from)), dst: endpointOf(v, ip(to)), port, protocol: 'TCP' };
};

describe('the minimal change that allows a denied connection', () => {
  it('adds a peer to the rule whose port already fits', () => {
    const v = view([genPolicy('x', 'allow-80-from-y', {}, ingressRules({ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'y' } } }], ports: [{ port: 80, protocol: 'TCP' }] }))]);
    const [s] = suggest(v, conn(v, 'z/b', 'x/a'));
    expect(s.change.kind).toBe('add-peer');
    expect(s.text).toBe('add peer z/pod=b to policy x/allow-80-from-y ingress rule 1 (it also opens 2 other pod pairs)');
    expect(s.command).toBe(`kubectl patch networkpolicy allow-80-from-y -n x --type=json -p '[{"op":"add","path":"/spec/ingress/0/from/-","value":{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"z"}},"podSelector":{"matchLabels":{"pod":"b"}}}}]'`);
    expect(s.undo).toBe(`kubectl patch networkpolicy allow-80-from-y -n x --type=json -p '[{"op":"remove","path":"/spec/ingress/0/from/1"}]'`);
  });

  it('adds a port to the rule whose peers already fit', () => {
    const v = view([genPolicy('x', 'from-y', { matchLabels: { pod: 'a' } }, ingressRules({ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'y' } } }], ports: [{ port: 81, protocol: 'TCP' }] }))]);
    const [s] = suggest(v, conn(v, 'y/b', 'x/a'));
    expect(s.change.kind).toBe('add-port');
    expect(s.text).toBe('add port TCP 80 to policy x/from-y ingress rule 1 (it also opens 2 other pod pairs)');
  });

  it('creates a policy when nothing selecting the pod has a rule to extend, and fixes each denying direction', () => {
    const v = view([genPolicy('x', 'deny-all', {}, ingressRules(), egressRules())]);
    const c = conn(v, 'x/a', 'x/b');
    const out = suggest(v, c);
    expect(out.map((s) => s.change.kind)).toEqual(['create', 'create']);
    expect(out.map((s) => s.text)).toEqual(['create policy x/allow-egress-a-to-b-tcp-80 allowing egress TCP 80 to x/pod=b', 'create policy x/allow-ingress-a-to-b-tcp-80 allowing ingress TCP 80 from x/pod=a']);
    const fixed = v.withPolicies([...v.policies, ...out.map((s) => (s.change as { policy: NetworkPolicy }).policy)]);
    expect(evaluate(fixed, conn(fixed, 'x/a', 'x/b')).allowed).toBe(true);
    expect(evaluate(fixed, conn(fixed, 'x/a', 'x/c')).allowed).toBe(false);
  });

  it('suggests nothing for an allowed connection', () => {
    const v = view([]);
    expect(suggest(v, conn(v, 'x/a', 'y/a'))).toEqual([]);
  });
});
