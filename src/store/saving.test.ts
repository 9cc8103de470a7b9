import { describe, expect, it } from 'vitest';
import { createAppStore } from './index';
import { presetDoc } from './replay';
import { AUTOSAVE_KEY, TERMINALS_KEY, saveLab, serializeLab, type KeyValueStorage } from './persist';
import { listKept, readKept, KEPT_LIMIT, keepCopy } from './kept';
import type { LabDoc } from './doc';

/** A Map-backed storage that, like a browser's, refuses a write past `quota` characters in all. */
function storageWithQuota(quota = Infinity): KeyValueStorage & { data: Map<string, string>; quota: number } {
  const data = new Map<string, string>();
  const s = {
    data,
    quota,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => {
      let used = k.length + v.length;
      for (const [key, val] of data) if (key !== k) used += key.length + val.length;
      if (used > s.quota) {
        const e = new Error("Failed to execute 'setItem' on 'Storage': Setting the value of 'hoplab.lab.v1' exceeded the quota.");
        e.name = 'QuotaExceededError';
        throw e;
      }
      data.set(k, v);
    },
    removeItem: (k: string) => void data.delete(k),
  };
  return s;
}

const saved = (s: { data: Map<string, string> }) => JSON.parse(s.data.get(AUTOSAVE_KEY)!) as LabDoc;

describe('autosave failures', () => {
  it('says so when a save is refused, keeps the lab on screen, and says so again when saving works', () => {
    const storage = storageWithQuota();
    const store = createAppStore({ initial: presetDoc('before-routes'), storage, saveNow: true });
    const st = () => store.getState();
    storage.quota = storage.data.get(AUTOSAVE_KEY)!.length + 40; // full: no room for another route
    st().run('node01', 'ip route add 10.244.2.2 via 192.168.1.12');
    expect(st().autosave).toMatchObject({ state: 'failed', error: 'this browser’s storage for Hoplab is full' });
    expect(st().notice).toMatchObject({ kind: 'error', text: expect.stringMatching(/^Autosave failed: this browser’s storage for Hoplab is full\. Your lab is still here, but a reload would bring back/) });
    // the lab on screen keeps the change; the storage keeps the last good save
    expect(st().doc.ops).toHaveLength(1);
    expect(st().snapshot.netns.find((n) => n.name === 'node01')!.routes.some((r) => r.startsWith('10.244.2.2 via'))).toBe(true);
    expect(saved(storage).ops).toEqual([]);
    // the notice is not repeated for every refused save
    st().setNotice(null);
    st().run('node01', 'ip route add 10.244.3.2 via 192.168.1.13');
    expect(st().notice).toBeNull();
    // room again: the next change saves everything, and the student is told
    storage.quota = Infinity;
    st().run('node02', 'ip route add 10.244.1.2 via 192.168.1.11');
    expect(saved(storage).ops).toHaveLength(3);
    expect(st().autosave).toEqual({ state: 'saved' });
    expect(st().notice).toMatchObject({ kind: 'info', text: expect.stringMatching(/Autosave works again/) });
  });

  it('gives the saved terminals’ room to the lab before it fails', () => {
    const storage = storageWithQuota();
    const store = createAppStore({ initial: presetDoc('before-routes'), storage, saveNow: true });
    storage.data.set(TERMINALS_KEY, 'x'.repeat(5000));
    storage.quota = storage.data.get(AUTOSAVE_KEY)!.length + 5000;
    store.getState().run('node01', 'ip route add 10.244.2.2 via 192.168.1.12');
    expect(saved(storage).ops).toHaveLength(1);
    expect(storage.data.has(TERMINALS_KEY)).toBe(false);
    expect(store.getState().autosave).toEqual({ state: 'saved' });
  });

  it('refuses an import that cannot be saved before replacing anything', async () => {
    const storage = storageWithQuota();
    const store = createAppStore({ initial: presetDoc('routed'), storage, saveNow: true });
    const before = storage.data.get(AUTOSAVE_KEY)!;
    storage.quota = before.length + 2000;
    const big: LabDoc = { ...presetDoc('fresh'), title: 'big', ops: Array.from({ length: 60 }, (_, i) => ({ kind: 'cmd' as const, on: 'node01', run: `ip route add 10.9.${i}.0/24 via 192.168.1.12`, edit: true })) };
    const r = await store.getState().importLab(serializeLab(big));
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/^This lab cannot be saved in this browser \(this browser’s storage for Hoplab is full\), so it was not opened/) });
    expect(store.getState().notice?.text).toMatch(/Import failed, your lab is unchanged/);
    expect(store.getState().doc.preset).toBe('routed');
    expect(store.getState().snapshot.netns.map((n) => n.name)).toContain('pod3');
    expect(storage.data.get(AUTOSAVE_KEY)).toBe(before);
  });
});

