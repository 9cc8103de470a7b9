import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/types';
import { ClusterIndex } from './cluster';
import { MemoryStore, ns, pod, slice, specCluster, svc } from './testkit.test-data';

/** A store that counts how often the index lists a kind (it must list once, then follow events). */
class CountingStore extends MemoryStore {
  lists = 0;

  override list<T extends KubeObject>(kind: T['kind']): readonly T[] {
    this.lists++;
    return super.list<T>(kind);
  }
}

describe('ClusterIndex', () => {
  it('lists the store once and then follows each change from its event', () => {
    const store = new CountingStore([ns('default')]);
    for (let i = 0; i < 50; i++) store.put(svc('default', `s${i}`, { clusterIP: `10.96.1.${i}`, ports: [{ name: 'http', port: 80 }] }));
    const idx = new ClusterIndex(store);
    const listed = store.lists;
    store.put(svc('default', 's7', { clusterIP: '10.96.2.7', ports: [{ name: 'http', port: 80 }] }));
    store.put(slice('default', 's7', [{ ip: '10.244.1.7' }], [{ name: 'http', port: 8080 }]));
    store.put(pod('default', 'p7', '10.244.1.7'));
    expect(idx.service('default', 's7')[0].spec.clusterIP).toBe('10.96.2.7');
    expect(idx.servicesWithIP('10.96.1.7')).toEqual([]);
    expect(idx.servicesWithIP('10.96.2.7').map((s) => s.metadata.name)).toEqual(['s7']);
    expect(idx.endpointsOf('default', 's7')[0].addresses.map((a) => a.ip)).toEqual(['10.244.1.7']);
    expect(idx.podsWithIP('10.244.1.7').map((p) => p.metadata.name)).toEqual(['p7']);
    expect(store.lists).toBe(listed);
  });

  it('moves a slice whose service-name label changes, and drops what is deleted', () => {
    const store = specCluster();
    const idx = new ClusterIndex(store);
    const moved = slice('default', 'web', [{ ip: '10.244.2.5' }], [{ name: 'http', port: 8080 }]);
    moved.metadata.labels = { 'kubernetes.io/service-name': 'other' };
    store.put(moved);
    expect(idx.endpointsOf('default', 'web')).toEqual([]);
    expect(idx.endpointsOf('default', 'other')[0].addresses.map((a) => a.ip)).toEqual(['10.244.2.5']);
    expect(idx.endpointsWithIP('10.244.2.5').map((s) => s.service)).toEqual(['other']);
    store.remove('EndpointSlice', 'default', moved.metadata.name);
    expect(idx.endpointsOf('default', 'other')).toEqual([]);
    expect(idx.endpointsWithIP('10.244.2.5')).toEqual([]);
    store.remove('Service', 'prod', 'data');
    expect(idx.servicesWithIP('10.96.5.5')).toEqual([]);
    store.remove('Namespace', undefined, 'prod');
    expect(idx.hasNamespace('prod')).toBe(false);
    store.remove('Pod', 'default', 'my-pet');
    expect(idx.podsWithIP('10.244.1.5')).toEqual([]);
  });

  it("re-reads a Service's endpoints when its publishNotReadyAddresses changes", () => {
    const store = specCluster();
    const idx = new ClusterIndex(store);
    const ready = () => idx.endpointsOf('default', 'headless')[0].addresses.map((a) => a.ip);
    expect(ready()).not.toContain('10.244.3.8');
    store.put(svc('default', 'headless', { clusterIP: 'None', clusterIPs: ['None'], publishNotReadyAddresses: true, ports: [{ name: 'https', port: 443, protocol: 'TCP' }] }));
    expect(ready()).toContain('10.244.3.8');
    expect(idx.endpointsWithIP('10.244.3.8').map((s) => s.service)).toEqual(['headless']);
  });

  it("keeps the slices' order for an address two Services share", () => {
    const store = new MemoryStore([ns('default')]);
    const idx = new ClusterIndex(store);
    store.put(slice('default', 'zeta', [{ ip: '10.244.1.9' }], [], 'x'));
    store.put(slice('default', 'alpha', [{ ip: '10.244.1.9' }], [], 'x'));
    expect(idx.endpointsWithIP('10.244.1.9').map((s) => s.service)).toEqual(['alpha', 'zeta']);
    expect(idx.allServices()).toEqual([]);
  });
});
