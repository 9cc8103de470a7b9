/**
 * The Deployment controller (pkg/controller/deployment): one ReplicaSet per pod template, named
 * `<deployment>-<pod-template-hash>` and numbered by revision, and a rollout that moves pods from
 * the old ReplicaSets to the new one step by step within maxSurge and maxUnavailable
 * (rolling.go: scale the new one up while the total stays under replicas + surge, scale the old
 * ones down while at least replicas − unavailable stay available), or all at once for Recreate;
 * each scaling is a ScalingReplicaSet event; old ReplicaSets past revisionHistoryLimit are removed.
 */
import type { Deployment, Pod, ReplicaSet } from '../api/types';
import type { Cluster } from '../cluster';
import { rfc3339 } from '../apiserver/clock';
import { objKey, splitKey, WorkQueue, type Controller } from './queue';
import { podTemplateHash } from './hash';
import { controllerOf, ownerRef, sameJson } from './owners';
import { maxSurge, maxUnavailable } from './rollout';

const REVISION = 'deployment.kubernetes.io/revision';
const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
const DESIRED = 'deployment.kubernetes.io/desired-replicas';
const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
const SOURCE = { component: 'deployment-controller' };

const replicasOf = (rs: ReplicaSet) => rs.spec.replicas ?? 1;
const sum = (list: ReplicaSet[], f: (rs: ReplicaSet) => number | undefined) => list.reduce((a, rs) => a + (f(rs) ?? 0), 0);
const revisionOf = (rs: ReplicaSet) => Number(rs.metadata.annotations?.[REVISION] ?? 0);
const byCreation = (a: ReplicaSet, b: ReplicaSet) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || a.metadata.name.localeCompare(b.metadata.name);

export class DeploymentController implements Controller {
  readonly name = 'deployment';
  readonly queue = new WorkQueue();

  constructor(private readonly cluster: Cluster) {
    cluster.store.watch('Deployment', (e) => this.queue.add(objKey(e.object)));
    cluster.store.watch('ReplicaSet', (e) => {
      const ref = controllerOf(e.object);
      if (ref?.kind === 'Deployment') this.queue.add(`${e.object.metadata.namespace}/${ref.name}`);
    });
    // Recreate waits for the old pods to be gone, not just terminating
    cluster.store.watch('Pod', (e) => {
      if (e.type !== 'DELETED') return;
      const rsRef = controllerOf(e.object);
      const rs = rsRef?.kind === 'ReplicaSet' ? cluster.store.get<ReplicaSet>('ReplicaSet', e.object.metadata.namespace, rsRef.name) : undefined;
      const ref = rs ? controllerOf(rs) : undefined;
      if (ref?.kind === 'Deployment') this.queue.add(`${e.object.metadata.namespace}/${ref.name}`);
    });
  }

  reconcile(key: string): void {
    const [ns, name] = splitKey(key);
    const store = this.cluster.store;
    let d = store.get<Deployment>('Deployment', ns, name);
    if (!d || d.metadata.deletionTimestamp) return;
    const owned = store.list<ReplicaSet>('ReplicaSet', ns).filter((rs) => controllerOf(rs)?.uid === d!.metadata.uid);
    const hash = podTemplateHash(d.spec.template);
    let newRS = owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
    const oldRSs = owned.filter((rs) => rs !== newRS);
    const maxOldRevision = Math.max(0, ...oldRSs.map(revisionOf));
    if (!newRS) newRS = this.createNewRS(d, hash, owned, maxOldRevision);
    else newRS = this.syncRevision(d, newRS, maxOldRevision);
    d = this.syncDeploymentRevision(d, newRS);
    if (!d.spec.paused) {
      const all = [newRS, ...oldRSs];
      if (d.spec.strategy?.type === 'Recreate') this.rolloutRecreate(d, newRS, oldRSs);
      else if (!this.reconcileNewRS(d, all, newRS)) this.reconcileOldRSs(d, all, oldRSs, newRS);
    }
    const fresh = store.list<ReplicaSet>('ReplicaSet', ns).filter((rs) => controllerOf(rs)?.uid === d!.metadata.uid);
    const cur = fresh.find((rs) => rs.metadata.uid === newRS!.metadata.uid) ?? newRS;
    const olds = fresh.filter((rs) => rs.metadata.uid !== cur.metadata.uid);
    if (this.complete(d, cur, olds)) this.cleanup(d, olds);
    this.updateStatus(d, cur, olds);
  }