describe('two tabs on one lab', () => {
  /** Two stores on one storage, as two tabs: each hears the other's writes as a storage event (never its own). */
  function twoTabs(preset = 'before-routes') {
    const storage = storageWithQuota();
    saveLab(storage, presetDoc(preset));
    const tabs: ReturnType<typeof createAppStore>[] = [];
    const facade = (me: number): KeyValueStorage => ({
      getItem: (k) => storage.getItem(k),
      removeItem: (k) => storage.removeItem(k),
      setItem: (k, v) => {
        storage.setItem(k, v);
        tabs[1 - me].getState().storageChanged(k, v);
      },
    });
    tabs.push(createAppStore({ initial: presetDoc(preset), storage: facade(0) }), createAppStore({ initial: presetDoc(preset), storage: facade(1) }));
    return { storage, a: tabs[0], b: tabs[1] };
  }
  const routes = (s: ReturnType<typeof createAppStore>, host: string) => s.getState().snapshot.netns.find((n) => n.name === host)!.routes;

  it('a tab hears the other one save and does not write over it', () => {
    const { storage, a, b } = twoTabs();
    a.getState().run('node01', 'ip route add 10.244.2.2 via 192.168.1.12');
    expect(a.getState().conflict).toBeNull();
    expect(b.getState().conflict).not.toBeNull();
    expect(b.getState().autosave).toEqual({ state: 'conflict' });
    // b's own change stays on b's screen but does not replace a's save
    b.getState().run('node01', 'ip route add 10.244.3.2 via 192.168.1.13');
    expect(saved(storage).ops).toEqual([{ kind: 'cmd', on: 'node01', run: 'ip route add 10.244.2.2 via 192.168.1.12', edit: true }]);
    expect(routes(b, 'node01').some((r) => r.startsWith('10.244.3.2'))).toBe(true);
  });

  it('a tab that missed the event still finds the other tab’s save before writing', () => {
    const storage = storageWithQuota();
    saveLab(storage, presetDoc('fresh'));
    const a = createAppStore({ initial: presetDoc('fresh'), storage });
    const b = createAppStore({ initial: presetDoc('fresh'), storage });
    a.getState().run('node01', 'ip link set eth0 down');
    b.getState().run('node02', 'ip link set eth0 down');
    expect(saved(storage).ops.map((o) => o.kind === 'cmd' && o.on)).toEqual(['node01']);
    expect(b.getState().conflict?.theirs).toBe(storage.data.get(AUTOSAVE_KEY));
  });

  it('loading the other tab’s lab keeps this tab’s changes as a kept copy and one undo away', async () => {
    const { storage, a, b } = twoTabs();
    a.getState().run('node01', 'ip route add 10.244.2.2 via 192.168.1.12');
    b.getState().run('node02', 'ip route add 10.244.1.2 via 192.168.1.11');
    const bDoc = b.getState().doc;
    await b.getState().resolveConflict('theirs');
    expect(b.getState().conflict).toBeNull();
    expect(routes(b, 'node01').some((r) => r.startsWith('10.244.2.2'))).toBe(true);
    expect(routes(b, 'node02').some((r) => r.startsWith('10.244.1.2'))).toBe(false);
    const [kept] = listKept(storage);
    expect(kept).toMatchObject({ reason: 'other-tab' });
    expect(JSON.parse(readKept(storage, kept.id)!).ops).toEqual(bDoc.ops);
    expect(b.getState().notice?.text).toMatch(/kept as “4\. Before the routes” .*Lab ▸ Kept copies/);
    // from now on b builds on a's lab: its next change keeps a's route
    b.getState().run('node03', 'ip route add 10.244.1.2 via 192.168.1.11');
    expect(saved(storage).ops.map((o) => o.kind === 'cmd' && o.on)).toEqual(['node01', 'node03']);
    expect(a.getState().conflict).not.toBeNull(); // and a hears of it in turn
  });

  it('with nothing unsaved, loading the other tab’s lab keeps no copy', async () => {
    const { storage, a, b } = twoTabs();
    a.getState().run('node01', 'ip route add 10.244.2.2 via 192.168.1.12');
    await b.getState().resolveConflict('theirs');
    expect(listKept(storage)).toEqual([]);
    expect(b.getState().doc.ops).toEqual(a.getState().doc.ops);
  });

  it('keeping this tab’s lab apart saves it in its own slot; the other tab’s stays the main one', async () => {
    const { storage, a, b } = twoTabs();
    a.getState().run('node01', 'ip route add 10.244.2.2 via 192.168.1.12');
    b.getState().run('node02', 'ip route add 10.244.1.2 via 192.168.1.11');
    await b.getState().resolveConflict('mine');
    expect(b.getState().autosave.state).toBe('apart');
    const [kept] = b.getState().keptCopies;
    expect(kept.reason).toBe('separate-copy');
    b.getState().run('node03', 'ip link set eth0 down');
    expect(JSON.parse(readKept(storage, kept.id)!).ops.map((o: { on: string }) => o.on)).toEqual(['node02', 'node03']);
    expect(saved(storage).ops.map((o) => o.kind === 'cmd' && o.on)).toEqual(['node01']);
    expect(a.getState().conflict).toBeNull();
    // a reload of either tab opens a's lab; b's is one click away
    const reloaded = createAppStore({ storage });
    await reloaded.getState().openKept(kept.id);
    expect(reloaded.getState().doc.ops.map((o) => o.kind === 'cmd' && o.on)).toEqual(['node02', 'node03']);
  });
});

