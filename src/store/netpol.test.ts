import { describe, expect, it, vi } from 'vitest';
import { createAppStore } from './index';
import { presetDoc } from './replay';
import { manifestPolicies, probeLine } from './netpol';

vi.setConfig({ testTimeout: 60_000 });

const MODEL = ['x', 'y', 'z'];
const DENY_X = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-ingress, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Ingress]
`;
const q = { namespaces: MODEL, port: 80, protocol: 'TCP' as const };
const cell = (m: { pods: { key: string }[]; allowed: boolean[][] }, from: string, to: string) => m.allowed[m.pods.findIndex((p) => p.key === from)][m.pods.findIndex((p) => p.key === to)];

describe('netpol slice', () => {
  it('shows the e2e model stage as the upstream matrix: 9 pods, every cell open, the ports the pods declare', () => {
    const store = createAppStore({ initial: presetDoc('cluster-netpol') });
    const m = store.getState().policyMatrix(q)!;
    expect(m.pods.map((p) => p.key)).toEqual(['x/a', 'x/b', 'x/c', 'y/a', 'y/b', 'y/c', 'z/a', 'z/b', 'z/c']);
    expect(m.allowed.flat().every(Boolean)).toBe(true);
    expect(store.getState().policyPorts(MODEL).map((p) => `${p.port}/${p.protocol}`)).toEqual(['80/TCP', '80/UDP', '81/TCP', '81/UDP']);
    expect(store.getState().policyPorts(MODEL)[0].names).toEqual(['serve-80-tcp']);
    expect(store.getState().policyPorts(null).map((p) => `${p.port}/${p.protocol}`)).toContain('53/UDP');
    // every namespace: CoreDNS's pods too
    expect(store.getState().policyMatrix({ ...q, namespaces: null })!.pods).toHaveLength(11);
  });

  it('diffs the matrix with the policy being edited, before it is applied', () => {
    const store = createAppStore({ initial: presetDoc('cluster-netpol') });
    const d = store.getState().policyDiff(DENY_X, q)!;
    expect(d.policies).toEqual(['x/default-deny-ingress']);
    expect(d.changed).toHaveLength(24);
    expect(cell(d.after, 'y/a', 'x/b')).toBe(false);
    expect(cell(d.before, 'y/a', 'x/b')).toBe(true);
    expect(store.getState().cluster!.policies).toEqual([]);
    expect(store.getState().policyDiff('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n', q)).toBeNull();
    expect(store.getState().policyDiff('kind: [', q)).toBeNull();
    // and whom it isolates, before it is applied
    expect(store.getState().previewPolicies(DENY_X)).toEqual([{ policy: 'x/default-deny-ingress', selected: { ingress: ['x/a', 'x/b', 'x/c'], egress: [] }, rules: [] }]);
  });

  it('explains a denied cell, applies its suggested fix as one undoable edit, and the cell opens', () => {
    const store = createAppStore({ initial: presetDoc('cluster-netpol') });
    expect(store.getState().applyManifest(DENY_X).ok).toBe(true);
    expect(cell(store.getState().policyMatrix(q)!, 'y/a', 'x/b')).toBe(false);
    const e = store.getState().explainConnection('y/a', 'x/b', 80, 'TCP')!;
    expect(e.allowed).toBe(false);
    expect(e.lines).toEqual([
      'y/a egress: not isolated (no policy of y selects it for egress) → allowed',
      'x/b ingress: isolated by policy x/default-deny-ingress; no rule matched → DROP',
    ]);
    expect(e.ingressPolicies).toEqual(['x/default-deny-ingress']);
    expect(e.fixes).toHaveLength(1);
    const fix = e.fixes[0];
    expect(fix.text).toMatch(/^create policy x\/allow-ingress-a-to-b-tcp-80 allowing ingress TCP 80 from y\/pod=a/);
    expect(fix.apply.run).toBe('kubectl apply -f -');
    expect(JSON.parse(fix.apply.stdin!).metadata).toEqual({ name: 'allow-ingress-a-to-b-tcp-80', namespace: 'x' });
    expect(fix.undo).toEqual({ run: 'kubectl delete networkpolicy allow-ingress-a-to-b-tcp-80 -n x' });
    expect(store.getState().applyPolicyFix(fix).ok).toBe(true);
    expect(cell(store.getState().policyMatrix(q)!, 'y/a', 'x/b')).toBe(true);
    expect(cell(store.getState().policyMatrix(q)!, 'y/b', 'x/b')).toBe(false);
    expect(store.getState().explainConnection('y/a', 'x/b', 80, 'TCP')!.lines[1]).toBe('x/b ingress: allowed by policy x/allow-ingress-a-to-b-tcp-80 rule 1 (TCP 80 from y/pod=a)');
    store.getState().undo();
    expect(cell(store.getState().policyMatrix(q)!, 'y/a', 'x/b')).toBe(false);
    expect(store.getState().cluster!.policies).toEqual(['x/default-deny-ingress']);
  });

  it('traces a cell with a real probe from the source pod: the packet meets the policy', () => {
    const store = createAppStore({ initial: presetDoc('cluster-netpol') });
    store.getState().applyManifest(DENY_X);
    const r = store.getState().traceConnection('y/a', 'x/b', 80, 'TCP')!;
    expect(r.exit).not.toBe(0);
    expect(r.stderr).toMatch(/timed out/);
    expect(r.trace.some((ev) => ev.verdict === 'NETFILTER_DROP')).toBe(true);
    // allowed: the SYN reaches y/b (answered, by a server or by a reset), nothing drops it
    const ok = store.getState().traceConnection('x/a', 'y/b', 80, 'TCP')!;
    expect(ok.stderr).not.toMatch(/timed out/);
    expect(ok.trace.some((ev) => ev.verdict === 'NETFILTER_DROP')).toBe(false);
  });

  it('reads the policies of a manifest as kubectl does, in kubectl’s default namespace when none is named', () => {
    const nps = manifestPolicies('apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec: {podSelector: {}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n');
    expect(nps.map((n) => `${n.metadata.namespace}/${n.metadata.name}`)).toEqual(['default/p']);
    expect(probeLine('10.244.1.2', 81, 'UDP')).toBe('nc -zuv -w 1 10.244.1.2 81');
  });
});
