/**
 * Kept copies: labs set aside in this browser instead of being lost. An autosave that cannot be
 * read or rebuilt at start-up, this tab's lab when another tab changed the same lab, a lab the
 * student chose to keep apart: each gets its own slot, listed under Lab ▸ Kept copies, where it
 * can be opened, downloaded or deleted.
 *
 * An index key lists the slots (newest last); each slot's text lives under its own key, exactly as
 * it was (a damaged save stays byte for byte what it was, so it can still be downloaded and mended).
 * At most KEPT_LIMIT slots: the oldest goes when a new one would not fit, and the caller says so.
 */
import type { KeyValueStorage } from './persist';

export const KEPT_INDEX_KEY = 'hoplab.kept.v1';
export const KEPT_LIMIT = 8;
/** The single slot of earlier versions, moved into the list on start-up. */
export const LEGACY_UNREADABLE_KEY = 'hoplab.lab.v1.unreadable';

export type KeptReason = 'unreadable' | 'unbuildable' | 'other-tab' | 'separate-copy';

export interface KeptCopy {
  id: string;
  reason: KeptReason;
  /** lab title when the text could be read as a lab, else null */
  title: string | null;
  /** milliseconds since the epoch */
  savedAt: number;
  chars: number;
}

export const keptKey = (id: string): string => `${KEPT_INDEX_KEY}.${id}`;

export type KeepResult = { ok: true; copy: KeptCopy; dropped: KeptCopy[] } | { ok: false; error: string };

export function listKept(storage: KeyValueStorage | null): KeptCopy[] {
  if (!storage) return [];
  try {
    const data: unknown = JSON.parse(storage.getItem(KEPT_INDEX_KEY) ?? '[]');
    return Array.isArray(data) ? data.filter(isCopy) : [];
  } catch {
    return [];
  }
}

function isCopy(x: unknown): x is KeptCopy {
  if (typeof x !== 'object' || x === null) return false;
  const c = x as Record<string, unknown>;
  return typeof c.id === 'string' && typeof c.reason === 'string' && typeof c.savedAt === 'number' && typeof c.chars === 'number' && (c.title === null || typeof c.title === 'string');
}

function writeIndex(storage: KeyValueStorage, list: KeptCopy[]): void {
  storage.setItem(KEPT_INDEX_KEY, JSON.stringify(list));
}

/** The title of a lab text, when it is JSON with a string title (or a scenario name). */
export function titleOf(text: string): string | null {
  try {
    const data: unknown = JSON.parse(text);
    if (typeof data !== 'object' || data === null) return null;
    const o = data as Record<string, unknown>;
    const t = typeof o.title === 'string' ? o.title : typeof o.name === 'string' ? o.name : null;
    return t === null ? null : t.slice(0, 200);
  } catch {
    return null;
  }
}

/** Put `text` in a new slot. The oldest slots make room when the limit (or the storage) is reached. */
export function keepCopy(storage: KeyValueStorage | null, text: string, reason: KeptReason, now: number): KeepResult {
  if (!storage) return { ok: false, error: 'this browser does not let Hoplab store anything' };
  const list = listKept(storage);
  let id = now.toString(36);
  for (let n = 1; list.some((c) => c.id === id); n++) id = `${now.toString(36)}-${n}`;
  const copy: KeptCopy = { id, reason, title: titleOf(text), savedAt: now, chars: text.length };
  const dropped: KeptCopy[] = [];
  while (list.length >= KEPT_LIMIT) dropped.push(list.shift()!);
  for (;;) {
    try {
      storage.setItem(keptKey(id), text);
      break;
    } catch (e) {
      // full: older copies give way to the newest, which is the one at risk right now
      if (list.length === 0) return { ok: false, error: (e as Error).message || 'the storage is full' };
      dropped.push(list.shift()!);
      for (const d of dropped) storage.removeItem(keptKey(d.id));
    }
  }
  for (const d of dropped) storage.removeItem(keptKey(d.id));
  try {
    writeIndex(storage, [...list, copy]);
  } catch (e) {
    storage.removeItem(keptKey(id));
    return { ok: false, error: (e as Error).message || 'the storage is full' };
  }
  return { ok: true, copy, dropped };
}

/** Overwrite a slot's text (a lab kept apart keeps autosaving into its slot). */
export function updateKept(storage: KeyValueStorage | null, id: string, text: string): string | null {
  if (!storage) return null;
  const list = listKept(storage);
  const i = list.findIndex((c) => c.id === id);
  try {
    storage.setItem(keptKey(id), text);
    const copy = { ...(i >= 0 ? list[i] : { id, reason: 'separate-copy' as const, savedAt: 0 }), title: titleOf(text), chars: text.length };
    if (i >= 0) list[i] = copy;
    else list.push(copy);
    writeIndex(storage, list);
    return null;
  } catch (e) {
    return (e as Error).message || 'the storage is full';
  }
}

export function readKept(storage: KeyValueStorage | null, id: string): string | null {
  try {
    return storage?.getItem(keptKey(id)) ?? null;
  } catch {
    return null;
  }
}

export function dropKept(storage: KeyValueStorage | null, id: string): void {
  if (!storage) return;
  try {
    storage.removeItem(keptKey(id));
    writeIndex(
      storage,
      listKept(storage).filter((c) => c.id !== id),
    );
  } catch {
    // the index stays as it was: the copy is listed until it can be removed
  }
}

/** Move the one slot earlier versions kept an unreadable save in into the list. */
export function migrateLegacyKept(storage: KeyValueStorage | null, now: number): void {
  if (!storage) return;
  try {
    const text = storage.getItem(LEGACY_UNREADABLE_KEY);
    if (text === null) return;
    if (keepCopy(storage, text, 'unreadable', now).ok) storage.removeItem(LEGACY_UNREADABLE_KEY);
  } catch {
    // left where it is
  }
}

const REASONS: Record<KeptReason, string> = {
  unreadable: 'autosave that could not be read',
  unbuildable: 'autosave that could not be rebuilt',
  'other-tab': 'this tab’s lab when another tab changed it',
  'separate-copy': 'kept apart from another tab’s lab',
};

export const describeReason = (r: KeptReason): string => REASONS[r] ?? r;
