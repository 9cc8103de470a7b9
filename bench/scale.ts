/**
 * Scale figures: a Kubernetes-sized lab (bench/cluster.ts) at two sizes, so budgets can check
 * that cost grows no faster than the lab.
 *
 *   cluster.<P>pods.build   ms   build the whole lab (namespaces, veths, bridges, addresses, routes)
 *   cluster.<P>pods.heap    MB   JS heap the lab holds (after a full GC, minus the heap before)
 *   cluster.<P>pods.trace   µs   one traced pod-to-pod ping across nodes, cold caches (ARP floods the LAN)
 *   cluster.<P>pods.verdict µs   one node-to-node ping verdict, the same pair again and again
 *   cluster.<P>pods.matrix  ms   every node to every node (N² ping verdicts), warm neighbour tables
 *
 * Run alone: `npx tsx bench/scale.ts [--quick]` (prints a JSON line of figures after "@@figures").
 */
import { probe } from '../src/engine';
import { parseDottedQuad } from '../src/engine/addr/ipv4';
import { brFdbLearn } from '../src/engine/bridge/fdb';
import type { Bridge } from '../src/engine/netns/netdev';
import { buildCluster, type Cluster } from './cluster';
import { cpuNow, emitFigures, figure, gc, heapUsed, log, timeOp, type Figure, isMain } from './lib';

const PODS_PER_NODE = 20;

/**
 * Warm caches as a running cluster has them: every node's eth0 learned by the LAN switch, and every
 * node holding a neighbour entry for every other (permanent, as flannel programs its peers), so a
 * probe measures the forwarding path rather than 500-port ARP floods.
 */
export function warmNeighbours(c: Cluster): void {
  const w = c.world;
  const lanNs = w.netns('__lan_lan0')!;
  const br = lanNs.devByName('br0') as Bridge;
  const eth0 = c.nodes.map((n) => w.netns(n.name)!.devByName('eth0')!);
  eth0.forEach((dev) => {
    if (dev.kind === 'veth') brFdbLearn(br, dev.peer, dev.mac, w.now);
  });
  c.nodes.forEach((n, i) => {
    const ns = w.netns(n.name)!;
    c.nodes.forEach((m, k) => {
      if (k === i) return;
      const e = ns.neigh.create(eth0[i], parseDottedQuad(m.addr)!, w.now);
      e.state = 'PERMANENT';
      e.mac = eth0[k].mac;
    });
  });
}

function clusterFigures(nodes: number, o: { buildRuns: number; matrixRuns: number }): Figure[] {
  const pods = nodes * PODS_PER_NODE;
  const id = (k: string) => `cluster.${pods}pods.${k}`;
  const builds: number[] = [];
  const heaps: number[] = [];
  let c: Cluster | undefined;
  for (let r = 0; r < o.buildRuns; r++) {
    c = undefined;
    const before = heapUsed();
    const t0 = cpuNow();
    c = buildCluster({ nodes, podsPerNode: PODS_PER_NODE });
    builds.push(cpuNow() - t0);
    heaps.push((heapUsed() - before) / 2 ** 20);
  }
  const lab = c!;
  const out = [
    figure(id('build'), 'ms', builds, `${nodes} nodes on one LAN, ${pods} pods (netns + veth + bridge port), ${nodes * (nodes - 1)} node routes`),
    figure(id('heap'), 'MB', heaps, `JS heap held by the ${nodes}-node lab (${((heaps[0] * 1024) / pods).toFixed(1)} KiB per pod, routes included)`),
  ];

  // one pod on the first node pings a pod on the last: pod -> bridge -> node -> LAN -> node -> bridge -> pod
  const from = lab.pods[0][0];
  const to = lab.pods[nodes - 1][5];
  const first = probe(lab.world, from.name, to.addr, { trace: true });
  if (!first.ok) throw new Error(`cluster: ${from.name} cannot reach ${to.addr}: ${first.summary}`);
  // the build just filled the heap: let the collector finish with it now, not during the timing
  gc();
  out.push(
    figure(
      id('trace'),
      'µs',
      timeOp(() => probe(lab.world, from.name, to.addr, { trace: true }), { runs: 21, inner: nodes <= 100 ? 200 : 100, warmup: 10, unit: 'µs' }),
      `${from.name} -> ${to.addr} traced, cold caches: ${first.trace.length} events (ARP is flooded to ${nodes} ports)`,
    ),
  );

  warmNeighbours(lab);
  // one verdict between the same two nodes, again and again: what the algorithm costs per pair,
  // with the pair's memory in the CPU caches (the matrix below also pays for cold memory)
  const a = lab.nodes[0];
  const b = lab.nodes[nodes - 1];
  if (!probe(lab.world, a.name, b.addr, { trace: false }).ok) throw new Error(`cluster: ${a.name} cannot reach ${b.addr}`);
  gc();
  out.push(
    figure(
      id('verdict'),
      'µs',
      timeOp(() => probe(lab.world, a.name, b.addr, { trace: false }), { runs: 15, inner: 50_000, unit: 'µs' }),
      `${a.name} -> ${b.addr}, one ping verdict (probe), warm neighbour tables, the same pair each time`,
    ),
  );
  const matrix = () => {
    let ok = 0;
    for (const a of lab.nodes) for (const b of lab.nodes) if (probe(lab.world, a.name, b.addr, { trace: false }).ok) ok++;
    return ok;
  };
  const samples: number[] = [];
  for (let r = 0; r < o.matrixRuns; r++) {
    const t0 = cpuNow();
    const ok = matrix();
    samples.push(cpuNow() - t0);
    if (ok !== nodes * nodes) throw new Error(`cluster matrix: ${ok}/${nodes * nodes} pairs reachable`);
  }
  out.push(figure(id('matrix'), 'ms', samples, `${nodes}×${nodes} = ${nodes * nodes} node-to-node ping verdicts (probe), warm neighbour tables`));
  return out;
}

export function scaleFigures(quick = false): Figure[] {
  const figs: Figure[] = [];
  for (const [nodes, runs] of [
    [100, { buildRuns: 7, matrixRuns: 5 }],
    [500, { buildRuns: quick ? 1 : 3, matrixRuns: quick ? 1 : 5 }],
  ] as const) {
    const t0 = performance.now();
    figs.push(...clusterFigures(nodes, runs));
    log(`  scale: ${nodes} nodes (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  return figs;
}

if (isMain('scale')) emitFigures(scaleFigures(process.argv.includes('--quick')));
