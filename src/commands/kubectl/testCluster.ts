/**
 * For tests: a cluster booted as the lab boots one (kubeadm-like, three nodes), and `kubectl` as
 * typed on node01, with an optional manifest on standard input.
 */
import { World } from '../../engine/world';
import { runCommand } from '../job';
import { bootCluster } from './boot';

export function testCluster(config?: Parameters<typeof bootCluster>[1]) {
  const world = new World();
  const cluster = bootCluster(world, config);
  const kubectl = (line: string, stdin?: string) => runCommand(world, 'node01', `kubectl ${line}`, { stdin });
  return { world, cluster, kubectl };
}
