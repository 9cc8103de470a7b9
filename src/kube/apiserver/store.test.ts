import { describe, expect, it } from 'vitest';
import type { ConfigMap, Namespace } from '../api/types';
import { ApiStore } from './store';
import { ClusterRandom } from './ids';

const cm = (namespace: string, name: string, v = '1'): ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { v } });
const names = (l: ConfigMap[]) => l.map((o) => `${o.metadata.namespace}/${o.metadata.name}=${o.data?.v}`);

describe('ApiStore lists', () => {
  it('lists by namespace and name, and follows every write to the kind', () => {
    const store = new ApiStore(() => 0, new ClusterRandom(1));
    for (const n of ['b', 'a']) store.create<Namespace>({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n } });
    store.create(cm('b', 'x'));
    store.create(cm('a', 'y'));
    store.create(cm('a', 'x'));
    expect(names(store.list<ConfigMap>('ConfigMap'))).toEqual(['a/x=1', 'a/y=1', 'b/x=1']);
    expect(names(store.list<ConfigMap>('ConfigMap', 'a'))).toEqual(['a/x=1', 'a/y=1']);
    // a list is the caller's: changing it changes nothing stored
    store.list<ConfigMap>('ConfigMap', 'a').pop();
    expect(store.list<ConfigMap>('ConfigMap', 'a')).toHaveLength(2);
    store.update(cm('a', 'y', '2'));
    store.create(cm('b', 'a'));
    expect(names(store.list<ConfigMap>('ConfigMap'))).toEqual(['a/x=1', 'a/y=2', 'b/a=1', 'b/x=1']);
    expect(names(store.list<ConfigMap>('ConfigMap', 'b'))).toEqual(['b/a=1', 'b/x=1']);
    store.delete('ConfigMap', 'a', 'x');
    expect(names(store.list<ConfigMap>('ConfigMap', 'a'))).toEqual(['a/y=2']);
    expect(names(store.list<ConfigMap>('ConfigMap'))).toEqual(['a/y=2', 'b/a=1', 'b/x=1']);
  });
});
