import { describe, expect, it } from 'vitest';
import { egressRules, genPolicy, ingressRules, modelNamespaces, modelNodes, modelPods } from './e2eModel';
import { previewPolicy } from './preview';
import { PolicyView } from './view';

const view = new PolicyView({ namespaces: modelNamespaces(), pods: modelPods(), policies: [], nodes: modelNodes() });

describe('policy preview', () => {
  it('a default deny selects its namespace’s pods and admits nothing', () => {
    expect(previewPolicy(view, genPolicy('x', 'deny', {}, ingressRules()))).toEqual({ policy: 'x/deny', types: ['Ingress'], selects: ['x/a', 'x/b', 'x/c'], rules: [] });
  });

  it('names the pods each rule’s peers admit: podSelector in the policy’s namespace, namespaceSelector AND podSelector, ipBlocks', () => {
    const np = genPolicy(
      'x',
      'p',
      { matchLabels: { pod: 'a' } },
      ingressRules({ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }, { from: [{ namespaceSelector: { matchLabels: { ns: 'y' } }, podSelector: { matchExpressions: [{ key: 'pod', operator: 'In', values: ['a', 'c'] }] } }], ports: [{ port: 81 }] }),
      egressRules({ to: [{ ipBlock: { cidr: '10.244.2.0/24', except: ['10.244.2.3/32'] } }] }, {}),
    );
    const p = previewPolicy(view, np);
    expect(p.selects).toEqual(['x/a']);
    expect(p.types).toEqual(['Ingress', 'Egress']);
    expect(p.rules.map((r) => [r.direction, r.index, r.anyone, r.pods, r.blocks])).toEqual([
      ['ingress', 0, false, ['x/b'], []],
      ['ingress', 1, false, ['y/a', 'y/c'], []],
      // 10.244.2.0/24 holds the b pods (x/b is 10.244.2.2, y/b .3 excepted, z/b .4)
      ['egress', 0, false, ['x/b', 'z/b'], ['10.244.2.0/24 except 10.244.2.3/32']],
      ['egress', 1, true, [], []],
    ]);
    expect(p.rules[1].text).toBe('TCP 81 from pods pod in (a,c) in namespaces ns=y');
  });
});
