import { describe, expect, it } from 'vitest';
import type { World } from '../../engine/world';
import { runCommand } from '../../commands';
import { clusterOf } from '../../kube/cluster';
import { buildWorld } from '../runner';
import { checkGoal, goalContext, goalIssues } from './goals';
import { observePing, type PingObservation } from './observe';
import type { Goal } from './types';
import './kubeGoals';

const lab = (preset: string): World => {
  const w = buildWorld({ name: 'x', preset, steps: [] });
  w.advance(2000);
  return w;
};
const check = (w: World, goal: Goal, pings: PingObservation[] = []) => checkGoal(goal, goalContext(w, w.snapshot(), pings));
const kubectl = (w: World, line: string, stdin?: string) => {
  const r = runCommand(w, 'node01', `kubectl ${line}`, { stdin });
  w.advance(2000);
  return r;
};
const DENY_ALL_Y = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny-all, namespace: y}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n';

describe('Kubernetes goals', () => {
  it('"Service web has 3 ready endpoints" reads the EndpointSlices, and follows a scale', () => {
    const w = lab('cluster-service');
    expect(check(w, { endpoints: { service: 'web', ready: 3 } })).toEqual({ ok: true, detail: '' });
    expect(check(w, { endpoints: { service: 'kube-system/kube-dns', ready: 2 } }).ok).toBe(true);
    expect(check(w, { endpoints: { service: 'web', ready: 2 } }).detail).toMatch(/^Service default\/web has 3 ready endpoints \(10\.244\./);
    expect(check(w, { endpoints: { service: 'shop', ready: 1 } }).detail).toBe('there is no Service default/shop yet');
    kubectl(w, 'scale deployment web --replicas=2');
    expect(check(w, { endpoints: { service: 'web', ready: 2 } }).ok).toBe(true);
    expect(check(lab('routed'), { endpoints: { service: 'web', ready: 3 } }).detail).toBe('this lab has no Kubernetes cluster');
  });

  it('"x/a cannot reach y/b on TCP 80" is a real connection: policies, Services and routes decide, and the lab does not move', () => {
    const w = lab('cluster-netpol');
    const reach: Goal = { connects: { from: 'x/a', to: 'y/b', port: 80 } };
    expect(check(w, reach).ok).toBe(true);
    expect(check(w, { connects: { from: 'x/a', to: 'y/b', port: 81, protocol: 'UDP' } }).ok).toBe(true);
    expect(check(w, { connects: { from: 'x/a', to: 'y/b', port: 80, succeeds: false } }).detail).toBe('x/a → y/b (10.244.2.4) TCP/80 still connects');
    kubectl(w, 'apply -f -', DENY_ALL_Y);
    const version = w.version;
    const now = w.now;
    expect(check(w, reach).detail).toBe('x/a → y/b (10.244.2.4) TCP/80: TIMEOUT');
    expect(check(w, { not: reach }).ok).toBe(true);
    // egress from y is not isolated: y/b still reaches x/a
    expect(check(w, { connects: { from: 'y/b', to: 'x/a', port: 80 } }).ok).toBe(true);
    expect(check(w, { connects: { from: 'y/a', to: 'y/b', port: 80, succeeds: false } }).ok).toBe(true);
    expect(check(w, { connects: { from: 'node01', to: 'x/c', port: 80 } }).ok).toBe(true);
    expect(check(w, { connects: { from: 'x/d', to: 'y/b', port: 80 } }).detail).toBe('pod x/d is not running');
    expect(w.version).toBe(version);
    expect(w.now).toBe(now);
    // probes dropped on the way leave nothing behind: the next real connection (whose packets get
    // the probes' packet ids again) is tracked afresh, and its answer passes as ESTABLISHED
    const c = clusterOf(w)!;
    const r = runCommand(w, c.runtime.find('y', 'b')!.netns, `agnhost connect ${c.runtime.find('x', 'a')!.ip}:80 --timeout=1s --protocol=tcp`);
    expect([r.exit, r.stderr]).toEqual([0, '']);
  });

  it('connects to a Service through kube-proxy, from a pod or a node, and a NodePort from outside the pods', () => {
    const w = lab('cluster-service');
    kubectl(w, 'run client --image=registry.k8s.io/e2e-test-images/agnhost:2.53 -- pause');
    expect(check(w, { connects: { from: 'default/client', to: 'svc/web', port: 80 } }).ok).toBe(true);
    expect(check(w, { connects: { from: 'client', to: 'svc/web', port: 81 } }).ok).toBe(false);
    expect(check(w, { connects: { from: 'node02', to: 'node03', port: 30080 } }).ok).toBe(true);
    expect(check(w, { connects: { from: 'node02', to: 'svc/nope', port: 80 } }).detail).toBe('there is no Service default/nope yet');
    kubectl(w, 'scale deployment web --replicas=0');
    // past the pods' grace period: kube-proxy keeps terminating endpoints while they still serve
    w.advance(40_000);
    // no endpoint left: nothing answers on the cluster IP (these nodes have no default route, so
    // the lookup fails before kube-proxy's REJECT for a Service without endpoints would)
    expect(check(w, { connects: { from: 'default/client', to: 'svc/web', port: 80 } }).detail).toMatch(/^default\/client → svc\/web \(10\.\d+\.\d+\.\d+\) TCP\/80: \S/);
    expect(check(w, { connects: { from: 'default/client', to: 'svc/web', port: 80, succeeds: false } }).ok).toBe(true);
  });

  it('"web.default resolves" asks the cluster DNS from a pod, and stops when CoreDNS is gone', () => {
    const w = lab('cluster-service');
    expect(check(w, { resolves: { name: 'web.default' } }).ok).toBe(true);
    expect(check(w, { resolves: { name: 'web.default', to: 'svc/web' } }).ok).toBe(true);
    expect(check(w, { resolves: { name: 'web.default.svc.cluster.local', to: 'svc/kube-system/kube-dns' } }).detail).toMatch(/^web\.default\.svc\.cluster\.local resolves to 10\.\S+ in default\/web-\S+, not 10\.96\.0\.10$/);
    expect(check(w, { resolves: { name: 'shop.default' } }).detail).toMatch(/^shop\.default does not resolve in default\/web-/);
    expect(check(w, { resolves: { name: 'shop.default', succeeds: false } }).ok).toBe(true);
    kubectl(w, 'create namespace other');
    kubectl(w, 'run -n other probe --image=registry.k8s.io/e2e-test-images/agnhost:2.53 -- pause');
    // the search list of a pod in `other` does not hold default.svc.cluster.local
    expect(check(w, { all: [{ resolves: { name: 'web.default', from: 'other/probe' } }, { resolves: { name: 'web', from: 'other/probe', succeeds: false } }] }).ok).toBe(true);
    kubectl(w, 'scale -n kube-system deployment coredns --replicas=0');
    expect(check(w, { endpoints: { service: 'kube-system/kube-dns', ready: 0 } }).ok).toBe(true);
    expect(check(w, { resolves: { name: 'web.default', from: 'other/probe' } }).detail).toBe('web.default does not resolve in other/probe');
    expect(check(lab('routed'), { resolves: { name: 'web.default' } }).detail).toBe('this lab has no Kubernetes cluster');
  });

  it('a traced connection names the pod that answered, whichever terminal ran it', () => {
    const w = lab('cluster-service');
    kubectl(w, 'run client --image=registry.k8s.io/e2e-test-images/agnhost:2.53 -- pause');
    const client = clusterOf(w)!.runtime.find('default', 'client')!;
    const r = runCommand(w, 'node01', 'kubectl exec client -- curl -s http://web/hostname');
    expect(r.exit).toBe(0);
    const seen = observePing('kubectl exec client -- curl -s http://web/hostname', r.trace, 1)!;
    const answered = clusterOf(w)!.runtime.byNetns(seen.stoppedAt)!;
    expect(r.stdout).toBe(answered.name);
    expect(seen).toMatchObject({ from: client.netns, protocol: 'TCP', port: 80, outcome: 'reply' });
    expect(check(w, { traced: { from: 'default/client', to: 'svc/web', port: 80, outcome: 'reply', stopsAt: `default/${answered.name}` } }, [seen]).ok).toBe(true);
    // a ping is another observation: the goal about the connection does not take it
    expect(check(w, { traced: { from: 'default/client', to: 'svc/web', outcome: 'reply' } }, [seen]).detail).toBe('run a ping from default/client to svc/web');
    const ping = runCommand(w, client.netns, 'ping -c 1 -W 1 web');
    const p = observePing('ping -c 1 -W 1 web', ping.trace, 2)!;
    // a ClusterIP is virtual: kube-proxy rewrites TCP and UDP to its ports, and nothing answers ICMP
    // (the node sends the echo on towards its default gateway, where nobody is)
    expect(p).toMatchObject({ protocol: 'ICMP', outcome: 'no reply', stoppedAt: client.node });
  });

  it('fields are checked: targets, ports, protocols', () => {
    expect(goalIssues({ connects: { from: 'x/a', to: 'y/b' } }, 'g')).toEqual([{ path: 'g.connects.port', message: 'is required' }]);
    expect(goalIssues({ connects: { from: 'x/a', to: 'y/b', port: 80, protocol: 'SCTP' } }, 'g')[0]).toEqual({ path: 'g.connects.protocol', message: 'must be one of TCP, UDP' });
    expect(goalIssues({ connects: { from: 'x/a', to: 'not an address', port: 80 } }, 'g')[0].path).toBe('g.connects.to');
    expect(goalIssues({ endpoints: { service: 'web', ready: 3, serving: 2 } }, 'g')[0].path).toBe('g.endpoints.serving');
    expect(goalIssues({ resolves: { name: 'web.default', to: 'svc/web' } }, 'g')).toEqual([]);
  });
});