describe('kept copies', () => {
  it('keep more than one slot, the oldest going past the limit', () => {
    const storage = storageWithQuota();
    for (let i = 0; i < KEPT_LIMIT + 2; i++) expect(keepCopy(storage, `copy ${i}`, 'unreadable', 1000 + i).ok).toBe(true);
    const texts = listKept(storage).map((c) => readKept(storage, c.id));
    expect(texts).toHaveLength(KEPT_LIMIT);
    expect(texts[0]).toBe('copy 2');
    expect(texts.at(-1)).toBe(`copy ${KEPT_LIMIT + 1}`);
    expect([...storage.data.keys()].filter((k) => k.startsWith('hoplab.kept.v1.'))).toHaveLength(KEPT_LIMIT);
  });

  it('make room for a new copy in a full storage by letting the oldest go', () => {
    const storage = storageWithQuota();
    keepCopy(storage, 'a'.repeat(400), 'unreadable', 1);
    keepCopy(storage, 'b'.repeat(400), 'unreadable', 2);
    storage.quota = [...storage.data].reduce((n, [k, v]) => n + k.length + v.length, 0) + 100;
    const r = keepCopy(storage, 'c'.repeat(400), 'other-tab', 3);
    expect(r.ok && r.dropped.map((d) => d.savedAt)).toEqual([1]);
    expect(listKept(storage).map((c) => c.savedAt)).toEqual([2, 3]);
  });

  it('open, and delete', async () => {
    const storage = storageWithQuota();
    const store = createAppStore({ initial: presetDoc('fresh'), storage, saveNow: true });
    expect(store.getState().keep(serializeLab(presetDoc('routed')), 'unbuildable')).toMatchObject({ ok: true });
    const [copy] = store.getState().keptCopies;
    await store.getState().openKept(copy.id);
    expect(store.getState().doc.preset).toBe('routed');
    expect(store.getState().notice?.text).toMatch(/^Opened kept copy: 5\. Routes added/);
    store.getState().deleteKept(copy.id);
    expect(store.getState().keptCopies).toEqual([]);
    expect(readKept(storage, copy.id)).toBeNull();
  });
});
