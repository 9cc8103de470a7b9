/**
 * Engine figures (no DOM): FIB lookups, the seed lab (setup, one traced ping, a whole `ping`
 * command, its reachability matrix) and a 20-host LAN's matrix (Mininet's `pingall`).
 *
 * Run alone: `npx tsx bench/engine.ts` (prints a JSON line of figures after "@@figures").
 */
import { asIpv4, formatIpv4, type Ipv4 } from '../src/engine/addr/ipv4';
import { FibTable } from '../src/engine/fib/table';
import type { FibRoute } from '../src/engine/fib/route';
import { probe, World } from '../src/engine';
import { runCommand } from '../src/commands';
import { buildWorld } from '../src/scenarios/runner';
import { seededRng } from '../src/engine/sim/rng';
import { emitFigures, figure, log, timeOp, type Figure, isMain } from './lib';
import { referenceWork } from './reference';
import { replay } from '../src/store/replay';
import type { LabDoc } from '../src/store/doc';

/** The lesson's lab with routes and forwarding on (preset "routed"): 3 nodes, 3 pods. */
export const seedLab = (): World => buildWorld({ name: 'seed', preset: 'routed', steps: [] });
export const SEED_HOSTS = ['node01', 'node02', 'node03', 'pod1', 'pod2', 'pod3'];
export const SEED_ADDRS = ['192.168.1.11', '192.168.1.12', '192.168.1.13', '10.244.1.2', '10.244.2.2', '10.244.3.2'];

// ---- FIB ------------------------------------------------------------------------------------

/** Prefix lengths as a Kubernetes node's table mixes them: host routes, pod /24s, wider aggregates, a default. */
const PLENS = [32, 32, 32, 28, 24, 24, 24, 20, 16, 12, 8, 0];

/**
 * A table of n unicast routes with mixed prefix lengths (drawn from PLENS, every length present
 * at every size), and 4096 lookup addresses: three quarters inside some route, the rest random.
 */
export function fibFixture(n: number, seed = 7): { table: FibTable; addrs: Ipv4[] } {
  const rnd = seededRng(seed);
  const table = new FibTable(254);
  const dev = { name: 'eth0' } as unknown as NonNullable<FibRoute['nh']>['dev'];
  const prefixes: { dst: Ipv4; mask: number }[] = [];
  let i = 0;
  while (table.size < n) {
    const plen = i < PLENS.length ? PLENS[i] : PLENS[Math.floor(rnd() * PLENS.length)];
    i++;
    const mask = plen === 0 ? 0 : (0xffffffff << (32 - plen)) >>> 0;
    const dst = asIpv4((Math.floor(rnd() * 2 ** 32) & mask) >>> 0);
    if (table.aliases(dst, plen)) continue;
    table.insert({ table: 254, type: 'unicast', dst, plen, metric: 0, proto: 4, scope: 0, prefsrc: undefined, nh: { gw: asIpv4(0x0a000001), dev, onlink: false, scope: 253 } }, 'add');
    prefixes.push({ dst, mask });
  }
  const addrs: Ipv4[] = [];
  for (let k = 0; k < 4096; k++) {
    const p = prefixes[Math.floor(rnd() * prefixes.length)];
    // an address inside a random route (its host bits random), or anywhere
    addrs.push(rnd() < 0.75 ? asIpv4((p.dst | (Math.floor(rnd() * 2 ** 32) & ~p.mask)) >>> 0) : asIpv4(Math.floor(rnd() * 2 ** 32)));
  }
  return { table, addrs };
}

function fibFigures(): Figure[] {
  const out: Figure[] = [];
  for (const n of [10, 1000, 100_000]) {
    // three tables built afresh, seven runs on each: where a big table's arrays land in memory
    // moves its figure by a fifth from one process to the next, so one table is not enough
    const samples: number[] = [];
    for (let build = 0; build < 3; build++) {
      const { table, addrs } = fibFixture(n);
      let k = 0;
      let hits = 0;
      const op = () => {
        if (table.lookup(addrs[k++ & 4095])) hits++;
      };
      samples.push(...timeOp(op, { runs: 7, inner: 200_000, warmup: 400_000, unit: 'ns' }));
      if (hits === 0) throw new Error('fib fixture: no lookup hit');
    }
    out.push(figure(`fib.lookup.${n}`, 'ns', samples, `LPM in one table of ${n} routes (/0–/32 mixed), 3/4 of lookups inside a route`));
  }
  return out;
}

// ---- the seed lab -----------------------------------------------------------------------------

