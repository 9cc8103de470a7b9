import { describe, expect, it } from 'vitest';
import { createAppStore } from './index';
import { presetDoc } from './replay';
import { serializeLab, type KeyValueStorage } from './persist';

function memory(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

const routesOf = (s: ReturnType<typeof createAppStore>, host: string) => s.getState().snapshot.netns.find((n) => n.name === host)!.routes;

describe('lab slice', () => {
  it('starts from a preset and shows the lesson’s failing ping with its trace', () => {
    const store = createAppStore({ initial: presetDoc('before-routes') });
    const r = store.getState().run('node01', 'ping -c 1 -W 1 10.244.2.2');
    expect(r.stderr).toContain('Network is unreachable');
    expect(r.exit).not.toBe(0);
  });

  it('records world-changing commands, refreshes the snapshot and autosaves', () => {
    const storage = memory();
    const store = createAppStore({ initial: presetDoc('before-routes'), storage });
    const v0 = store.getState().snapshot.version;
    store.getState().run('node01', 'ip route add 10.244.2.2 via 192.168.1.12');
    const s = store.getState();
    expect(s.snapshot.version).toBeGreaterThan(v0);
    expect(routesOf(store, 'node01').some((r) => r.startsWith('10.244.2.2 via 192.168.1.12'))).toBe(true);
    expect(s.doc.ops).toEqual([{ kind: 'cmd', on: 'node01', run: 'ip route add 10.244.2.2 via 192.168.1.12', edit: true }]);
    expect(s.canUndo).toBe(true);
    expect(JSON.parse(storage.data.get('hoplab.lab.v1')!).ops).toHaveLength(1);
  });

  it('does not record read-only commands', () => {
    const store = createAppStore({ initial: presetDoc('before-routes') });
    store.getState().run('node01', 'ip route');
    expect(store.getState().doc.ops).toEqual([]);
    expect(store.getState().canUndo).toBe(false);
  });

  it('a failing edit changes nothing and returns the real error', () => {
    const store = createAppStore({ initial: presetDoc('before-routes') });
    const before = routesOf(store, 'node01');
    const r = store.getState().edit('node01', ['ip route add 10.244.2.2 via 192.168.1.12', 'ip route add 10.244.3.2 via 10.9.9.9']);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/Nexthop has invalid gateway/);
    expect(routesOf(store, 'node01')).toEqual(before);
    expect(store.getState().doc.ops).toEqual([]);
    expect(store.getState().activity.at(-1)).toMatchObject({ ok: false, on: 'node01' });
  });

  it('undo and redo replay the document; pings are not undo steps', () => {
    const store = createAppStore({ initial: presetDoc('before-routes') });
    const st = () => store.getState();
    st().edit('node01', 'ip route add 10.244.2.2 via 192.168.1.12');
    st().run('node01', 'ping -c 1 -W 1 10.244.2.2');
    st().undo();
    expect(routesOf(store, 'node01').some((r) => r.startsWith('10.244.2.2'))).toBe(false);
    expect(st().doc.ops).toEqual([]);
    st().redo();
    expect(routesOf(store, 'node01').some((r) => r.startsWith('10.244.2.2'))).toBe(true);
    expect(st().canRedo).toBe(false);
  });

  it('topology edits: a machine plugged into the LAN, then a cable', () => {
    const store = createAppStore({ initial: presetDoc('fresh') });
    const st = () => store.getState();
    expect(st().apply([{ kind: 'host', name: 'node04' }, { kind: 'lan-member', lan: 'lan0', member: 'node04:eth0' }, { kind: 'cmd', on: 'node04', run: 'ip addr add 192.168.1.14/24 dev eth0' }]).ok).toBe(true);
    expect(st().snapshot.lans[0].members.map((m) => m.netns)).toContain('node04');
    expect(st().run('node04', 'ping -c 1 -W 1 192.168.1.11').stdout).toContain('1 received');
    // a duplicate machine is refused and changes nothing
    const r = st().addTopology({ kind: 'host', name: 'node04' });
    expect(r.ok).toBe(false);
    expect(st().doc.ops).toHaveLength(3 + 1); // the ping is kept for replay
  });

  it('import: a corrupt file leaves the lab untouched; a good one replaces it (undoably)', async () => {
    const store = createAppStore({ initial: presetDoc('before-routes') });
    const st = () => store.getState();
    st().edit('node01', 'ip route add 10.244.2.2 via 192.168.1.12');
    const doc = st().doc;
    expect((await st().importLab('{ nope')).ok).toBe(false);
    expect(st().doc).toBe(doc);
    expect(st().notice?.kind).toBe('error');

    const other = serializeLab(presetDoc('fresh'));
    expect((await st().importLab(other)).ok).toBe(true);
    expect(st().snapshot.netns.some((n) => n.name === 'pod1')).toBe(false);
    st().undo();
    expect(st().doc).toEqual(doc);
    expect(routesOf(store, 'node01').some((r) => r.startsWith('10.244.2.2'))).toBe(true);
  });

  it('read-only labs refuse edits but still run commands', () => {
    const store = createAppStore({ initial: presetDoc('before-routes'), readonly: true });
    expect(store.getState().edit('node01', 'ip route add 10.244.2.2 via 192.168.1.12').ok).toBe(false);
    expect(store.getState().run('node01', 'ip route add 10.244.2.2 via 192.168.1.12').exit).toBe(0);
  });
});

