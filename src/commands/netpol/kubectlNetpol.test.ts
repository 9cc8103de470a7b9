import { describe, expect, it, vi } from 'vitest';
import { World } from '../../engine/world';
import { bootCluster } from '../kubectl/boot';
import { runCommand } from '../job';
import type { Pod } from '../../kube/api/types';

vi.setConfig({ testTimeout: 60_000 });

const pod = (ns: string, name: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${ns}, labels: {pod: ${name}}}
spec:
  containers:
  - name: cont-80-tcp
    image: registry.k8s.io/e2e-test-images/agnhost:2.53
    command: [/agnhost, serve-hostname, --tcp, --http=false, --port, "80"]
    ports: [{containerPort: 80, name: serve-80-tcp, protocol: TCP}]
`;

const policies = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-from-y, namespace: x, labels: {team: blue}}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}
      podSelector: {matchExpressions: [{key: pod, operator: In, values: [a, b]}]}
    - ipBlock: {cidr: 192.168.1.0/24, except: [192.168.1.13/32]}
    ports:
    - {port: serve-80-tcp}
    - {port: 8000, endPort: 8080}
  - {}
  egress:
  - to: [{podSelector: {}}]
    ports: [{protocol: UDP}]
`;

function lab() {
  const world = new World();
  const cluster = bootCluster(world);
  const sh = (line: string, stdin?: string) => runCommand(world, 'node01', line, { stdin });
  expect(sh('kubectl create namespace x').exit).toBe(0);
  expect(sh('kubectl create namespace y').exit).toBe(0);
  expect(sh('kubectl apply -f -', [pod('x', 'a'), pod('x', 'b'), pod('y', 'a')].join('---\n')).exit).toBe(0);
  expect(sh('kubectl apply -f -', policies).stdout).toBe('networkpolicy.networking.k8s.io/deny-all created\nnetworkpolicy.networking.k8s.io/allow-from-y created\n');
  const ip = (ns: string, name: string) => cluster.store.get<Pod>('Pod', ns, name)!.status!.podIP!;
  return { sh, ip };
}

describe('kubectl and NetworkPolicies', () => {
  it('get and describe print what kubectl prints', () => {
    const { sh } = lab();
    expect(sh('kubectl get netpol -n x').stdout).toBe('NAME           POD-SELECTOR   AGE\nallow-from-y   pod=a          0s\ndeny-all       <none>         0s\n');
    expect(sh('kubectl describe netpol allow-from-y -n x').stdout).toBe(
      [
        'Name:         allow-from-y',
        'Namespace:    x',
        'Created on:   2025-01-01 00:00:00 +0000 UTC',
        'Labels:       team=blue',
        'Annotations:  <none>',
        'Spec:',
        '  PodSelector:     pod=a',
        '  Allowing ingress traffic:',
        '    To Port: serve-80-tcp/TCP',
        '    To Port Range: 8000-8080/TCP',
        '    From:',
        '      NamespaceSelector: kubernetes.io/metadata.name=y',
        '      PodSelector: pod in (a,b)',
        '    From:',
        '      IPBlock:',
        '        CIDR: 192.168.1.0/24',
        '        Except: 192.168.1.13/32',
        '    ----------',
        '    To Port: <any> (traffic allowed to all ports)',
        '    From: <any> (traffic not restricted by source)',
        '  Allowing egress traffic:',
        '    To Port: <nil>/UDP',
        '    To:',
        '      PodSelector: <none>',
        '  Policy Types: Ingress, Egress',
        '',
      ].join('\n'),
    );
    expect(sh('kubectl describe networkpolicy deny-all -n x').stdout).toContain('  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)\n  Allowing ingress traffic:\n    <none> (Selected pods are isolated for ingress connectivity)\n  Not affecting egress traffic\n  Policy Types: Ingress\n');
  });

  it('kubectl netpol explain names the deciding policy, exits 1 when denied, and suggests the fix', () => {
    const { sh, ip } = lab();
    const denied = sh('kubectl netpol explain y/a x/b --port 80');
    expect(denied.exit).toBe(1);
    expect(denied.stdout.split('\n').slice(0, 6)).toEqual([
      `y/a (${ip('y', 'a')}) -> x/b (${ip('x', 'b')}) TCP/80: denied`,
      '  y/a egress: not isolated (no policy of y selects it for egress) -> allowed',
      '  x/b ingress: isolated by policy x/deny-all; no rule matched -> DROP',
      'To allow it:',
      '  create policy x/allow-ingress-a-to-b-tcp-80 allowing ingress TCP 80 from y/pod=a',
      '    kubectl apply -f -',
    ]);
    const allowed = sh('kubectl netpol explain a x/a -n y --port 80');
    expect(allowed.exit).toBe(0);
    expect(allowed.stdout).toContain('  x/a ingress: allowed by policy x/allow-from-y rule 1 (TCP serve-80-tcp, TCP 8000-8080 from y/pod in (a,b) or 192.168.1.0/24 except 192.168.1.13/32)\n');
    expect(sh('kubectl netpol explain y/a x/nope').stderr).toBe('Error from server (NotFound): pods "nope" not found in namespace "x"\n');
    expect(sh('kubectl netpol matrix -n x -n y --port 80').stdout).toBe(['TCP/80', '-\tx/a\tx/b\ty/a', 'x/a\t.\tX\tX', 'x/b\t.\t.\t.', 'y/a\t.\tX\t.', ''].join('\n'));
  });
});
