import { describe, expect, it } from 'vitest';
import { runCommand } from '../commands';
import { buildWorld } from '../scenarios/runner';
import type { World } from '../engine/world';
import { applyOp, presetDoc, replay, replayAsync, replayUnits } from './replay';
import type { LabDoc } from './doc';

/** The lab as the scenario runner builds it, all at once (what replay did before it went step by step). */
function builtAtOnce(doc: LabDoc): World {
  const world = buildWorld(doc.base);
  world.tracing = false;
  for (const s of doc.base.steps) runCommand(world, s.on, s.run, { shell: 'sh' });
  for (const op of doc.ops) applyOp(world, op);
  world.tracing = true;
  return world;
}

const custom: LabDoc = {
  title: 'custom',
  preset: null,
  base: {
    name: 'custom',
    preset: 'routed',
    hosts: ['r1', 'r2', 'r3'],
    lans: { lan1: ['r1:eth0', 'r2:eth0', 'node01:eth1'], lan2: ['r3:eth0'] },
    links: [['r1:eth1', 'r3:eth1']],
    steps: [{ on: 'r1', run: 'ip addr add 10.0.0.1/24 dev eth0' }],
  },
  ops: [
    { kind: 'host', name: 'r4' },
    { kind: 'lan-member', lan: 'lan2', member: 'r4:eth0' },
    { kind: 'cmd', on: 'r4', run: 'ip addr add 10.0.1.4/24 dev eth0', edit: true },
    { kind: 'cmd', on: 'node01', run: 'ping -c 1 -W 1 10.244.2.2', edit: false },
  ],
  positions: {},
};

describe('replay', () => {
  it('builds the same lab as the scenario runner, MAC addresses and all', () => {
    // a cluster's LAN exists before the scenario's own members are plugged into it
    const cluster: LabDoc = { ...custom, base: { name: 'cluster', preset: 'cluster', hosts: ['extra'], lans: { lan0: ['extra:eth0'] }, steps: [] }, ops: [] };
    for (const doc of [presetDoc('routed'), presetDoc('single-network'), custom, cluster]) expect(replay(doc).snapshot()).toEqual(builtAtOnce(doc).snapshot());
  });

  it('in slices, builds the same lab and reports its progress to the end', async () => {
    const seen: number[] = [];
    let t = 0;
    const world = await replayAsync(custom, (p) => seen.push(p.done), () => (t += 50)); // every look at the clock is 50 ms later: a slice each time
    expect(world.snapshot()).toEqual(replay(custom).snapshot());
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)).toBe(replayUnits(custom));
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  it('refuses what the world refuses, as building it at once does', () => {
    const twice: LabDoc = { ...custom, base: { ...custom.base, lans: { lan1: ['r1:eth0', 'r1:eth0'] } } };
    expect(() => replay(twice)).toThrow('interface "r1:eth0" is listed twice');
    expect(() => replay({ ...custom, base: { ...custom.base, preset: 'constructor' } })).toThrow(/^unknown preset "constructor"/);
  });
});
