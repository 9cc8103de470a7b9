/**
 * The EndpointSlice controller (pkg/controller/endpointslice): for every Service with a selector,
 * slices named `<service>-<5 characters>` that list the selected pods with ready / serving /
 * terminating conditions, grouped by their resolved ports, 100 endpoints a slice at most, and an
 * empty placeholder slice when no pod is selected. Hand-written slices (without the managed-by
 * label) are left alone: that is how a selector-less Service gets endpoints.
 */
import type { Endpoint, EndpointSlice, KubeObject, Pod, Service } from '../api/types';
import type { Cluster } from '../cluster';
import { objKey, splitKey, WorkQueue, type Controller } from './queue';
import { ownerRef, sameJson } from './owners';
import { backendsOf, hasManagedEndpoints, type Backend } from './backends';
import { matchesServiceSelector } from '../api/selector';

export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
export const SLICE_CONTROLLER = 'endpointslice-controller.k8s.io';
const MAX_ENDPOINTS = 100;

export class EndpointSliceController implements Controller {
  readonly name = 'endpointslice';
  readonly queue = new WorkQueue();
  /** the managed slices of each Service (`ns/name` → slice names), as the real controller's slice tracker keeps them */
  private readonly slices = new Map<string, Set<string>>();

  constructor(private readonly cluster: Cluster) {
    const store = cluster.store;
    store.watch('Service', (e) => this.queue.add(objKey(e.object)));
    store.watch('Pod', (e) => {
      const pods = [e.object as Pod, ...(e.old ? [e.old as Pod] : [])];
      for (const svc of store.list<Service>('Service', e.object.metadata.namespace))
        if (pods.some((p) => matchesServiceSelector(svc.spec.selector, p.metadata.labels))) this.queue.add(objKey(svc));
    });
    store.watch('EndpointSlice', (e) => {
      const ns = e.object.metadata.namespace;
      const owner = (o: KubeObject | undefined) => (o?.metadata.labels?.[LABEL_MANAGED_BY] === SLICE_CONTROLLER ? o.metadata.labels[LABEL_SERVICE_NAME] : undefined);
      const before = owner(e.old);
      if (before !== undefined) this.slices.get(`${ns}/${before}`)?.delete(e.object.metadata.name);
      const svc = owner(e.object);
      if (svc === undefined) return;
      const k = `${ns}/${svc}`;
      if (e.type === 'DELETED') this.slices.get(k)?.delete(e.object.metadata.name);
      else {
        let names = this.slices.get(k);
        if (!names) this.slices.set(k, (names = new Set()));
        names.add(e.object.metadata.name);
      }
      this.queue.add(k);
    });
  }

  reconcile(key: string): void {
    const [ns, name] = splitKey(key);
    const store = this.cluster.store;
    const svc = store.get<Service>('Service', ns, name);
    const existing = [...(this.slices.get(key) ?? [])]
      .sort()
      .map((n) => store.get<EndpointSlice>('EndpointSlice', ns, n))
      .filter((s): s is EndpointSlice => s !== undefined);
    if (!svc || !hasManagedEndpoints(svc)) {
      for (const s of existing) store.delete('EndpointSlice', ns, s.metadata.name);
      return;
    }
    const groups = new Map<string, Backend[]>();
    for (const b of backendsOf(svc, store.list<Pod>('Pod', ns), true)) {
      const k = JSON.stringify(b.ports);
      groups.set(k, [...(groups.get(k) ?? []), b]);
    }
    const desired: Pick<EndpointSlice, 'endpoints' | 'ports'>[] = [];
    for (const [portsKey, backends] of groups)
      for (let i = 0; i < backends.length; i += MAX_ENDPOINTS)
        desired.push({ endpoints: backends.slice(i, i + MAX_ENDPOINTS).map(toEndpoint), ports: JSON.parse(portsKey) });
    if (desired.length === 0) desired.push({ endpoints: null as unknown as Endpoint[], ports: null });
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(svc.metadata.labels ?? {})) if (k !== LABEL_SERVICE_NAME && k !== LABEL_MANAGED_BY) labels[k] = v;
    labels[LABEL_MANAGED_BY] = SLICE_CONTROLLER;
    labels[LABEL_SERVICE_NAME] = name;
    if (svc.spec.clusterIP === 'None') labels['service.kubernetes.io/headless'] = '';
    // reuse slices whose ports match, so names stay put while pods come and go
    const unused = [...existing];
    for (const want of desired) {
      const i = unused.findIndex((s) => sameJson(s.ports ?? null, want.ports ?? null));
      const cur = i >= 0 ? unused.splice(i, 1)[0] : undefined;
      if (cur) {
        if (sameJson(cur.endpoints ?? null, want.endpoints ?? null) && sameJson(cur.metadata.labels, labels)) continue;
        const next = structuredClone(cur);
        next.endpoints = want.endpoints;
        next.ports = want.ports;
        next.metadata.labels = labels;
        store.update(next);
      } else
        store.create<EndpointSlice>({
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: { name: '', generateName: `${name}-`, namespace: ns, labels, ownerReferences: [ownerRef(svc)] },
          addressType: 'IPv4',
          endpoints: want.endpoints,
          ports: want.ports,
        });
    }
    for (const s of unused) store.delete('EndpointSlice', ns, s.metadata.name);
  }
}

function toEndpoint(b: Backend): Endpoint {
  return {
    addresses: [b.ip],
    conditions: { ready: b.ready, serving: b.serving, terminating: b.terminating },
    ...(b.hostname ? { hostname: b.hostname } : {}),
    ...(b.pod.spec.nodeName ? { nodeName: b.pod.spec.nodeName } : {}),
    targetRef: { kind: 'Pod', namespace: b.pod.metadata.namespace, name: b.pod.metadata.name, uid: b.pod.metadata.uid },
  };
}
