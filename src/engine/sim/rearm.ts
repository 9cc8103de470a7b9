import type { World } from '../world';

/**
 * Hoplab cuts a storm by emptying the event queue (EVENT_BUDGET): something Linux never does, so
 * the kernel's own timers must not be lost with it. Each owner of timers registers here, once, how
 * to arm its pending ones again; the world calls them after a cut.
 */
const rearmers: { name: string; rearm: (w: World) => void }[] = [];

export function registerRearm(name: string, rearm: (w: World) => void): void {
  rearmers.push({ name, rearm });
}

export function rearmAfterCut(w: World): void {
  for (const r of rearmers) r.rearm(w);
}
