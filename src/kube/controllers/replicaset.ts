/**
 * The ReplicaSet controller: as many active pods as spec.replicas, created from the template as
 * `<replicaset>-<5 random characters>`, the surplus deleted in the order the real controller
 * prefers (unscheduled, pending, not ready, then the newest), and the status counted.
 */
import type { Pod, ReplicaSet } from '../api/types';
import type { Cluster } from '../cluster';
import { matchesSelector } from '../api/selector';
import { objKey, splitKey, WorkQueue, type Controller } from './queue';
import { controllerOf, ownerRef, sameJson } from './owners';
import { isPodActive, isPodReady } from './pods';

const SOURCE = { component: 'replicaset-controller' };

export class ReplicaSetController implements Controller {
  readonly name = 'replicaset';
  readonly queue = new WorkQueue();

  constructor(private readonly cluster: Cluster) {
    cluster.store.watch('ReplicaSet', (e) => this.queue.add(objKey(e.object)));
    cluster.store.watch('Pod', (e) => {
      const ref = controllerOf(e.object);
      if (ref?.kind === 'ReplicaSet') this.queue.add(`${e.object.metadata.namespace}/${ref.name}`);
    });
  }

  reconcile(key: string): void {
    const [ns, name] = splitKey(key);
    const store = this.cluster.store;
    const rs = store.get<ReplicaSet>('ReplicaSet', ns, name);
    if (!rs) return;
    const pods = store.list<Pod>('Pod', ns).filter((p) => controllerOf(p)?.uid === rs.metadata.uid && matchesSelector(rs.spec.selector, p.metadata.labels));
    const active = pods.filter(isPodActive);
    const want = rs.spec.replicas ?? 1;
    if (active.length < want) {
      for (let i = active.length; i < want; i++) {
        const t = rs.spec.template;
        const created = store.create<Pod>({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: '',
            generateName: `${rs.metadata.name}-`,
            namespace: ns,
            labels: { ...(t.metadata?.labels ?? {}) },
            ...(t.metadata?.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
            ownerReferences: [ownerRef(rs)],
          },
          spec: structuredClone(t.spec),
        });
        this.cluster.events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`, SOURCE);
      }
    } else if (active.length > want) {
      const rank = (p: Pod) => (!p.spec.nodeName ? 0 : p.status?.phase === 'Pending' ? 1 : !isPodReady(p) ? 2 : 3);
      const victims = [...active]
        .sort((a, b) => rank(a) - rank(b) || (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '') || b.metadata.name.localeCompare(a.metadata.name))
        .slice(0, active.length - want);
      for (const p of victims) {
        store.delete('Pod', ns, p.metadata.name);
        this.cluster.events.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, SOURCE);
      }
    }
    this.updateStatus(rs);
  }

  private updateStatus(rs: ReplicaSet): void {
    const store = this.cluster.store;
    const cur = store.get<ReplicaSet>('ReplicaSet', rs.metadata.namespace, rs.metadata.name);
    if (!cur) return;
    const pods = store.list<Pod>('Pod', rs.metadata.namespace).filter((p) => controllerOf(p)?.uid === rs.metadata.uid && isPodActive(p));
    const ready = pods.filter(isPodReady).length;
    const labeled = pods.filter((p) => Object.entries(rs.spec.template.metadata?.labels ?? {}).every(([k, v]) => p.metadata.labels?.[k] === v)).length;
    const status: ReplicaSet['status'] = {
      replicas: pods.length,
      ...(labeled ? { fullyLabeledReplicas: labeled } : {}),
      ...(ready ? { readyReplicas: ready, availableReplicas: ready } : {}),
      observedGeneration: cur.metadata.generation,
    };
    if (sameJson(status, cur.status)) return;
    const next = structuredClone(cur);
    next.status = status;
    store.update(next, { subresource: 'status' });
  }
}