function seedFigures(): Figure[] {
  const out: Figure[] = [];
  out.push(figure('seed.setup', 'ms', timeOp(seedLab, { runs: 15, inner: 100, warmup: 50, unit: 'ms' }), 'build the routed seed lab (6 namespaces, 45 commands) from its preset'));

  // the lesson's ping, pod1 -> pod2 across nodes, on a lab whose caches are warm (one real ping first)
  const w = seedLab();
  runCommand(w, 'pod1', 'ping -c 1 -W 1 10.244.2.2');
  const traced = probe(w, 'pod1', '10.244.2.2', { trace: true });
  if (!traced.ok) throw new Error(`seed lab: pod1 cannot reach pod2 (${traced.summary})`);
  out.push(
    figure(
      'trace.seed.ping',
      'µs',
      timeOp(() => probe(w, 'pod1', '10.244.2.2', { trace: true }), { runs: 15, inner: 10_000, unit: 'µs' }),
      `probe pod1 -> 10.244.2.2 with its trace (${traced.trace.length} events, request and reply), world left as it was`,
    ),
  );
  out.push(figure('probe.seed.ping', 'µs', timeOp(() => probe(w, 'pod1', '10.244.2.2', { trace: false }), { runs: 15, inner: 10_000, unit: 'µs' }), 'the same verdict without building the trace'));
  const cmd = 'ping -c 1 -W 1 10.244.2.2';
  const r = runCommand(w, 'pod1', cmd);
  if (r.exit !== 0) throw new Error(`seed lab: ${cmd} failed: ${r.stdout}${r.stderr}`);
  out.push(figure('ping.seed.cmd', 'µs', timeOp(() => runCommand(w, 'pod1', cmd), { runs: 15, inner: 10_000, unit: 'µs' }), `runCommand(pod1, "${cmd}"): parse, ping, output text and trace`));

  // the reachability matrix as the UI computes it after an edit: every host to every other, cold caches
  const fresh = seedLab();
  const matrix = () => {
    let ok = 0;
    for (const from of SEED_HOSTS) for (const to of SEED_ADDRS) if (SEED_ADDRS[SEED_HOSTS.indexOf(from)] !== to && probe(fresh, from, to, { trace: false }).ok) ok++;
    return ok;
  };
  const reach = matrix();
  if (reach !== 30) throw new Error(`seed matrix: ${reach}/30 pairs reachable`);
  out.push(figure('matrix.seed', 'ms', timeOp(matrix, { runs: 15, inner: 50, unit: 'ms' }), '30 ordered pairs of the 6 seed hosts, one ping verdict each (probe, cold caches)'));
  return out;
}

// ---- 20 hosts on one LAN (pingall) -----------------------------------------------------------------

export function lanWorld(hosts: number): { world: World; names: string[]; addrs: string[] } {
  const world = new World();
  const names = Array.from({ length: hosts }, (_, i) => `h${i + 1}`);
  for (const n of names) world.addHost(n);
  world.addLan(
    'lan0',
    names.map((n) => `${n}:eth0`),
  );
  const addrs = names.map((_, i) => formatIpv4(asIpv4(0x0a000001 + i)));
  names.forEach((n, i) => runCommand(world, n, `ip addr add ${addrs[i]}/24 dev eth0`));
  return { world, names, addrs };
}

function lanFigures(): Figure[] {
  const { world, names, addrs } = lanWorld(20);
  const pingall = () => {
    let ok = 0;
    for (let i = 0; i < names.length; i++) for (let j = 0; j < names.length; j++) if (i !== j && probe(world, names[i], addrs[j], { trace: false }).ok) ok++;
    return ok;
  };
  const reach = pingall();
  if (reach !== 380) throw new Error(`lan20: ${reach}/380 pairs reachable`);
  return [figure('matrix.lan20', 'ms', timeOp(pingall, { runs: 15, inner: 3, unit: 'ms' }), '380 ordered pairs of 20 hosts on one LAN, a full ping verdict each (ARP included)')];
}

// ---- the reference workload --------------------------------------------------------------------

function referenceFigures(): Figure[] {
  let seed = 1;
  const samples = timeOp(() => referenceWork(seed++), { runs: 15, inner: 20_000, warmup: 20_000, unit: 'µs' });
  return [figure('ref.workload', 'µs', samples, 'bench/reference.ts: records, Map lookups, arrays and integer work, nothing of Hoplab; the engine budgets are ratios to it')];
}

// ---- replay (undo, redo, import and reload rebuild the lab from its document) -------------------

/** A lab document: `n` hosts on one LAN switch. */
export function lanDoc(n: number): LabDoc {
  const hosts = Array.from({ length: n }, (_, i) => `h${i + 1}`);
  return { title: `${n} hosts`, preset: null, base: { name: `lan-${n}`, hosts, lans: { lan0: hosts.map((h) => `${h}:eth0`) }, steps: [] }, ops: [], positions: {} };
}

function replayFigures(): Figure[] {
  return [500, 2000].map((n) => {
    const doc = lanDoc(n);
    const runs = timeOp(() => replay(doc), { runs: 7, inner: n === 500 ? 8 : 2, warmup: 2, unit: 'ms' });
    return figure(`replay.lan${n}`, 'ms', runs, `rebuild a lab of ${n} hosts on one LAN switch from its document (what a reload or an undo does)`);
  });
}

export function engineFigures(): Figure[] {
  const figs: Figure[] = [];
  // the seed lab first: the FIB figures' 100,000-route tables would otherwise leave a big old
  // generation and a JIT tuned for huge tables behind, which no lesson's lab has
  for (const [name, f] of [
    ['reference', referenceFigures],
    ['seed lab', seedFigures],
    ['lan20', lanFigures],
    ['replay', replayFigures],
    ['fib', fibFigures],
  ] as const) {
    const t0 = performance.now();
    figs.push(...f());
    log(`  engine: ${name} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  return figs;
}

if (isMain('engine')) emitFigures(engineFigures());
