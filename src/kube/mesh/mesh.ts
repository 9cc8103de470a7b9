/**
 * The mesh of a cluster: the catalog its sidecars read, the spans they record, and the sidecars
 * running now (by pod), which istioctl asks about. The sidecar agent starts a proxy here for each
 * injected pod once istio-init has written its rules.
 */
import type { Pod } from '../api/types';
import type { Cluster } from '../cluster';
import type { PodSandbox } from '../kubelet/runtime';
import { MeshCatalog } from './envoy/catalog';
import { Sidecar, type MeshContext } from './envoy/sidecar';
import { telemetryOf } from './envoy/telemetry';

export interface Mesh extends MeshContext {
  /** running sidecars by pod uid */
  readonly sidecars: Map<string, Sidecar>;
}

const meshes = new WeakMap<Cluster, Mesh>();

export function meshOf(cluster: Cluster): Mesh {
  let m = meshes.get(cluster);
  if (!m) meshes.set(cluster, (m = { cluster, catalog: new MeshCatalog(cluster), telemetry: telemetryOf(cluster), sidecars: new Map() }));
  return m;
}

/** The sidecar of a pod (`ns/name`), if it runs. */
export function sidecarOf(cluster: Cluster, namespace: string, name: string): Sidecar | undefined {
  for (const s of meshOf(cluster).sidecars.values()) if (s.sandbox.namespace === namespace && s.sandbox.name === name) return s;
  return undefined;
}

/** Start Envoy in an injected pod's namespace. */
export function startSidecar(cluster: Cluster, sb: PodSandbox, _pod: Pod): { close(): void } | undefined {
  const netns = cluster.world.netns(sb.netns);
  if (!netns) return undefined;
  const mesh = meshOf(cluster);
  const sc = new Sidecar(mesh, sb, netns).start();
  mesh.sidecars.set(sb.uid, sc);
  return {
    close: () => {
      sc.close();
      mesh.sidecars.delete(sb.uid);
    },
  };
}
