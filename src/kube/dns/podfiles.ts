/**
 * The /etc/resolv.conf and /etc/hosts kubelet gives a pod (pkg/kubelet/network/dns/dns.go
 * GetPodDNS, written out as containerd does; pkg/kubelet/kubelet_pods.go managedHostsFileContent).
 *
 * dnsPolicy: ClusterFirst (the cluster DNS, the search list <ns>.svc.<zone> svc.<zone> <zone>
 * followed by the node's, options ndots:5; a hostNetwork pod falls back to Default),
 * ClusterFirstWithHostNet (ClusterFirst even on the host network), Default (the node's own
 * resolv.conf), None (nothing but dnsConfig). dnsConfig's nameservers, searches and options are
 * then merged in without duplicates, and the result cut to what libc can take (3 nameservers,
 * 32 search domains, 2048 characters of search line), with the warning event kubelet records.
 */
import type { Pod } from '../api/types';

export const MAX_DNS_NAMESERVERS = 3;
export const MAX_DNS_SEARCH_PATHS = 32;
export const MAX_DNS_SEARCH_LIST_CHARS = 2048;
const DNS1123_SUBDOMAIN_MAX = 253;

export interface KubeletDnsSettings {
  /** --cluster-dns (the kube-dns Service address) */
  clusterDNS: string[];
  /** --cluster-domain */
  clusterDomain: string;
  /** the node's resolv.conf (--resolv-conf); undefined when kubelet has none ("") */
  nodeResolvConf: string | undefined;
  /** the node's addresses (for the local-nameserver fallback) */
  nodeIPs?: string[];
}

export interface PodDnsConfig {
  servers: string[];
  searches: string[];
  options: string[];
  /** warning events kubelet records on the pod (DNSConfigForming, MissingClusterDNS) */
  events: { reason: string; message: string }[];
}

/** kubelet's parseResolvConf: nameservers accumulate, the last search wins (trailing dots trimmed), options merge by name. */
export function parseHostResolvConf(text: string): { servers: string[]; searches: string[]; options: string[] } {
  const servers: string[] = [];
  let searches: string[] = [];
  let options: string[] = [];
  for (const raw of text.split('\n')) {
    const t = raw.trim();
    if (t.startsWith('#')) continue;
    const f = t.split(/\s+/).filter(Boolean);
    if (f.length === 0) continue;
    if (f[0] === 'nameserver' && f.length >= 2) servers.push(f[1]);
    if (f[0] === 'search') searches = f.slice(1).filter((s) => s !== '.').map((s) => s.replace(/\.$/, ''));
    if (f[0] === 'options') options = appendOptions(options, f.slice(1));
  }
  return { servers, searches, options };
}

const optName = (o: string): string => o.split(':')[0];

/** appendOptions: a later option of the same name replaces the earlier one. */
function appendOptions(options: string[], more: string[]): string[] {
  const m = new Map<string, string>();
  for (const o of [...options, ...more]) m.set(optName(o), o);
  return [...m.values()];
}

const omitDuplicates = (l: string[]): string[] => [...new Set(l)];

/** mergeDNSOptions: dnsConfig's options override the existing ones of the same name. */
function mergeOptions(existing: string[], extra: NonNullable<NonNullable<Pod['spec']['dnsConfig']>['options']>): string[] {
  const m = new Map<string, string>();
  for (const o of existing) {
    const i = o.indexOf(':');
    m.set(i === -1 ? o : o.slice(0, i), i === -1 ? '' : o.slice(i + 1));
  }
  for (const o of extra) m.set(o.name, o.value ?? '');
  return [...m].map(([k, v]) => (v !== '' ? `${k}:${v}` : k));
}

