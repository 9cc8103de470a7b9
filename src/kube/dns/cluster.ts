/**
 * What cluster DNS reads from the API, and the indexes CoreDNS's kubernetes plugin keeps over it
 * (its informer caches: Services by name and by ClusterIP, endpoints by Service and by address,
 * Pods by IP, Namespaces by name). The indexes are rebuilt when a watched kind changes, so a
 * query costs a few map lookups however large the cluster is.
 */
import type { EndpointSlice, Kind, KubeObject, Namespace, Pod, Service } from '../api/types';

/** The read side of the API store that DNS needs (the cluster's ApiStore satisfies it). */
export interface KubeReader {
  list<T extends KubeObject>(kind: T['kind']): readonly T[];
  /** call `fn` after every change to objects of `kind`; returns a function that stops it */
  watch(kind: Kind, fn: () => void): () => void;
}

/** One address of a Service's endpoints, as CoreDNS keeps it (object.EndpointAddress). */
export interface EndpointAddr {
  ip: string;
  hostname?: string;
  targetRefName?: string;
  nodeName?: string;
}

export interface EndpointPortInfo {
  name: string;
  port: number;
  protocol: string;
}

/** One EndpointSlice of a Service, as CoreDNS converts it: ready addresses, and its ports. */
export interface EndpointSet {
  namespace: string;
  service: string;
  addresses: EndpointAddr[];
  /** no ports at all: CoreDNS's sentinel port -1, which never makes an SRV record */
  ports: EndpointPortInfo[];
}

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** CoreDNS's EndpointSliceToEndpoints: ready endpoints only (a missing condition counts as ready). */
function toEndpointSet(s: EndpointSlice, publishNotReady: boolean): EndpointSet | undefined {
  const service = s.metadata.labels?.[SERVICE_NAME_LABEL];
  if (!service || s.addressType === 'FQDN') return undefined;
  const addresses: EndpointAddr[] = [];
  for (const e of s.endpoints ?? []) {
    const ready = e.conditions?.ready;
    if (ready === false && !publishNotReady) continue;
    for (const ip of e.addresses) {
      const a: EndpointAddr = { ip };
      if (e.hostname) a.hostname = e.hostname;
      // pod names too long to be a label are not used as names
      if (e.targetRef?.name && e.targetRef.name.length < 64) a.targetRefName = e.targetRef.name;
      if (e.nodeName) a.nodeName = e.nodeName;
      addresses.push(a);
    }
  }
  const ports = (s.ports ?? []).map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' }));
  return { namespace: s.metadata.namespace ?? 'default', service, addresses, ports };
}

const key = (ns: string, name: string): string => `${name.toLowerCase()}.${ns.toLowerCase()}`;

/** The Service's cluster IPs ("None" and empty mean headless). */
export function clusterIPs(svc: Service): string[] {
  const ips = svc.spec.clusterIPs?.length ? svc.spec.clusterIPs : svc.spec.clusterIP ? [svc.spec.clusterIP] : [];
  return ips.filter((ip) => ip !== 'None' && ip !== '');
}

export const isHeadless = (svc: Service): boolean => svc.spec.type !== 'ExternalName' && clusterIPs(svc).length === 0;

export class ClusterIndex {
  private dirty = true;
  private services = new Map<string, Service[]>();
  private servicesByIP = new Map<string, Service[]>();
  private endpoints = new Map<string, EndpointSet[]>();
  private endpointsByIP = new Map<string, EndpointSet[]>();
  private podsByIP = new Map<string, Pod[]>();
  private namespaces = new Set<string>();
  /** virtual time of the last change seen (the SOA serial follows it) */
  modifiedAt = 0;
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly reader: KubeReader,
    private readonly now: () => number = () => 0,
  ) {
    for (const k of ['Service', 'EndpointSlice', 'Pod', 'Namespace'] as const) {
      this.stops.push(
        reader.watch(k, () => {
          this.dirty = true;
          this.modifiedAt = this.now();
        }),
      );
    }
  }

  /** Stop watching the store (the CoreDNS instance is gone). */
  close(): void {
    for (const s of this.stops.splice(0)) s();
  }

  private refresh(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const push = <V>(m: Map<string, V[]>, k: string, v: V) => {
      const l = m.get(k);
      if (l) l.push(v);
      else m.set(k, [v]);
    };
    this.services = new Map();
    this.servicesByIP = new Map();
    const publishNotReady = new Set<string>();
    for (const s of this.reader.list<Service>('Service')) {
      const ns = s.metadata.namespace ?? 'default';
      push(this.services, key(ns, s.metadata.name), s);
      for (const ip of clusterIPs(s)) push(this.servicesByIP, ip, s);
      if (s.spec.publishNotReadyAddresses) publishNotReady.add(key(ns, s.metadata.name));
    }
    this.endpoints = new Map();
    this.endpointsByIP = new Map();
    for (const sl of this.reader.list<EndpointSlice>('EndpointSlice')) {
      const svc = sl.metadata.labels?.[SERVICE_NAME_LABEL];
      const set = toEndpointSet(sl, svc !== undefined && publishNotReady.has(key(sl.metadata.namespace ?? 'default', svc)));
      if (!set) continue;
      push(this.endpoints, key(set.namespace, set.service), set);
      for (const a of set.addresses) push(this.endpointsByIP, a.ip, set);
    }
    this.podsByIP = new Map();
    for (const p of this.reader.list<Pod>('Pod')) {
      for (const ip of p.status?.podIPs?.map((x) => x.ip) ?? (p.status?.podIP ? [p.status.podIP] : [])) push(this.podsByIP, ip, p);
    }
    this.namespaces = new Set(this.reader.list<Namespace>('Namespace').map((n) => n.metadata.name.toLowerCase()));
  }

  service(ns: string, name: string): readonly Service[] {
    this.refresh();
    return this.services.get(key(ns, name)) ?? [];
  }

  endpointsOf(ns: string, name: string): readonly EndpointSet[] {
    this.refresh();
    return this.endpoints.get(key(ns, name)) ?? [];
  }

  servicesWithIP(ip: string): readonly Service[] {
    this.refresh();
    return this.servicesByIP.get(ip) ?? [];
  }

  endpointsWithIP(ip: string): readonly EndpointSet[] {
    this.refresh();
    return this.endpointsByIP.get(ip) ?? [];
  }

  podsWithIP(ip: string): readonly Pod[] {
    this.refresh();
    return this.podsByIP.get(ip) ?? [];
  }

  hasNamespace(ns: string): boolean {
    this.refresh();
    return this.namespaces.has(ns.toLowerCase());
  }

  /** Every Service (for the DNS view), namespace by namespace. */
  allServices(): Service[] {
    this.refresh();
    return [...this.services.values()].flat();
  }
}
