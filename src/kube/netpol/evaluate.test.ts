/**
 * The upstream e2e truth tables (test/e2e/network/netpol/network_policy.go), over the full model
 * (x, y, z × a, b, c), asserted cell by cell; loopback cells are ignored as upstream ignores them.
 */
import { describe, expect, it } from 'vitest';
import type { NetworkPolicy, Protocol } from '../api/types';
import { egressRules, genPolicy, ingressRules, MODEL_POD_STRINGS, modelNamespaces, modelNodes, modelPodIp, modelPods, Reachability } from './e2eModel';
import { endpointOf, evaluate, type Verdict } from './evaluate';
import { verdictText } from './explain';
import { PolicyView } from './view';

const NS = 'kubernetes.io/metadata.name';

function viewWith(policies: NetworkPolicy[], mutate?: (objs: ReturnType<typeof objects>) => void): PolicyView {
  const objs = objects(policies);
  mutate?.(objs);
  return new PolicyView(objs);
}

const objects = (policies: NetworkPolicy[]) => ({ namespaces: modelNamespaces(), pods: modelPods(), policies, nodes: modelNodes() });

function verdict(view: PolicyView, from: string, to: string, port: number, protocol: Protocol = 'TCP'): Verdict {
  const [fns, fpod] = from.split('/');
  const [tns, tpod] = to.split('/');
  return evaluate(view, { src: endpointOf(view, modelPodIp(fns, fpod)), dst: endpointOf(view, modelPodIp(tns, tpod)), port, protocol });
}

function observe(view: PolicyView, port: number, protocol: Protocol = 'TCP'): Reachability {
  const r = new Reachability(MODEL_POD_STRINGS, true);
  for (const from of MODEL_POD_STRINGS) for (const to of MODEL_POD_STRINGS) r.expect(from, to, verdict(view, from, to, port, protocol).allowed);
  return r;
}

/** ValidateOrFail: every non-loopback cell as expected; on failure the two tables and the wrong cells. */
function validate(view: PolicyView, port: number, protocol: Protocol, expected: Reachability): void {
  const observed = observe(view, port, protocol);
  const wrong: string[] = [];
  for (const from of MODEL_POD_STRINGS)
    for (const to of MODEL_POD_STRINGS) if (from !== to && observed.get(from, to) !== expected.get(from, to)) wrong.push(`${from} -> ${to}: expected ${expected.get(from, to)}, observed ${observed.get(from, to)}`);
  expect(wrong, `port ${port}/${protocol}\nexpected:\n${expected.table()}\nobserved:\n${observed.table()}`).toEqual([]);
}

const reach = () => new Reachability(MODEL_POD_STRINGS, true);
const pod = (name: string) => ({ matchLabels: { pod: name } });

