import { describe, expect, it } from 'vitest';
import { World } from '../../../engine';
import { runCommand } from '../../../commands';
import { bootCluster } from '../../../commands/kubectl/boot';
import { clusterOf } from '../../cluster';
import { meshOf } from '../mesh';

const deploy = (name: string, args: string, node: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      nodeName: ${node}
      containers:
      - {name: app, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [${args}], ports: [{containerPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec:
  selector: {app: ${name}}
  ports: [{name: http, port: 80, targetPort: 8080}]
`;

function lab(): World {
  const world = new World();
  bootCluster(world, { istio: true });
  const sh = (line: string, stdin?: string) => {
    const r = runCommand(world, 'node01', line, { stdin });
    if (r.exit !== 0) throw new Error(r.stderr);
  };
  sh('kubectl label namespace default istio-injection=enabled');
  sh('kubectl apply -f -', deploy('client', 'pause', 'node03'));
  sh('kubectl apply -f -', deploy('api', 'netexec, --http-port=8080', 'node01'));
  return world;
}

describe("Envoy's upstream connection pool", () => {
  it('keeps the sidecars’ mTLS connection between requests: one handshake, and the second request’s peer side in its own trace', () => {
    const world = lab();
    world.tracing = true;
    const curl = () => runCommand(world, 'node01', 'kubectl exec $(kubectl get pod -l app=client -o name) -- curl -s http://api/hostname');
    const first = curl();
    const second = curl();
    expect(first.stdout).toMatch(/^api-/);
    expect(second.stdout).toBe(first.stdout);
    // connections opened to the app's port: the sidecars' to each other (REDIRECTed to 15006) and the peer's to its app
    const syns = (t: typeof first.trace) => new Set(t.filter((e) => e.packet?.tcp?.flags === 'S' && e.packet.tcp.dport === 8080).map((e) => e.packet!.tcp!.sport)).size;
    expect(syns(first.trace)).toBe(2);
    expect(syns(second.trace)).toBe(0);
    // the server sidecar's inbound span and its reply to the app's request are in the second trace
    const spans = meshOf(clusterOf(world)!).telemetry.spans;
    const server = spans.filter((s) => s.kind === 'server');
    expect(server).toHaveLength(2);
    expect(new Set(server.map((s) => `${s.conns[0].src}:${s.conns[0].sport}`)).size).toBe(1);
    const api = runCommand(world, 'node01', "kubectl get pod -l app=api -o jsonpath='{.items[0].status.podIP}'").stdout;
    const toApp = (t: typeof first.trace) => t.filter((e) => e.packet?.ip?.dst === api && e.packet.tcp?.http?.startsWith('GET /hostname')).length;
    expect(toApp(second.trace)).toBeGreaterThan(0);
  });

  it('forgets a pooled connection its peer closed, and opens a new one', () => {
    const world = lab();
    const curl = () => runCommand(world, 'node01', "kubectl exec $(kubectl get pod -l app=client -o name) -- curl -s -w ' %{http_code}' http://api/hostname");
    expect(curl().stdout).toMatch(/ 200$/);
    // the server pod goes and a new one comes: the kept connection is reset under the sidecar
    expect(runCommand(world, 'node01', 'kubectl delete pod -l app=api').exit).toBe(0);
    world.advance(5000);
    expect(curl().stdout).toMatch(/^api-\S+ 200$/);
  });
});
