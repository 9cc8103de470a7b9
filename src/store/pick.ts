/**
 * Tracing a ping picked on the canvas: click a source box, then a destination box, and the trace
 * panel shows a `ping -c 1` from one to the other (a probe: the lab is left as it was), as a cell
 * of the reachability matrix does.
 */
import type { StateCreator } from 'zustand';
import type { AppState } from './index';
import { primaryAddress, probeTrace } from './matrix';

export interface PickSlice {
  /** null: not picking; otherwise the source once it is picked */
  tracePick: { from: string | null } | null;
  startTracePick: () => void;
  cancelTracePick: () => void;
  /** A box clicked while picking: the source, then the destination (which runs the probe). */
  pickForTrace: (netns: string) => void;
}

export const createPickSlice: StateCreator<AppState, [], [], PickSlice> = (set, get) => ({
  tracePick: null,
  startTracePick: () => set({ tracePick: { from: null } }),
  cancelTracePick: () => set({ tracePick: null }),
  pickForTrace: (netns) => {
    const pick = get().tracePick;
    if (!pick) return;
    if (pick.from === null || pick.from === netns) {
      set({ tracePick: { from: netns } });
      return;
    }
    const from = pick.from;
    const ns = get().snapshot.netns.find((n) => n.name === netns);
    const addr = ns ? primaryAddress(ns) : null;
    if (!addr) {
      set({ notice: { kind: 'error', text: `${netns} has no address to ping yet: pick another destination (Esc stops picking).` } });
      return;
    }
    set({ tracePick: null });
    const r = probeTrace(get().world, from, addr);
    get().showTrace(r.trace, { on: from, line: `ping -c 1 ${addr}`, title: `${from} → ${netns} (${addr}): ping -c 1, picked on the canvas`, summary: r.summary, probe: true });
  },
});
