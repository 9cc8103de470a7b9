import { describe, expect, it } from 'vitest';
import { World } from '../../engine/world';
import { bootCluster } from '../../commands/kubectl/boot';
import { runCommand } from '../../commands/job';
import { genPolicy, ingressRules, egressRules, MODEL_POD_STRINGS, modelNamespaces, modelNodes, modelPods, Reachability } from './e2eModel';
import { matrixDiff, matrixText, policyMatrix, selectionPreview, suggestionSteps, withDraft } from './analysis';
import { policyViewOf } from './cluster';
import { suggest } from './suggest';
import { PolicyView } from './view';
import { podManifest, policyManifest } from './testManifests';
import type { NetworkPolicy } from '../api/types';

const NS = 'kubernetes.io/metadata.name';
const view = (policies: NetworkPolicy[]) => new PolicyView({ namespaces: modelNamespaces(), pods: modelPods(), policies, nodes: modelNodes() });
const denyX = genPolicy('x', 'deny-all', {}, ingressRules());

describe('policy analysis for the editor and the matrix', () => {
  it('a matrix per port and protocol, as upstream tables it, every cell with its verdict', () => {
    const fromY = genPolicy('x', 'from-y-udp', { matchLabels: { pod: 'a' } }, ingressRules({ from: [{ namespaceSelector: { matchLabels: { [NS]: 'y' } } }], ports: [{ protocol: 'UDP', port: 81 }] }));
    const v = view([denyX, fromY]);
    const tcp = policyMatrix(v, 80, 'TCP');
    const want = new Reachability(MODEL_POD_STRINGS, true).expectPeer({}, { namespace: 'x' }, false);
    for (const s of MODEL_POD_STRINGS) want.expect(s, s, true);
    expect(matrixText(tcp)).toBe(want.table(false));
    const udp = policyMatrix(v, 81, 'UDP');
    expect(matrixText(udp)).toBe(want.expectPeer({ namespace: 'y' }, { namespace: 'x', pod: 'a' }, true).table(false));
    const cell = udp.cells[udp.pods.findIndex((p) => p.namespace === 'y' && p.name === 'b')][0];
    expect(cell.verdict.ingress.allowedBy?.policy.metadata.name).toBe('from-y-udp');
    expect(policyMatrix(v, 80, 'TCP', ['x']).pods.map((p) => p.name)).toEqual(['a', 'b', 'c']);
  });

  it('the diff of a draft against the policies as they are, before anything is applied', () => {
    const v = view([]);
    const d = matrixDiff(v, withDraft(v.policies, denyX), 80, 'TCP');
    // every pod but x's own to each of x's pods: 3 targets × 8 other sources
    expect(d.changed).toHaveLength(24);
    expect(d.changed.every((c) => c.to.startsWith('x/') && c.before && !c.after && c.from !== c.to)).toBe(true);
    // editing the draft again replaces it, by namespace and name
    const open = genPolicy('x', 'deny-all', {}, ingressRules({}));
    expect(matrixDiff(v, withDraft([denyX], open), 80, 'TCP').changed).toEqual([]);
    expect(withDraft([denyX], open)).toEqual([open]);
  });

  it('previews whom a policy selects and whom each rule admits', () => {
    const np = genPolicy(
      'y',
      'draft',
      { matchExpressions: [{ key: 'pod', operator: 'In', values: ['a', 'c'] }] },
      ingressRules({ from: [{ podSelector: { matchLabels: { pod: 'b' } } }, { namespaceSelector: { matchLabels: { [NS]: 'z' } }, podSelector: { matchLabels: { pod: 'a' } } }], ports: [{ port: 'serve-80-tcp' }] }),
      egressRules(),
    );
    const p = selectionPreview(view([]), np);
    expect(p.selected).toEqual({ ingress: ['y/a', 'y/c'], egress: ['y/a', 'y/c'] });
    expect(p.rules).toEqual([{ direction: 'ingress', index: 0, peers: [{ text: 'y/pod=b', pods: ['y/b'] }, { text: 'z/pod=a', pods: ['z/a'] }], ports: ['TCP serve-80-tcp'] }]);
    const ingressOnly = selectionPreview(view([]), genPolicy('y', 'in', {}, ingressRules({})));
    expect(ingressOnly.selected.egress).toEqual([]);
    expect(ingressOnly.rules[0].peers[0].text).toBe('anywhere');
  });

  it('a suggestion applies and undoes with the commands it names', () => {
    const world = new World();
    const cluster = bootCluster(world);
    const sh = (run: string, stdin?: string) => runCommand(world, 'node01', run, { stdin });
    sh('kubectl create namespace x');
    expect(sh('kubectl apply -f -', [podManifest('x', 'a'), podManifest('x', 'b')].join('---\n')).exit).toBe(0);
    expect(sh('kubectl apply -f -', policyManifest('x', 'deny-all', '{podSelector: {}}')).exit).toBe(0);
    const live = () => policyViewOf(cluster.store);
    const conn = () => ({ src: { kind: 'pod' as const, pod: live().pod('x', 'b')! }, dst: { kind: 'pod' as const, pod: live().pod('x', 'a')! }, port: 80, protocol: 'TCP' as const });
    expect(policyMatrix(live(), 80, 'TCP', ['x']).cells[1][0].allowed).toBe(false);
    const [s] = suggest(live(), conn());
    expect(s.change.kind).toBe('create');
    const steps = suggestionSteps(s);
    expect(steps.apply.stdin).toBe(s.manifest);
    expect(sh(steps.apply.run, steps.apply.stdin).exit).toBe(0);
    const bToA = () => policyMatrix(live(), 80, 'TCP', ['x']).cells[1][0].allowed;
    expect(bToA()).toBe(true);
    expect(sh(steps.undo.run).exit).toBe(0);
    expect(bToA()).toBe(false);
  });
});
