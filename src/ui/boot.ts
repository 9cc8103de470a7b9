/** The lab a first visit opens: the lesson's three nodes with a pod each, before the routes. */
export const SEED_PRESET = 'before-routes';

/**
 * Which lab to open at start-up: the autosaved lab (on a first visit, the seed lab), then `?lab=<preset>` on
 * top of it — as an undoable load, so a shared link never destroys work: Ctrl+Z brings it back.
 * The parameter is then dropped from the URL so that a reload restores the autosaved work.
 * Reading the autosave is asynchronous (its schemas load on demand), so main.tsx awaits bootDoc.
 */
import { hasPreset, type AppStore, type LabDoc } from '../store';
import { presetDoc } from '../store/replay';
import { AUTOSAVE_KEY, browserStorage, loadLab, type KeyValueStorage } from '../store/persist';

export interface Boot {
  doc: LabDoc;
  /** a preset to load over `doc` */
  preset: string | null;
  notice: { kind: 'error' | 'info'; text: string } | null;
}

export async function bootDoc(search: string, storage = browserStorage()): Promise<Boot> {
  const lab = new URLSearchParams(search).get('lab');
  let notice: Boot['notice'] = null;
  let doc = presetDoc('empty');
  const saved = await loadLab(storage);
  if (saved?.ok) doc = saved.doc;
  else if (saved) {
    // keep the unreadable save aside before the new lab's autosave replaces it: nothing is lost
    const kept = keepUnreadable(storage);
    notice = { kind: 'error', text: `Your autosaved lab could not be read (${saved.error}) A new lab was started${kept ? `; the old save is kept in this browser under "${kept}"` : ''}.` };
  }
  if (lab && !hasPreset(lab)) notice = { kind: 'error', text: `There is no lab called "${lab}". Pick one from the Lab menu.` };
  const firstVisit = !saved && !lab;
  return { doc, preset: lab && hasPreset(lab) ? lab : firstVisit ? SEED_PRESET : null, notice };
}

/** Copy the autosave that could not be read to a side key; returns that key, or null. */
function keepUnreadable(storage: KeyValueStorage | null): string | null {
  if (!storage) return null;
  try {
    const text = storage.getItem(AUTOSAVE_KEY);
    if (text === null) return null;
    const key = `${AUTOSAVE_KEY}.unreadable`;
    storage.setItem(key, text);
    return key;
  } catch {
    return null;
  }
}

/** Apply the boot decision to a fresh store. */
export function applyBoot(store: AppStore, boot: Boot) {
  const s = store.getState();
  if (boot.preset) {
    const before = s.doc;
    s.loadPreset(boot.preset);
    const blank = before.preset === 'empty' || (!before.base.hosts?.length && !before.base.lans && before.base.steps.length === 0);
    const hadWork = before.ops.length > 0 || (!blank && before.preset !== boot.preset);
    const notice = store.getState().notice;
    if (hadWork && notice) s.setNotice({ ...notice, text: `${notice.text} Your previous lab is one undo (Ctrl+Z) away.` });
    // nothing to go back to: a first visit through a link starts with a clean history
    if (!hadWork) store.setState({ history: { past: [], future: [] }, canUndo: false, canRedo: false });
  }
  if (boot.notice) s.setNotice(boot.notice);
}

/** Drop ?lab= from the address bar without reloading. */
export function dropLabParam() {
  const url = new URL(window.location.href);
  if (!url.searchParams.has('lab')) return;
  url.searchParams.delete('lab');
  window.history.replaceState(null, '', url.toString());
}
