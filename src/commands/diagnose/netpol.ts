/**
 * Drops by a NetworkPolicy agent's chains: the event says which pod and direction were isolated
 * and by which policies, and its fix is the smallest policy change that allows the connection
 * (src/kube/netpol/diagnose.ts), never deleting the agent's rule.
 */
import { Verdict, type TraceEvent } from '../../engine/sim/trace';
import type { World } from '../../engine/world';
import { clusterOf } from '../../kube/worlds';
import { policyViewOf } from '../../kube/netpol/cluster';
import { diagnosePolicyDrop } from '../../kube/netpol/diagnose';
import type { PolicyView } from '../../kube/netpol/view';

export function diagnosePolicyDrops(world: World, events: readonly TraceEvent[]): void {
  const cluster = clusterOf(world);
  if (!cluster) return;
  let view: PolicyView | undefined;
  for (const e of events) {
    if (e.verdict !== Verdict.NETFILTER_DROP) continue;
    view ??= policyViewOf(cluster.store);
    const d = diagnosePolicyDrop(view, e);
    if (!d) continue;
    // the policy's words instead of the rule's text: "… dropped by filter KUBE-POD-IN-… rule 4: y/b ingress: isolated by …"
    const m = /^(.* dropped by filter \S+ rule \d+)/.exec(e.text);
    if (d.explanation && m) e.text = `${m[1]}: ${d.explanation}`;
    if (d.fix) e.fix = d.fix;
    else delete e.fix;
  }
}
