/**
 * Which world holds which cluster. Kept apart from the Cluster class so that code which only asks
 * "is there a cluster here?" (the DNS files, the diagnosis, the store's picture) does not pull the
 * whole cluster (API server, controllers, agents) into the app's first download: that loads when
 * a lab first has a cluster (src/store/kubeLoader.ts).
 */
import type { World } from '../engine/world';
import type { Cluster } from './cluster';

const clusters = new WeakMap<World, Cluster>();

/** The cluster built in this world, if any. */
export const clusterOf = (world: World): Cluster | undefined => clusters.get(world);

export function registerCluster(world: World, cluster: Cluster): void {
  clusters.set(world, cluster);
}
