/**
 * What cluster DNS reads from the API, and the indexes CoreDNS's kubernetes plugin keeps over it
 * (its informer caches: Services by name and by ClusterIP, endpoints by Service and by address,
 * Pods by IP, Namespaces by name), listed once and then kept from the watch's events.
 */
import type { EndpointSlice, Kind, KubeObject, Namespace, Pod, Service } from '../api/types';

/** A change of one object, as the API store's watch delivers it. */
export interface KubeChange {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
}

/** The read side of the API store that DNS needs (the cluster's ApiStore satisfies it). */
export interface KubeReader {
  list<T extends KubeObject>(kind: T['kind']): readonly T[];
  /** call `fn` with every change to objects of `kind`; returns a function that stops it */
  watch(kind: Kind, fn: (e: KubeChange) => void): () => void;
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
/** sorts as the API server lists objects: by namespace, then name */
const listKey = (o: KubeObject): string => `${o.metadata.namespace ?? ''}\0${o.metadata.name}`;
const byListKey = (a: KubeObject, b: KubeObject): number => (listKey(a) < listKey(b) ? -1 : listKey(a) > listKey(b) ? 1 : 0);

function podIPs(p: Pod): string[] {
  return p.status?.podIPs?.map((x) => x.ip) ?? (p.status?.podIP ? [p.status.podIP] : []);
}

/** A multimap whose lists keep the API server's order (few entries a key: a sorted insert). */
class ListIndex<V extends KubeObject> {
  private readonly m = new Map<string, V[]>();

  get(k: string): readonly V[] {
    return this.m.get(k) ?? [];
  }

  add(k: string, v: V): void {
    const l = this.m.get(k);
    if (!l) {
      this.m.set(k, [v]);
      return;
    }
    l.push(v);
    l.sort(byListKey);
  }

  remove(k: string, v: V): void {
    const l = this.m.get(k);
    if (!l) return;
    const rest = l.filter((x) => listKey(x) !== listKey(v));
    if (rest.length) this.m.set(k, rest);
    else this.m.delete(k);
  }

  values(): IterableIterator<V[]> {
    return this.m.values();
  }
}

/** The Service's cluster IPs ("None" and empty mean headless). */
export function clusterIPs(svc: Service): string[] {
  const ips = svc.spec.clusterIPs?.length ? svc.spec.clusterIPs : svc.spec.clusterIP ? [svc.spec.clusterIP] : [];
  return ips.filter((ip) => ip !== 'None' && ip !== '');
}

export const isHeadless = (svc: Service): boolean => svc.spec.type !== 'ExternalName' && clusterIPs(svc).length === 0;

/** the slice an endpoint set was made of (its list key): sets of one address keep the slices' order */
const sliceOf = new WeakMap<EndpointSet, string>();
const setOrder = (s: EndpointSet): string => sliceOf.get(s) ?? '';

/** A Service's slices and the endpoint sets CoreDNS makes of them. */
interface ServiceEndpoints {
  slices: Map<string, EndpointSlice>;
  sets: EndpointSet[];
}

/**
 * CoreDNS's informer caches, kept up to date from the store's watch events one object at a time
 * (as informers apply deltas): a change costs what that object touches, and a query a few map
 * lookups, however many Services, slices and pods the cluster has.
 */
export class ClusterIndex {
  private readonly services = new Map<string, readonly Service[]>();
  private readonly servicesByIP = new ListIndex<Service>();
  /** by Service key (namespace and the slice's service-name label) */
  private readonly endpoints = new Map<string, ServiceEndpoints>();
  /** each slice's Service key, as last seen (its label may change) */
  private readonly sliceOwner = new Map<string, string>();
  /** the sets of each address, put in their slices' order when asked (many Services may share pods) */
  private readonly endpointsByIP = new Map<string, { sets: Set<EndpointSet>; sorted: EndpointSet[] | undefined }>();
  private readonly podsByIP = new ListIndex<Pod>();
  /** each pod's addresses, as last seen */
  private readonly podAddrs = new Map<string, { pod: Pod; ips: string[] }>();
  private readonly namespaces = new Set<string>();
  /** virtual time of the last change seen (the SOA serial follows it) */
  modifiedAt = 0;
  private readonly stops: (() => void)[] = [];

  constructor(
    reader: KubeReader,
    private readonly now: () => number = () => 0,
  ) {
    for (const n of reader.list<Namespace>('Namespace')) this.onNamespace({ type: 'ADDED', object: n });
    for (const s of reader.list<Service>('Service')) this.onService({ type: 'ADDED', object: s });
    for (const s of reader.list<EndpointSlice>('EndpointSlice')) this.onSlice({ type: 'ADDED', object: s });
    for (const p of reader.list<Pod>('Pod')) this.onPod({ type: 'ADDED', object: p });
    const on = (fn: (e: KubeChange) => void) => (e: KubeChange) => {
      fn.call(this, e);
      this.modifiedAt = this.now();
    };
    this.stops.push(
      reader.watch('Namespace', on(this.onNamespace)),
      reader.watch('Service', on(this.onService)),
      reader.watch('EndpointSlice', on(this.onSlice)),
      reader.watch('Pod', on(this.onPod)),
    );
  }

