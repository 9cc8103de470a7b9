import type { World } from '../../engine/world';
import { buildCluster } from '../../kube/bootstrap';
import type { Cluster } from '../../kube/cluster';
import { resolveClusterConfig, type ClusterConfigInput } from '../../kube/config';
import { agentShell } from './agentShell';
// a cluster booted here is talked to with kubectl: its code comes with it (the app loads both on demand)
import '../kube/pack';

/** Build a cluster in the world whose agents type their commands through Hoplab's own commands. */
export const bootCluster = (world: World, config?: ClusterConfigInput): Cluster => buildCluster(world, resolveClusterConfig(config), agentShell(world));
