/**
 * The performance budget: every promise Hoplab makes about speed and size, with the reason for it.
 * `npm run bench` measures the figures, `npm run bench:check` holds them to these limits (each
 * figure's median). Tests never assert wall-clock times; these budgets are where times live.
 */
import type { Figure } from './lib';

export interface Budget {
  id: string;
  /** the median must not exceed this */
  max: number;
  why: string;
}

/** A limit on how two figures relate (ratios, growth with lab size). */
export interface Relation {
  name: string;
  why: string;
  /** the measured value and the limit, or null when a figure is missing or skipped */
  eval(get: (id: string) => Figure | undefined): { value: number; max: number; detail: string } | null;
}

/**
 * Absolute budgets: only for what does not depend on the machine's speed (sizes, memory, frames
 * paced by the display) and the one load time the issue sets in seconds. Engine times are ratios
 * to the reference workload, below (RELATIONS).
 */
export const BUDGETS: Budget[] = [
  { id: 'cluster.10000pods.heap', max: 100, why: '≤ 10 KiB per pod, node routes included: 10,000 pods in ≤ 100 MB of JS heap (memory does not depend on the CPU)' },
  { id: 'kube.100nodes.heap', max: 400, why: 'a 100-node cluster with 5,000 Services and 15,000 pods (their API objects, namespaces, veths, routes and kube-proxy rules) fits in 400 MB of JS heap, as issue #11 asks (memory does not depend on the CPU)' },
  { id: 'bundle.app.gzip', max: 250, why: 'the app loads over a school network: ≤ 250 KB of gzipped JS before it runs (bytes, the same on every machine)' },
  { id: 'bundle.embed.gzip', max: 250, why: 'a course page may embed several widgets: ≤ 250 KB of gzipped JS each before its terminal (xterm) loads (bytes, the same on every machine)' },
  { id: 'mesh.canary.1000req.error', max: 2, why: "issue #15: a 3-service canary split of 1,000 requests lands within 2 percentage points of each configured weight (Envoy's weighted pick from the world's seeded generator: the same on every machine)" },
  { id: 'canvas.frame.1000hosts', max: 20, why: 'panning and zooming a 1,000-host lab stays fluid: frames ≤ 20 ms (the display paces frames at 16.7 ms on every machine)' },
  {
    id: 'browser.load.1000hosts',
    max: 3000,
    why: 'a saved 1,000-host lab is interactive (boxes drawn, the page answering) ≤ 3 s after the page is opened, the layout going on in its worker: absolute, as the issue sets it; measured about 1 s on the 2-vCPU development machine, so a machine of this kind half as fast still meets it',
  },
];

const val = (f: Figure | undefined): number | null => (f && !f.skipped && Number.isFinite(f.median) ? f.median : null);

/** a/b of two figures' medians must stay ≤ max */
function ratio(name: string, a: string, b: string, max: number, why: string): Relation {
  return {
    name,
    why,
    eval(get) {
      const x = val(get(a));
      const y = val(get(b));
      if (x === null || y === null || y === 0) return null;
      return { value: x / y, max, detail: `${a} / ${b} = ${(x / y).toFixed(2)}` };
    },
  };
}

/**
 * Growth with lab size: figure(big) / figure(small) ≤ slack × sizeRatio, i.e. no worse than linear in
 * the size that the algorithm must touch (with slack for cache effects).
 */
function linear(name: string, small: string, big: string, sizeRatio: number, slack: number, why: string): Relation {
  return {
    name,
    why,
    eval(get) {
      const x = val(get(small));
      const y = val(get(big));
      if (x === null || y === null || x === 0) return null;
      return { value: y / x, max: sizeRatio * slack, detail: `${big} / ${small} = ${(y / x).toFixed(2)} for ${sizeRatio.toFixed(1)}× the size` };
    },
  };
}

// sizes of the two clusters in bench/scale.ts: 100 and 500 nodes with 20 pods each
const NS_SMALL = 100 + 2000 + 1;
const NS_BIG = 500 + 10000 + 1;
const ROUTES_SMALL = 100 * 99;
const ROUTES_BIG = 500 * 499;
const OBJECTS_RATIO = (NS_BIG + ROUTES_BIG) / (NS_SMALL + ROUTES_SMALL);

/** Units to µs, so that a figure can be compared with the reference workload whatever its unit. */
const TO_US: Partial<Record<Figure['unit'], number>> = { ns: 1e-3, 'µs': 1, ms: 1e3 };

