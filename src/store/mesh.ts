/**
 * Service-mesh slice: the spans of the trace on show (the requests its sidecars handled, as a
 * tracing UI's waterfall, each event under its span) and whether the trace list shows the mesh's
 * extra hops or folds them under their spans. Recomputed when a new trace is shown.
 */
import type { StateCreator } from 'zustand';
import type { AppState, AppStore } from './index';
import { podPlaces } from './cluster';
import { meshTrace, type MeshTrace } from './meshSpans';

export interface MeshSlice {
  /** the mesh requests of the trace on show; null when none of its packets crossed a sidecar */
  meshTrace: MeshTrace | null;
  /** the trace view folds the mesh's hops (REDIRECTs, sidecar to sidecar, mTLS) under their spans */
  meshHopsCollapsed: boolean;
  setMeshHopsCollapsed: (collapsed: boolean) => void;
}

export const createMeshSlice: StateCreator<AppState, [], [], MeshSlice> = (set) => ({
  meshTrace: null,
  meshHopsCollapsed: true,
  setMeshHopsCollapsed: (collapsed) => set({ meshHopsCollapsed: collapsed }),
});

/** Keep `meshTrace` in step with the trace on show. */
export function watchMeshTrace(store: AppStore): () => void {
  return store.subscribe((s, prev) => {
    if (s.trace.id === prev.trace.id && s.trace.events === prev.trace.events) return;
    const netnsOfPod = Object.fromEntries(Object.entries(podPlaces(s.cluster)).map(([netns, pod]) => [pod, netns]));
    store.setState({ meshTrace: meshTrace(s.world, s.trace.events, netnsOfPod) });
  });
}
