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

export type AppState = LabSlice & TerminalSlice & TraceSlice & CaptureSlice;
export type AppStore = StoreApi<AppState>;

export function createAppStore(opts: LabOptions = {}): AppStore {
  return createStore<AppState>()((...a) => ({
    ...createLabSlice(opts)(...a),
    ...createTerminalSlice(...a),
    ...createTraceSlice(...a),
    ...createCaptureSlice(...a),
  }));
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
export { isDrop } from '../engine/sim/trace';
export { listPresets, hasPreset, type PresetInfo } from './replay';
export { netnsCreators, nextName } from './doc';
export { exportFileName } from './persist';
export type { LabDoc, LabOp, XY } from './doc';
export type { TraceSlice } from './trace';
export type { TerminalSlice } from './terminals';
export type { CaptureSlice } from './capture';
