/**
 * Saving slice: the autosave's state as the student sees it, the other tab's save when two tabs
 * edit one lab, the kept copies, and the progress of a lab being built.
 *
 * Every change of the lab document goes through `persist`. A refused save leaves the lab on screen
 * as it is and says so once (and once more when saving works again); a save another tab made in
 * between is never written over: the student chooses between the two labs, and the one not taken
 * goes to Lab ▸ Kept copies.
 */
import type { StateCreator } from 'zustand';
import type { AppState } from './index';
import type { LabOptions } from './lab';
import type { LabDoc } from './doc';
import { Autosave, labText, type SaveOutcome } from './autosave';
import { describeReason, dropKept, keepCopy, listKept, readKept, type KeptCopy, type KeptReason } from './kept';
import { AUTOSAVE_KEY, parseLab } from './persist';

export type AutosaveState = { state: 'saved' } | { state: 'failed'; error: string } | { state: 'conflict' } | { state: 'apart'; copy: string };

export interface SavingSlice {
  autosave: AutosaveState;
  /** another tab saved this lab since this tab last did: its text, until the student chooses */
  conflict: { theirs: string } | null;
  keptCopies: KeptCopy[];
  /** a lab being built in slices (start-up, import): what and how far */
  loading: { label: string; done: number; total: number } | null;

  /** Save the lab document (every change calls this). `replacing`: a load or import asks first. */
  persist: (doc: LabDoc, opts?: { replacing?: boolean }) => SaveOutcome;
  /** The browser's storage event: another tab wrote `key`. */
  storageChanged: (key: string | null, value: string | null) => void;
  /** Settle a conflict: open the other tab's lab, or keep this tab's lab apart as a copy. */
  resolveConflict: (choice: 'theirs' | 'mine') => Promise<void>;
  /** Open a kept copy as the lab (undoable, like an import). */
  openKept: (id: string) => Promise<void>;
  deleteKept: (id: string) => void;
  keptText: (id: string) => string | null;
  /** Put a lab text aside (start-up does this with a save it cannot use). */
  keep: (text: string, reason: KeptReason) => { ok: true; name: string } | { ok: false; error: string };
}

const saveFailed = (error: string) =>
  `Autosave failed: ${error}. Your lab is still here, but a reload would bring back the last version that was saved: use Export to keep it, or free room under Lab ▸ Kept copies.`;