describe('upstream e2e model: ingress', () => {
  it("default-deny-ingress: nothing reaches x, x reaches everything else", () => {
    const view = viewWith([genPolicy('x', 'deny-ingress', {}, ingressRules())]);
    for (const proto of ['TCP', 'UDP'] as Protocol[]) for (const port of [80, 81]) validate(view, port, proto, reach().expectPeer({}, { namespace: 'x' }, false));
  });

  it('default-deny-all: isolates x both ways', () => {
    const view = viewWith([genPolicy('x', 'deny-all', {}, ingressRules(), egressRules())]);
    validate(view, 80, 'TCP', reach().expectPeer({}, { namespace: 'x' }, false).expectPeer({ namespace: 'x' }, {}, false));
  });

  it('allow from pods within the server namespace by podSelector', () => {
    const view = viewWith([genPolicy('x', 'x-a-allows-x-b', pod('a'), ingressRules({ from: [{ podSelector: pod('b') }] }))]);
    validate(view, 80, 'TCP', reach().expectAllIngress('x/a', false).expect('x/b', 'x/a', true));
  });

  it('allow ingress for a target on top of a namespace deny-all (additive)', () => {
    const view = viewWith([
      genPolicy('x', 'deny-all', {}, ingressRules()),
      genPolicy('x', 'allow-all-to-a', pod('a'), ingressRules({ from: [{ podSelector: {}, namespaceSelector: {} }] })),
    ]);
    validate(view, 80, 'TCP', reach().expectAllIngress('x/b', false).expectAllIngress('x/c', false).expectAllIngress('x/a', true));
  });

  it('an empty namespaceSelector admits pods of every namespace', () => {
    const view = viewWith([genPolicy('x', 'allow-from-another-ns', pod('a'), ingressRules({ from: [{ namespaceSelector: { matchLabels: {} } }] }))]);
    validate(view, 80, 'TCP', reach());
  });

  it('namespaceSelector alone: only namespace y', () => {
    const view = viewWith([genPolicy('x', 'allow-client-a-via-ns-selector', pod('a'), ingressRules({ from: [{ namespaceSelector: { matchLabels: { [NS]: 'y' } } }] }))]);
    validate(view, 80, 'TCP', reach().expectPeer({ namespace: 'x' }, { namespace: 'x', pod: 'a' }, false).expectPeer({ namespace: 'z' }, { namespace: 'x', pod: 'a' }, false));
  });

  it('podSelector with matchExpressions In', () => {
    const view = viewWith([genPolicy('x', 'x-a-allows-x-b', pod('a'), ingressRules({ from: [{ podSelector: { matchExpressions: [{ key: 'pod', operator: 'In', values: ['b'] }] } }] }))]);
    validate(view, 80, 'TCP', reach().expectAllIngress('x/a', false).expect('x/b', 'x/a', true));
  });

  it('namespaceSelector OR podSelector (two peers)', () => {
    const view = viewWith([
      genPolicy('x', 'allow-ns-y-match-selector', pod('a'), ingressRules({ from: [{ namespaceSelector: { matchExpressions: [{ key: NS, operator: 'NotIn', values: ['x'] }] } }, { podSelector: pod('b') }] })),
    ]);
    validate(view, 80, 'TCP', reach().expect('x/c', 'x/a', false));
  });

  it('namespaceSelector AND podSelector (one peer)', () => {
    const view = viewWith([
      genPolicy('x', 'allow-ns-y-podselector-and-nsselector', pod('a'), ingressRules({ from: [{ namespaceSelector: { matchExpressions: [{ key: NS, operator: 'NotIn', values: ['x'] }] }, podSelector: pod('b') }] })),
    ]);
    validate(view, 80, 'TCP', reach().expectAllIngress('x/a', false).expect('y/b', 'x/a', true).expect('z/b', 'x/a', true));
  });

  it('multiple podSelectors and namespaceSelectors (In b,c AND NotIn x)', () => {
    const view = viewWith([
      genPolicy('x', 'allow-ns-y-z-pod-b-c', pod('a'), ingressRules({ from: [{ namespaceSelector: { matchExpressions: [{ key: NS, operator: 'NotIn', values: ['x'] }] }, podSelector: { matchExpressions: [{ key: 'pod', operator: 'In', values: ['b', 'c'] }] } }] })),
    ]);
    validate(view, 80, 'TCP', reach().expectPeer({ namespace: 'x' }, { namespace: 'x', pod: 'a' }, false).expect('y/a', 'x/a', false).expect('z/a', 'x/a', false));
  });

  it('ports: only 81/TCP from namespace y; 80 closed to everyone', () => {
    const view = viewWith([genPolicy('x', 'allow-client-a-via-ns-selector', pod('a'), ingressRules({ from: [{ namespaceSelector: { matchLabels: { [NS]: 'y' } } }], ports: [{ port: 81, protocol: 'TCP' }] }))]);
    validate(view, 81, 'TCP', reach().expectPeer({ namespace: 'x' }, { namespace: 'x', pod: 'a' }, false).expectPeer({ namespace: 'z' }, { namespace: 'x', pod: 'a' }, false));
    validate(view, 80, 'TCP', reach().expectAllIngress('x/a', false));
    validate(view, 81, 'UDP', reach().expectAllIngress('x/a', false));
  });

  it('stacked policies with overlapping podSelectors add up', () => {
    const rule = (port: number) => ingressRules({ from: [{ namespaceSelector: { matchLabels: { [NS]: 'y' } } }], ports: [{ port, protocol: 'TCP' }] });
    const allow = reach().expectPeer({ namespace: 'x' }, { namespace: 'x', pod: 'a' }, false).expectPeer({ namespace: 'z' }, { namespace: 'x', pod: 'a' }, false);
    const one = viewWith([genPolicy('x', 'allow-81', pod('a'), rule(81))]);
    validate(one, 80, 'TCP', reach().expectAllIngress('x/a', false));
    const both = viewWith([genPolicy('x', 'allow-81', pod('a'), rule(81)), genPolicy('x', 'allow-80', pod('a'), rule(80))]);
    validate(both, 80, 'TCP', allow);
    validate(both, 81, 'TCP', allow);
  });

  it('named port on ingress: serve-81-tcp open in the whole namespace, 80 closed', () => {
    const view = viewWith([genPolicy('x', 'allow-all', {}, ingressRules({ ports: [{ port: 'serve-81-tcp' }] }))]);
    validate(view, 81, 'TCP', reach());
    validate(view, 80, 'TCP', reach().expectPeer({}, { namespace: 'x' }, false));
    // the name says tcp: UDP 81 is a different (protocol, name) pair on the pod
    validate(view, 81, 'UDP', reach().expectPeer({}, { namespace: 'x' }, false));
  });

  it('named port with a protocol the pod does not serve under that name matches nothing', () => {
    const view = viewWith([genPolicy('x', 'udp-name', {}, ingressRules({ ports: [{ port: 'serve-81-tcp', protocol: 'UDP' }] }))]);
    for (const proto of ['TCP', 'UDP'] as Protocol[]) validate(view, 81, proto, reach().expectPeer({}, { namespace: 'x' }, false));
  });

  it('protocol only (no port): any TCP port, no UDP', () => {
    const view = viewWith([genPolicy('x', 'allow-ingress-by-proto', pod('a'), ingressRules({ ports: [{ protocol: 'TCP' }] }))]);
    validate(view, 80, 'TCP', reach());
    validate(view, 81, 'TCP', reach());
    validate(view, 80, 'UDP', reach().expectAllIngress('x/a', false));
  });

  it('an allow-all rule takes precedence over a port-80-only policy', () => {
    const only80 = genPolicy('x', 'allow-ingress-port-80', {}, ingressRules({ ports: [{ port: 80 }] }));
    validate(viewWith([only80]), 81, 'TCP', reach().expectPeer({}, { namespace: 'x' }, false));
    validate(viewWith([only80, genPolicy('x', 'allow-ingress', {}, ingressRules({}))]), 81, 'TCP', reach());
  });

  it('deny ingress from other namespaces (podSelector {} peer stays in the namespace)', () => {
    const view = viewWith([genPolicy('x', 'deny-empty-policy', {}, ingressRules({ from: [{ podSelector: {} }] }))]);
    validate(view, 80, 'TCP', reach().expectPeer({ namespace: 'y' }, { namespace: 'x' }, false).expectPeer({ namespace: 'z' }, { namespace: 'x' }, false));
  });

  it('SCTP-only and UDP-only rules isolate without admitting TCP', () => {
    const sctp = viewWith([genPolicy('x', 'deny-ingress', {}, ingressRules()), genPolicy('x', 'allow-only-sctp-ingress-on-port-81', pod('a'), ingressRules({ ports: [{ port: 81, protocol: 'SCTP' }] }))]);
    validate(sctp, 81, 'TCP', reach().expectPeer({}, { namespace: 'x' }, false));
    const udp = viewWith([genPolicy('x', 'allow-only-udp-ingress-on-port-81', pod('a'), ingressRules({ ports: [{ port: 81, protocol: 'UDP' }] }))]);
    validate(udp, 81, 'TCP', reach().expectAllIngress('x/a', false));
    validate(udp, 81, 'UDP', reach());
  });

  it('a label added to a pod or a namespace changes the table (updated pod, updated namespace)', () => {
    const byPod = [genPolicy('x', 'allow-client-a-via-pod-selector', pod('a'), ingressRules({ from: [{ podSelector: { matchLabels: { pod: 'b', pod2: 'updated' } } }] }))];
    validate(viewWith(byPod), 80, 'TCP', reach().expectAllIngress('x/a', false));
    const relabelled = viewWith(byPod, (o) => (o.pods.find((p) => p.metadata.namespace === 'x' && p.metadata.name === 'b')!.metadata.labels!.pod2 = 'updated'));
    validate(relabelled, 80, 'TCP', reach().expectAllIngress('x/a', false).expect('x/b', 'x/a', true));

    const byNs = [genPolicy('x', 'allow-client-a-via-ns-selector', pod('a'), ingressRules({ from: [{ namespaceSelector: { matchLabels: { ns2: 'updated' } } }] }))];
    validate(viewWith(byNs), 80, 'TCP', reach().expectAllIngress('x/a', false));
    const nsLabelled = viewWith(byNs, (o) => (o.namespaces.find((n) => n.metadata.name === 'y')!.metadata.labels!.ns2 = 'updated'));
    validate(nsLabelled, 80, 'TCP', reach().expectAllIngress('x/a', false).expectPeer({ namespace: 'y' }, { namespace: 'x', pod: 'a' }, true));
  });
});

