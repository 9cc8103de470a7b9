/**
 * Kubernetes figures (issue #11): clusters booted as kubeadm lays them out (kube-proxy, flannel
 * host-gw, CoreDNS, the policy agent), workloads created with `kubectl apply` from manifests, and
 * connections from a pod's own TCP socket to a Service's ClusterIP, DNATed by kube-proxy's rules to
 * a pod on another node.
 *
 * - `kube.3nodes.apply`: `kubectl apply -f -` of 10 Deployments of 3 agnhost pods and their 10
 *   Services, on a freshly booted 3-node cluster, until every pod runs on its node (netns, veth,
 *   addresses, routes by the CNI plugin), every EndpointSlice is written and kube-proxy has synced.
 * - `kube.3nodes.trace`: one traced connection from a pod on node03 to a ClusterIP whose endpoint
 *   runs on node01: handshake, the server's close, the client's close (rolled back each run).
 * - `kube.3nodes.verdict`, `kube.100nodes.verdict`: the same connection untraced, up to the
 *   established handshake, in the 3-node cluster and in one of 100 nodes with 5,000 Services and
 *   15,000 pods (`kube.100nodes.build` and `.heap`: booting it and applying its manifests).
 *
 * `--quick` skips the 100-node cluster. Run alone: `npx tsx bench/kube.ts [--quick]` (prints a JSON line of figures after "@@figures").
 */
import { World } from '../src/engine';
import { parseIpv4 } from '../src/engine/addr/ipv4';
import { tcpSocket } from '../src/engine/tcp/sock';
import { runCommand } from '../src/commands';
import { bootCluster } from '../src/commands/kubectl/boot';
import type { Service } from '../src/kube/api/types';
import type { Cluster } from '../src/kube/cluster';
import type { ClusterConfigInput } from '../src/kube/config';
import { cpuNow, emitFigures, figure, gc, heapUsed, isMain, log, skipped, timeOp, type Figure } from './lib';

/** `kubectl apply -f -` of a manifest on node01; a refusal stops the bench. */
export function apply(world: World, manifest: string): void {
  const r = runCommand(world, 'node01', 'kubectl apply -f -', { stdin: manifest });
  if (r.exit !== 0) throw new Error(`bench: kubectl apply failed: ${r.stderr}`);
}

/** `count` Deployments app0… of `replicas` netexec pods each, and a ClusterIP Service per Deployment. */
export function workloads(count: number, replicas: number, from = 0): string {
  const docs: string[] = [];
  for (let i = from; i < from + count; i++) {
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata: {name: app${i}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: app${i}}}
  template:
    metadata: {labels: {app: app${i}}}
    spec:
      containers:
      - {name: web, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec, --http-port=8080], ports: [{containerPort: 8080}]}
`);
    docs.push(`apiVersion: v1\nkind: Service\nmetadata: {name: app${i}}\nspec:\n  selector: {app: app${i}}\n  ports: [{name: http, port: 80, targetPort: 8080}]\n`);
  }
  return docs.join('---\n');
}

/** A client pod on the last node and a Service `target` whose one endpoint runs on node01. */
function connectionLab(world: World, cluster: Cluster): { client: string; ip: string } {
  const last = cluster.config.nodes[cluster.config.nodes.length - 1].name;
  apply(
    world,
    `apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  nodeName: ${last}
  containers:
  - {name: c, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [pause]}
