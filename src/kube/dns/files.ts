/**
 * The resolver files of a cluster's machines, until the per-host file system holds them: a node's
 * /etc/resolv.conf, and each pod's /etc/resolv.conf and /etc/hosts as kubelet writes them when the
 * pod starts (from its dnsPolicy, dnsConfig and hostAliases, and the node's resolv.conf).
 *
 * A node's resolv.conf names one nameserver, the first address of the node's LAN (where a lab's
 * router or outside DNS server sits) and no search domain: that is where CoreDNS's
 * `forward . /etc/resolv.conf` sends the names the cluster does not know. With nobody answering
 * there, those lookups time out and CoreDNS answers SERVFAIL, as it does in a real cluster.
 */
import type { Pod } from '../api/types';
import { numToIp, parseCidr } from '../api/cidr';
import type { Cluster } from '../cluster';
import type { PodSandbox } from '../kubelet/runtime';
import { podDnsConfig, podHostsFile, resolvConfText } from './podfiles';

export interface ResolverFiles {
  /** undefined: the file does not exist */
  resolvConf: string | undefined;
  hosts: string;
}

/** Debian's /etc/hosts for a machine (the node's own). */
export const debianHosts = (hostname: string): string => `127.0.0.1\tlocalhost\n127.0.1.1\t${hostname}\n`;

/** A node's /etc/resolv.conf: the first address of its LAN as nameserver, no search domain. */
export function nodeResolvConf(cluster: Cluster, node: string): string | undefined {
  const spec = cluster.config.nodes.find((n) => n.name === node);
  if (!spec) return undefined;
  const lan = parseCidr(spec.ip);
  return `nameserver ${numToIp(lan.base + 1)}\n`;
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
  if (cluster.isNode(netns)) return { resolvConf: nodeResolvConf(cluster, netns), hosts: debianHosts(netns) };
  return undefined;
}
