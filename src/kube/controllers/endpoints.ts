/**
 * The Endpoints controller (core/v1 Endpoints, what older tools and `kubectl get ep` read): one
 * object named after the Service, ready pods in `addresses`, the others in `notReadyAddresses`,
 * terminating pods left out unless publishNotReadyAddresses, subsets grouped by resolved ports.
 */
import type { EndpointAddress, Endpoints, Pod, Service } from '../api/types';
import type { Cluster } from '../cluster';
import { objKey, splitKey, WorkQueue, type Controller } from './queue';
import { sameJson } from './owners';
import { backendsOf, hasManagedEndpoints } from './backends';
import { matchesServiceSelector } from '../api/selector';

export class EndpointsController implements Controller {
  readonly name = 'endpoints';
  readonly queue = new WorkQueue();

  constructor(private readonly cluster: Cluster) {
    const store = cluster.store;
    store.watch('Service', (e) => this.queue.add(objKey(e.object)));
    store.watch('Pod', (e) => {
      const pods = [e.object as Pod, ...(e.old ? [e.old as Pod] : [])];
      for (const svc of store.list<Service>('Service', e.object.metadata.namespace))
        if (pods.some((p) => matchesServiceSelector(svc.spec.selector, p.metadata.labels))) this.queue.add(objKey(svc));
    });
  }

  reconcile(key: string): void {
    const [ns, name] = splitKey(key);
    const store = this.cluster.store;
    const svc = store.get<Service>('Service', ns, name);
    const cur = store.get<Endpoints>('Endpoints', ns, name);
    if (!svc) {
      if (cur && cur.metadata.labels?.['endpoints.kubernetes.io/managed-by'] !== 'endpoint-mirroring') store.delete('Endpoints', ns, name);
      return;
    }
    if (!hasManagedEndpoints(svc)) return;
    const subsets = new Map<string, { addresses: EndpointAddress[]; notReadyAddresses: EndpointAddress[]; ports: Endpoints['subsets'] extends (infer S)[] | undefined ? S extends { ports?: infer P } ? P : never : never }>();
    for (const b of backendsOf(svc, store.list<Pod>('Pod', ns), svc.spec.publishNotReadyAddresses === true)) {
      const ports = b.ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, protocol: p.protocol, ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) }));
      if ((svc.spec.ports ?? []).length > 0 && ports.length === 0) continue;
      const k = JSON.stringify(ports);
      if (!subsets.has(k)) subsets.set(k, { addresses: [], notReadyAddresses: [], ports });
      const addr: EndpointAddress = {
        ...(b.hostname ? { hostname: b.hostname } : {}),
        ip: b.ip,
        ...(b.pod.spec.nodeName ? { nodeName: b.pod.spec.nodeName } : {}),
        targetRef: { kind: 'Pod', namespace: ns, name: b.pod.metadata.name, uid: b.pod.metadata.uid },
      };
      (b.ready ? subsets.get(k)!.addresses : subsets.get(k)!.notReadyAddresses).push(addr);
    }
    const list = [...subsets.values()].map((s) => ({
      ...(s.addresses.length ? { addresses: s.addresses } : {}),
      ...(s.notReadyAddresses.length ? { notReadyAddresses: s.notReadyAddresses } : {}),
      ...(s.ports.length ? { ports: s.ports } : {}),
    }));
    const labels = { ...(svc.metadata.labels ?? {}), ...(svc.spec.clusterIP === 'None' ? { 'service.kubernetes.io/headless': '' } : {}) };
    const want: Endpoints = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name, namespace: ns, ...(Object.keys(labels).length ? { labels } : {}) },
      ...(list.length ? { subsets: list } : {}),
    };
    if (!cur) {
      store.create(want);
      return;
    }
    if (sameJson(cur.subsets, want.subsets) && sameJson(cur.metadata.labels, want.metadata.labels)) return;
    const next = structuredClone(cur);
    next.metadata.labels = want.metadata.labels;
    if (want.subsets) next.subsets = want.subsets;
    else delete next.subsets;
    store.update(next);
  }
}