  /** Stop watching the store (the CoreDNS instance is gone). */
  close(): void {
    for (const s of this.stops.splice(0)) s();
  }

  private onNamespace(e: KubeChange): void {
    const name = e.object.metadata.name.toLowerCase();
    if (e.type === 'DELETED') this.namespaces.delete(name);
    else this.namespaces.add(name);
  }

  private onService(e: KubeChange): void {
    const s = e.object as Service;
    const k = key(s.metadata.namespace ?? 'default', s.metadata.name);
    const old = this.services.get(k)?.[0];
    if (old) for (const ip of clusterIPs(old)) this.servicesByIP.remove(ip, old);
    if (e.type === 'DELETED') this.services.delete(k);
    else {
      this.services.set(k, [s]);
      for (const ip of clusterIPs(s)) this.servicesByIP.add(ip, s);
    }
    // publishNotReadyAddresses decides which of its endpoints count
    if (this.endpoints.has(k)) this.convert(k);
  }

  private onSlice(e: KubeChange): void {
    const sl = e.object as EndpointSlice;
    const id = listKey(sl);
    const before = this.sliceOwner.get(id);
    if (before !== undefined) {
      this.endpoints.get(before)?.slices.delete(id);
      this.sliceOwner.delete(id);
      this.convert(before);
    }
    const svc = sl.metadata.labels?.[SERVICE_NAME_LABEL];
    if (e.type === 'DELETED' || !svc) return;
    const k = key(sl.metadata.namespace ?? 'default', svc);
    let eps = this.endpoints.get(k);
    if (!eps) this.endpoints.set(k, (eps = { slices: new Map(), sets: [] }));
    eps.slices.set(id, sl);
    this.sliceOwner.set(id, k);
    this.convert(k);
  }

  /** Convert a Service's slices again (CoreDNS's EndpointSliceToEndpoints), and re-index their addresses. */
  private convert(k: string): void {
    const eps = this.endpoints.get(k);
    if (!eps) return;
    for (const set of eps.sets) for (const a of set.addresses) this.unindexAddr(a.ip, set);
    const publishNotReady = this.services.get(k)?.[0]?.spec.publishNotReadyAddresses === true;
    const ids = [...eps.slices.keys()].sort();
    eps.sets = [];
    for (const id of ids) {
      const set = toEndpointSet(eps.slices.get(id)!, publishNotReady);
      if (!set) continue;
      sliceOf.set(set, id);
      eps.sets.push(set);
    }
    for (const set of eps.sets) for (const a of set.addresses) this.indexAddr(a.ip, set);
    if (eps.slices.size === 0) this.endpoints.delete(k);
  }

  private indexAddr(ip: string, set: EndpointSet): void {
    let e = this.endpointsByIP.get(ip);
    if (!e) this.endpointsByIP.set(ip, (e = { sets: new Set(), sorted: undefined }));
    e.sets.add(set);
    e.sorted = undefined;
  }

  private unindexAddr(ip: string, set: EndpointSet): void {
    const e = this.endpointsByIP.get(ip);
    if (!e) return;
    e.sets.delete(set);
    e.sorted = undefined;
    if (e.sets.size === 0) this.endpointsByIP.delete(ip);
  }

  private onPod(e: KubeChange): void {
    const p = e.object as Pod;
    const id = listKey(p);
    const before = this.podAddrs.get(id);
    if (before) for (const ip of before.ips) this.podsByIP.remove(ip, before.pod);
    if (e.type === 'DELETED') {
      this.podAddrs.delete(id);
      return;
    }
    const ips = podIPs(p);
    this.podAddrs.set(id, { pod: p, ips });
    for (const ip of ips) this.podsByIP.add(ip, p);
  }

  service(ns: string, name: string): readonly Service[] {
    return this.services.get(key(ns, name)) ?? [];
  }

  endpointsOf(ns: string, name: string): readonly EndpointSet[] {
    return this.endpoints.get(key(ns, name))?.sets ?? [];
  }

  servicesWithIP(ip: string): readonly Service[] {
    return this.servicesByIP.get(ip);
  }

  endpointsWithIP(ip: string): readonly EndpointSet[] {
    const e = this.endpointsByIP.get(ip);
    if (!e) return [];
    e.sorted ??= [...e.sets].sort((a, b) => (setOrder(a) < setOrder(b) ? -1 : setOrder(a) > setOrder(b) ? 1 : 0));
    return e.sorted;
  }

  podsWithIP(ip: string): readonly Pod[] {
    return this.podsByIP.get(ip);
  }

  hasNamespace(ns: string): boolean {
    return this.namespaces.has(ns.toLowerCase());
  }

  /** Every Service (for the DNS view), namespace by namespace. */
  allServices(): Service[] {
    return [...this.services.values()].flat().sort(byListKey);
  }
}
