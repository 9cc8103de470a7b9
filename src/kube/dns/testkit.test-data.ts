/**
 * Test fixtures for cluster DNS: a tiny object store that satisfies KubeReader, and builders for
 * the objects (Services, EndpointSlices as the EndpointSlice controller writes them, Pods,
 * Namespaces) in their API shapes.
 */
import type { EndpointSlice, Kind, KubeObject, Namespace, Pod, Service, ServicePort } from '../api/types';
import type { KubeChange, KubeReader } from './cluster';

export class MemoryStore implements KubeReader {
  private objects: KubeObject[] = [];
  private watchers = new Map<Kind, Set<(e: KubeChange) => void>>();

  constructor(objs: KubeObject[] = []) {
    for (const o of objs) this.put(o);
  }

  list<T extends KubeObject>(kind: T['kind']): readonly T[] {
    return this.objects.filter((o) => o.kind === kind) as T[];
  }

  watch(kind: Kind, fn: (e: KubeChange) => void): () => void {
    const s = this.watchers.get(kind) ?? new Set();
    this.watchers.set(kind, s);
    s.add(fn);
    return () => s.delete(fn);
  }

  put(o: KubeObject): void {
    const same = (x: KubeObject) => x.kind === o.kind && x.metadata.name === o.metadata.name && x.metadata.namespace === o.metadata.namespace;
    const type = this.objects.some(same) ? 'MODIFIED' : 'ADDED';
    this.objects = this.objects.filter((x) => !same(x));
    this.objects.push(o);
    for (const w of this.watchers.get(o.kind) ?? []) w({ type, object: o });
  }

  remove(kind: Kind, ns: string | undefined, name: string): void {
    const gone = this.objects.find((x) => x.kind === kind && x.metadata.name === name && x.metadata.namespace === ns);
    this.objects = this.objects.filter((x) => x !== gone);
    if (gone) for (const w of this.watchers.get(kind) ?? []) w({ type: 'DELETED', object: gone });
  }
}

export const ns = (name: string): Namespace => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

export function svc(namespace: string, name: string, spec: Partial<Service['spec']> & { ports?: ServicePort[] }): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { type: 'ClusterIP', ...spec } };
}

export interface Ep {
  ip: string;
  hostname?: string;
  ready?: boolean;
  pod?: string;
}

export function slice(namespace: string, service: string, eps: Ep[], ports: { name?: string; port: number; protocol?: 'TCP' | 'UDP' }[], suffix = 'abcde'): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${service}-${suffix}`, namespace, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    endpoints: eps.map((e) => ({
      addresses: [e.ip],
      conditions: { ready: e.ready ?? true },
      ...(e.hostname ? { hostname: e.hostname } : {}),
      ...(e.pod ? { targetRef: { kind: 'Pod', namespace, name: e.pod } } : {}),
    })),
    ports: ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol ?? 'TCP' })),
  };
}

export function pod(namespace: string, name: string, ip: string, extra: Partial<Pod['spec']> = {}): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace }, spec: { containers: [{ name: 'c' }], ...extra }, status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] } };
}

/** The cluster of the specification's examples, kubeadm-style. */
export function specCluster(): MemoryStore {
  return new MemoryStore([
    ns('default'), ns('kube-system'), ns('prod'),
    svc('default', 'kubernetes', { clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'], ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] }),
    svc('kube-system', 'kube-dns', {
      clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], selector: { 'k8s-app': 'kube-dns' },
      ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }, { name: 'metrics', port: 9153, protocol: 'TCP' }],
    }),
    slice('kube-system', 'kube-dns', [{ ip: '10.244.1.2', pod: 'coredns-a' }, { ip: '10.244.2.2', pod: 'coredns-b' }], [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53 }, { name: 'metrics', port: 9153 }]),
    svc('default', 'web', { clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'], ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }, { port: 8443, protocol: 'TCP' }] }),
    slice('default', 'web', [{ ip: '10.244.2.5', pod: 'web-1' }], [{ name: 'http', port: 8080 }, { port: 8443 }]),
    svc('default', 'headless', { clusterIP: 'None', clusterIPs: ['None'], ports: [{ name: 'https', port: 443, protocol: 'TCP' }] }),
    slice('default', 'headless', [
      { ip: '10.244.1.5', hostname: 'my-pet', pod: 'my-pet' },
      { ip: '10.244.2.6', hostname: 'my-pet-2', pod: 'my-pet-2' },
      { ip: '10.244.3.7', pod: 'web-xyz' },
      { ip: '10.244.3.8', hostname: 'not-ready', ready: false },
    ], [{ name: 'https', port: 443 }]),
    svc('default', 'empty-headless', { clusterIP: 'None', ports: [{ name: 'x', port: 1 }] }),
    slice('default', 'empty-headless', [{ ip: '10.244.3.9', ready: false }], [{ name: 'x', port: 1 }]),
    svc('default', 'foo', { type: 'ExternalName', externalName: 'www.example.com' }),
    svc('default', 'alias', { type: 'ExternalName', externalName: 'kubernetes.default.svc.cluster.local' }),
    svc('prod', 'data', { clusterIP: '10.96.5.5', ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] }),
    pod('default', 'my-pet', '10.244.1.5', { hostname: 'my-pet', subdomain: 'headless' }),
    pod('default', 'web-1', '10.244.2.5'),
  ]);
}
