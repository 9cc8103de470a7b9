/**
 * NetworkPolicy figures (issue 13): the upstream e2e model's truth table, and a 1,000-pod,
 * 200-policy cluster: programming every node's policy chains, the full pod × pod matrix on one
 * port, and one connection's verdict against the 9-pod model's.
 */
import type { Namespace, NetworkPolicy, Node, Pod } from '../src/kube/api/types';
import { egressRules, genPolicy, ingressRules, MODEL_PORTS, MODEL_PROTOCOLS, modelNamespaces, modelNodes, modelPods } from '../src/kube/netpol/e2eModel';
import { evaluate, type Endpoint } from '../src/kube/netpol/evaluate';
import { syncPolicyRules } from '../src/kube/netpol/rules';
import { PolicyView } from '../src/kube/netpol/view';
import { emitFigures, figure, timeOp } from './lib';

const NS = 'kubernetes.io/metadata.name';

function modelPolicies(): NetworkPolicy[] {
  return [
    genPolicy('x', 'deny-all', {}, ingressRules(), egressRules()),
    genPolicy('x', 'allow-from-y', { matchLabels: { pod: 'a' } }, ingressRules({ from: [{ namespaceSelector: { matchLabels: { [NS]: 'y' } } }], ports: [{ port: 'serve-80-tcp' }] })),
    genPolicy('y', 'allow-ns', {}, ingressRules({ from: [{ namespaceSelector: { matchExpressions: [{ key: NS, operator: 'NotIn', values: ['z'] }] }, podSelector: { matchLabels: { pod: 'b' } } }] })),
    genPolicy('z', 'egress-81', { matchLabels: { pod: 'c' } }, egressRules({ ports: [{ port: 81, protocol: 'UDP' }] })),
    genPolicy('z', 'cidr', {}, ingressRules({ from: [{ ipBlock: { cidr: '10.244.0.0/16', except: ['10.244.2.0/24'] } }] })),
  ];
}

function modelTable(view: PolicyView): number {
  let allowed = 0;
  for (const from of view.pods)
    for (const to of view.pods)
      for (const port of MODEL_PORTS)
        for (const protocol of MODEL_PROTOCOLS) if (evaluate(view, { src: { kind: 'pod', pod: from }, dst: { kind: 'pod', pod: to }, port, protocol }).allowed) allowed++;
  return allowed;
}

/** 20 namespaces × 50 pods on 10 nodes, 10 policies per namespace of the usual kinds. */
function bigCluster(): { namespaces: Namespace[]; pods: Pod[]; policies: NetworkPolicy[]; nodes: Node[] } {
  const namespaces: Namespace[] = [];
  const pods: Pod[] = [];
  const policies: NetworkPolicy[] = [];
  const nodes: Node[] = Array.from({ length: 10 }, (_, i) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: `node${i}` }, spec: { podCIDR: `10.${i + 1}.0.0/16` }, status: { addresses: [{ type: 'InternalIP', address: `192.168.0.${i + 1}` }] } }));
  let n = 0;
  for (let s = 0; s < 20; s++) {
    const ns = `ns${s}`;
    namespaces.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { [NS]: ns, tier: s % 2 ? 'back' : 'front' } } });
    for (let p = 0; p < 50; p++, n++) {
      const node = n % 10;
      pods.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `pod${p}`, namespace: ns, labels: { app: `app${p % 5}`, role: p % 2 ? 'db' : 'web' } },
        spec: { nodeName: `node${node}`, containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }] }] },
        status: { phase: 'Running', podIP: `10.${node + 1}.${Math.floor(n / 250)}.${(n % 250) + 2}` },
      });
    }
    for (let k = 0; k < 10; k++)
      policies.push(
        genPolicy(
          ns,
          `p${k}`,
          { matchLabels: { app: `app${k % 5}` } },
          ingressRules({ from: [{ namespaceSelector: { matchLabels: { tier: 'front' } }, podSelector: { matchLabels: { role: 'web' } } }, { ipBlock: { cidr: '10.0.0.0/8', except: ['10.5.0.0/16'] } }], ports: [{ port: k % 2 ? 'http' : 80 }] }),
          ...(k % 3 === 0 ? [egressRules({ to: [{ namespaceSelector: { matchLabels: { [NS]: `ns${(s + 1) % 20}` } } }], ports: [{ port: 80, endPort: 90 }] })] : []),
        ),
      );
  }
  return { namespaces, pods, policies, nodes };
}

const quick = process.argv.includes('--quick');
const model = { namespaces: modelNamespaces(), pods: modelPods(), policies: modelPolicies(), nodes: modelNodes() };
const table = timeOp(() => modelTable(new PolicyView(model)), { runs: quick ? 5 : 15, inner: 10, unit: 'ms' });
const small = new PolicyView(model);
const [sa, sb] = [small.pods[0], small.pods[8]];
const oneSmall = timeOp(() => evaluate(small, { src: { kind: 'pod', pod: sa }, dst: { kind: 'pod', pod: sb }, port: 80, protocol: 'TCP' }), { runs: 15, inner: 2000, unit: 'µs' });

const big = bigCluster();
const program = timeOp(
  () => {
    const view = new PolicyView(big);
    for (const node of big.nodes) syncPolicyRules(view, node.metadata.name);
  },
  { runs: quick ? 2 : 5, inner: 1, unit: 'ms' },
);
const bigView = new PolicyView(big);
const matrix = timeOp(
  () => {
    const view = new PolicyView(big);
    let allowed = 0;
    for (const from of view.pods) {
      const src: Endpoint = { kind: 'pod', pod: from };
      for (const to of view.pods) if (evaluate(view, { src, dst: { kind: 'pod', pod: to }, port: 80, protocol: 'TCP' }).allowed) allowed++;
    }
    return allowed;
  },
  { runs: quick ? 1 : 3, inner: 1, unit: 'ms' },
);
const [ba, bb] = [bigView.pods[3], bigView.pods[777]];
for (const p of bigView.pods) evaluate(bigView, { src: { kind: 'pod', pod: p }, dst: { kind: 'pod', pod: bb }, port: 80, protocol: 'TCP' });
const oneBig = timeOp(() => evaluate(bigView, { src: { kind: 'pod', pod: ba }, dst: { kind: 'pod', pod: bb }, port: 80, protocol: 'TCP' }), { runs: 15, inner: 2000, unit: 'µs' });

emitFigures([
  figure('netpol.model.table', 'ms', table, '9 × 9 pods × 4 port/protocol, 5 policies, view built each time'),
  figure('netpol.verdict.9pods', 'µs', oneSmall),
  figure('netpol.1000pods.program', 'ms', program, '200 policies, the rules of all 10 nodes'),
  figure('netpol.1000pods.matrix', 'ms', matrix, '1,000 × 1,000 verdicts on TCP 80'),
  figure('netpol.verdict.1000pods', 'µs', oneBig),
]);
