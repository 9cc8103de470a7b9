/**
 * SCTP ports in a NetworkPolicy: the agent writes them as kube-router does (`-p sctp -m sctp
 * --dport N`) beside the policy's TCP and UDP ports, so a policy naming SCTP is enforced for its
 * other ports too. (The engine carries no SCTP packets: no lab connection can test the SCTP rule
 * itself; `kubectl netpol explain` judges one by the policy's semantics.)
 */
import { describe, expect, it, vi } from 'vitest';
import { testCluster } from '../../commands/kubectl/testCluster';
import { runCommand } from '../../commands';

vi.setConfig({ testTimeout: 120_000 });

const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p}
spec:
  podSelector: {matchLabels: {app: a}}
  ingress:
  - ports: [{protocol: SCTP, port: 9000}, {protocol: TCP, port: 80}]
`;

describe('SCTP in a NetworkPolicy', () => {
  it('programs the SCTP port beside the TCP one on every node', () => {
    const { world, kubectl } = testCluster();
    kubectl('run a --image=registry.k8s.io/e2e-test-images/agnhost:2.47 --labels=app=a -- netexec --http-port=80');
    kubectl('run b --image=nicolaka/netshoot --labels=app=b -- sleep infinity');
    expect(kubectl('apply -f -', POLICY).exit).toBe(0);
    kubectl('wait --for=condition=Ready pod --all');
    const node = kubectl('get pod a -o jsonpath={.spec.nodeName}').stdout;
    const rules = runCommand(world, node, 'iptables-save -t filter').stdout;
    expect(rules).toMatch(/-A KUBE-NWPLCY-IN-\w+ .*-p sctp -m sctp --dport 9000 .*-j /);
    expect(rules).toMatch(/-A KUBE-NWPLCY-IN-\w+ .*-p tcp -m tcp --dport 80 .*-j /);
    // the TCP port is enforced: 80 gets through, 8080 does not
    const ip = kubectl('get pod a -o jsonpath={.status.podIP}').stdout;
    const open = kubectl(`exec b -- nc -zv -w 1 ${ip} 80`);
    expect([open.exit, open.stderr]).toEqual([0, `Connection to ${ip} 80 port [tcp/http] succeeded!\n`]);
    expect(kubectl(`exec b -- nc -z -w 1 ${ip} 8080`).exit).toBe(1);
  });
});
