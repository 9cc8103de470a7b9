import { describe, expect, it } from 'vitest';
import { createAppStore } from '../store';
import { presetDoc } from '../store/replay';
import { saveLab, type KeyValueStorage } from '../store/persist';
import { listKept, readKept } from '../store/kept';
import { applyBoot, bootDoc, bootStoreOptions } from './boot';

function memory(): KeyValueStorage {
  const data = new Map<string, string>();
  return { getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

async function boot(search: string, storage: KeyValueStorage) {
  const b = await bootDoc(search, storage);
  const store = createAppStore(bootStoreOptions(b, storage));
  applyBoot(store, b);
  return store;
}

describe('start-up', () => {
  it('restores the autosaved lab', async () => {
    const storage = memory();
    const doc = { ...presetDoc('fresh'), ops: [{ kind: 'cmd' as const, on: 'node01', run: 'ip link set eth0 down', edit: true }] };
    saveLab(storage, doc);
    expect((await boot('', storage)).getState().doc).toEqual(doc);
  });

  it('a first visit opens the seed lab, with nothing to undo', async () => {
    const s = (await boot('', memory())).getState();
    expect(s.doc.preset).toBe('before-routes');
    expect(s.snapshot.netns.map((n) => n.name)).toEqual(expect.arrayContaining(['node01', 'node02', 'node03', 'pod1', 'pod2', 'pod3']));
    expect(s.canUndo).toBe(false);
  });

  it('a first visit through ?lab= opens the preset with nothing to undo', async () => {
    const s = (await boot('?lab=before-routes', memory())).getState();
    expect(s.doc.preset).toBe('before-routes');
    expect(s.canUndo).toBe(false);
    expect(s.notice?.text).toMatch(/Loaded lab/);
  });

  it('a lab opened with ?lab= is autosaved at once, so a reload after read-only commands brings it back', async () => {
    const storage = memory();
    const first = await boot('?lab=routed', storage);
    first.getState().run('node01', 'ip route'); // read-only: records nothing
    expect(first.getState().doc.ops).toEqual([]);
    const reloaded = (await boot('', storage)).getState(); // the reload: ?lab= was dropped from the URL
    expect(reloaded.doc).toEqual(first.getState().doc);
    expect(reloaded.snapshot.netns.map((n) => n.name)).toEqual(expect.arrayContaining(['node01', 'pod3']));
  });

  it('?lab= over saved work keeps that work one undo away', async () => {
    const storage = memory();
    const work = { ...presetDoc('fresh'), ops: [{ kind: 'cmd' as const, on: 'node01', run: 'ip link set eth0 down', edit: true }] };
    saveLab(storage, work);
    const store = await boot('?lab=routed', storage);
    expect(store.getState().doc.preset).toBe('routed');
    expect(store.getState().notice?.text).toMatch(/one undo \(Ctrl\+Z\) away/);
    store.getState().undo();
    expect(store.getState().doc).toEqual(work);
  });

  it('an unknown ?lab= says so and keeps the saved lab', async () => {
    const storage = memory();
    saveLab(storage, presetDoc('bridges'));
    const s = (await boot('?lab=nope', storage)).getState();
    expect(s.doc.preset).toBe('bridges');
    expect(s.notice).toMatchObject({ kind: 'error', text: expect.stringMatching(/no lab called "nope"/) });
  });

  it('a damaged autosave starts an empty lab and says why', async () => {
    const storage = memory();
    storage.setItem('hoplab.lab.v1', '{"format":"hoplab-lab","version":1}');
    const s = (await boot('', storage)).getState();
    expect(s.doc.preset).toBe('empty');
    expect(s.snapshot.netns).toEqual([]);
    expect(s.notice?.kind).toBe('error');
  });
  it('an autosave that cannot be read is kept aside, and a new lab starts', async () => {
    const storage = memory();
    const broken = '{"format": "hoplab-lab", "version": 1, "broken": ';
    storage.setItem('hoplab.lab.v1', broken);
    const s = (await boot('', storage)).getState();
    expect(s.notice?.text).toMatch(/could not be read: This file is not valid JSON.*A new lab was started\. The old save is kept in this browser: Lab ▸ Kept copies/);
    const [kept] = listKept(storage);
    expect(kept).toMatchObject({ reason: 'unreadable' });
    expect(readKept(storage, kept.id)).toBe(broken);
    expect(s.keptCopies).toHaveLength(1);
    // the new lab took the main slot at once: the next start-up does not keep the same save again
    expect(JSON.parse(storage.getItem('hoplab.lab.v1')!)).toMatchObject({ format: 'hoplab-lab', preset: 'empty' });
    await boot('', storage);
    expect(listKept(storage)).toHaveLength(1);
  });

  it('an autosave whose replay throws is kept aside like a damaged one, with the same notice', async () => {
    const storage = memory();
    // reads as a lab, but its second operation plugs a cable into a machine that does not exist
    const doc = { ...presetDoc('fresh'), ops: [{ kind: 'host' as const, name: 'node04' }, { kind: 'lan-member' as const, lan: 'lan0', member: 'node09:eth0' }] };
    saveLab(storage, doc);
    const text = storage.getItem('hoplab.lab.v1')!;
    const s = (await boot('', storage)).getState();
    expect(s.notice).toMatchObject({ kind: 'error', text: expect.stringMatching(/could not be rebuilt: unknown host "node09".*A new lab was started.*Lab ▸ Kept copies, “1\. Three nodes on a LAN” \(autosave that could not be rebuilt\)/) });
    expect(s.snapshot.netns).toEqual([]);
    expect(s.doc.ops).toEqual([]);
    const [kept] = listKept(storage);
    expect(readKept(storage, kept.id)).toBe(text);
  });

  it('a second damaged save does not overwrite the first one kept', async () => {
    const storage = memory();
    storage.setItem('hoplab.lab.v1', '{"first": ');
    await boot('', storage);
    storage.setItem('hoplab.lab.v1', '{"second": ');
    await boot('', storage);
    expect(listKept(storage).map((c) => readKept(storage, c.id))).toEqual(['{"first": ', '{"second": ']);
  });

  it('the single slot of earlier versions joins the kept copies', async () => {
    const storage = memory();
    storage.setItem('hoplab.lab.v1.unreadable', 'old damaged save');
    await boot('', storage);
    expect(listKept(storage).map((c) => readKept(storage, c.id))).toEqual(['old damaged save']);
    expect(storage.getItem('hoplab.lab.v1.unreadable')).toBeNull();
  });
});