  /** getNewReplicaSet(createIfNotExisted): the template's ReplicaSet, at the replicas a rollout may give it now. */
  private createNewRS(d: Deployment, hash: string, owned: ReplicaSet[], maxOldRevision: number): ReplicaSet {
    const labels = { ...(d.spec.template.metadata?.labels ?? {}), 'pod-template-hash': hash };
    const template = structuredClone(d.spec.template);
    template.metadata = { ...(template.metadata ?? {}), labels };
    const desired = d.spec.replicas ?? 1;
    const replicas = d.spec.strategy?.type === 'Recreate' ? (sum(owned, (rs) => rs.spec.replicas) > 0 ? 0 : desired) : newRSReplicas(d, owned, 0);
    const rs = this.cluster.store.create<ReplicaSet>({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        labels,
        annotations: {
          ...(d.metadata.annotations ?? {}),
          [DESIRED]: String(desired),
          [MAX_REPLICAS]: String(desired + maxSurge(d)),
          [REVISION]: String(maxOldRevision + 1),
        },
        ownerReferences: [ownerRef(d)],
      },
      spec: { replicas, selector: { ...d.spec.selector, matchLabels: { ...(d.spec.selector.matchLabels ?? {}), 'pod-template-hash': hash } }, template, minReadySeconds: d.spec.minReadySeconds ?? 0 },
    });
    delete rs.metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration'];
    if (replicas > 0) this.cluster.events.record(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${rs.metadata.name} from 0 to ${replicas}`, SOURCE);
    return rs;
  }

  /** A template going back to an older ReplicaSet gives it the next revision, remembering the old number. */
  private syncRevision(d: Deployment, rs: ReplicaSet, maxOldRevision: number): ReplicaSet {
    const rev = revisionOf(rs);
    if (rev > maxOldRevision) return rs;
    const next = structuredClone(rs);
    const history = [...(rs.metadata.annotations?.[REVISION_HISTORY]?.split(',').filter(Boolean) ?? []), String(rev)];
    next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [REVISION]: String(maxOldRevision + 1), ...(rev > 0 ? { [REVISION_HISTORY]: history.join(',') } : {}) };
    void d;
    return this.cluster.store.update(next);
  }

  private syncDeploymentRevision(d: Deployment, newRS: ReplicaSet): Deployment {
    const rev = newRS.metadata.annotations?.[REVISION];
    if (!rev || d.metadata.annotations?.[REVISION] === rev) return d;
    const next = structuredClone(d);
    next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [REVISION]: rev };
    return this.cluster.store.update(next);
  }

  /** scaleReplicaSetAndRecordEvent, with the replicas annotations kept current. */
  private scale(d: Deployment, rs: ReplicaSet, to: number): boolean {
    const from = replicasOf(rs);
    const desired = d.spec.replicas ?? 1;
    const annotations = { [DESIRED]: String(desired), [MAX_REPLICAS]: String(desired + maxSurge(d)) };
    const annotationsNeedUpdate = Object.entries(annotations).some(([k, v]) => rs.metadata.annotations?.[k] !== v);
    if (from === to && !annotationsNeedUpdate) return false;
    const next = structuredClone(rs);
    next.spec.replicas = to;
    next.metadata.annotations = { ...(next.metadata.annotations ?? {}), ...annotations };
    this.cluster.store.update(next);
    if (from !== to) this.cluster.events.record(d, 'Normal', 'ScalingReplicaSet', `Scaled ${from < to ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${to}`, SOURCE);
    return from !== to;
  }

  /** reconcileNewReplicaSet */
  private reconcileNewRS(d: Deployment, all: ReplicaSet[], newRS: ReplicaSet): boolean {
    const desired = d.spec.replicas ?? 1;
    if (replicasOf(newRS) === desired) return this.scale(d, newRS, desired) && false;
    if (replicasOf(newRS) > desired) return this.scale(d, newRS, desired);
    return this.scale(d, newRS, newRSReplicas(d, all, replicasOf(newRS)));
  }

  /** reconcileOldReplicaSets: unhealthy replicas first, then as many as availability allows, oldest ReplicaSet first. */
  private reconcileOldRSs(d: Deployment, all: ReplicaSet[], oldRSs: ReplicaSet[], newRS: ReplicaSet): void {
    const oldCount = sum(oldRSs, (rs) => rs.spec.replicas);
    if (oldCount === 0) return;
    const desired = d.spec.replicas ?? 1;
    const minAvailable = desired - maxUnavailable(d);
    const newUnavailable = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0);
    const maxScaledDown = sum(all, (rs) => rs.spec.replicas) - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return;
    const olds = [...oldRSs].sort(byCreation).map((rs) => ({ rs, replicas: replicasOf(rs) }));
    let cleaned = 0;
    for (const o of olds) {
      if (cleaned >= maxScaledDown) break;
      const available = o.rs.status?.availableReplicas ?? 0;
      if (o.replicas === 0 || available === o.replicas) continue;
      const down = Math.min(maxScaledDown - cleaned, o.replicas - available);
      this.scale(d, o.rs, o.replicas - down);
      o.replicas -= down;
      cleaned += down;
    }
    const availableCount = sum(all, (rs) => rs.status?.availableReplicas);
    if (availableCount <= minAvailable) return;
    const total = availableCount - minAvailable;
    let scaled = 0;
    for (const o of olds) {
      if (scaled >= total) break;
      if (o.replicas === 0) continue;
      const down = Math.min(o.replicas, total - scaled);
      this.scale(d, this.cluster.store.get<ReplicaSet>('ReplicaSet', o.rs.metadata.namespace, o.rs.metadata.name) ?? o.rs, o.replicas - down);
      scaled += down;
    }
  }

  /** Recreate: every old pod gone before the new ReplicaSet gets any. */
  private rolloutRecreate(d: Deployment, newRS: ReplicaSet, oldRSs: ReplicaSet[]): void {
    for (const rs of oldRSs) if (replicasOf(rs) > 0) this.scale(d, rs, 0);
    // oldPodsRunning: terminating pods still run until their containers stop
    const oldUids = new Set(oldRSs.map((rs) => rs.metadata.uid));
    const running = this.cluster.store
      .list<Pod>('Pod', d.metadata.namespace)
      .some((p) => oldUids.has(controllerOf(p)?.uid) && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    if (running) return;
    this.scale(d, newRS, d.spec.replicas ?? 1);
  }

  /** DeploymentComplete */
  private complete(d: Deployment, newRS: ReplicaSet, oldRSs: ReplicaSet[]): boolean {
    const desired = d.spec.replicas ?? 1;
    return (newRS.status?.replicas ?? 0) === desired && (newRS.status?.availableReplicas ?? 0) === desired && sum(oldRSs, (rs) => rs.status?.replicas) === 0;
  }

  /** cleanupDeployment: keep revisionHistoryLimit old ReplicaSets with no pods, the newest ones. */
  private cleanup(d: Deployment, oldRSs: ReplicaSet[]): void {
    const limit = d.spec.revisionHistoryLimit ?? 10;
    const empty = oldRSs.filter((rs) => replicasOf(rs) === 0 && (rs.status?.replicas ?? 0) === 0 && !rs.metadata.deletionTimestamp).sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of empty.slice(0, Math.max(0, empty.length - limit))) this.cluster.store.delete('ReplicaSet', rs.metadata.namespace, rs.metadata.name);
  }

  private updateStatus(d: Deployment, current: ReplicaSet, olds: ReplicaSet[]): void {
    const all = [current, ...olds];
    const replicas = sum(all, (rs) => rs.status?.replicas);
    const ready = sum(all, (rs) => rs.status?.readyReplicas);
    const available = sum(all, (rs) => rs.status?.availableReplicas);
    const updated = current.status?.replicas ?? 0;
    const desired = d.spec.replicas ?? 1;
    const now = rfc3339(this.cluster.now());
    const prev = d.status?.conditions ?? [];
    const cond = (type: string, status: string, reason: string, message: string) => {
      const old = prev.find((c) => c.type === type);
      const same = old && old.status === status;
      return { type, status, reason, message, lastUpdateTime: same && old.reason === reason && old.message === message ? old.lastUpdateTime : now, lastTransitionTime: same ? old.lastTransitionTime : now };
    };
    const minAvailable = desired - maxUnavailable(d);
    const availableCond =
      available >= minAvailable
        ? cond('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
        : cond('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.');
    const done = updated === desired && available === desired && replicas === desired;
    const created = !prev.some((c) => c.type === 'Progressing');
    const progressing = done
      ? cond('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${current.metadata.name}" has successfully progressed.`)
      : created
        ? cond('Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${current.metadata.name}"`)
        : cond('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${current.metadata.name}" is progressing.`);
    const status: Deployment['status'] = {
      observedGeneration: d.metadata.generation,
      ...(replicas ? { replicas } : {}),
      ...(updated ? { updatedReplicas: updated } : {}),
      ...(ready ? { readyReplicas: ready } : {}),
      ...(available ? { availableReplicas: available } : {}),
      ...(replicas - available > 0 ? { unavailableReplicas: replicas - available } : desired - available > 0 ? { unavailableReplicas: desired - available } : {}),
      conditions: [availableCond, progressing],
    };
    const latest = this.cluster.store.get<Deployment>('Deployment', d.metadata.namespace, d.metadata.name);
    if (!latest || sameJson(status, latest.status)) return;
    const next = structuredClone(latest);
    next.status = status;
    this.cluster.store.update(next, { subresource: 'status' });
  }
}

/** NewRSNewReplicas for RollingUpdate: up to replicas + maxSurge pods in all, never past replicas. */
function newRSReplicas(d: Deployment, all: ReplicaSet[], newReplicas: number): number {
  const desired = d.spec.replicas ?? 1;
  const current = sum(all, (rs) => rs.spec.replicas);
  const maxTotal = desired + maxSurge(d);
  if (current >= maxTotal) return newReplicas;
  return newReplicas + Math.min(maxTotal - current, desired - newReplicas);
}
