/**
 * The NetworkPolicy agent on every node, as kube-router's network policy controller runs: it
 * watches pods, namespaces, nodes and policies, and after the controllers have settled writes
 * the node's whole policy rule set (rules.ts) with the commands a person would type. On its first
 * sync it turns on br_netfilter's call into iptables (pods on one bridge reach each other through
 * FORWARD only then) and makes sure of its chains and of the jumps from FORWARD and INPUT
 * (`-C` then `-I`, so they come first); on every sync it reads `iptables-save -t filter` for its
 * stale chains and restores the plan with `iptables-restore --noflush`. A sync whose rules are
 * the ones already written is skipped. One picture of the cluster (and the chains written from
 * it, which are the same on every node) serves all the nodes' syncs until something changes.
 */
import type { Node } from '../api/types';
import type { Cluster } from '../cluster';
import { WorkQueue, type Controller } from '../controllers/queue';
import { ensureChainLine, ensureRuleLine, IPT_WAIT } from '../proxy/proxier';
import { shellLine } from '../util/shellQuote';
import { policyViewOf } from './cluster';
import { POLICY_JUMPS, syncPolicyRules } from './rules';
import type { PolicyView } from './view';

const BY = 'netpol-agent';

export class NetworkPolicyAgent implements Controller {
  readonly name = BY;
  readonly queue = new WorkQueue();
  readonly settle = true;
  private readonly started = new Set<string>();
  private readonly written = new Map<string, string>();
  /** the cluster as the policies see it, built once per change and shared by every node's sync */
  private view: PolicyView | undefined;

  constructor(private readonly cluster: Cluster) {
    const all = () => {
      this.view = undefined;
      for (const n of cluster.nodeNames()) this.queue.add(n);
    };
    for (const kind of ['Pod', 'Namespace', 'NetworkPolicy', 'Node'] as const) cluster.store.watch(kind, all);
  }

  /** The rules this node should hold now (nothing is run). */
  plan(node: string, existingChains: string[] = []) {
    this.view ??= policyViewOf(this.cluster.store);
    return syncPolicyRules(this.view, node, existingChains);
  }

  reconcile(node: string): void {
    if (!this.cluster.isNode(node) || !this.cluster.store.get<Node>('Node', undefined, node)) return;
    const run = (line: string, stdin?: string) => this.cluster.run(node, line, BY, stdin);
    const first = !this.started.has(node);
    if (first) {
      this.started.add(node);
      for (const j of POLICY_JUMPS) {
        run(ensureChainLine('filter', j.dstChain));
        run(ensureRuleLine('-I', 'filter', j.srcChain, j.args));
      }
    }
    const saved = run(shellLine(['iptables-save', '-t', 'filter']));
    const existing = [...saved.stdout.matchAll(/^:(\S+) /gm)].map((m) => m[1]);
    const plan = this.plan(node, existing);
    if (!first && plan.restore === this.written.get(node)) return;
    const r = run(shellLine(['iptables-restore', ...IPT_WAIT, '--noflush']), plan.restore);
    if (r.exit === 0) this.written.set(node, plan.restore);
  }
}
