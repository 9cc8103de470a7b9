/**
 * The tricky cases of issue 13 as upstream's NetworkPolicy e2e tests state them
 * (test/e2e/network/netpol/network_policy.go): each a policy set applied to the model and the truth
 * table upstream expects on the ports it probes, built with upstream's Reachability calls.
 */
import { Reachability } from '../../src/kube/netpol/e2eModel';
import type { Step } from '../../src/scenarios/scenario';
import { POD_STRINGS, type Protocol } from './model';

export interface ModelCase {
  name: string;
  description: string;
  /** the policies, as `kubectl apply -f -` reads them */
  policies: string;
  probes: [number, Protocol][];
  expect(port: number, proto: Protocol): Reachability;
  /** what changes next (labels, policies), probed again: the agent reprograms the nodes */
  then?: { steps: Step[]; probes: [number, Protocol][]; expect(port: number, proto: Protocol): Reachability }[];
}

const np = (ns: string, name: string, spec: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: ${ns}}
spec:
${spec.replace(/^/gm, '  ')}
`;

const all = (v: boolean) => new Reachability(POD_STRINGS, v);
const NS = 'kubernetes.io/metadata.name';

export const CASES: ModelCase[] = [
  {
    name: 'netpol-default-deny-ingress',
    description: "a 'default-deny-ingress' policy: nothing reaches namespace x, everything else is open",
    policies: np('x', 'deny-ingress', 'podSelector: {}\npolicyTypes: [Ingress]'),
    probes: [[80, 'TCP']],
    expect: () => all(true).expectPeer({}, { namespace: 'x' }, false),
  },
  {
    name: 'netpol-default-deny-all',
    description: "a 'default-deny-all' policy (ingress and egress): x neither receives nor sends, on TCP and UDP",
    policies: np('x', 'deny-all', 'podSelector: {}\npolicyTypes: [Ingress, Egress]'),
    probes: [[80, 'TCP'], [81, 'UDP']],
    expect: () => all(true).expectPeer({}, { namespace: 'x' }, false).expectPeer({ namespace: 'x' }, {}, false),
  },
  {
    name: 'netpol-podselector-same-namespace',
    description: 'a podSelector peer alone names pods of the policy\'s own namespace: x/a admits x/b only (not y/b, z/b)',
    policies: np('x', 'x-a-allows-x-b', 'podSelector: {matchLabels: {pod: a}}\ningress:\n- from: [{podSelector: {matchLabels: {pod: b}}}]'),
    probes: [[80, 'TCP']],
    expect: () => all(true).expectAllIngress('x/a', false).expect('x/b', 'x/a', true),
  },
  {
    name: 'netpol-allow-all-to-target',
    description: 'deny-all ingress in x plus a policy admitting every pod of every namespace to x/a (empty podSelector AND empty namespaceSelector): policies add up',
    policies: np('x', 'deny-all', 'podSelector: {}\npolicyTypes: [Ingress]') + '---\n' + np('x', 'allow-all-to-a', 'podSelector: {matchLabels: {pod: a}}\ningress:\n- from: [{podSelector: {}, namespaceSelector: {}}]'),
    probes: [[80, 'TCP']],
    expect: () => all(true).expectAllIngress('x/a', true).expectAllIngress('x/b', false).expectAllIngress('x/c', false),
  },
  {
    name: 'netpol-namespaceselector-only',
    description: 'a namespaceSelector peer alone names every pod of the matching namespaces: x/a admits all of y, none of x or z',
    policies: np('x', 'allow-client-a-via-ns-selector', `podSelector: {matchLabels: {pod: a}}\ningress:\n- from: [{namespaceSelector: {matchLabels: {${NS}: y}}}]`),
    probes: [[80, 'TCP']],
    expect: () => all(true).expectPeer({ namespace: 'x' }, { namespace: 'x', pod: 'a' }, false).expectPeer({ namespace: 'z' }, { namespace: 'x', pod: 'a' }, false),
  },
  {
    name: 'netpol-podselector-or-namespaceselector',
    description: 'two peers are ORed: namespaces other than x (NotIn), or pod b of x',
    policies: np('x', 'allow-ns-not-x-or-pod-b', `podSelector: {matchLabels: {pod: a}}\ningress:\n- from:\n  - namespaceSelector: {matchExpressions: [{key: ${NS}, operator: NotIn, values: [x]}]}\n  - podSelector: {matchLabels: {pod: b}}`),
    probes: [[80, 'TCP']],
    expect: () => all(true).expect('x/a', 'x/a', false).expect('x/c', 'x/a', false),
  },
  {
    name: 'netpol-podselector-and-namespaceselector',
    description: 'both selectors in one peer are ANDed: pod b of namespaces other than x only',
    policies: np('x', 'allow-ns-not-x-and-pod-b', `podSelector: {matchLabels: {pod: a}}\ningress:\n- from:\n  - namespaceSelector: {matchExpressions: [{key: ${NS}, operator: NotIn, values: [x]}]}\n    podSelector: {matchLabels: {pod: b}}`),
    probes: [[80, 'TCP']],
    expect: () => all(true).expectAllIngress('x/a', false).expect('y/b', 'x/a', true).expect('z/b', 'x/a', true),
  },
  {
    name: 'netpol-named-port',
    description: 'a named port is resolved on the destination pod (serve-81-tcp is 81): x/a is open on 81 and closed on 80',
    policies: np('x', 'allow-all-to-a-on-serve-81-tcp', 'podSelector: {matchLabels: {pod: a}}\ningress:\n- ports: [{port: serve-81-tcp}]'),
    probes: [[80, 'TCP'], [81, 'TCP']],
    expect: (port) => all(true).expectAllIngress('x/a', port === 81),
  },
  {
    name: 'netpol-endport',
    description: 'an endPort range is inclusive (81-82): 81 passes, 80 does not; the protocol defaults to TCP, so UDP 81 does not either',
    policies: np('x', 'allow-81-82', 'podSelector: {matchLabels: {pod: a}}\ningress:\n- ports: [{port: 81, endPort: 82}]'),
    probes: [[80, 'TCP'], [81, 'TCP'], [81, 'UDP']],
    expect: (port, proto) => all(true).expectAllIngress('x/a', port === 81 && proto === 'TCP'),
  },
  {
    name: 'netpol-udp-only',
    description: 'a rule on UDP 81 opens UDP 81 only: TCP 81 and UDP 80 stay closed',
    policies: np('x', 'allow-udp-81', 'podSelector: {matchLabels: {pod: a}}\ningress:\n- ports: [{protocol: UDP, port: 81}]'),
    probes: [[81, 'UDP'], [81, 'TCP'], [80, 'UDP']],
    expect: (port, proto) => all(true).expectAllIngress('x/a', port === 81 && proto === 'UDP'),
  },
  {
    name: 'netpol-egress-to-namespace',
    description: 'egress of x/a isolated, allowed to namespace y on UDP 81 only: replies come back, everything else from x/a is dropped on its way out',
    policies: np('x', 'x-a-egress-to-y-udp-81', `podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Egress]\negress:\n- to: [{namespaceSelector: {matchLabels: {${NS}: y}}}]\n  ports: [{protocol: UDP, port: 81}]`),
    probes: [[81, 'UDP'], [80, 'TCP']],
    expect: (port, proto) => all(true).expectAllEgress('x/a', false).expectPeer({ namespace: 'x', pod: 'a' }, { namespace: 'y' }, port === 81 && proto === 'UDP'),
  },
  {
    name: 'netpol-egress-empty-list-does-not-isolate',
    description: 'policyTypes defaulting: `egress: []` without policyTypes means Ingress only, so x is isolated for ingress (no rules) but sends freely',
    policies: np('x', 'ingress-only', 'podSelector: {}\negress: []'),
    probes: [[80, 'TCP']],
    expect: () => all(true).expectPeer({}, { namespace: 'x' }, false),
  },
  {
    name: 'netpol-additive-policies',
    description: 'two policies select x/a; what either admits passes: pod b of x, and all of z',
    policies: np('x', 'from-b', 'podSelector: {matchLabels: {pod: a}}\ningress:\n- from: [{podSelector: {matchLabels: {pod: b}}}]') + '---\n' + np('x', 'from-z', `podSelector: {matchLabels: {pod: a}}\ningress:\n- from: [{namespaceSelector: {matchLabels: {${NS}: z}}}]`),
    probes: [[80, 'TCP']],
    expect: () => all(true).expectAllIngress('x/a', false).expect('x/b', 'x/a', true).expectPeer({ namespace: 'z' }, { namespace: 'x', pod: 'a' }, true),
  },
  {
    name: 'netpol-match-expressions',
    description: 'matchExpressions: pods whose pod label is NotIn [a, b] of namespaces where the name label Exists (every namespace) reach all of y',
    policies: np('y', 'from-c-everywhere', `podSelector: {}\ningress:\n- from:\n  - namespaceSelector: {matchExpressions: [{key: ${NS}, operator: Exists}]}\n    podSelector: {matchExpressions: [{key: pod, operator: NotIn, values: [a, b]}]}`),
    probes: [[80, 'TCP']],
    expect: () => all(true).expectPeer({}, { namespace: 'y' }, false).expectPeer({ pod: 'c' }, { namespace: 'y' }, true),
  },
  {
    name: 'netpol-isolation-only-own-namespace',
    description: "a policy selects pods of its own namespace only: z's policy with an empty podSelector isolates z, never x or y",
    policies: np('z', 'deny-z', 'podSelector: {}\ningress:\n- from: [{podSelector: {matchLabels: {pod: a}}}]'),
    probes: [[80, 'TCP']],
    expect: () => all(true).expectPeer({}, { namespace: 'z' }, false).expectPeer({ namespace: 'z', pod: 'a' }, { namespace: 'z' }, true),
  },
  {
    name: 'netpol-ipblock-except',
    description: 'ipBlock peers match pod addresses too, minus their excepts: node01\'s pod range without y/a (10.244.1.4), and 10.244.3.2/31 (x/c, y/c; pods get their addresses in creation order after CoreDNS)',
    policies: np('x', 'allow-cidrs', 'podSelector: {matchLabels: {pod: a}}\ningress:\n- from:\n  - ipBlock: {cidr: 10.244.1.0/24, except: [10.244.1.4/32]}\n  - ipBlock: {cidr: 10.244.3.2/31}'),
    probes: [[80, 'TCP']],
    expect: () => all(true).expectAllIngress('x/a', false).expect('z/a', 'x/a', true).expect('x/c', 'x/a', true).expect('y/c', 'x/a', true),
  },
  {
    name: 'netpol-egress-ipblock-after-dnat',
    description: "egress is judged after the Service's DNAT, on the backend pod's address: x/b may send to 10.244.0.0/16 except node02's pods (10.244.2.0/24), though every probe is addressed to a ClusterIP",
    policies: np('x', 'x-b-egress', 'podSelector: {matchLabels: {pod: b}}\npolicyTypes: [Egress]\negress:\n- to: [{ipBlock: {cidr: 10.244.0.0/16, except: [10.244.2.0/24]}}]'),
    probes: [[80, 'TCP']],
    expect: () => all(true).expectPeer({ namespace: 'x', pod: 'b' }, { pod: 'b' }, false),
  },
  {
    name: 'netpol-updated-namespace-label',
    description: "a namespaceSelector follows namespace labels: y gains ns2=updated and its pods reach x/a; the node's rules are rewritten",
    policies: np('x', 'allow-from-updated-ns', 'podSelector: {matchLabels: {pod: a}}\ningress:\n- from: [{namespaceSelector: {matchLabels: {ns2: updated}}}]'),
    probes: [[80, 'TCP']],
    expect: () => all(true).expectAllIngress('x/a', false),
    then: [
      {
        steps: [{ on: 'node02', run: 'kubectl label namespace y ns2=updated' }],
        probes: [[80, 'TCP']],
        expect: () => all(true).expectAllIngress('x/a', false).expectPeer({ namespace: 'y' }, { namespace: 'x', pod: 'a' }, true),
      },
    ],
  },
  {
    name: 'netpol-updated-pod-label-and-deleted-policy',
    description: 'a podSelector follows pod labels (y/b and z/c gain team=blue, then y/b loses it), and deleting every policy stops enforcing them',
    policies: np('x', 'allow-from-blue', 'podSelector: {matchLabels: {pod: a}}\ningress:\n- from: [{namespaceSelector: {}, podSelector: {matchLabels: {team: blue}}}]'),
    probes: [[80, 'TCP']],
    expect: () => all(true).expectAllIngress('x/a', false),
    then: [
      {
        steps: [
          { on: 'node02', run: 'kubectl label pod b -n y team=blue' },
          { on: 'node03', run: 'kubectl label pod c -n z team=blue' },
        ],
        probes: [[80, 'TCP']],
        expect: () => all(true).expectAllIngress('x/a', false).expect('y/b', 'x/a', true).expect('z/c', 'x/a', true),
      },
      {
        steps: [{ on: 'node01', run: 'kubectl label pod b -n y team-' }],
        probes: [[80, 'TCP']],
        expect: () => all(true).expectAllIngress('x/a', false).expect('z/c', 'x/a', true),
      },
      {
        steps: [{ on: 'node01', run: 'kubectl delete networkpolicy --all -n x' }],
        probes: [[80, 'TCP']],
        expect: () => all(true),
      },
    ],
  },
  {
    name: 'netpol-ingress-and-egress-together',
    description: 'x/a isolated both ways by one policy: ingress from y only, egress to z only, on TCP 80; both ends must allow a connection',
    policies: np('x', 'a-both-ways', `podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Ingress, Egress]\ningress:\n- from: [{namespaceSelector: {matchLabels: {${NS}: y}}}]\negress:\n- to: [{namespaceSelector: {matchLabels: {${NS}: z}}}]\n  ports: [{port: 80}]`),
    probes: [[80, 'TCP'], [81, 'TCP']],
    expect: (port) =>
      all(true)
        .expectAllIngress('x/a', false)
        .expectPeer({ namespace: 'y' }, { namespace: 'x', pod: 'a' }, true)
        .expectAllEgress('x/a', false)
        .expectPeer({ namespace: 'x', pod: 'a' }, { namespace: 'z' }, port === 80),
  },
  {
    name: 'netpol-overlapping-except-allowed-by-another',
    description: "an address in one policy's except is still admitted by another policy's ipBlock (policies add up): y/a (10.244.1.4) reaches x/a",
    policies:
      np('x', 'all-of-node01-but-y-a', 'podSelector: {matchLabels: {pod: a}}\ningress:\n- from: [{ipBlock: {cidr: 10.244.1.0/24, except: [10.244.1.4/32]}}]') +
      '---\n' +
      np('x', 'just-y-a', 'podSelector: {matchLabels: {pod: a}}\ningress:\n- from: [{ipBlock: {cidr: 10.244.1.4/32}}]'),
    probes: [[80, 'TCP']],
    expect: () => all(true).expectAllIngress('x/a', false).expect('y/a', 'x/a', true).expect('z/a', 'x/a', true),
  },
];
