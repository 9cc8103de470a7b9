/**
 * Two traces of the same ping in two labs, stepped together: where they part is the first event
 * that differs in place or verdict (before it, both packets did the same thing). Pure.
 */
import type { TraceEvent } from '../../engine/sim/trace';

const key = (e: TraceEvent | undefined) => (e ? `${e.netns}|${e.dev ?? ''}|${e.verdict}` : '');

/** Index of the first event where a and b differ, or -1 when they are the same all along. */
export function partIndex(a: readonly TraceEvent[], b: readonly TraceEvent[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (key(a[i]) !== key(b[i])) return i;
  return -1;
}

/** The lockstep cursor's range: both traces shown up to their longer one's end. */
export const lockstepLength = (a: readonly TraceEvent[], b: readonly TraceEvent[]): number => Math.max(a.length, b.length);
