/**
 * Service-mesh figures (issue #15): HTTP requests through Istio sidecars in a booted cluster, in
 * the engine (no shell): an app socket connects to a Service's address, its sidecar takes the
 * connection (REDIRECT to 15001), routes it, and a peer sidecar (REDIRECT to 15006) terminates
 * mutual TLS and hands it to the app.
 *
 * - `mesh.request.mtls.retry`: one traced request whose first try hits an endpoint that listens on
 *   nothing (its sidecar answers 503) and whose retry lands on a working one: the client's own
 *   connection to its sidecar, and per try the sidecars' pooled mTLS connection and the peer's
 *   pooled connection to its app (warm after the first call, as Envoy's pools are), every event traced.
 * - `mesh.canary.1000req`: 1,000 untraced requests split 60/30/10 over three Services by a
 *   VirtualService; `mesh.canary.1000req.error` is the largest gap between a destination's share
 *   and its weight, in percentage points (seeded: the same every run).
 *
 * Run alone: `npx tsx bench/mesh.ts [--quick]` (prints a JSON line of figures after "@@figures").
 */
import { World } from '../src/engine';
import { parseIpv4 } from '../src/engine/addr/ipv4';
import { tcpSocket, type TcpSock } from '../src/engine/tcp/sock';
import { runCommand } from '../src/commands';
import { bootCluster } from '../src/commands/kubectl/boot';
import type { Cluster } from '../src/kube/cluster';
import type { Service } from '../src/kube/api/types';
import { emitFigures, figure, log, timeOp, type Figure, isMain } from './lib';

const enc = new TextEncoder();
const dec = new TextDecoder();

const deployment = (name: string, labels: string, args: string, node: string, port = 8080) => `apiVersion: apps/v1
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
      - name: app
        image: registry.k8s.io/e2e-test-images/agnhost:2.53
        args: [${args}]
        ports: [{containerPort: ${port}}]
`;
const service = (name: string, selector: string) => `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\nspec:\n  selector: {${selector}}\n  ports: [{name: http, port: 80, targetPort: 8080}]\n`;

function apply(world: World, manifest: string): void {
  const r = runCommand(world, 'node01', 'kubectl apply -f -', { stdin: manifest });
  if (r.exit !== 0) throw new Error(`bench: kubectl apply failed: ${r.stderr}`);
}

/** A meshed cluster with a client pod on node03; what `setup` applies on top. */
function meshLab(manifests: string[]): { world: World; cluster: Cluster; client: string } {
  const world = new World();
  const cluster = bootCluster(world, { istio: true });
  const r = runCommand(world, 'node01', 'kubectl label namespace default istio-injection=enabled');
  if (r.exit !== 0) throw new Error(r.stderr);
  apply(world, deployment('client', 'app: client', 'pause', 'node03'));
  for (const m of manifests) apply(world, m);
  const client = cluster.runtime.all().find((s) => s.name.startsWith('client-'))!.netns;
  return { world, cluster, client };
}

/** One HTTP/1.1 request from the app's own socket, to the end of the response and the close. */
function request(world: World, netns: string, ip: string, host: string): string {
  const sk: TcpSock = tcpSocket(world.netns(netns)!);
  if (sk.connect(parseIpv4(ip)!, 80)) throw new Error('bench: connect failed at once');
  world.runUntil(world.now + 5000, () => sk.state !== 'SYN_SENT');
  sk.send(enc.encode(`GET /hostname HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n`));
  let got = '';
  const done = () => {
    const q = sk.recv();
    if (Array.isArray(q)) for (const c of q) if (c instanceof Uint8Array) got += dec.decode(c);
    const end = got.indexOf('\r\n\r\n');
    const len = /content-length: (\d+)/i.exec(got);
    return end >= 0 && len !== null && got.length >= end + 4 + Number(len[1]);
  };
  world.runUntil(world.now + 5000, done);
  sk.close();
  world.runUntil(world.now + 5000, () => sk.state === 'CLOSED' || sk.state === 'TIME_WAIT');
  if (!got.startsWith('HTTP/1.1 200')) throw new Error(`bench: request answered ${got.split('\r\n')[0] || 'nothing'}`);
  return got.slice(got.indexOf('\r\n\r\n') + 4);
}

