/**
 * The resolver files of a cluster's machines: a node's /etc/resolv.conf as the node's setup
 * leaves it, and each pod's /etc/resolv.conf and /etc/hosts as kubelet writes them when the pod
 * starts (from its dnsPolicy, dnsConfig and hostAliases, and the node's resolv.conf as it is then).
 * They are bound into the machine's file system the first time it is used (`machineFiles`), and
 * are files like any other from then on: an edited node resolv.conf is what the next pod gets.
 *
 * A new node's resolv.conf names one nameserver, the first address of the node's LAN (where a
 * lab's router or outside DNS server sits) and no search domain: that is where CoreDNS's
 * `forward . /etc/resolv.conf` sends the names the cluster does not know. With nobody answering
 * there, those lookups time out and CoreDNS answers SERVFAIL, as it does in a real cluster; with
 * no nameserver in it at all, CoreDNS does not start (plugin/forward: no nameservers found).
 */
import { filesOf, type FsView } from '../../engine/fs';
import type { Netns } from '../../engine/netns/netns';
import type { World } from '../../engine/world';
import type { Pod } from '../api/types';
import { lanGateway } from '../config';
import { clusterOf, type Cluster } from '../cluster';
import type { PodSandbox } from '../kubelet/runtime';
import { podDnsConfig, podHostsFile, resolvConfText } from './podfiles';

export interface ResolverFiles {
  /** undefined: the file does not exist */
  resolvConf: string | undefined;
  hosts: string;
}

/** Debian's /etc/hosts for a machine (the node's own). */
export const debianHosts = (hostname: string): string => `127.0.0.1\tlocalhost\n127.0.1.1\t${hostname}\n`;

/** A node's /etc/resolv.conf as its setup wrote it: the first address of its LAN as nameserver, no search domain. */
function nodeSetupResolvConf(cluster: Cluster, node: string): string | undefined {
  const spec = cluster.config.nodes.find((n) => n.name === node);
  if (!spec) return undefined;
  return `nameserver ${lanGateway(spec)}\n`;
}

/** A node's /etc/resolv.conf now: the file on the node once its file system is in use (undefined: removed). */
export function nodeResolvConf(cluster: Cluster, node: string): string | undefined {
  const ns = cluster.world.netns(node);
  const fs = filesOf(cluster.world);
  if (!ns || !fs.hasMountNs(ns)) return nodeSetupResolvConf(cluster, node);
  const r = fs.view(ns).readFile('/etc/resolv.conf', '/');
  return r.ok ? r.value : undefined;
}

/** The files kubelet wrote for a pod's containers. */
export function podResolverFiles(cluster: Cluster, sb: PodSandbox): ResolverFiles | undefined {
  const pod = cluster.store.get<Pod>('Pod', sb.namespace, sb.name);
  if (!pod || pod.metadata.uid !== sb.uid) return undefined;
  const nodeResolv = nodeResolvConf(cluster, sb.node);
  const dns = podDnsConfig(pod, {
    clusterDNS: [cluster.config.clusterDNS],
    clusterDomain: cluster.config.clusterDomain,
    nodeResolvConf: nodeResolv,
    nodeIPs: [sb.ip],
  });
  return {
    resolvConf: resolvConfText(dns),
    hosts: podHostsFile(pod, [sb.ip], cluster.config.clusterDomain, debianHosts(sb.node)),
  };
}

/** The resolver files of the machine a namespace stands for, when it is a node or a pod of the cluster. */
export function clusterResolverFiles(cluster: Cluster, netns: string): ResolverFiles | undefined {
  const sb = cluster.runtime.byNetns(netns);
  if (sb) return podResolverFiles(cluster, sb);
  if (cluster.isNode(netns)) return { resolvConf: nodeSetupResolvConf(cluster, netns), hosts: debianHosts(netns) };
  return undefined;
}

/**
 * The file system a machine's programs see. A cluster's pods and nodes get, when their mount
 * namespace is first made, the resolver files the kubelet and the node's setup wrote, bound over
 * the machine's /etc as the kubelet's bind mounts are.
 */
export function machineFiles(world: World, ns: Netns): FsView {
  const fs = filesOf(world);
  if (!fs.hasMountNs(ns)) {
    const cluster = clusterOf(world);
    const files = cluster && clusterResolverFiles(cluster, ns.name);
    if (files?.resolvConf !== undefined) fs.bind(ns, '/etc/resolv.conf', files.resolvConf);
    if (files && cluster.runtime.byNetns(ns.name)) fs.bind(ns, '/etc/hosts', files.hosts);
  }
  return fs.view(ns);
}

/** A file as a machine's programs read it; undefined when it does not exist. */
export function readMachineFile(world: World, ns: Netns, path: string): string | undefined {
  const r = machineFiles(world, ns).readFile(path, '/');
  return r.ok ? r.value : undefined;
}
