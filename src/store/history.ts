/**
 * Undo/redo by replay. The history holds whole lab documents (small plain data); the store
 * rebuilds the World from whichever document becomes current. Pure: no engine, no React.
 */

export interface History<T> {
  past: T[];
  future: T[];
}

export const HISTORY_LIMIT = 200;

export const emptyHistory = <T>(): History<T> => ({ past: [], future: [] });

/** Record that `previous` was current before a change: it becomes undoable, redo is cleared. */
export function record<T>(h: History<T>, previous: T, limit = HISTORY_LIMIT): History<T> {
  const past = [...h.past, previous];
  if (past.length > limit) past.splice(0, past.length - limit);
  return { past, future: [] };
}

/** Step back: returns the document to restore, or null when there is nothing to undo. */
export function undo<T>(h: History<T>, current: T): { history: History<T>; doc: T } | null {
  if (h.past.length === 0) return null;
  const doc = h.past[h.past.length - 1];
  return { history: { past: h.past.slice(0, -1), future: [current, ...h.future] }, doc };
}

/** Step forward again after an undo. */
export function redo<T>(h: History<T>, current: T): { history: History<T>; doc: T } | null {
  if (h.future.length === 0) return null;
  const [doc, ...future] = h.future;
  return { history: { past: [...h.past, current], future }, doc };
}

export const canUndo = <T>(h: History<T>): boolean => h.past.length > 0;
export const canRedo = <T>(h: History<T>): boolean => h.future.length > 0;
