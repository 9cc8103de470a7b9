/**
 * The scheduler: a pod without a node goes to the schedulable node whose labels satisfy its
 * nodeSelector and that runs the fewest of the pods it should be spread from (PodTopologySpread's
 * system default, per hostname: the pods of its controller and of the Services that select it),
 * then the fewest pods, ties broken by node name. A pod no node fits stays Pending with the
 * scheduler's Unschedulable condition.
 */
import type { Node, Pod, PodCondition, Service } from '../api/types';
import type { Cluster } from '../cluster';
import { rfc3339 } from '../apiserver/clock';
import { objKey, splitKey, WorkQueue, type Controller } from './queue';
import { isPodTerminal } from './pods';

export class Scheduler implements Controller {
  readonly name = 'scheduler';
  readonly queue = new WorkQueue();

  constructor(private readonly cluster: Cluster) {
    cluster.store.watch('Pod', (e) => {
      if (e.type !== 'DELETED' && !(e.object as Pod).spec.nodeName) this.queue.add(objKey(e.object));
      // a pod going away may make room for one that did not fit
      if (e.type === 'DELETED') this.requeuePending();
    });
    cluster.store.watch('Node', () => this.requeuePending());
  }

  private requeuePending(): void {
    for (const p of this.cluster.store.list<Pod>('Pod')) if (!p.spec.nodeName && !p.metadata.deletionTimestamp) this.queue.add(objKey(p));
  }

  reconcile(key: string): void {
    const [ns, name] = splitKey(key);
    const store = this.cluster.store;
    const pod = store.get<Pod>('Pod', ns, name);
    if (!pod || pod.spec.nodeName || pod.metadata.deletionTimestamp || (pod.spec.schedulerName ?? 'default-scheduler') !== 'default-scheduler') return;
    const nodes = store.list<Node>('Node');
    const load = new Map<string, number>();
    const spread = new Map<string, number>();
    const sameGroup = spreadGroup(store.list<Service>('Service', ns), pod);
    for (const p of store.list<Pod>('Pod')) {
      if (!p.spec.nodeName || isPodTerminal(p)) continue;
      load.set(p.spec.nodeName, (load.get(p.spec.nodeName) ?? 0) + 1);
      if (sameGroup(p)) spread.set(p.spec.nodeName, (spread.get(p.spec.nodeName) ?? 0) + 1);
    }
    const unschedulable = nodes.filter((n) => n.spec.unschedulable);
    const mismatched = nodes.filter((n) => !n.spec.unschedulable && !selectorFits(pod, n));
    const fit = nodes.filter((n) => !n.spec.unschedulable && selectorFits(pod, n));
    const now = rfc3339(this.cluster.now());
    const next = structuredClone(pod);
    if (fit.length === 0) {
      const reasons: string[] = [];
      if (mismatched.length) reasons.push(`${mismatched.length} node(s) didn't match Pod's node affinity/selector`);
      if (unschedulable.length) reasons.push(`${unschedulable.length} node(s) were unschedulable`);
      const message =
        `0/${nodes.length} nodes are available: ${reasons.sort().join(', ')}${reasons.length ? '. ' : ''}preemption: 0/${nodes.length} nodes are available: ${nodes.length} Preemption is not helpful for scheduling.`;
      const cond: PodCondition = { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: now, reason: 'Unschedulable', message };
      const old = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
      if (old && old.status === 'False' && old.message === message) return;
      next.status = { ...(next.status ?? {}), conditions: [cond] };
      store.update(next, { subresource: 'status' });
      this.cluster.events.record(pod, 'Warning', 'FailedScheduling', message, { component: 'default-scheduler' });
      return;
    }
    const count = (m: Map<string, number>, n: Node) => m.get(n.metadata.name) ?? 0;
    fit.sort((a, b) => count(spread, a) - count(spread, b) || count(load, a) - count(load, b) || (a.metadata.name < b.metadata.name ? -1 : 1));
    bind(this.cluster, pod, fit[0].metadata.name);
  }
}

/**
 * The pods a pod is spread from (the default constraints' selector, as helper.DefaultSelector
 * builds it): pods of its namespace owned by its controller, or selected by a Service that
 * selects it.
 */
function spreadGroup(services: Service[], pod: Pod): (p: Pod) => boolean {
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller)?.uid;
  const labels = pod.metadata.labels ?? {};
  const selects = (sel: Record<string, string>, l: Record<string, string>) => Object.entries(sel).every(([k, v]) => l[k] === v);
  const selectors = services.map((s) => s.spec.selector).filter((sel): sel is Record<string, string> => sel !== undefined && Object.keys(sel).length > 0 && selects(sel, labels));
  return (p) =>
    p.metadata.namespace === pod.metadata.namespace &&
    ((owner !== undefined && p.metadata.ownerReferences?.some((o) => o.controller && o.uid === owner) === true) || selectors.some((sel) => selects(sel, p.metadata.labels ?? {})));
}

const selectorFits = (pod: Pod, node: Node): boolean => Object.entries(pod.spec.nodeSelector ?? {}).every(([k, v]) => node.metadata.labels?.[k] === v);

/** The binding subresource: the node is set and the pod is marked scheduled. */
export function bind(cluster: Cluster, pod: Pod, node: string): void {
  const next = structuredClone(pod);
  next.spec.nodeName = node;
  const conds = (next.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
  next.status = { ...(next.status ?? {}), conditions: [...conds, { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(cluster.now()) }] };
  cluster.store.update(next, { subresource: 'binding' });
  cluster.events.record(pod, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node}`, { component: 'default-scheduler' });
}