/**
 * The reference workload's median on the development machine (Intel Xeon, 2 vCPUs, quiet), in µs:
 * what turns each absolute promise made there into a ratio that holds on any machine of this kind,
 * where the engine and the reference get slower or faster together (bench/reference.ts).
 */
export const REF_DEV_US = 4.4;

/** figure ≤ `promise` (µs) on the development machine, i.e. figure / ref.workload ≤ promise / REF_DEV_US. */
function perReference(id: string, promise: number, shown: string, why: string): Relation {
  return {
    name: `${id} / ref`,
    why,
    eval(get) {
      const f = get(id);
      const x = val(f);
      const ref = val(get('ref.workload'));
      if (x === null || ref === null || ref === 0 || !f) return null;
      const us = x * TO_US[f.unit]!;
      const max = promise / REF_DEV_US;
      return { value: us / ref, max, detail: `${id} / ref.workload = ${(us / ref).toFixed(3)} (${shown} at the development machine's speed: ${((us / ref) * REF_DEV_US).toPrecision(3)} µs)` };
    },
  };
}

export const RELATIONS: Relation[] = [
  perReference('trace.seed.ping', 5, '≤ 5 µs', 'a traced ping (request, reply, every event) is what the student clicks most: 5 µs in the engine on the development machine, as a ratio to the reference workload so that it holds on another machine of this kind (an AMD EPYC measured 6.4 µs absolute)'),
  perReference('ping.seed.cmd', 16, '≤ 16 µs', 'a whole `ping -c 1` typed in a terminal (parse, ping, output, trace) fits many times in one 16 ms frame: 16 µs on the development machine'),
  perReference('seed.setup', 5000, '≤ 5 ms', 'loading a lesson stage (the seed lab from its preset, 45 commands) must feel instant: 5 ms on the development machine'),
  perReference('matrix.seed', 2000, '≤ 2 ms', 'the UI recomputes the reachability matrix after every edit: 2 ms on the development machine, well inside one 16 ms frame'),
  perReference('matrix.lan20', 5000, '≤ 5 ms', "Mininet's pingall on 20 hosts (380 verdicts, ARP included) in 5 ms on the development machine"),
  perReference('fib.lookup.100000', 1, '≤ 1 µs', 'a route lookup stays well under a microsecond even in a 100,000-route table on the development machine (and see the FIB ratio)'),
  perReference('cluster.10000pods.build', 1_000_000, '≤ 1 s', 'a 500-node, 10,000-pod cluster builds in under a second on the development machine'),
  perReference('netpol.model.table', 10_000, '≤ 10 ms', "the upstream e2e model's truth table (9 × 9 pods × 4 port/protocol, 5 policies) recomputed as a policy is edited: 10 ms on the development machine"),
  perReference('netpol.1000pods.program', 1_000_000, '≤ 1 s', 'every node of a 1,000-pod, 200-policy cluster gets its policy chains in 1 s on the development machine'),
  perReference('netpol.1000pods.matrix', 2_000_000, '≤ 2 s', 'the full 1,000 × 1,000 pod matrix on one port in 2 s on the development machine'),
  perReference(
    'tcp.dnat.ncz',
    20,
    '≤ 20 µs',
    'issue #10: a traced TCP connect (`nc -z`) from a pod to a Service-like DNAT address on another node, handshake and close with every event traced, in 20 µs on the development machine',
  ),
  perReference('nf.restore.10000svc', 1_000_000, '≤ 1 s', 'kube-proxy restores its whole nat table on every sync: 10,000 Services × 3 endpoints (about 100,000 rules) through iptables-restore in 1 s on the development machine'),
  perReference('cluster.10000pods.trace', 1000, '≤ 1 ms', 'one traced pod-to-pod ping across a 500-node cluster (ARP flooding the LAN) in under 1 ms on the development machine'),
  perReference('kube.3nodes.apply', 20_000, '≤ 20 ms', 'a 3-node cluster gets 10 Services and 30 pods from manifests (scheduled, wired by the CNI plugin, in EndpointSlices and kube-proxy rules) in 20 ms on the development machine'),
  perReference('kube.3nodes.trace', 40, '≤ 40 µs', 'a traced pod → ClusterIP → pod connection across nodes (DNAT by kube-proxy, handshake and close) in 40 µs on the development machine'),
  perReference('kube.100nodes.build', 5_000_000, '≤ 5 s', 'a 100-node cluster with 5,000 Services and 15,000 pods builds from manifests in 5 s on the development machine'),
  ratio('kube verdict flat', 'kube.100nodes.verdict', 'kube.3nodes.verdict', 2, "one connection's verdict in a 100-node, 15,000-pod cluster within 2× of the 3-node cluster's: what a packet touches does not grow with the cluster"),
  perReference('mesh.request.mtls.retry', 150, '≤ 150 µs', "issue #15: one traced HTTP request through two sidecars (REDIRECT, Envoy, mutual TLS, the peer's sidecar, the app) whose first try fails and is retried, every event traced, in 150 µs on the development machine"),
  perReference('mesh.canary.1000req', 100_000, '≤ 100 ms', 'issue #15: a 3-service canary split of 1,000 HTTP requests through the sidecars, each on its own client connection, in 100 ms on the development machine'),
  perReference(
    'dns.lookup.ndots5',
    50,
    '≤ 50 µs',
    "a pod's name lookup with the whole ndots:5 search walk (four queries and their answers, each DNATed by kube-proxy to CoreDNS on another node), traced: 50 µs on the development machine",
  ),
  ratio('DNS zone size', 'dns.zone.5000svc', 'dns.zone.10svc', 2, 'a zone of 5,000 Services is answered as fast as one of 10 (within 2×): CoreDNS finds a record from its indexes, never by walking the Services'),
  ratio('netpol verdict flat', 'netpol.verdict.1000pods', 'netpol.verdict.9pods', 2, "one connection's NetworkPolicy verdict in a 1,000-pod, 200-policy cluster within 2× of the 9-pod model's (a ratio in the same run: it holds on any machine)"),
  ratio(
    'FIB size',
    'fib.lookup.100000',
    'fib.lookup.10',
    3,
    'longest-prefix match must not slow down with table size: 100,000 routes within 3× of 10. Set from the spread of machines: 1.3× on the Intel Xeon, 2.4× on an AMD EPYC (its caches hold less of the big table); a lookup that walked the table would be 10,000×',
  ),
  ratio('nat table size', 'nf.verdict.10000svc', 'nf.verdict.10svc', 2, "a new connection's nat verdict must not walk KUBE-SERVICES rule by rule: 10,000 Services within 2× of 10 (the same first match, from an index)"),
  linear('replay growth', 'replay.lan500', 'replay.lan2000', 4, 1.5, 'undo, redo, import and reload rebuild the lab from its document: linear in its size (4× the hosts on one switch; before, each port joining re-sorted every port: 8.3×)'),
  linear(
    'cluster build growth',
    'cluster.2000pods.build',
    'cluster.10000pods.build',
    OBJECTS_RATIO,
    1.25,
    'building is linear in what is built (namespaces + routes; a host-gw cluster has N² node routes)',
  ),
  linear('cluster heap growth', 'cluster.2000pods.heap', 'cluster.10000pods.heap', OBJECTS_RATIO, 1.25, 'memory is linear in namespaces + routes'),
  linear(
    'cluster trace growth',
    'cluster.2000pods.trace',
    'cluster.10000pods.trace',
    5,
    2,
    'a cold trace floods ARP to every node: linear in nodes (5×); the slack covers what the matrix rule below explains, each flooded node being cold memory in the bigger heap (measured 5.4–6.9×), while a quadratic path would show 25×',
  ),
  linear(
    'cluster verdict flat',
    'cluster.2000pods.verdict',
    'cluster.10000pods.verdict',
    1,
    1.5,
    'one ping verdict costs what its packets touch, not the lab size: the same pair of nodes in 500 nodes as in 100 (flat, where linear would allow 5×; measured 1.15–1.2×, what a 100 MB heap costs the collector and the caches)',
  ),
  linear(
    'cluster matrix growth',
    'cluster.2000pods.matrix',
    'cluster.10000pods.matrix',
    25,
    2.5,
    'an N×N matrix is linear in pairs (25×). Each of its verdicts touches two random nodes: in a 100 MB heap that memory is cold (a verdict measured 1.9 µs in the 100-node matrix, 4.2 µs in the 500-node one, against 1.1 and 1.3 µs for one pair again and again), so the slack covers 2× of cache misses; the verdict rule above holds the algorithm itself to flat',
  ),
];
