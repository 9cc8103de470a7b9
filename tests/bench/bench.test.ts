/**
 * The benchmark harness itself: budget verdicts, the reproducibility comparison, and the fixtures
 * the figures are measured on (they must build what they claim). No wall-clock assertions.
 */
import { describe, expect, it } from 'vitest';
import { checkResults, compareRuns } from '../../bench/check';
import { BUDGETS, REF_DEV_US, RELATIONS } from '../../bench/budgets';
import { buildCluster } from '../../bench/cluster';
import { fibFixture, lanDoc, lanWorld } from '../../bench/engine';
import { referenceWork } from '../../bench/reference';
import { replay } from '../../src/store/replay';
import { warmNeighbours } from '../../bench/scale';
import { bigLab } from '../../bench/biglab';
import { figure, median, skipped, type Figure } from '../../bench/lib';
import { probe } from '../../src/engine';
import { parseLab } from '../../src/store/persist';

const fig = (id: string, median: number, unit: Figure['unit'] = 'ms'): Figure => ({ id, unit, median, min: median, max: median, runs: 3 });

describe('bench:check', () => {
  const budget = { id: 'x.ms', max: 5, why: 'because' };

  it('passes a median within budget, fails one over it, and fails a budgeted figure that is missing', async () => {
    expect(checkResults([fig('x.ms', 5)], [budget], [])[0].status).toBe('pass');
    expect(checkResults([fig('x.ms', 5.01)], [budget], [])[0].status).toBe('fail');
    expect(checkResults([], [budget], [])[0]).toMatchObject({ status: 'fail', detail: 'not measured' });
  });

  it('reports a skipped figure (no root, no Chromium) as skipped with its reason, not as a failure', async () => {
    const v = checkResults([skipped('x.ms', 'ms', 'not root')], [budget], []);
    expect(v[0]).toMatchObject({ status: 'skipped', detail: 'not root' });
  });

  it('holds the FIB to 3× between 10 and 100,000 routes (the spread of machines: 1.3× Intel, 2.4× AMD)', async () => {
    const fibRule = RELATIONS.find((r) => r.name === 'FIB size')!;
    expect(checkResults([fig('fib.lookup.10', 50, 'ns'), fig('fib.lookup.100000', 120, 'ns')], [], [fibRule])[0].status).toBe('pass');
    expect(checkResults([fig('fib.lookup.10', 50, 'ns'), fig('fib.lookup.100000', 151, 'ns')], [], [fibRule])[0].status).toBe('fail');
  });

  it('holds engine times as ratios to the reference workload: a machine twice as slow at both passes', async () => {
    const rule = RELATIONS.find((r) => r.name === 'trace.seed.ping / ref')!;
    const on = (ref: number, ping: number) => checkResults([fig('ref.workload', ref, 'µs'), fig('trace.seed.ping', ping, 'µs')], [], [rule])[0].status;
    expect(on(REF_DEV_US, 3.3)).toBe('pass'); // the development machine
    expect(on(REF_DEV_US * 2, 6.6)).toBe('pass'); // the same code on a machine half as fast
    expect(on(REF_DEV_US, 6.4)).toBe('fail'); // the engine itself twice as slow
    // units: a ms figure is compared in µs
    const setup = RELATIONS.find((r) => r.name === 'seed.setup / ref')!;
    expect(checkResults([fig('ref.workload', REF_DEV_US, 'µs'), fig('seed.setup', 4.9)], [], [setup])[0].status).toBe('pass');
    expect(checkResults([fig('ref.workload', REF_DEV_US, 'µs'), fig('seed.setup', 5.1)], [], [setup])[0].status).toBe('fail');
  });

  it('holds replay to linear growth: 4× the hosts, at most 6× the time', async () => {
    const rule = RELATIONS.find((r) => r.name === 'replay growth')!;
    expect(checkResults([fig('replay.lan500', 50), fig('replay.lan2000', 194)], [], [rule])[0].status).toBe('pass');
    expect(checkResults([fig('replay.lan500', 105), fig('replay.lan2000', 869)], [], [rule])[0].status).toBe('fail'); // measured before the fix
  });

  it('fails growth worse than linear in lab size', async () => {
    const matrix = RELATIONS.find((r) => r.name === 'cluster matrix growth')!;
    expect(checkResults([fig('cluster.2000pods.matrix', 100), fig('cluster.10000pods.matrix', 2400)], [], [matrix])[0].status).toBe('pass');
    expect(checkResults([fig('cluster.2000pods.matrix', 100), fig('cluster.10000pods.matrix', 7000)], [], [matrix])[0].status).toBe('fail');
    const verdict = RELATIONS.find((r) => r.name === 'cluster verdict flat')!;
    expect(checkResults([fig('cluster.2000pods.verdict', 2, 'µs'), fig('cluster.10000pods.verdict', 2.9, 'µs')], [], [verdict])[0].status).toBe('pass');
    expect(checkResults([fig('cluster.2000pods.verdict', 2, 'µs'), fig('cluster.10000pods.verdict', 3.1, 'µs')], [], [verdict])[0].status).toBe('fail');
  });

  it('every budget names a reason', async () => {
    for (const b of BUDGETS) expect(b.why.length, b.id).toBeGreaterThan(20);
  });

  it('compares two runs median by median, 20% apart at most', async () => {
    const d = compareRuns([fig('a', 10), fig('b', 10), skipped('c', 'ms', 'n/a')], [fig('a', 11.9), fig('b', 12.1)]);
    expect(d.map((x) => [x.id, x.ok])).toEqual([
      ['a', true],
      ['b', false],
    ]);
  });

  it('a figure keeps median, min, max and the number of runs', async () => {
    expect(figure('f', 'µs', [3, 1, 2, 10])).toMatchObject({ median: 2.5, min: 1, max: 10, runs: 4 });
    expect(median([5, 1, 3])).toBe(3);
  });
});

