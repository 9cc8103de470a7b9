/** The lab a first visit opens: the lesson's three nodes with a pod each, before the routes. */
export const SEED_PRESET = 'before-routes';

/**
 * Which lab to open at start-up: the autosaved lab (on a first visit, the seed lab), then `?lab=<preset>` on
 * top of it — as an undoable load, so a shared link never destroys work: Ctrl+Z brings it back.
 * The parameter is then dropped from the URL so that a reload restores the autosaved work.
 * Reading the autosave is asynchronous (its schemas load on demand), so main.tsx awaits bootDoc.
 */
import type { World } from '../engine/world';
import { hasPreset, type AppStore, type LabDoc } from '../store';
import { presetDoc, replayAsync, type ReplayProgress } from '../store/replay';
import { AUTOSAVE_KEY, browserStorage, parseLab, type KeyValueStorage } from '../store/persist';
import { describeReason, keepCopy, migrateLegacyKept, type KeptReason } from '../store/kept';

export interface Boot {
  doc: LabDoc;
  /** `doc` already built (null: the store builds it, for the small labs that need no progress) */
  world: World | null;
  /** what the autosave key held at start-up */
  syncedText: string | null;
  /** a preset to load over `doc` */
  preset: string | null;
  notice: { kind: 'error' | 'info'; text: string } | null;
  /** the autosave was unusable and is kept aside: the new lab replaces it in the main slot at once */
  replacedSave: boolean;
}

export async function bootDoc(search: string, storage = browserStorage(), onProgress?: (p: ReplayProgress) => void): Promise<Boot> {
  migrateLegacyKept(storage, Date.now());
  const lab = new URLSearchParams(search).get('lab');
  let notice: Boot['notice'] = null;
  let doc = presetDoc('empty');
  let world: World | null = null;
  let replacedSave = false;
  let text: string | null = null;
  try {
    text = storage?.getItem(AUTOSAVE_KEY) ?? null;
  } catch {
    text = null; // storage disabled: a first visit every time
  }
  if (text !== null) {
    const parsed = await parseLab(text);
    let problem: { reason: KeptReason; what: string } | null = null;
    if (!parsed.ok) problem = { reason: 'unreadable', what: `could not be read: ${parsed.error.replace(/\.$/, '')}` };
    else {
      try {
        world = await replayAsync(parsed.doc, onProgress);
        doc = parsed.doc;
      } catch (e) {
        problem = { reason: 'unbuildable', what: `could not be rebuilt: ${(e as Error).message}` };
      }
    }
    if (problem) {
      // keep the save aside before the new lab's autosave replaces it: nothing is lost
      const kept = keepCopy(storage, text, problem.reason, Date.now());
      replacedSave = kept.ok;
      const where = kept.ok
        ? ` The old save is kept in this browser: Lab ▸ Kept copies, “${kept.copy.title ?? 'unreadable lab'}” (${describeReason(problem.reason)}).`
        : ` The old save could not be kept aside (${kept.error}) and stays in place until your first change.`;
      notice = { kind: 'error', text: `Your autosaved lab ${problem.what}. A new lab was started.${where}` };
    }
  }
  if (lab && !hasPreset(lab)) notice = { kind: 'error', text: `There is no lab called "${lab}". Pick one from the Lab menu.` };
  const firstVisit = text === null && !lab;
  return { doc, world, syncedText: text, preset: lab && hasPreset(lab) ? lab : firstVisit ? SEED_PRESET : null, notice, replacedSave };
}

/** Options for the store that `boot` describes. */
export const bootStoreOptions = (boot: Boot, storage: KeyValueStorage | null) => ({
  initial: boot.doc,
  initialWorld: boot.world ?? undefined,
  storage,
  syncedText: boot.syncedText,
  saveNow: boot.replacedSave,
});

/**
 * A progress bar in place of the app while a big saved lab is rebuilt (the page stays responsive:
 * the lab is built in slices). Shown only when that takes long enough to notice; React replaces it.
 */
export function bootProgress(root: HTMLElement, delayMs = 150): (p: ReplayProgress) => void {
  let bar: HTMLProgressElement | null = null;
  let label: HTMLElement | null = null;
  let latest: ReplayProgress = { done: 0, total: 1 };
  const draw = () => {
    if (!bar || !label) return;
    bar.max = latest.total;
    bar.value = latest.done;
    label.textContent = `Rebuilding your lab: ${latest.done.toLocaleString('en')} of ${latest.total.toLocaleString('en')} steps`;
  };
  setTimeout(() => {
    if (root.childElementCount > 0) return; // the app is already there
    const box = document.createElement('div');
    box.className = 'boot-progress';
    label = document.createElement('p');
    label.id = 'boot-progress-label';
    bar = document.createElement('progress');
    bar.setAttribute('aria-labelledby', label.id);
    box.append(label, bar);
    root.append(box);
    draw();
  }, delayMs);
  return (p) => {
    latest = p;
    draw();
  };
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