---
apiVersion: v1
kind: Pod
metadata: {name: target, labels: {app: target}}
spec:
  nodeName: node01
  containers:
  - {name: web, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec, --http-port=8080], ports: [{containerPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: target}
spec:
  selector: {app: target}
  ports: [{name: http, port: 80, targetPort: 8080}]
`,
  );
  const client = cluster.runtime.find('default', 'client')!.netns;
  return { client, ip: cluster.store.get<Service>('Service', 'default', 'target')!.spec.clusterIP! };
}

/** A connection from the client pod to the Service, rolled back; `close` also runs the FINs. */
function connectOp(world: World, lab: { client: string; ip: string }, close: boolean): () => unknown {
  const ns = world.netns(lab.client)!;
  const dst = parseIpv4(lab.ip)!;
  return () =>
    world.withRollback(() => {
      const sk = tcpSocket(ns);
      if (sk.connect(dst, 80)) throw new Error('bench: connect failed at once');
      world.runUntil(world.now + 1000, () => sk.state !== 'SYN_SENT');
      if (sk.state !== 'ESTABLISHED') throw new Error(`bench: connect to ${lab.ip}:80 ended ${sk.state}`);
      if (close) {
        sk.close();
        world.runUntil(world.now + 1000, () => sk.state === 'CLOSED' || sk.state === 'TIME_WAIT');
      }
      return world.drainTrace().length;
    });
}

/** CPU time of `kubectl apply` of 10 Services and 30 pods on freshly booted 3-node clusters. */
function applyRuns(runs: number): number[] {
  const manifest = workloads(10, 3);
  const out: number[] = [];
  for (let r = 0; r < runs + 1; r++) {
    const world = new World();
    const cluster = bootCluster(world);
    gc();
    const t0 = cpuNow();
    apply(world, manifest);
    const ms = cpuNow() - t0;
    const running = cluster.runtime.all().filter((s) => s.name.startsWith('app')).length;
    if (running !== 30) throw new Error(`bench: ${running} of 30 pods run`);
    // the first run warms the JIT
    if (r > 0) out.push(ms);
  }
  return out;
}

/** A cluster of `nodes` nodes with `services` Services of `replicas` pods each. */
function bigCluster(nodes: number, services: number, replicas: number): { world: World; cluster: Cluster; ms: number; mb: number } {
  const config: ClusterConfigInput = {
    nodes: Array.from({ length: nodes }, (_, i) => ({ name: `node${String(i + 1).padStart(2, '0')}`, ip: `10.0.${(i + 11) >> 8}.${(i + 11) & 255}/16`, podCIDR: `10.${64 + (i >> 8)}.${i & 255}.0/24` })),
    clusterCIDR: '10.64.0.0/10',
  };
  const before = heapUsed();
  const t0 = cpuNow();
  const world = new World();
  const cluster = bootCluster(world, config);
  const batch = 100;
  for (let i = 0; i < services; i += batch) {
    apply(world, workloads(Math.min(batch, services - i), replicas, i));
    if (i % 1000 === 0) log(`kube: ${i + batch} of ${services} Services applied, ${((cpuNow() - t0) / 1000).toFixed(1)} s`);
  }
  const ms = cpuNow() - t0;
  return { world, cluster, ms, mb: (heapUsed() - before) / 2 ** 20 };
}

function main(): void {
  const quick = process.argv.includes('--quick');
  const figs: Figure[] = [];
  figs.push(figure('kube.3nodes.apply', 'ms', applyRuns(quick ? 3 : 7), '`kubectl apply` of 10 Deployments × 3 agnhost pods and their 10 ClusterIP Services on a booted 3-node cluster, until every pod runs and kube-proxy has synced'));

  const world = new World();
  const cluster = bootCluster(world);
  apply(world, workloads(10, 3));
  const lab = connectionLab(world, cluster);
  const traced = connectOp(world, lab, true);
  log(`kube: a traced connection to a ClusterIP across nodes, ${String(traced())} events`);
  figs.push(figure('kube.3nodes.trace', 'µs', timeOp(traced, { runs: quick ? 5 : 9, inner: 1_000, unit: 'µs' }), 'a traced TCP connection from a pod on node03 to a ClusterIP, DNATed to its pod on node01: handshake and close'));
  world.tracing = false;
  figs.push(figure('kube.3nodes.verdict', 'µs', timeOp(connectOp(world, lab, false), { runs: quick ? 5 : 9, inner: 1_000, unit: 'µs' }), "one connection's verdict (SYN to ESTABLISHED through kube-proxy's DNAT, untraced) in the 3-node cluster"));

  const nodes = 100;
  const services = 5000;
  if (quick) {
    const why = 'not with --quick: building the 100-node cluster takes minutes';
    figs.push(skipped('kube.100nodes.build', 'ms', why), skipped('kube.100nodes.heap', 'MB', why), skipped('kube.100nodes.verdict', 'µs', why));
    emitFigures(figs);
    return;
  }
  const big = bigCluster(nodes, services, 3);
  log(`kube: ${nodes} nodes, ${services} Services, ${services * 3} pods built in ${(big.ms / 1000).toFixed(1)} s, ${big.mb.toFixed(0)} MB`);
  const size = `${nodes} nodes, ${services.toLocaleString('en')} Services, ${(services * 3).toLocaleString('en')} pods`;
  figs.push(figure('kube.100nodes.build', 'ms', [big.ms], `boot ${nodes} nodes and apply ${services.toLocaleString('en')} Deployments of 3 pods with their Services (${size}), 100 a manifest`));
  figs.push(figure('kube.100nodes.heap', 'MB', [big.mb], `JS heap that cluster holds (${size})`));
  big.world.tracing = false;
  const bigLab = connectionLab(big.world, big.cluster);
  figs.push(figure('kube.100nodes.verdict', 'µs', timeOp(connectOp(big.world, bigLab, false), { runs: quick ? 5 : 9, inner: 1_000, unit: 'µs' }), `the same verdict in the cluster of ${size}`));
  emitFigures(figs);
}

if (isMain('kube')) main();
