/**
 * Keep the identity of canvas boxes and cables that did not change when the graph is rebuilt
 * (every snapshot change rebuilds it): React Flow then keeps its internal node (with its measured
 * size), and the memoised box components skip rendering. In a 1,000-host lab one command changes
 * a handful of boxes, not a thousand.
 */

/** Structural equality of plain JSON-like values (objects, arrays, primitives); `ignore` names top-level keys to skip. */
export function sameValue(a: unknown, b: unknown, ignore: readonly string[] = []): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], bb[i])) return false;
    return true;
  }
  const ka = Object.keys(a).filter((k) => !ignore.includes(k));
  const kb = Object.keys(b).filter((k) => !ignore.includes(k));
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/**
 * `next`, with every item that equals (structurally, but for the top-level keys in `ignore`) the
 * item of the same id in `prev` replaced by that previous object. Returns `prev` itself when
 * nothing changed at all. (The canvas ignores `measured`: React Flow adds it to the boxes it has
 * sized, and a box that kept its size need not be measured again.)
 */
export function reuseUnchanged<T extends { id: string }>(prev: readonly T[], next: T[], ignore: readonly string[] = []): T[] {
  const old = new Map(prev.map((x) => [x.id, x]));
  let changed = prev.length !== next.length;
  const out = next.map((x, i) => {
    const p = old.get(x.id);
    if (p !== undefined && sameValue(p, x, ignore)) {
      if (prev[i] !== p) changed = true;
      return p;
    }
    changed = true;
    return x;
  });
  return changed ? out : (prev as T[]);
}

/**
 * `next` (from reuseUnchanged), with the size React Flow measured carried into every changed box
 * from the box of the same id in `prev`. Given a box without it, React Flow drops the box's
 * handle bounds and its cables vanish until it measures the box again, which it can miss; with
 * it, the cables stay, a box that grew is measured again as it resizes, and handles that moved
 * are measured by the box itself (handles.ts).
 */
export function keepMeasured<T extends { id: string; measured?: unknown }>(prev: readonly T[], next: T[]): T[] {
  if (next === prev) return next;
  const old = new Map(prev.map((x) => [x.id, x]));
  let carried = false;
  const out = next.map((x) => {
    const p = old.get(x.id);
    if (p === undefined || p === x || p.measured === undefined || x.measured !== undefined) return x;
    carried = true;
    return { ...x, measured: p.measured };
  });
  return carried ? out : next;
}