const clusterIp = (c: Cluster, name: string): string => c.store.get<Service>('Service', 'default', name)!.spec.clusterIP!;

export function retryOp(): () => unknown {
  // the broken endpoint is on node01 (the lower address, ROUND_ROBIN's first pick), the good one on node02
  const { world, cluster, client } = meshLab([
    deployment('api-broken', 'app: api, track: broken', 'pause', 'node01'),
    deployment('api', 'app: api, track: good', 'netexec, --http-port=8080', 'node02'),
    service('api', 'app: api'),
    `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: api}\nspec:\n  host: api\n  trafficPolicy:\n    loadBalancer: {simple: ROUND_ROBIN}\n`,
    `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: api}\nspec:\n  hosts: [api]\n  http:\n  - route:\n    - destination: {host: api}\n    retries: {attempts: 1, retryOn: 5xx}\n`,
  ]);
  const ip = clusterIp(cluster, 'api');
  world.tracing = true;
  return () => {
    request(world, client, ip, 'api');
    return world.drainTrace().length;
  };
}

export function canaryOp(weights: number[], counts: Map<string, number>): () => unknown {
  const names = ['shop-a', 'shop-b', 'shop-c'];
  const { world, cluster, client } = meshLab([
    ...names.flatMap((n, i) => [deployment(n, `app: ${n}`, 'netexec, --http-port=8080', `node0${i + 1}`), service(n, `app: ${n}`)]),
    `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: shop}\nspec:\n  hosts: [shop-a]\n  http:\n  - route:\n${names.map((n, i) => `    - destination: {host: ${n}}\n      weight: ${weights[i]}\n`).join('')}`,
  ]);
  world.tracing = false;
  const ip = clusterIp(cluster, 'shop-a');
  return () => {
    for (let i = 0; i < 1000; i++) {
      const who = request(world, client, ip, 'shop-a').replace(/-[a-z0-9]+-[a-z0-9]+$/, '');
      counts.set(who, (counts.get(who) ?? 0) + 1);
    }
  };
}

function main(): void {
  const quick = process.argv.includes('--quick');
  const figs: Figure[] = [];
  const retry = retryOp();
  log(`mesh: one request, one retry, mTLS: ${String(retry())} trace events`);
  figs.push(figure('mesh.request.mtls.retry', 'µs', timeOp(retry, { runs: quick ? 3 : 7, inner: quick ? 5 : 20, unit: 'µs' }), 'one traced HTTP request through two sidecars with mTLS, its first try failing (503 from the peer sidecar) and retried on another endpoint'));
  const weights = [60, 30, 10];
  const counts = new Map<string, number>();
  const canary = canaryOp(weights, counts);
  const runs = timeOp(canary, { runs: quick ? 1 : 3, inner: 1, warmup: 0, unit: 'ms' });
  figs.push(figure('mesh.canary.1000req', 'ms', runs, '1,000 untraced HTTP requests split 60/30/10 over three Services by a VirtualService (two sidecars, mTLS, each request on its own connection)'));
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const error = Math.max(...['shop-a', 'shop-b', 'shop-c'].map((n, i) => Math.abs((100 * (counts.get(n) ?? 0)) / total - weights[i])));
  log(`mesh: canary shares ${[...counts].map(([n, c]) => `${n} ${((100 * c) / total).toFixed(1)}%`).join(', ')}`);
  figs.push(figure('mesh.canary.1000req.error', 'points', [error], "the largest gap between a destination's share of the requests and its weight, in percentage points"));
  emitFigures(figs);
}

if (isMain('mesh')) main();
