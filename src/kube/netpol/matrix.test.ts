import { describe, expect, it } from 'vitest';
import type { NetworkPolicy } from '../api/types';
import { genPolicy, ingressRules, MODEL_POD_STRINGS, modelNamespaces, modelNodes, modelPods, Reachability } from './e2eModel';
import { matrixDiff, matrixPods, reachabilityMatrix, withEdited } from './matrix';
import { podKey, PolicyView } from './view';

const view = (policies: NetworkPolicy[] = []) => new PolicyView({ namespaces: modelNamespaces(), pods: modelPods(), policies, nodes: modelNodes() });
const denyX = genPolicy('x', 'deny-ingress', {}, ingressRules());

/** The matrix as upstream's truth table, loopback included (a pod always reaches itself). */
function table(m: ReturnType<typeof reachabilityMatrix>): string {
  const r = new Reachability(m.pods.map(podKey), true);
  m.pods.forEach((a, i) => m.pods.forEach((b, j) => r.expect(podKey(a), podKey(b), m.allowed[i][j])));
  return r.table(false);
}

describe('reachability matrix', () => {
  it('is the upstream truth table, pods sorted by namespace/name', () => {
    const v = view([denyX]);
    const m = reachabilityMatrix(v, matrixPods(v), 80, 'TCP');
    expect(m.pods.map(podKey)).toEqual(MODEL_POD_STRINGS);
    expect(table(m)).toBe(new Reachability(MODEL_POD_STRINGS, true).expectPeer({}, { namespace: 'x' }, false).expect('x/a', 'x/a', true).expect('x/b', 'x/b', true).expect('x/c', 'x/c', true).table(false));
  });

  it('keeps to the namespaces asked for', () => {
    const v = view();
    expect(matrixPods(v, ['y']).map(podKey)).toEqual(['y/a', 'y/b', 'y/c']);
  });

  it('diffs the matrix with a policy being edited, before it is applied, and leaves the view alone', () => {
    const v = view();
    const pods = matrixPods(v);
    const d = matrixDiff(v, [denyX], pods, 81, 'UDP');
    expect(d.before.allowed.flat().every(Boolean)).toBe(true);
    // everyone but x's own pods loses x: 9 sources × 3 destinations, less the 3 loopbacks
    expect(d.changed).toHaveLength(24);
    for (const [i, j] of d.changed) {
      expect(pods[j].namespace).toBe('x');
      expect(d.after.allowed[i][j]).toBe(false);
    }
    expect(v.policies).toEqual([]);
  });

  it('an edit of an existing policy replaces it (same namespace and name) instead of adding a second', () => {
    const v = view([denyX]);
    const allowB = genPolicy('x', 'deny-ingress', {}, ingressRules({ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }));
    expect(withEdited(v, [allowB]).policies).toEqual([allowB]);
    const d = matrixDiff(v, [allowB], matrixPods(v, ['x']), 80, 'TCP');
    // x/b now reaches x/a and x/c
    expect(d.changed.map(([i, j]) => `${podKey(d.before.pods[i])}>${podKey(d.before.pods[j])}`).sort()).toEqual(['x/b>x/a', 'x/b>x/c']);
  });
});