describe('bench fixtures', () => {
  it('the FIB fixture has the asked number of routes and every prefix length at every size', async () => {
    for (const n of [10, 1000]) {
      const { table, addrs } = fibFixture(n);
      expect(table.size).toBe(n);
      expect(addrs).toHaveLength(4096);
      expect(addrs.filter((a) => table.lookup(a)).length).toBeGreaterThanOrEqual(addrs.length * 0.7);
    }
  });

  it('a cluster: pods reach pods on other nodes through the node routes, and probes leave it as it was', async () => {
    const c = buildCluster({ nodes: 4, podsPerNode: 3 });
    expect(c.world.hostNames()).toHaveLength(4 + 12);
    expect(c.world.netns(c.nodes[0].name)!.main.dump().filter((r) => r.nh?.gw !== undefined)).toHaveLength(3);
    const before = c.world.snapshot();
    for (const [i, j] of [
      [0, 3],
      [2, 1],
    ]) {
      const r = probe(c.world, c.pods[i][0].name, c.pods[j][2].addr, { trace: true });
      expect(r.ok, r.summary).toBe(true);
      expect(r.trace.some((e) => e.netns === c.nodes[i].name && e.verdict === 'FORWARD')).toBe(true);
    }
    expect(c.world.snapshot()).toEqual(before);
  });

  it('warm neighbour tables answer without ARP, and every node reaches every node', async () => {
    const c = buildCluster({ nodes: 5, podsPerNode: 1 });
    warmNeighbours(c);
    for (const a of c.nodes)
      for (const b of c.nodes) {
        const r = probe(c.world, a.name, b.addr, { trace: true });
        expect(r.ok).toBe(true);
        expect(r.trace.some((e) => e.verdict === 'NEIGH_RESOLVE' || e.verdict === 'FLOOD')).toBe(false);
      }
  });

  it('the 20-host LAN answers every pair', async () => {
    const { world, names, addrs } = lanWorld(5);
    for (const n of names) for (const a of addrs) expect(probe(world, n, a, { trace: false }).ok).toBe(true);
  });

  it('the reference workload is deterministic and depends on its seed', () => {
    expect(referenceWork(7)).toBe(referenceWork(7));
    expect(referenceWork(7)).not.toBe(referenceWork(8));
  });

  it('the replay fixture is a lab of n hosts on one switch', () => {
    const w = replay(lanDoc(50));
    expect(w.hostNames()).toHaveLength(50);
    expect(w.snapshot().lans[0].members).toHaveLength(50);
  });

  it('the 1,000-host lab is a valid lab file', async () => {
    const r = await parseLab(bigLab(1000));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.doc.base.hosts).toHaveLength(1000);
  });
});
