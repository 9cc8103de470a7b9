import { describe, expect, it } from 'vitest';
import { createAppStore } from './index';
import { presetDoc, replay } from './replay';
import { parseLab, serializeLab, type KeyValueStorage } from './persist';
import { describeChange } from './lab';

function memory(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

const names = (s: ReturnType<typeof createAppStore>) => s.getState().snapshot.netns.filter((n) => n.role === 'host').map((n) => n.name);
const lanMembers = (s: ReturnType<typeof createAppStore>, lan: string) =>
  s.getState().snapshot.lans.find((l) => l.name === lan)?.members.map((m) => `${m.netns}:${m.dev}`);

describe('deleting machines and LAN switches', () => {
  it('deletes a machine with its pod, records the operations, autosaves and logs them', async () => {
    const storage = memory();
    const store = createAppStore({ initial: presetDoc('routed'), storage });
    store.getState().selectHost('node02');
    const r = store.getState().apply([
      { kind: 'remove-host', name: 'pod2' },
      { kind: 'remove-host', name: 'node02' },
    ]);
    expect(r.ok).toBe(true);
    const s = store.getState();
    expect(names(store)).toEqual(expect.not.arrayContaining(['node02', 'pod2']));
    expect(names(store)).toEqual(expect.arrayContaining(['node01', 'node03', 'pod1', 'pod3']));
    expect(lanMembers(store, 'lan0')).toEqual(['node01:eth0', 'node03:eth0']);
    expect(s.selectedHost).toBeNull();
    expect(s.doc.ops).toEqual([
      { kind: 'remove-host', name: 'pod2' },
      { kind: 'remove-host', name: 'node02' },
    ]);
    expect(JSON.parse(storage.data.get('hoplab.lab.v1')!).ops).toHaveLength(2);
    expect(s.activity.slice(-2).map((a) => a.text)).toEqual([
      'deleted machine pod2: its network namespace, its interfaces and the cables into it',
      'deleted machine node02: its network namespace, its interfaces and the cables into it',
    ]);
    // the lab still works without it: pod1 reaches pod3, node02 is gone for good
    expect(s.run('pod1', 'ping -c 1 -W 1 10.244.3.2').exit).toBe(0);
    expect(store.getState().run('node01', 'ping -c 1 -W 1 192.168.1.12').exit).not.toBe(0);
  });

  it('undo brings the machine back as one step, redo deletes it again', async () => {
    const store = createAppStore({ initial: presetDoc('routed') });
    store.getState().apply([
      { kind: 'remove-host', name: 'pod2' },
      { kind: 'remove-host', name: 'node02' },
    ]);
    store.getState().undo();
    expect(names(store)).toEqual(expect.arrayContaining(['node02', 'pod2']));
    expect(store.getState().activity.at(-1)!.text).toBe(
      'Undo: deleted machine pod2: its network namespace, its interfaces and the cables into it (+1 more)',
    );
    expect(store.getState().run('pod1', 'ping -c 1 -W 1 10.244.2.2').exit).toBe(0);
    store.getState().redo();
    expect(names(store)).not.toContain('node02');
  });

  it('deletes a LAN switch: every member loses its interface on it, and the selection goes', async () => {
    const store = createAppStore({ initial: presetDoc('before-routes') });
    store.getState().selectLan('lan0');
    const r = store.getState().addTopology({ kind: 'remove-lan', name: 'lan0' });
    expect(r.ok).toBe(true);
    const s = store.getState();
    expect(s.snapshot.lans).toEqual([]);
    expect(s.selectedLan).toBeNull();
    const node01 = s.snapshot.netns.find((n) => n.name === 'node01')!;
    expect(node01.devs.map((d) => d.name)).not.toContain('eth0');
    expect(s.activity.at(-1)).toMatchObject({ text: 'deleted LAN switch lan0 and every cable plugged into it', ok: true, command: false });
    store.getState().undo();
    expect(lanMembers(store, 'lan0')).toEqual(['node01:eth0', 'node02:eth0', 'node03:eth0']);
  });

  it('refuses to delete what is not there, and changes nothing', async () => {
    const store = createAppStore({ initial: presetDoc('fresh') });
    const before = store.getState().snapshot;
    const r = store.getState().apply([
      { kind: 'remove-host', name: 'node03' },
      { kind: 'remove-lan', name: 'nolan' },
    ]);
    expect(r).toMatchObject({ ok: false, error: 'no LAN "nolan"' });
    expect(names(store)).toContain('node03');
    expect(store.getState().doc.ops).toEqual([]);
    expect(store.getState().snapshot.version).toBe(before.version);
    expect(store.getState().activity.at(-1)).toMatchObject({ ok: false, error: 'no LAN "nolan"' });
  });

  it('replays from the saved file to the same lab', async () => {
    const store = createAppStore({ initial: presetDoc('routed') });
    store.getState().addTopology({ kind: 'remove-host', name: 'node03' });
    store.getState().addTopology({ kind: 'remove-lan', name: 'lan0' });
    const parsed = await parseLab(serializeLab(store.getState().doc));
    expect(parsed.ok).toBe(true);
    const again = replay(parsed.ok ? parsed.doc : presetDoc('empty')).snapshot();
    const now = store.getState().snapshot;
    expect(again.netns.map((n) => [n.name, n.devs.map((d) => d.name), n.routes])).toEqual(now.netns.map((n) => [n.name, n.devs.map((d) => d.name), n.routes]));
    expect(again.lans).toEqual([]);
  });

  it('describes the step for the undo button', async () => {
    const before = presetDoc('fresh');
    const after = { ...before, ops: [{ kind: 'remove-lan' as const, name: 'lan0' }] };
    expect(describeChange(before, after)).toBe('deleted LAN switch lan0 and every cable plugged into it');
  });
});
