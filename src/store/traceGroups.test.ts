import { describe, expect, it } from 'vitest';
import { buildWorld } from '../scenarios/runner';
import { runCommand } from '../commands';
import { createAppStore } from './index';
import { presetDoc } from './replay';
import { World } from '../engine/world';
import { TRACE_CAP } from '../engine/sim/trace';
import { emptyTrace, traceReducers } from './trace';
import { GROUPED_MIN } from './traceGroups';

describe('long traces (issue 9 item 1 and the UI list)', () => {
  it('a traceroute is shown in groups, one per packet, and plays group by group', () => {
    const w = buildWorld({ name: 't', preset: 'routed', steps: [] });
    const r = runCommand(w, 'pod1', 'traceroute -n 10.244.3.2');
    expect(r.trace.length).toBeGreaterThanOrEqual(GROUPED_MIN);
    const t = traceReducers.show(emptyTrace, r.trace, { on: 'pod1', line: 'traceroute -n 10.244.3.2' });
    expect(t.groups.length).toBeGreaterThan(1);
    expect(t.groups.length).toBeLessThan(r.trace.length / 3);
    // every event is in exactly one group, and a group is one packet
    const seen = t.groups.flatMap((g) => g.indices).sort((a, b) => a - b);
    expect(seen).toEqual(r.trace.map((_, i) => i));
    for (const g of t.groups) expect(new Set(g.indices.map((i) => r.trace[i].packetId)).size).toBe(1);
    // playing visits the stops only, in order, and ends on the last event
    let p = traceReducers.play({ ...t, cursor: 0 });
    const visited: number[] = [];
    while (p.playing) {
      p = traceReducers.tick(p);
      visited.push(p.cursor);
    }
    expect(visited).toEqual(t.stops.filter((i) => i > 0));
    expect(visited.length).toBeLessThan(r.trace.length / 3);
    expect(visited[visited.length - 1]).toBe(r.trace.length - 1);
  });

  it('a routed ping plays in a few steps, one per packet; a short trace event by event', () => {
    const w = buildWorld({ name: 't', preset: 'routed', steps: [] });
    const cold = runCommand(w, 'pod1', 'ping -c 1 10.244.2.2');
    const t = traceReducers.show(emptyTrace, cold.trace, { on: 'pod1', line: 'ping' });
    expect(cold.trace.length).toBeGreaterThanOrEqual(GROUPED_MIN);
    expect(t.stops.length).toBeLessThan(12);
    const warm = runCommand(w, 'pod1', 'ping -c 1 10.244.1.1');
    expect(warm.trace.length).toBeLessThan(GROUPED_MIN);
    const u = traceReducers.show(emptyTrace, warm.trace, { on: 'pod1', line: 'ping' });
    expect(u.groups).toEqual([]);
    expect(traceReducers.tick({ ...u, playing: true }).cursor).toBe(1);
  });

  it('a storm is shown as the engine capped it: TRACE_CAP events, then the one summary, in a group of its own', () => {
    const w = new World();
    w.addHost('a');
    const r = runCommand(w, 'a', 'ping -c 3000 -i 0 -q 127.0.0.1');
    const t = traceReducers.show(emptyTrace, r.trace, { on: 'a', line: 'ping' });
    expect(t.events).toHaveLength(TRACE_CAP + 1);
    expect(t.events[TRACE_CAP]).toMatchObject({ verdict: 'TRACE_CAP', text: expect.stringMatching(/^trace stopped after 5,000 events/) });
    expect(t.groups.at(-1)?.indices).toEqual([TRACE_CAP]);
  });
});

describe('Apply fix', () => {
  it('once the fix ran and changed the lab, the trace says so and offers no fix again', () => {
    const store = createAppStore({ initial: presetDoc('before-routes') });
    store.getState().submitLine('node01', 'ping -c 1 10.244.2.2');
    const drop = store.getState().trace.events.find((e) => e.fix);
    expect(drop?.fix?.run).toMatch(/^ip route add 10\.244\.2\.0\/24 via 192\.168\.1\.12/);
    expect(store.getState().trace.fixApplied).toBe(false);
    store.getState().applyTraceFix(drop!.fix!);
    expect(store.getState().trace.fixApplied).toBe(true);
    // a fix that changes nothing (it was applied already) is not taken for applied
    store.getState().clearTrace();
    store.getState().submitLine('node01', 'ping -c 1 10.244.9.9');
    store.getState().applyTraceFix({ text: 'again', on: 'node01', run: 'ip route add 10.244.2.0/24 via 192.168.1.12' });
    expect(store.getState().trace.fixApplied).toBe(false);
  });
});
