/**
 * Autosave of one tab's lab, which must never lose work silently:
 *
 * - **Full storage.** A save that the browser refuses is reported (the lab on screen is kept, and the
 *   caller tells the student); the saved terminals, a convenience, give up their room first.
 * - **Two tabs.** The tab remembers the text it last read or wrote (`synced`). When the key holds
 *   something else, another tab saved the same lab since: this tab does not write over it, and
 *   reports a conflict for the student to settle (load the other tab's lab, or keep this one apart).
 * - **Kept apart.** After "keep mine as a separate copy" the tab saves into its kept slot instead.
 */
import type { LabDoc } from './doc';
import { updateKept } from './kept';
import { AUTOSAVE_KEY, TERMINALS_KEY, toLabFile, type KeyValueStorage } from './persist';

export type SaveOutcome =
  | { kind: 'saved' }
  /** the browser refused the write (storage full or disabled) */
  | { kind: 'failed'; error: string }
  /** another tab saved this lab since this tab last read or wrote it: nothing was written */
  | { kind: 'conflict'; theirs: string };

export const labText = (doc: LabDoc): string => JSON.stringify(toLabFile(doc));

/** Room that may be given back when the lab does not fit: saved terminals (scrollback and history). */
const EXPENDABLE = [TERMINALS_KEY];

export class Autosave {
  /** the kept slot this tab saves into instead of the main key, after "keep mine apart" */
  keptId: string | null = null;

  constructor(
    readonly storage: KeyValueStorage | null,
    public key: string = AUTOSAVE_KEY,
    /** the text this tab last read from or wrote to `key` (null: the key was empty) */
    public synced: string | null = read(storage, key),
  ) {}

  /** Save `doc` unless another tab saved since; `text` when the caller has it already. */
  save(doc: LabDoc, text = labText(doc)): SaveOutcome {
    const storage = this.storage;
    if (!storage) return { kind: 'saved' };
    if (this.keptId === null) {
      const current = read(storage, this.key);
      if (current !== null && current !== this.synced) return { kind: 'conflict', theirs: current };
      if (current === text) {
        this.synced = text;
        return { kind: 'saved' };
      }
    }
    const error = this.write(storage, text);
    if (error !== null) return { kind: 'failed', error };
    this.synced = text;
    return { kind: 'saved' };
  }

  /** Take the other tab's save as the new common ground (the caller loaded it). */
  adopt(text: string | null): void {
    this.synced = text;
  }

  /** From now on save into a kept slot (its text is already there). */
  keepApart(id: string, text: string): void {
    this.keptId = id;
    this.synced = text;
  }

  private write(storage: KeyValueStorage, text: string): string | null {
    let first: unknown = null;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        if (this.keptId !== null) {
          const error = updateKept(storage, this.keptId, text);
          if (error !== null) throw new Error(error);
        } else {
          storage.setItem(this.key, text);
        }
        return null;
      } catch (e) {
        first ??= e;
        for (const k of EXPENDABLE) {
          try {
            storage.removeItem(k);
          } catch {
            // nothing to give back
          }
        }
      }
    }
    return describeStorageError(first);
  }
}

function read(storage: KeyValueStorage | null, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

/** A sentence for the reason a browser refused a write. */
export function describeStorageError(e: unknown): string {
  const name = e instanceof Error || (typeof DOMException !== 'undefined' && e instanceof DOMException) ? (e as Error).name : '';
  const message = e instanceof Error ? e.message : String(e);
  if (name === 'QuotaExceededError' || /quota|full|exceed/i.test(message)) return 'this browser’s storage for Hoplab is full';
  return message ? `the browser refused to store it (${message})` : 'the browser refused to store it';
}
