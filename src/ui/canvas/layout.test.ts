import { describe, expect, it } from 'vitest';
import { buildGraph } from './graph';
import { elkInput, elkLayout } from './layout';
import { seedSnapshot } from './fixture.test-data';

// elk is a big library: loading it takes seconds on a busy machine
describe('elk layout', { timeout: 60_000 }, () => {
  const g = buildGraph(seedSnapshot(), {});
  it('lays out only the top level, with machines above the switch', async () => {
    const input = elkInput(g);
    expect(input.graph.children!.map((c) => c.id).sort()).toEqual(['host:node01', 'host:node02', 'lan:lan0']);
    const pos = await elkLayout(input);
    expect(pos['lan:lan0'].y).toBeGreaterThan(pos['host:node01'].y);
    expect(pos['lan:lan0'].y).toBeGreaterThan(pos['host:node02'].y);
    expect(pos['host:node01'].x).not.toBe(pos['host:node02'].x);
  });
  it('puts a switch with nothing plugged in below the machines too', async () => {
    const snap = seedSnapshot();
    snap.lans.push({ name: 'lan1', members: [] });
    snap.netns.push({ name: '__lan_lan1', role: 'lan', ipForward: false, routes: [], devs: [] });
    const pos = await elkLayout(elkInput(buildGraph(snap, {})));
    expect(pos['lan:lan1'].y).toBeGreaterThan(pos['host:node01'].y);
  });

  it('keeps the key stable when nothing that matters changed', () => {
    const again = buildGraph(seedSnapshot(), {}, { 'host:node01': { x: 1, y: 2 } });
    expect(elkInput(again).key).toBe(elkInput(g).key);
  });
});
