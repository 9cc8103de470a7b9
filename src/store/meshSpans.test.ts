import { describe, expect, it } from 'vitest';
import { World } from '../engine';
import { runCommand } from '../commands';
import { bootCluster } from '../commands/kubectl/boot';
import { clusterPicture, podPlaces } from './cluster';
import { meshTrace, serviceOf } from './meshSpans';

const deploy = (name: string, labels: string, args: string, node: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: 1
  selector: {matchLabels: {${labels}}}
  template:
    metadata: {labels: {${labels}}}
    spec:
      nodeName: ${node}
      containers:
      - {name: app, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [${args}], ports: [{containerPort: 8080}]}
`;

/** A client on node03 and Service api: a pod that listens on nothing (node01, tried first) and a netexec (node02), one retry. */
function lab(): World {
  const world = new World();
  bootCluster(world, {});
  const sh = (line: string, stdin?: string) => {
    const r = runCommand(world, 'node01', line, { stdin });
    if (r.exit !== 0) throw new Error(r.stderr);
  };
  sh('kubectl label namespace default istio-injection=enabled');
  sh('kubectl apply -f -', deploy('client', 'app: client', 'pause', 'node03'));
  sh('kubectl apply -f -', deploy('api-broken', 'app: api, track: broken', 'pause', 'node01'));
  sh('kubectl apply -f -', deploy('api', 'app: api, track: good', 'netexec, --http-port=8080', 'node02'));
  sh(
    'kubectl apply -f -',
    `apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: api}
spec:
  host: api
  trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: api}
spec:
  hosts: [api]
  http:
  - route: [{destination: {host: api}}]
    retries: {attempts: 1, retryOn: 5xx}
`,
  );
  return world;
}

describe("a trace's mesh spans", () => {
  it('names workloads as a tracing UI does', () => {
    expect(serviceOf('default/reviews-v1-5c6b8f9d7b-x2x9q')).toBe('reviews-v1');
    expect(serviceOf('default/visitor')).toBe('visitor');
  });

  it("puts a retried request's packets under its spans: the app's leg, each try, and the server sidecar under it", () => {
    const world = lab();
    world.tracing = true;
    const r = runCommand(world, 'node01', 'kubectl exec $(kubectl get pod -l app=client -o name) -- curl -s http://api/hostname');
    expect(r.stdout).toMatch(/^api-/);
    const pic = clusterPicture(world)!;
    const netnsOfPod = Object.fromEntries(Object.entries(podPlaces(pic)).map(([ns, pod]) => [pod, ns]));
    const podNetns = (prefix: string) => pic.pods.find((p) => p.name.startsWith(prefix))!.netns!;
    const mt = meshTrace(world, r.trace, netnsOfPod)!;
    expect(mt.requests).toHaveLength(1);
    const [q] = mt.requests;
    expect([q.method, q.path, q.code]).toEqual(['GET', '/hostname', 200]);
    expect(q.spans.map((s) => [s.kind, s.service, s.attempt, s.code, s.depth])).toEqual([
      ['client', 'client', 1, 503, 0],
      ['server', 'api-broken', 1, 503, 1],
      ['client', 'client', 2, 200, 0],
      ['server', 'api', 2, 200, 1],
    ]);
    // the app's own connection to its sidecar: in the client pod only, REDIRECTed to 15001
    expect(q.appEvents.length).toBeGreaterThan(0);
    expect(new Set(q.appEvents.map((i) => r.trace[i].netns))).toEqual(new Set([podNetns('client-')]));
    expect(q.appEvents.some((i) => r.trace[i].packet?.tcp?.dport === 15001)).toBe(true);
    // each server span holds the packets to its app (the last leg, in its pod), and the broken one's is a reset
    const [, broken, , good] = q.spans;
    const toApp = (s: typeof good) => s.events.filter((i) => r.trace[i].netns === netnsOfPod[s.pod] && r.trace[i].packet?.tcp?.dport === 8080 && r.trace[i].packet?.ip?.src === '127.0.0.6');
    expect(toApp(good).length).toBeGreaterThan(0);
    expect(toApp(broken).length).toBeGreaterThan(0);
    expect(broken.events.some((i) => r.trace[i].verdict === 'NO_SOCKET')).toBe(true);
    // the client's tries hold the sidecar-to-sidecar packets crossing the nodes, and its decisions
    const first = q.spans[0];
    expect(first.events.some((i) => r.trace[i].verdict === 'MESH_ROUTE')).toBe(true);
    // nothing counted twice, and every span's events are within its time
    const all = q.spans.flatMap((s) => s.events).concat(q.appEvents);
    expect(new Set(all).size).toBe(all.length);
    expect(mt.meshEvents.size).toBe(all.length);
    // the DNS lookup before the connection is outside the mesh
    expect(r.trace.some((e, i) => e.packet?.udp?.dport === 53 && mt.meshEvents.has(i))).toBe(false);
  });

  it('is null for a trace that crossed no sidecar', () => {
    const world = lab();
    world.tracing = true;
    const r = runCommand(world, 'node01', 'ping -c 1 192.168.1.12');
    const pic = clusterPicture(world)!;
    expect(meshTrace(world, r.trace, Object.fromEntries(Object.entries(podPlaces(pic)).map(([ns, pod]) => [pod, ns])))).toBeNull();
  });
});
