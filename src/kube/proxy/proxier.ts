/**
 * kube-proxy (iptables mode) on every node, as an agent that types its commands: on its first sync
 * the canary chains (iptables.Monitor) and the jumps from the built-in chains (EnsureChain /
 * EnsureRule prepend, `-C` then `-I`), route_localnet for localhost node ports; on every sync
 * `iptables-save -t nat` to find stale service chains, then the whole plan of syncProxyRules
 * through `iptables-restore --noflush --counters`, as kube-proxy's RestoreAll does. A sync whose
 * rules are the ones already written is skipped. It runs after the controllers have settled, and
 * keeps the node's health check servers for Local LoadBalancer Services (healthcheck.ts) in step.
 */
import type { EndpointSlice, Node, Service } from '../api/types';
import type { Cluster } from '../cluster';
import { WorkQueue, type Controller } from '../controllers/queue';
import { nodeAddress } from '../config';
import { shellLine } from '../util/shellQuote';
import { KUBE_PROXY_CANARY } from './chains';
import { endpointsMapOf, servicePortsOf } from './servicePorts';
import { JUMP_CHAINS, syncProxyRules, type JumpRule, type ProxierConfig } from './syncRules';
import { healthChecksOf, ServiceHealthServers, type HealthChecks } from './healthcheck';

/** utiliptables' wait flags for iptables ≥ 1.6.1 */
export const IPT_WAIT = ['-w', '5', '-W', '100000'];

/** EnsureChain: `iptables -N CHAIN -t TABLE` (an existing chain is fine). */
export const ensureChainLine = (table: string, chain: string): string => shellLine(['iptables', ...IPT_WAIT, '-N', chain, '-t', table]);

/** EnsureRule: check, and add (prepend with -I, append with -A) when it is not there. */
export function ensureRuleLine(op: '-I' | '-A', table: string, chain: string, args: string[]): string {
  const rule = (flag: string) => shellLine(['iptables', ...IPT_WAIT, flag, chain, '-t', table, ...args]);
  return `${rule('-C')} || ${rule(op)}`;
}

const BY = 'kube-proxy';

export class KubeProxy implements Controller {
  readonly name = 'kube-proxy';
  readonly queue = new WorkQueue();
  readonly settle = true;
  /** nodes whose first (full) sync is done */
  private readonly started = new Set<string>();
  /** the rules each node's last restore wrote */
  private readonly written = new Map<string, string>();
  /** each node's health check servers for Local LoadBalancer Services */
  private readonly health = new Map<string, ServiceHealthServers>();

  constructor(private readonly cluster: Cluster) {
    const all = () => {
      for (const n of cluster.nodeNames()) this.queue.add(n);
    };
    cluster.store.watch('Service', all);
    cluster.store.watch('EndpointSlice', all);
    cluster.store.watch('Node', (e) => this.queue.add(e.object.metadata.name));
  }

  config(node: string): ProxierConfig {
    const spec = this.cluster.config.nodes.find((n) => n.name === node)!;
    return { hostname: node, nodeIP: nodeAddress(spec), clusterCIDR: this.cluster.config.clusterCIDR };
  }

  /** The rules this node should hold now (nothing is run). */
  plan(node: string, existingNatChains: string[] = []) {
    const store = this.cluster.store;
    return syncProxyRules({
      config: this.config(node),
      servicePorts: servicePortsOf(store.list<Service>('Service')),
      endpoints: endpointsMapOf(store.list<EndpointSlice>('EndpointSlice'), node),
      existingNatChains,
    });
  }

  /** The health checks this node answers now, with its local ready endpoints. */
  healthChecks(node: string): HealthChecks {
    const store = this.cluster.store;
    return healthChecksOf(servicePortsOf(store.list<Service>('Service')), endpointsMapOf(store.list<EndpointSlice>('EndpointSlice'), node));
  }

  reconcile(node: string): void {
    if (!this.cluster.isNode(node) || !this.cluster.store.get<Node>('Node', undefined, node)) return;
    const run = (line: string, stdin?: string) => this.cluster.run(node, line, BY, stdin);
    const first = !this.started.has(node);
    if (first) {
      this.started.add(node);
      run('sysctl -w net.ipv4.conf.all.route_localnet=1');
      for (const table of ['mangle', 'nat', 'filter']) run(ensureChainLine(table, KUBE_PROXY_CANARY));
    }
    // a full sync makes sure of the jumps from the built-in chains first
    if (first) for (const j of JUMP_CHAINS) this.ensureJump(run, j);
    const saved = run(shellLine(['iptables-save', '-t', 'nat']));
    const existing = [...saved.stdout.matchAll(/^:(\S+) /gm)].map((m) => m[1]);
    const plan = this.plan(node, existing);
    this.syncHealth(node);
    if (!first && plan.restore === this.written.get(node)) return;
    const r = run(shellLine(['iptables-restore', ...IPT_WAIT, '--noflush', '--counters']), plan.restore);
    if (r.exit === 0) this.written.set(node, plan.restore);
  }

  private syncHealth(node: string): void {
    const ns = this.cluster.world.netns(node);
    if (!ns) return;
    let servers = this.health.get(node);
    if (!servers) this.health.set(node, (servers = new ServiceHealthServers(ns)));
    servers.sync(this.healthChecks(node));
  }

  private ensureJump(run: (line: string) => unknown, j: JumpRule): void {
    run(ensureChainLine(j.table, j.dstChain));
    run(ensureRuleLine('-I', j.table, j.srcChain, j.args));
  }
}