/** The pod's DNS settings as kubelet forms them. */
export function podDnsConfig(pod: Pod, s: KubeletDnsSettings): PodDnsConfig {
  const host = s.nodeResolvConf === undefined ? { servers: [], searches: [], options: [] } : parseHostResolvConf(s.nodeResolvConf);
  let cfg: PodDnsConfig = { ...host, events: [] };
  const policy = pod.spec.dnsPolicy ?? 'ClusterFirst';
  const type = policy === 'None' ? 'none' : policy === 'ClusterFirstWithHostNet' || (policy === 'ClusterFirst' && !pod.spec.hostNetwork) ? 'cluster' : 'host';
  let asHost = type === 'host';
  if (type === 'none') cfg = { servers: [], searches: [], options: [], events: [] };
  else if (type === 'cluster') {
    if (s.clusterDNS.length > 0) {
      const ns = pod.metadata.namespace ?? 'default';
      const cluster = s.clusterDomain ? [`${ns}.svc.${s.clusterDomain}`, `svc.${s.clusterDomain}`, s.clusterDomain] : [];
      cfg = { servers: [...s.clusterDNS], searches: omitDuplicates([...cluster, ...host.searches]), options: ['ndots:5'], events: [] };
    } else {
      const msg = 'kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.';
      cfg.events.push({ reason: 'MissingClusterDNS', message: `pod: "${pod.metadata.name}_${pod.metadata.namespace ?? 'default'}(${pod.metadata.uid ?? ''})". ${msg}` });
      asHost = true;
    }
  }
  if (asHost && s.nodeResolvConf === undefined) {
    cfg.servers = (s.nodeIPs?.length ? s.nodeIPs : ['']).map((ip) => (ip.includes(':') ? '::1' : '127.0.0.1'));
    cfg.searches = ['.'];
  }
  const dc = pod.spec.dnsConfig;
  if (dc) {
    cfg.servers = omitDuplicates([...cfg.servers, ...(dc.nameservers ?? [])]);
    cfg.searches = omitDuplicates([...cfg.searches, ...(dc.searches ?? [])]);
    cfg.options = mergeOptions(cfg.options, dc.options ?? []);
  }
  return fitLimits(cfg);
}

function fitLimits(cfg: PodDnsConfig): PodDnsConfig {
  if (cfg.servers.length > MAX_DNS_NAMESERVERS) {
    cfg.servers = cfg.servers.slice(0, MAX_DNS_NAMESERVERS);
    cfg.events.push({ reason: 'DNSConfigForming', message: `Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${cfg.servers.join(' ')}` });
  }
  let exceeded = false;
  let search = cfg.searches;
  if (search.length > MAX_DNS_SEARCH_PATHS) {
    search = search.slice(0, MAX_DNS_SEARCH_PATHS);
    exceeded = true;
  }
  const kept = search.filter((d) => d.length <= DNS1123_SUBDOMAIN_MAX);
  if (kept.length !== search.length) exceeded = true;
  search = kept;
  let len = search.join(' ').length;
  if (len > MAX_DNS_SEARCH_LIST_CHARS) {
    while (search.length > 0 && len > MAX_DNS_SEARCH_LIST_CHARS) {
      len -= search[search.length - 1].length + 1;
      search = search.slice(0, -1);
    }
    exceeded = true;
  }
  if (exceeded) cfg.events.push({ reason: 'DNSConfigForming', message: `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${search.join(' ')}` });
  return { ...cfg, searches: search };
}

/** The file containerd writes from the settings: search, nameserver lines, options. */
export function resolvConfText(cfg: Pick<PodDnsConfig, 'servers' | 'searches' | 'options'>): string {
  let s = '';
  if (cfg.searches.length) s += `search ${cfg.searches.join(' ')}\n`;
  if (cfg.servers.length) s += `nameserver ${cfg.servers.join('\nnameserver ')}\n`;
  if (cfg.options.length) s += `options ${cfg.options.join(' ')}\n`;
  return s;
}

/** A pod's hostname and domain (GeneratePodHostNameAndDomain): spec.hostname or the pod's name; subdomain.ns.svc.zone. */
export function podHostnameAndDomain(pod: Pod, clusterDomain: string): { hostname: string; domain: string } {
  const full = pod.spec.hostname || pod.metadata.name;
  // a name too long for a label is cut to 63 characters, without a trailing '-' or '.'
  const hostname = full.length > 63 ? full.slice(0, 63).replace(/[-.]+$/, '') : full;
  const domain = pod.spec.subdomain ? `${pod.spec.subdomain}.${pod.metadata.namespace ?? 'default'}.svc.${clusterDomain}` : '';
  return { hostname, domain };
}

/** kubelet's /etc/hosts for a pod: localhost lines, the pod's own addresses, then its hostAliases. */
export function podHostsFile(pod: Pod, podIPs: string[], clusterDomain: string, nodeHosts?: string): string {
  const aliases = pod.spec.hostAliases ?? [];
  const aliasText = aliases.length ? `\n# Entries added by HostAliases.\n${aliases.map((a) => `${a.ip}\t${(a.hostnames ?? []).join('\t')}\n`).join('')}` : '';
  if (pod.spec.hostNetwork) return `# Kubernetes-managed hosts file (host network).\n${nodeHosts ?? ''}${aliasText}`;
  const { hostname, domain } = podHostnameAndDomain(pod, clusterDomain);
  let s = '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n';
  for (const ip of podIPs) s += domain ? `${ip}\t${hostname}.${domain}\t${hostname}\n` : `${ip}\t${hostname}\n`;
  return s + aliasText;
}