describe('upstream e2e model: egress', () => {
  it('deny egress from x/a', () => {
    validate(viewWith([genPolicy('x', 'deny-egress-pod-a', pod('a'), egressRules())]), 80, 'TCP', reach().expectAllEgress('x/a', false));
  });

  it('named port on egress resolves on the destination pod', () => {
    const view = viewWith([genPolicy('x', 'allow-egress', {}, egressRules({ ports: [{ port: 'serve-80-tcp' }] }))]);
    validate(view, 80, 'TCP', reach());
    validate(view, 81, 'TCP', reach().expectPeer({ namespace: 'x' }, {}, false));
  });

  it('ingress and egress in one policy', () => {
    const np = genPolicy('x', 'allow-client-a-via-pod-selector', pod('a'), ingressRules({ from: [{ podSelector: pod('b') }] }));
    np.spec.egress = [{ ports: [{ port: 80 }] }];
    np.spec.policyTypes = ['Egress', 'Ingress'];
    const view = viewWith([np]);
    validate(view, 80, 'TCP', reach().expectAllIngress('x/a', false).expect('x/b', 'x/a', true));
    validate(view, 81, 'TCP', reach().expectAllIngress('x/a', false).expectAllEgress('x/a', false).expect('x/b', 'x/a', true));
  });

  it("the client's egress denies even when the server's ingress allows", () => {
    const ingressFromXa = { from: [{ namespaceSelector: { matchLabels: { [NS]: 'x' } }, podSelector: pod('a') }] };
    const view = viewWith([
      genPolicy('x', 'allow-to-ns-y-pod-a', pod('a'), egressRules({ to: [{ namespaceSelector: { matchLabels: { [NS]: 'y' } }, podSelector: pod('a') }] })),
      genPolicy('y', 'allow-from-xa-on-ya-match-selector', pod('a'), ingressRules(ingressFromXa)),
      genPolicy('y', 'allow-from-xa-on-yb-match-selector', pod('b'), ingressRules(ingressFromXa)),
    ]);
    validate(view, 80, 'TCP', reach().expectPeer({ namespace: 'x', pod: 'a' }, {}, false).expectPeer({}, { namespace: 'y', pod: 'a' }, false).expectPeer({ namespace: 'x', pod: 'a' }, { namespace: 'y', pod: 'a' }, true).expectPeer({}, { namespace: 'y', pod: 'b' }, false));
  });

  it('egress NotIn namespace y', () => {
    const view = viewWith([genPolicy('x', 'allow-ns-y-match-selector-for-immutable-ns-label', pod('a'), egressRules({ to: [{ namespaceSelector: { matchExpressions: [{ key: NS, operator: 'NotIn', values: ['y'] }] } }] }))]);
    validate(view, 80, 'TCP', reach().expectPeer({ namespace: 'x', pod: 'a' }, { namespace: 'y' }, false));
  });

  it('ipBlock to one pod IP; except carves a pod out; an overlapping policy allows it back', () => {
    const cidr = viewWith([genPolicy('x', 'allow-client-a-via-cidr-egress-rule', pod('a'), egressRules({ to: [{ ipBlock: { cidr: `${modelPodIp('y', 'b')}/32` } }] }))]);
    validate(cidr, 80, 'TCP', reach().expectAllEgress('x/a', false).expect('x/a', 'y/b', true));
    const except = genPolicy('x', 'allow-client-a-via-cidr-egress-rule', pod('a'), egressRules({ to: [{ ipBlock: { cidr: '10.244.0.0/16', except: [`${modelPodIp('x', 'b')}/32`] } }] }));
    validate(viewWith([except]), 80, 'TCP', reach().expect('x/a', 'x/b', false));
    const back = genPolicy('x', 'allow-client-a-to-b', pod('a'), egressRules({ to: [{ ipBlock: { cidr: `${modelPodIp('x', 'b')}/32` } }] }));
    validate(viewWith([except, back]), 80, 'TCP', reach());
  });

  it('endPort: an inclusive range of numbered ports', () => {
    const view = viewWith([genPolicy('x', 'range', {}, egressRules({ ports: [{ port: 79, endPort: 80, protocol: 'TCP' }] }))]);
    validate(view, 80, 'TCP', reach());
    validate(view, 81, 'TCP', reach().expectPeer({ namespace: 'x' }, {}, false));
    const upTo81 = viewWith([genPolicy('x', 'range', {}, egressRules({ ports: [{ port: 81, endPort: 81 }] }))]);
    validate(upTo81, 81, 'TCP', reach());
    validate(upTo81, 80, 'TCP', reach().expectPeer({ namespace: 'x' }, {}, false));
  });

  it('egress and ingress controlled independently', () => {
    const egress = genPolicy('x', 'allow-egress-for-target', pod('a'), egressRules({}));
    validate(viewWith([egress]), 80, 'TCP', reach());
    validate(viewWith([egress, genPolicy('x', 'deny-ingress-via-label-selector', pod('a'), ingressRules())]), 80, 'TCP', reach().expectAllIngress('x/a', false));
  });
});