describe('lab slice: positions', () => {
  it('hand-placed positions are undoable and saved, and never rebuild the world', () => {
    const storage = memory();
    const store = createAppStore({ initial: presetDoc('fresh'), storage });
    const st = () => store.getState();
    const world = st().world;
    st().moveNode('host:node02', { x: 10.4, y: 20.6 });
    expect(st().doc.positions['host:node02']).toEqual({ x: 10, y: 21 });
    expect(st().world).toBe(world);
    expect(JSON.parse(storage.data.get('hoplab.lab.v1')!).positions).toEqual({ 'host:node02': { x: 10, y: 21 } });
    st().undo();
    expect(st().doc.positions).toEqual({});
    expect(st().world).toBe(world);
    st().redo();
    expect(st().doc.positions['host:node02']).toEqual({ x: 10, y: 21 });
    st().resetLayout();
    expect(st().doc.positions).toEqual({});
    expect(st().canUndo).toBe(true);
  });
});

describe('lab slice: traces', () => {
  it('hands a ping’s events to the trace slice, titled with where it ran', () => {
    const store = createAppStore({ initial: presetDoc('before-routes') });
    store.getState().run('node01', 'ping -c 1 -W 1 10.244.2.2');
    const t = store.getState().trace;
    expect(t.events.length).toBeGreaterThan(0);
    expect(t.events.at(-1)!.verdict).toMatch(/NOROUTES|UNREACHABLE/);
    expect(t).toMatchObject({ on: 'node01', line: 'ping -c 1 -W 1 10.244.2.2' });
  });

  it('loading another lab clears the trace', () => {
    const store = createAppStore({ initial: presetDoc('before-routes') });
    store.getState().run('node01', 'ping -c 1 -W 1 10.244.2.2');
    store.getState().loadPreset('routed');
    expect(store.getState().trace.events).toEqual([]);
  });
});

describe('describeChange', () => {
  it('names the step undo and redo would take', async () => {
    const { describeChange } = await import('./lab');
    const a = presetDoc('fresh');
    const b = { ...a, ops: [...a.ops, { kind: 'cmd' as const, on: 'node01', run: 'ip route add 10.0.0.0/8 via 192.168.1.12', edit: true }] };
    expect(describeChange(a, b)).toBe('ip route add 10.0.0.0/8 via 192.168.1.12 on node01');
    expect(describeChange(b, { ...b, positions: { 'host:node01': { x: 1, y: 2 } } })).toBe('move a box');
    expect(describeChange({ ...b, positions: { 'host:node01': { x: 1, y: 2 } } }, b)).toBe('automatic layout');
    expect(describeChange(a, presetDoc('routed'))).toMatch(/^load lab/);
    expect(describeChange(a, { ...a, ops: [{ kind: 'host', name: 'node04' }] })).toMatch(/new machine node04/);
  });
});

describe('lab slice: query', () => {
  it('reads through the command layer without recording anything', () => {
    const store = createAppStore({ initial: presetDoc('routed') });
    const v = store.getState().snapshot.version;
    expect(store.getState().query('node01', 'sysctl -n net.ipv4.ip_forward net.ipv4.ip_default_ttl').stdout).toBe('1\n64\n');
    expect(store.getState().doc.ops).toEqual([]);
    expect(store.getState().snapshot.version).toBe(v);
  });

  it('undoes anything a "query" changed', () => {
    const store = createAppStore({ initial: presetDoc('routed') });
    store.getState().query('node01', 'ip link set eth0 down');
    expect(store.getState().world.snapshot().netns.find((n) => n.name === 'node01')!.devs.find((d) => d.name === 'eth0')!.adminUp).toBe(true);
    expect(store.getState().doc.ops).toEqual([]);
  });
});
