/**
 * Cluster DNS figures (issue #12), in a booted cluster (kubeadm's CoreDNS Deployment, kube-proxy,
 * host-gw), in the engine (no shell): a client pod on node03 resolves names through its own
 * resolv.conf (`search default.svc.cluster.local svc.cluster.local cluster.local`, `ndots:5`),
 * every query a UDP packet to the kube-dns Service, DNATed by node03's kube-proxy rules to a
 * CoreDNS pod on node01 or node02 and answered back, the trace on.
 *
 * - `dns.lookup.ndots5`: gethostbyname2("web.default.svc.cluster.local", AF_INET): four dots, so
 *   the whole search list is walked first (three NXDOMAINs) and the name as it is answers last:
 *   four queries and four replies, with their trace. CoreDNS as kubeadm configures it (its cache on).
 * - `dns.zone.10svc`, `dns.zone.5000svc`: one lookup of a random Service of the zone by its full
 *   name (one query), the cache plugin taken out of the Corefile (and reloaded, as the `reload`
 *   plugin does), so every answer comes from the kubernetes plugin's records of a zone of 10 or
 *   5,000 Services, each with an EndpointSlice of one ready pod.
 *
 * Each lookup is rolled back (sockets, conntrack, neighbours, the clock), so every run is the same.
 * Run alone: `npx tsx bench/dns.ts [--quick]` (prints a JSON line of figures after "@@figures").
 */
import { World } from '../src/engine';
import { runCommand } from '../src/commands';
import { bootCluster } from '../src/commands/kubectl/boot';
import { digHost } from '../src/commands/dns/commands';
import { gethostbyname2 } from '../src/commands/dns/resolver';
import { startDnsIo } from '../src/kube/dns/net';
import type { ConfigMap } from '../src/kube/api/types';
import type { Cluster } from '../src/kube/cluster';
import { RELOAD_CHECK_MS } from '../src/kube/dns/serving';
import { emitFigures, figure, log, timeOp, type Figure, isMain } from './lib';
import { apply } from './kube';

const client = `apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  nodeName: node03
  containers:
  - {name: c, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [pause]}
`;

/** `services` Services svc0…, each selecting one of the pods of a 3-replica netexec Deployment. */
function zone(services: number): string {
  const docs = [
    `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec, --http-port=8080], ports: [{containerPort: 8080}]}
`,
    `apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{name: http, port: 80, targetPort: 8080}]\n`,
  ];
  for (let i = 1; i < services; i++) docs.push(`apiVersion: v1\nkind: Service\nmetadata: {name: svc${i}}\nspec:\n  selector: {app: web}\n  ports: [{name: http, port: 80, targetPort: 8080}]\n`);
  return docs.join('---\n');
}

/** A cluster with a zone of `services` Services and the client pod on node03. */
function lab(services: number): { world: World; cluster: Cluster } {
  const world = new World();
  const cluster = bootCluster(world);
  apply(world, client);
  apply(world, zone(services));
  return { world, cluster };
}

/** Take `cache` out of the running Corefile: the reload plugin loads it at its next check. */
function withoutCache(world: World, cluster: Cluster): void {
  const cm = cluster.store.get<ConfigMap>('ConfigMap', 'kube-system', 'coredns')!;
  const corefile = cm.data!.Corefile.replace(/^\s*cache \d+\n/m, '');
  cluster.store.update<ConfigMap>({ ...cm, data: { ...cm.data, Corefile: corefile } });
  world.advance(RELOAD_CHECK_MS + 1000);
}

/** One traced gethostbyname2(name) in the client pod, rolled back; the number of trace events. */
function lookupOp(world: World, name: () => string): () => number {
  const ns = world.netns(podNetns(world))!;
  const host = digHost({ world, ns });
  return () =>
    world.withRollback(() => {
      let answer: string | undefined;
      const n = name();
      startDnsIo(ns, gethostbyname2(n, 4, host), (r) => (answer = 'herrno' in r ? r.herrno : r.addrs[0].addr));
      world.runUntil(world.now + 5000, () => answer !== undefined);
      if (answer === undefined || !/^\d/.test(answer)) throw new Error(`bench: ${n} did not resolve (${answer ?? 'no answer'})`);
      return world.drainTrace().length;
    });
}

const podNetns = (world: World): string => {
  const r = runCommand(world, 'node03', 'ip netns list');
  const name = r.stdout.split('\n').find((l) => l.startsWith('cni-'))?.split(' ')[0];
  if (!name) throw new Error(`bench: no pod namespace on node03:\n${r.stdout}`);
  return name;
};

function main(): void {
  const quick = process.argv.includes('--quick');
  const figs: Figure[] = [];
  const small = lab(10);
  small.world.tracing = true;
  const walk = lookupOp(small.world, () => 'web.default.svc.cluster.local');
  log(`dns: web.default.svc.cluster.local walks four names, ${walk()} trace events`);
  figs.push(figure('dns.lookup.ndots5', 'µs', timeOp(walk, { runs: quick ? 5 : 9, inner: 2_000, unit: 'µs' }), 'a traced gethostbyname2 of web.default.svc.cluster.local in a pod on node03: three search-list NXDOMAINs and the answer, each query DNATed by kube-proxy to CoreDNS on another node (kubeadm Corefile, cache on)'));

  let seed = 7;
  const pick = (n: number) => () => {
    seed = (Math.imul(seed, 1103515245) + 12345) | 0;
    const i = (seed >>> 8) % n;
    return `${i === 0 ? 'web' : `svc${i}`}.default.svc.cluster.local.`;
  };
  withoutCache(small.world, small.cluster);
  figs.push(figure('dns.zone.10svc', 'µs', timeOp(lookupOp(small.world, pick(10)), { runs: quick ? 5 : 9, inner: 2_000, unit: 'µs' }), 'one traced lookup of a random Service of a 10-Service zone by its full name, answered by the kubernetes plugin (no cache)'));
  const t0 = performance.now();
  const big = lab(5000);
  log(`dns: a cluster with 5,000 Services built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  big.world.tracing = true;
  withoutCache(big.world, big.cluster);
  figs.push(figure('dns.zone.5000svc', 'µs', timeOp(lookupOp(big.world, pick(5000)), { runs: quick ? 5 : 9, inner: 2_000, unit: 'µs' }), 'the same in a zone of 5,000 Services'));
  emitFigures(figs);
}

if (isMain('dns')) main();
