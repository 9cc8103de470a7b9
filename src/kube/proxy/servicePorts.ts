/**
 * What kube-proxy knows about Services and endpoints (pkg/proxy serviceport.go, endpoint.go,
 * endpointslicecache.go): one entry per Service port, proxied only when the Service has a cluster
 * IP and is not ExternalName, and per Service port the endpoints every EndpointSlice of the
 * Service lists for it, merged by `ip:port` and sorted by that text, as the cache sorts them.
 */
import type { EndpointSlice, Protocol, Service } from '../api/types';

export interface ServicePortInfo {
  namespace: string;
  name: string;
  portName: string;
  protocol: Protocol;
  /** ServicePortName.String(): `ns/name:port`, or `ns/name` for an unnamed port */
  nameString: string;
  clusterIP: string;
  port: number;
  /** 0 when the Service has none */
  nodePort: number;
  externalIPs: string[];
  /** status.loadBalancer.ingress IPs whose ipMode is VIP (or unset) */
  loadBalancerVIPs: string[];
  loadBalancerSourceRanges: string[];
  /** 0 unless a LoadBalancer with externalTrafficPolicy Local */
  healthCheckNodePort: number;
  sessionAffinityClientIP: boolean;
  stickyMaxAgeSeconds: number;
  internalPolicyLocal: boolean;
  externalPolicyLocal: boolean;
}

export interface EndpointInfo {
  ip: string;
  port: number;
  /** `ip:port` (net.JoinHostPort) */
  text: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  /** the endpoint's nodeName is this node */
  isLocal: boolean;
}

/** A Service port's key in the endpoints map: the name and the protocol (ServicePortName). */
export const servicePortKey = (nameString: string, protocol: string): string => `${nameString}/${protocol}`;

const externallyAccessibleService = (s: Service): boolean =>
  s.spec.type === 'LoadBalancer' || s.spec.type === 'NodePort' || ((s.spec.type ?? 'ClusterIP') === 'ClusterIP' && (s.spec.externalIPs?.length ?? 0) > 0);

const isIPv4 = (ip: string) => /^\d+\.\d+\.\d+\.\d+$/.test(ip);