export const createSavingSlice =
  (opts: LabOptions = {}): StateCreator<AppState, [], [], SavingSlice> =>
  (set, get) => {
    const storage = opts.storage ?? null;
    const autosave = new Autosave(storage, opts.storageKey ?? AUTOSAVE_KEY, opts.syncedText === undefined ? undefined : opts.syncedText);
    const now = () => Date.now();

    const report = (out: SaveOutcome) => {
      const prev = get().autosave;
      if (out.kind === 'saved') {
        if (prev.state === 'failed') set({ autosave: { state: 'saved' }, notice: { kind: 'info', text: 'Autosave works again: your lab is saved in this browser.' } });
        else if (prev.state === 'conflict') set({ autosave: { state: 'saved' } });
      } else if (out.kind === 'failed') {
        if (prev.state !== 'failed') set({ autosave: { state: 'failed', error: out.error }, notice: { kind: 'error', text: saveFailed(out.error) } });
      } else if (get().conflict?.theirs !== out.theirs) {
        set({ autosave: { state: 'conflict' }, conflict: { theirs: out.theirs } });
      }
    };

    const keepLabel = (copy: KeptCopy) => `“${copy.title ?? 'unreadable lab'}” (${describeReason(copy.reason)})`;

    return {
      autosave: { state: 'saved' },
      conflict: null,
      keptCopies: listKept(storage),
      loading: null,

      persist: (doc, o = {}) => {
        const text = labText(doc);
        const out = autosave.save(doc, text);
        // a load that cannot be saved is refused by its caller, and the failure is its message
        if (!(o.replacing && out.kind === 'failed')) report(out);
        if (autosave.keptId !== null && out.kind === 'saved') set({ keptCopies: listKept(storage) });
        return out;
      },

      storageChanged: (key, value) => {
        if (key === null) {
          set({ keptCopies: listKept(storage) }); // the whole storage was cleared
          return;
        }
        if (key.startsWith('hoplab.kept.')) set({ keptCopies: listKept(storage) });
        if (key !== autosave.key || autosave.keptId !== null || value === null || value === autosave.synced) return;
        set({ autosave: { state: 'conflict' }, conflict: { theirs: value } });
      },

      resolveConflict: async (choice) => {
        const conflict = get().conflict;
        if (!conflict) return;
        const mine = labText(get().doc);
        if (choice === 'mine') {
          const kept = keepCopy(storage, mine, 'separate-copy', now());
          if (!kept.ok) {
            set({ notice: { kind: 'error', text: `This tab’s lab could not be kept apart: ${kept.error}. Export it to keep it, then choose again.` } });
            return;
          }
          autosave.keepApart(kept.copy.id, mine);
          set({
            conflict: null,
            autosave: { state: 'apart', copy: kept.copy.id },
            keptCopies: listKept(storage),
            notice: {
              kind: 'info',
              text: `This tab’s lab is kept apart as ${keepLabel(kept.copy)} and goes on saving there; the other tab’s lab is the one a reload opens. Find this one under Lab ▸ Kept copies.`,
            },
          });
          return;
        }
        // this tab's changes that the other tab's save does not hold are kept, never dropped
        const unsaved = mine !== autosave.synced;
        const parsed = await parseLab(conflict.theirs);
        if (!parsed.ok) {
          set({ notice: { kind: 'error', text: `The other tab’s lab could not be read (${parsed.error}). Keep this tab’s lab apart instead.` } });
          return;
        }
        let keptNote = '';
        if (unsaved) {
          const kept = keepCopy(storage, mine, 'other-tab', now());
          if (!kept.ok) {
            set({ notice: { kind: 'error', text: `This tab’s changes could not be kept (${kept.error}): export this lab first, then choose again.` } });
            return;
          }
          keptNote = ` This tab’s lab is kept as ${keepLabel(kept.copy)} under Lab ▸ Kept copies.`;
        }
        autosave.adopt(conflict.theirs);
        set({ conflict: null, autosave: { state: 'saved' }, keptCopies: listKept(storage) });
        const r = await get().loadDocAsync(parsed.doc, 'Opened the lab as the other tab saved it');
        if (r.ok && keptNote) set({ notice: { kind: 'info', text: `Opened the lab as the other tab saved it (Ctrl+Z goes back).${keptNote}` } });
      },

      openKept: async (id) => {
        const text = readKept(storage, id);
        const copy = get().keptCopies.find((c) => c.id === id);
        if (text === null) {
          set({ keptCopies: listKept(storage), notice: { kind: 'error', text: 'That kept copy is no longer in this browser.' } });
          return;
        }
        const parsed = await parseLab(text);
        if (!parsed.ok) {
          set({ notice: { kind: 'error', text: `This kept copy cannot be opened: ${parsed.error} Download it to mend it by hand.` } });
          return;
        }
        await get().loadDocAsync(parsed.doc, `Opened kept copy: ${copy?.title ?? parsed.doc.title}`);
      },

      deleteKept: (id) => {
        dropKept(storage, id);
        set({ keptCopies: listKept(storage) });
      },

      keptText: (id) => readKept(storage, id),

      keep: (text, reason) => {
        const kept = keepCopy(storage, text, reason, now());
        set({ keptCopies: listKept(storage) });
        return kept.ok ? { ok: true, name: keepLabel(kept.copy) } : { ok: false, error: kept.error };
      },
    };
  };
