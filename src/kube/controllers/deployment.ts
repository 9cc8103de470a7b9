/**
 * The Deployment controller: one ReplicaSet per pod template (named `<deployment>-<pod-template-hash>`),
 * the current one scaled to the Deployment's replicas and the older ones to zero (readiness is
 * immediate in Hoplab, so a rolling update ends where the real one ends), and the status rolled up.
 */
import type { Deployment, ReplicaSet } from '../api/types';
import type { Cluster } from '../cluster';
import { rfc3339 } from '../apiserver/clock';
import { objKey, splitKey, WorkQueue, type Controller } from './queue';
import { podTemplateHash } from './hash';
import { controllerOf, ownerRef, sameJson } from './owners';

export class DeploymentController implements Controller {
  readonly name = 'deployment';
  readonly queue = new WorkQueue();

  constructor(private readonly cluster: Cluster) {
    cluster.store.watch('Deployment', (e) => this.queue.add(objKey(e.object)));
    cluster.store.watch('ReplicaSet', (e) => {
      const ref = controllerOf(e.object);
      if (ref?.kind === 'Deployment') this.queue.add(`${e.object.metadata.namespace}/${ref.name}`);
    });
  }

  reconcile(key: string): void {
    const [ns, name] = splitKey(key);
    const store = this.cluster.store;
    const d = store.get<Deployment>('Deployment', ns, name);
    if (!d) return;
    const owned = store.list<ReplicaSet>('ReplicaSet', ns).filter((rs) => controllerOf(rs)?.uid === d.metadata.uid);
    const hash = podTemplateHash(d.spec.template);
    let current = owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
    const replicas = d.spec.replicas ?? 1;
    if (!current) {
      const labels = { ...(d.spec.template.metadata?.labels ?? {}), 'pod-template-hash': hash };
      const template = structuredClone(d.spec.template);
      template.metadata = { ...(template.metadata ?? {}), labels };
      const revision = 1 + Math.max(0, ...owned.map((rs) => Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0)));
      current = store.create<ReplicaSet>({
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${d.metadata.name}-${hash}`,
          namespace: ns,
          labels,
          annotations: {
            'deployment.kubernetes.io/desired-replicas': String(replicas),
            'deployment.kubernetes.io/max-replicas': String(replicas + maxSurge(d, replicas)),
            'deployment.kubernetes.io/revision': String(revision),
          },
          ownerReferences: [ownerRef(d)],
        },
        spec: {
          replicas,
          selector: { ...d.spec.selector, matchLabels: { ...(d.spec.selector.matchLabels ?? {}), 'pod-template-hash': hash } },
          template,
        },
      });
    } else if (current.spec.replicas !== replicas) {
      const rs = structuredClone(current);
      rs.spec.replicas = replicas;
      rs.metadata.annotations = { ...(rs.metadata.annotations ?? {}), 'deployment.kubernetes.io/desired-replicas': String(replicas), 'deployment.kubernetes.io/max-replicas': String(replicas + maxSurge(d, replicas)) };
      current = store.update(rs);
    }
    for (const rs of owned) {
      if (rs.metadata.uid === current.metadata.uid || rs.spec.replicas === 0) continue;
      const old = structuredClone(rs);
      old.spec.replicas = 0;
      store.update(old);
    }
    this.updateStatus(d, current, owned);
  }

  private updateStatus(d: Deployment, current: ReplicaSet, owned: ReplicaSet[]): void {
    const all = [current, ...owned.filter((rs) => rs.metadata.uid !== current.metadata.uid)];
    const sum = (f: (rs: ReplicaSet) => number | undefined) => all.reduce((a, rs) => a + (f(rs) ?? 0), 0);
    const replicas = sum((rs) => rs.status?.replicas);
    const ready = sum((rs) => rs.status?.readyReplicas);
    const available = sum((rs) => rs.status?.availableReplicas);
    const updated = current.status?.replicas ?? 0;
    const desired = d.spec.replicas ?? 1;
    const now = rfc3339(this.cluster.now());
    const prev = d.status?.conditions ?? [];
    const cond = (type: string, status: string, reason: string, message: string) => {
      const old = prev.find((c) => c.type === type);
      const same = old && old.status === status;
      return { type, status, reason, message, lastUpdateTime: same && old.reason === reason ? old.lastUpdateTime : now, lastTransitionTime: same ? old.lastTransitionTime : now };
    };
    const minAvailable = desired - maxUnavailable(d, desired);
    const availableCond =
      available >= minAvailable
        ? cond('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
        : cond('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.');
    const complete = updated === desired && available === desired && replicas === desired;
    const progressing = complete
      ? cond('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${current.metadata.name}" has successfully progressed.`)
      : cond('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${current.metadata.name}" is progressing.`);
    const status: Deployment['status'] = {
      observedGeneration: d.metadata.generation,
      ...(replicas ? { replicas } : {}),
      ...(updated ? { updatedReplicas: updated } : {}),
      ...(ready ? { readyReplicas: ready } : {}),
      ...(available ? { availableReplicas: available } : {}),
      ...(replicas - available > 0 ? { unavailableReplicas: replicas - available } : {}),
      conditions: [availableCond, progressing],
    };
    if (sameJson(status, d.status)) return;
    const next = structuredClone(d);
    next.status = status;
    this.cluster.store.update(next, { subresource: 'status' });
  }
}

/** A percentage or count resolved against the replicas (intstr.GetScaledValueFromIntOrPercent). */
function scaled(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const pct = Number(v.replace('%', ''));
  const x = (pct * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

const maxSurge = (d: Deployment, replicas: number) => (d.spec.strategy?.type === 'Recreate' ? 0 : scaled(d.spec.strategy?.rollingUpdate?.maxSurge, replicas, true));
const maxUnavailable = (d: Deployment, replicas: number) => (d.spec.strategy?.type === 'Recreate' ? 0 : scaled(d.spec.strategy?.rollingUpdate?.maxUnavailable, replicas, false));