/** serviceToServiceMap: the proxied ports of every Service, sorted by name and protocol. */
export function servicePortsOf(services: Service[]): ServicePortInfo[] {
  const out: ServicePortInfo[] = [];
  for (const svc of services) {
    const s = svc.spec;
    const clusterIP = s.clusterIPs?.[0] ?? s.clusterIP ?? '';
    // ShouldSkipService: no cluster IP (headless) or ExternalName
    if (!clusterIP || clusterIP === 'None' || s.type === 'ExternalName') continue;
    const accessible = externallyAccessibleService(svc);
    const lbVIPs = (svc.status?.loadBalancer?.ingress ?? []).filter((i) => i.ip && isIPv4(i.ip) && (i.ipMode === undefined || i.ipMode === 'VIP')).map((i) => i.ip!);
    for (const p of s.ports ?? []) {
      const ns = svc.metadata.namespace ?? 'default';
      const portName = p.name ?? '';
      out.push({
        namespace: ns,
        name: svc.metadata.name,
        portName,
        protocol: p.protocol ?? 'TCP',
        nameString: `${ns}/${svc.metadata.name}${portName ? `:${portName}` : ''}`,
        clusterIP,
        port: p.port,
        nodePort: p.nodePort ?? 0,
        externalIPs: (s.externalIPs ?? []).filter(isIPv4),
        loadBalancerVIPs: lbVIPs,
        loadBalancerSourceRanges: (s.loadBalancerSourceRanges ?? []).map((r) => r.trim()).filter(Boolean),
        healthCheckNodePort: s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local' ? (s.healthCheckNodePort ?? 0) : 0,
        sessionAffinityClientIP: s.sessionAffinity === 'ClientIP',
        stickyMaxAgeSeconds: s.sessionAffinity === 'ClientIP' ? (s.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800) : 0,
        internalPolicyLocal: s.internalTrafficPolicy === 'Local',
        externalPolicyLocal: accessible && s.externalTrafficPolicy === 'Local',
      });
    }
  }
  return out.sort((a, b) => cmp(a.nameString, b.nameString) || cmp(a.protocol, b.protocol));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Any external destination: a node port, a load balancer VIP or an external IP. */
export const externallyAccessible = (s: ServicePortInfo): boolean => s.nodePort !== 0 || s.loadBalancerVIPs.length > 0 || s.externalIPs.length > 0;
/** Cluster endpoints are needed unless every use is Local (external Local still short-circuits to them). */
export const usesClusterEndpoints = (s: ServicePortInfo): boolean => !s.internalPolicyLocal || externallyAccessible(s);
export const usesLocalEndpoints = (s: ServicePortInfo): boolean => s.internalPolicyLocal || (s.externalPolicyLocal && externallyAccessible(s));

/** The EndpointSlice cache's endpoints map: per Service port, the endpoints the slices list for it. */
export function endpointsMapOf(slices: EndpointSlice[], nodeName: string): Map<string, EndpointInfo[]> {
  const byPort = new Map<string, Map<string, EndpointInfo>>();
  for (const slice of slices) {
    const svc = slice.metadata.labels?.['kubernetes.io/service-name'];
    if (!svc || slice.addressType !== 'IPv4') continue;
    for (const port of slice.ports ?? []) {
      if (!port.port) continue;
      const key = servicePortKey(`${slice.metadata.namespace}/${svc}${port.name ? `:${port.name}` : ''}`, port.protocol ?? 'TCP');
      let set = byPort.get(key);
      if (!set) byPort.set(key, (set = new Map()));
      for (const ep of slice.endpoints ?? []) {
        const ip = ep.addresses?.[0];
        if (!ip || !isIPv4(ip)) continue;
        const ready = ep.conditions?.ready ?? true;
        const text = `${ip}:${port.port}`;
        set.set(text, {
          ip,
          port: port.port,
          text,
          ready,
          serving: ep.conditions?.serving ?? ready,
          terminating: ep.conditions?.terminating ?? false,
          isLocal: ep.nodeName === nodeName,
        });
      }
    }
  }
  const out = new Map<string, EndpointInfo[]>();
  for (const [k, set] of byPort) if (set.size) out.set(k, [...set.values()].sort((a, b) => cmp(a.text, b.text)));
  return out;
}

export interface Categorized {
  clusterEndpoints: EndpointInfo[];
  localEndpoints: EndpointInfo[];
  allReachable: EndpointInfo[];
  hasAnyEndpoints: boolean;
}

/**
 * CategorizeEndpoints (pkg/proxy/topology.go), without topology hints: ready endpoints, or the
 * serving terminating ones when none is ready, chosen separately for Cluster and for Local.
 */
export function categorizeEndpoints(endpoints: EndpointInfo[], svc: ServicePortInfo): Categorized {
  let clusterEndpoints: EndpointInfo[] = [];
  let localEndpoints: EndpointInfo[] = [];
  let hasAnyEndpoints = false;
  if (usesClusterEndpoints(svc)) {
    clusterEndpoints = endpoints.filter((e) => e.ready);
    if (clusterEndpoints.length === 0) clusterEndpoints = endpoints.filter((e) => e.serving && e.terminating);
    if (clusterEndpoints.length > 0) hasAnyEndpoints = true;
  }
  if (!usesLocalEndpoints(svc)) return { clusterEndpoints, localEndpoints, allReachable: clusterEndpoints, hasAnyEndpoints };
  let localReady = false;
  let localServingTerminating = false;
  for (const e of endpoints) {
    if (e.ready) {
      hasAnyEndpoints = true;
      if (e.isLocal) localReady = true;
    } else if (e.serving && e.terminating) {
      hasAnyEndpoints = true;
      if (e.isLocal) localServingTerminating = true;
    }
  }
  if (localReady) localEndpoints = endpoints.filter((e) => e.isLocal && e.ready);
  else if (localServingTerminating) localEndpoints = endpoints.filter((e) => e.isLocal && e.serving && e.terminating);
  if (!usesClusterEndpoints(svc)) return { clusterEndpoints, localEndpoints, allReachable: localEndpoints, hasAnyEndpoints };
  if (!localServingTerminating || localReady) return { clusterEndpoints, localEndpoints, allReachable: clusterEndpoints, hasAnyEndpoints };
  // local serving-terminating endpoints are not among the cluster ones: merge (kube-proxy uses a map; sorted here)
  const merged = new Map<string, EndpointInfo>();
  for (const e of [...clusterEndpoints, ...localEndpoints]) merged.set(e.text, e);
  return { clusterEndpoints, localEndpoints, allReachable: [...merged.values()].sort((a, b) => cmp(a.text, b.text)), hasAnyEndpoints };
}