describe('semantics beyond the tables', () => {
  it('selectors never match addresses that are not pods; ipBlock does', () => {
    const view = viewWith([genPolicy('x', 'from-all-ns', {}, ingressRules({ from: [{ namespaceSelector: {} }] }))]);
    const outside = evaluate(view, { src: { kind: 'ip', ip: '192.168.1.50' }, dst: endpointOf(view, modelPodIp('x', 'a')), port: 80, protocol: 'TCP' });
    expect(outside.allowed).toBe(false);
    const block = viewWith([genPolicy('x', 'lan', {}, ingressRules({ from: [{ ipBlock: { cidr: '192.168.1.0/24' } }] }))]);
    expect(evaluate(block, { src: { kind: 'ip', ip: '192.168.1.50' }, dst: endpointOf(block, modelPodIp('x', 'a')), port: 80, protocol: 'TCP' }).allowed).toBe(true);
  });

  it("traffic from the pod's own node is allowed, another node's is not", () => {
    const view = viewWith([genPolicy('x', 'deny', {}, ingressRules())]);
    const dst = endpointOf(view, modelPodIp('x', 'a'));
    expect(evaluate(view, { src: { kind: 'ip', ip: '192.168.1.11' }, dst, port: 80, protocol: 'TCP' }).ingress.reason).toBe('own-node');
    expect(evaluate(view, { src: { kind: 'ip', ip: '10.244.1.1' }, dst, port: 80, protocol: 'TCP' }).allowed).toBe(true);
    expect(evaluate(view, { src: { kind: 'ip', ip: '192.168.1.12' }, dst, port: 80, protocol: 'TCP' }).allowed).toBe(false);
  });

  it('a policy selects only pods of its own namespace', () => {
    const view = viewWith([genPolicy('y', 'deny-a', pod('a'), ingressRules())]);
    expect(verdict(view, 'x/b', 'x/a', 80).allowed).toBe(true);
    expect(verdict(view, 'x/b', 'y/a', 80).allowed).toBe(false);
  });

  it('the explanation names the deciding policy and rule', () => {
    const view = viewWith([
      genPolicy('y', 'deny-all', {}, ingressRules()),
      genPolicy('y', 'allow-from-x', pod('a'), ingressRules({ from: [{ namespaceSelector: { matchLabels: { [NS]: 'x' } } }], ports: [{ port: 80, protocol: 'TCP' }] })),
      genPolicy('x', 'allow-dns', pod('a'), egressRules({ to: [{ namespaceSelector: { matchLabels: { [NS]: 'y' } }, podSelector: pod('b') }], ports: [{ port: 53, protocol: 'UDP' }] }, { to: [{ podSelector: {}, namespaceSelector: {} }] })),
    ]);
    expect(verdictText(verdict(view, 'x/a', 'y/b', 53, 'UDP'))).toEqual([
      'x/a egress: allowed by policy x/allow-dns rule 1 (UDP 53 to y/pod=b)',
      'y/b ingress: isolated by policy y/deny-all; no rule matched → DROP',
    ]);
    expect(verdictText(verdict(view, 'x/a', 'y/a', 80))).toEqual([
      'x/a egress: allowed by policy x/allow-dns rule 2 (any port to pods * in all namespaces)',
      'y/a ingress: allowed by policy y/allow-from-x rule 1 (TCP 80 from x/*)',
    ]);
    expect(verdictText(verdict(view, 'z/a', 'y/c', 80))[1]).toBe('y/c ingress: isolated by policy y/deny-all; no rule matched → DROP');
    expect(verdictText(verdict(view, 'z/a', 'x/b', 80))[1]).toBe('x/b ingress: not isolated (no policy of x selects it for ingress) → allowed');
  });
});
