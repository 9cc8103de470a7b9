import { describe, expect, it } from 'vitest';
import { buildWorld } from '../scenarios/runner';
import { presets } from '../scenarios/presets';
import { runCommand } from '../commands';
import { computeMatrix, matrixHosts, primaryAddress, probeTrace } from './matrix';

function lab(name: string) {
  const sc = presets[name].scenario;
  const world = buildWorld(sc);
  for (const s of sc.steps) runCommand(world, s.on, s.run);
  return world;
}

describe('reachability matrix', () => {
  it('knows each host by its eth0/pod address, not its bridge', () => {
    const snap = lab('before-routes').snapshot();
    const hosts = matrixHosts(snap);
    expect(hosts).toEqual([
      { name: 'node01', addr: '192.168.1.11' },
      { name: 'node02', addr: '192.168.1.12' },
      { name: 'node03', addr: '192.168.1.13' },
      { name: 'pod1', addr: '10.244.1.2' },
      { name: 'pod2', addr: '10.244.2.2' },
      { name: 'pod3', addr: '10.244.3.2' },
    ]);
    expect(primaryAddress({ name: 'x', role: 'host', ipForward: false, routes: [], devs: [] })).toBeNull();
  });

  it('gives the lecture verdicts before the routes, without changing the lab', () => {
    const world = lab('before-routes');
    const version = world.version;
    const hosts = matrixHosts(world.snapshot());
    const cells = computeMatrix(world, hosts);
    const at = (from: string, to: string) => cells[hosts.findIndex((h) => h.name === from)][hosts.findIndex((h) => h.name === to)];
    expect(at('node01', 'node01')).toBeNull();
    expect(at('node01', 'pod2')).toMatchObject({ ok: false, summary: 'Network is unreachable', verdict: { kind: 'connect', errno: 'ENETUNREACH' } });
    expect(at('node01', 'pod1')?.verdict).toEqual({ kind: 'reply' });
    expect(at('node01', 'pod1')).toMatchObject({ ok: true, summary: 'reply' });
    expect(at('pod1', 'node01')?.ok).toBe(true);
    expect(at('pod1', 'pod2')?.ok).toBe(false);
    expect(world.version).toBe(version);
  });

  it('everyone reaches everyone once routed, and a cell has a trace', () => {
    const world = lab('routed');
    const cells = computeMatrix(world, matrixHosts(world.snapshot()));
    expect(cells.flat().filter(Boolean).every((c) => c!.ok)).toBe(true);
    const r = probeTrace(world, 'pod1', '10.244.2.2');
    expect(r.ok).toBe(true);
    expect(r.trace.some((e) => e.netns === 'node02' && e.verdict === 'FORWARD')).toBe(true);
  });
});

describe('the matrix in the store', () => {
  it('is computed by an action, for the lab version, and a cell opens its trace as a probe', async () => {
    const { createAppStore } = await import('./index');
    const { presetDoc } = await import('./replay');
    const store = createAppStore({ initial: presetDoc('before-routes') });
    expect(store.getState().matrix).toBeNull();
    store.getState().refreshMatrix();
    const m = store.getState().matrix!;
    expect(m.version).toBe(store.getState().snapshot.version);
    store.getState().refreshMatrix();
    expect(store.getState().matrix).toBe(m);
    const cell = m.cells[0].find((c) => c && !c.ok)!;
    store.getState().openMatrixCell(cell);
    expect(store.getState().trace.title).toContain('probe');
    expect(store.getState().doc.ops).toEqual([]);
  });
});
