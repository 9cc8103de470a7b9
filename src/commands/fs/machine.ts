/**
 * The file system a namespace's programs see, as the commands reach it. A cluster's pods and nodes
 * get, when their mount namespace is first made, the resolver files the kubelet and the node's
 * setup wrote (/etc/resolv.conf, and a pod's /etc/hosts), bound over the machine's /etc as the
 * kubelet's bind mounts are; from then on they are files like any other (`cat`, `>`, `sed -i`).
 */
import { filesOf, type FsView } from '../../engine/fs';
import type { Netns } from '../../engine/netns/netns';
import type { World } from '../../engine/world';
import { clusterOf } from '../../kube/cluster';
import { clusterResolverFiles } from '../../kube/dns/files';

export function nsFiles(world: World, ns: Netns): FsView {
  const fs = filesOf(world);
  if (!fs.hasMountNs(ns)) {
    const cluster = clusterOf(world);
    const files = cluster && clusterResolverFiles(cluster, ns.name);
    if (files?.resolvConf !== undefined) fs.bind(ns, '/etc/resolv.conf', files.resolvConf);
    if (files && cluster.runtime.byNetns(ns.name)) fs.bind(ns, '/etc/hosts', files.hosts);
  }
  return fs.view(ns);
}
