/**
 * Kubernetes slice: the cluster picture the canvas draws, and the manifest editor's text and
 * actions. Every request goes through kubectl on a node, as a person's would: a check is
 * `kubectl apply --dry-run=server -f -` (kubectl's own parsing, the API server's defaulting and
 * validation, its exact messages, nothing stored), Apply is `kubectl apply -f -` and Delete is
 * `kubectl delete -f -`, each one atomic, undoable lab edit whose manifest rides in the lab
 * document as the line's standard input.
 */
import type { StateCreator } from 'zustand';
import type { AppState, AppStore } from './index';
import type { EditResult } from './lab';
import { clusterPicture, kubectlHost, type ClusterPicture } from './cluster';

export interface ManifestCheck {
  /** the text that was checked */
  text: string;
  ok: boolean;
  /** what kubectl said it would do ("deployment.apps/web created (server dry run)") */
  output: string;
  /** kubectl's error, as it prints it */
  error: string;
}

export interface KubeSlice {
  /** the lab's cluster, or null for a lab without one */
  cluster: ClusterPicture | null;
  /** the manifest editor's text (kept while the panel is closed) */
  manifestText: string;
  setManifestText: (text: string) => void;
  /** kubectl's verdict on a manifest without applying it; null without a cluster */
  checkManifest: (text: string) => ManifestCheck | null;
  /** `kubectl apply -f -` as one undoable edit; nothing changes when kubectl refuses any of it */
  applyManifest: (text: string) => EditResult;
  /** `kubectl delete -f -` as one undoable edit */
  deleteManifest: (text: string) => EditResult;
}

const NO_CLUSTER: EditResult = { ok: false, error: 'This lab has no Kubernetes cluster: load one of the cluster stages from the Lab menu.' };

/** Strip kubectl's trailing newline and the dry-run noise nobody needs twice. */
const clean = (s: string): string => s.replace(/\s+$/, '');

export const createKubeSlice: StateCreator<AppState, [], [], KubeSlice> = (set, get) => {
  const viaKubectl = (line: string, text: string): EditResult => {
    const on = kubectlHost(get().cluster);
    if (!on) return NO_CLUSTER;
    return get().apply([{ kind: 'cmd', on, run: line, stdin: text }]);
  };
  return {
    cluster: null,
    manifestText: '',
    setManifestText: (text) => set({ manifestText: text }),
    checkManifest: (text) => {
      const on = kubectlHost(get().cluster);
      if (!on) return null;
      const r = get().query(on, 'kubectl apply --dry-run=server -f -', text);
      return { text, ok: r.exit === 0, output: clean(r.stdout), error: clean(r.stderr) };
    },
    applyManifest: (text) => viaKubectl('kubectl apply -f -', text),
    deleteManifest: (text) => viaKubectl('kubectl delete -f -', text),
  };
};

/** Keep `cluster` in step with the lab: re-read whenever the world or its snapshot changes. */
export function watchCluster(store: AppStore): () => void {
  store.setState({ cluster: clusterPicture(store.getState().world) });
  return store.subscribe((s, prev) => {
    if (s.world === prev.world && s.snapshot === prev.snapshot) return;
    store.setState({ cluster: clusterPicture(s.world) });
  });
}
