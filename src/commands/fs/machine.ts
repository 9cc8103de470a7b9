/**
 * The file system a namespace's programs see, as the commands reach it: a cluster machine's
 * resolver files bound over its /etc (src/kube/dns/files.ts), then files like any other.
 */
import type { FsView } from '../../engine/fs';
import type { Netns } from '../../engine/netns/netns';
import type { World } from '../../engine/world';
import { machineFiles } from '../../kube/dns/files';

export const nsFiles = (world: World, ns: Netns): FsView => machineFiles(world, ns);
