/**
 * The one zustand store, composed from slices: lab (world, snapshot, document, undo/redo),
 * terminals, trace and captures. Components read it with `useStore(selector)`; code outside React
 * (main.tsx, tests) uses `getAppStore()`.
 */
import { createStore, useStore as useZustandStore, type StoreApi } from 'zustand';
import { createLabSlice, type LabOptions, type LabSlice } from './lab';
import { createTerminalSlice, type TerminalSlice } from './terminals';
import { createTraceSlice, type TraceSlice } from './trace';
import { createCaptureSlice, type CaptureSlice } from './capture';
import { createSavingSlice, type SavingSlice } from './saving';
import { createPickSlice, type PickSlice } from './pick';
import { createMatrixSlice, type MatrixSlice } from './matrix';
import { saveTerminals, type KeyValueStorage, type TerminalsFile } from './persist';
import { createLessonSlice, watchLessonLab, type LessonSlice } from './lessons';
import { presetDoc } from './replay';
import { createKubeSlice, watchCluster, type KubeSlice } from './kube';
import { createNetpolSlice, type NetpolSlice } from './netpol';
import { createMeshSlice, watchMeshTrace, type MeshSlice } from './mesh';

export type AppState = LabSlice & TerminalSlice & TraceSlice & CaptureSlice & SavingSlice & PickSlice & LessonSlice & MatrixSlice & KubeSlice & NetpolSlice & MeshSlice;
export type AppStore = StoreApi<AppState>;

export function createAppStore(opts: LabOptions = {}): AppStore {
  const store = createStore<AppState>()((...a) => ({
    ...createLabSlice(opts)(...a),
    ...createTerminalSlice(...a),
    ...createTraceSlice(...a),
    ...createCaptureSlice(...a),
    ...createSavingSlice(opts)(...a),
    ...createPickSlice(...a),
    ...createLessonSlice(presetDoc)(...a),
    ...createMatrixSlice(...a),
    ...createKubeSlice(...a),
    ...createNetpolSlice(...a),
    ...createMeshSlice(...a),
  }));
  watchLessonLab(store);
  watchCluster(store);
  watchMeshTrace(store);
  if (opts.saveNow) store.getState().persist(store.getState().doc);
  return store;
}

let appStore: AppStore | null = null;

/** Create the app's store (main.tsx / embed, once, before the first render). */
export function initAppStore(opts: LabOptions = {}): AppStore {
  appStore = createAppStore(opts);
  return appStore;
}

export function getAppStore(): AppStore {
  if (!appStore) appStore = createAppStore();
  return appStore;
}

/** Read the store from a component: `const snapshot = useStore((s) => s.snapshot)`. */
export function useStore<T>(selector: (state: AppState) => T): T {
  return useZustandStore(getAppStore(), selector);
}

export const useAppStore = useStore;

export type { LabSlice, LabOptions, ActivityEntry, EditResult, EditStep } from './lab';
export { describeChange, whenBuilt } from './lab';
export { isDrop } from '../engine/sim/trace';
export { listPresets, hasPreset, type PresetInfo } from './replay';
export { netnsCreators, nextName } from './doc';
export { exportFileName } from './persist';
export type { LabDoc, LabOp, XY } from './doc';
export type { TraceSlice } from './trace';
export type { TerminalSlice } from './terminals';
export type { CaptureSlice } from './capture';
export type { SavingSlice, AutosaveState } from './saving';
export type { PickSlice } from './pick';
export { describeReason, type KeptCopy } from './kept';
export type { LessonSlice, CommandEvent, LessonEvent } from './lessons';
export type { KubeSlice, ManifestCheck } from './kube';
export type { NetpolSlice, PolicyPreview, RulePreview, PolicyMatrix, PolicyDiff, PolicyFix, ConnectionExplanation, MatrixPod, MatrixQuery, PortChoice } from './netpol';
export type { ClusterPicture, NodePicture, PodPicture, ServicePicture, EndpointPicture, ServicePortPicture } from './cluster';
export { objectKey, netnsTitles, podPlaces } from './cluster';
export type { MeshSlice } from './mesh';
export type { MeshTrace, MeshRequest, SpanRow } from './meshSpans';

/**
 * Keep terminals (scrollback, history, open tabs) across reloads: restore `saved` (read with
 * `loadTerminals` from persist.ts) into `store` now and save them whenever they change. Hosts
 * that no longer exist are dropped.
 */
export function persistTerminals(store: AppStore, storage: KeyValueStorage | null, saved: TerminalsFile | null): () => void {
  if (saved) {
    const hosts = new Set(store.getState().snapshot.netns.map((n) => n.name));
    const terminals = Object.fromEntries(
      Object.entries(saved.terminals)
        .filter(([h]) => hosts.has(h))
        .map(([h, s]) => [h, { ...s, capture: null, running: false }]),
    );
    const openTerminals = saved.openTerminals.filter((h) => terminals[h]);
    const activeTerminal = saved.activeTerminal && openTerminals.includes(saved.activeTerminal) ? saved.activeTerminal : (openTerminals[0] ?? null);
    store.setState({ terminals, openTerminals, activeTerminal });
  }
  let timer: ReturnType<typeof setTimeout> | null = null;
  return store.subscribe((s, prev) => {
    if (s.terminals === prev.terminals && s.openTerminals === prev.openTerminals && s.activeTerminal === prev.activeTerminal) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      const { terminals, openTerminals, activeTerminal } = store.getState();
      saveTerminals(storage, { terminals, openTerminals, activeTerminal });
    }, 150);
  });
}
