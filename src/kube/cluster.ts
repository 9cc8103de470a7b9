/**
 * A Kubernetes cluster on the engine: the API store, the controllers that reconcile it, and the
 * node agents (kubelet with the CNI plugins) that turn it into namespaces, veths, addresses and
 * routes by running the commands a person would type on the node. It lives beside the World it
 * was built in (clusterOf(world)); kubectl reaches it from there.
 */
import type { World } from '../engine/world';
import { ApiStore } from './apiserver/store';
import { ClusterRandom } from './apiserver/ids';
import { ServiceAllocators } from './apiserver/services';
import { registerStrategies } from './apiserver/strategies';
import type { ClusterConfig } from './config';
import type { Controller } from './controllers/queue';
import { DeploymentController } from './controllers/deployment';
import { ReplicaSetController } from './controllers/replicaset';
import { Scheduler } from './controllers/scheduler';
import { EndpointSliceController } from './controllers/endpointslice';
import { EndpointsController } from './controllers/endpoints';
import { ServiceLBController } from './controllers/servicelb';
import { ContainerServing } from './kubelet/serving';
import { Kubelet } from './kubelet/kubelet';
import { PodRuntime } from './kubelet/runtime';
import { CoreDnsServing } from './dns/serving';
import { EventRecorder } from './events/recorder';
import { KubeProxy } from './proxy/proxier';
import { NetworkPolicyAgent } from './netpol/agent';
import { SidecarAgent } from './mesh/sidecars';
import { FlannelVxlan } from './flannel/vxlanAgent';
import { registerCluster } from './worlds';

/** What an agent's command printed and returned (the commands layer runs it). */
export interface ShellResult {
  exit: number;
  stdout: string;
  stderr: string;
}

/**
 * How the cluster's agents reach the machines: `run` types a command line on a host (logged, as a
 * person's would be), `exec` runs a program in a namespace without a shell (probes, kubectl exec).
 * The commands layer provides it, so the kube layer never imports commands.
 */
export interface AgentShell {
  /** `stdin` goes to the line's first command (`iptables-restore` reads its rules there) */
  run(on: string, line: string, stdin?: string): ShellResult;
  exec(netns: string, argv: string[], stdin?: string): ShellResult;
}

/** One command an agent ran, for the activity log. */
export interface AgentLogEntry {
  at: number;
  /** the host it ran on */
  on: string;
  run: string;
  /** kubelet, kube-proxy, ... */
  by: string;
  exit: number;
  stderr: string;
  /** what the command read (an iptables-restore's rules) */
  stdin?: string;
}

export { clusterOf, registerCluster } from './worlds';

/** Controllers may ping-pong (one writes, another reacts); past this many rounds something loops. */
const MAX_SYNC_ROUNDS = 1000;

export class Cluster {
  readonly store: ApiStore;
  readonly random: ClusterRandom;
  readonly services: ServiceAllocators;
  readonly runtime: PodRuntime;
  readonly kubelet: Kubelet;
  readonly scheduler: Scheduler;
  readonly coredns: CoreDnsServing;
  readonly events: EventRecorder;
  readonly kubeProxy: KubeProxy;
  readonly sidecars: SidecarAgent;
  private readonly controllers: Controller[];
  private readonly log: AgentLogEntry[] = [];
  private syncing = false;
  private kicked = false;

  constructor(
    readonly world: World,
    readonly config: ClusterConfig,
    readonly shell: AgentShell,
    seed = 1,
  ) {
    this.random = new ClusterRandom(seed);
    this.store = new ApiStore(() => this.now(), this.random);
    this.services = new ServiceAllocators(config.serviceCIDR, config.nodePortRange, this.random);
    registerStrategies(this.store, this.services);
    // an API write is a change of the lab even when no agent touches a machine for it (a ConfigMap,
    // a label nothing selects on): the lab records the command that made it, and the UI redraws
    this.store.onChange = () => {
      this.world.touch();
      this.kick();
    };
    this.events = new EventRecorder(this.store, () => this.now());
    this.runtime = new PodRuntime();
    this.scheduler = new Scheduler(this);
    this.kubelet = new Kubelet(this);
    this.coredns = new CoreDnsServing(this);
    this.controllers = [
      // flanneld's vxlan backend comes first: the CNI plugin needs its subnet.env before any pod is wired
      ...(config.podNetwork === 'vxlan' ? [new FlannelVxlan(this)] : []),
      new DeploymentController(this),
      new ReplicaSetController(this),
      this.scheduler,
      this.kubelet,
      this.coredns,
      new ContainerServing(this),
      (this.sidecars = new SidecarAgent(this)),
      new EndpointSliceController(this),
      new EndpointsController(this),
      new ServiceLBController(this),
      (this.kubeProxy = new KubeProxy(this)),
      new NetworkPolicyAgent(this),
    ];
    registerCluster(world, this);
  }

  /** Virtual milliseconds since the world began. */
  now(): number {
    return this.world.now;
  }

  /** Run a command on a host as an agent, and log it. */
  run(on: string, line: string, by: string, stdin?: string): ShellResult {
    const r = this.shell.run(on, line, stdin);
    this.log.push({ at: this.now(), on, run: line, by, exit: r.exit, stderr: r.stderr, ...(stdin !== undefined ? { stdin } : {}) });
    return r;
  }

  /** The commands agents ran since the last call (the activity log reads them). */
  drainLog(): AgentLogEntry[] {
    return this.log.splice(0, this.log.length);
  }

  /** Every command the agents ran so far and not yet drained. */
  peekLog(): readonly AgentLogEntry[] {
    return this.log;
  }

  /**
   * Let the controllers work until nothing is queued. Called after every API write by kubectl and
   * from timers; a write from elsewhere kicks a sync on the event queue.
   */
  sync(): void {
    if (this.syncing) return;
    this.syncing = true;
    try {
      for (let round = 0; round < MAX_SYNC_ROUNDS; round++) {
        let worked = false;
        for (const c of this.controllers) {
          if (c.queue.size === 0 || c.settle) continue;
          worked = true;
          for (const k of c.queue.drain()) c.reconcile(k);
        }
        if (worked) continue;
        // node agents that rewrite whole rule sets wait until the objects have settled
        for (const c of this.controllers) {
          if (c.queue.size === 0 || !c.settle) continue;
          worked = true;
          for (const k of c.queue.drain()) c.reconcile(k);
        }
        if (!worked) return;
      }
    } finally {
      this.syncing = false;
    }
  }

  /** Make sure a sync runs soon (at the current virtual time). */
  kick(): void {
    if (this.kicked || this.syncing) return;
    this.kicked = true;
    this.world.schedule(0, () => {
      this.kicked = false;
      this.sync();
    });
  }

  /**
   * A timer on the virtual clock. Inside a probe's rollback nothing happens: the event queue is put
   * back afterwards, so the timer fires again for real.
   */
  after(delayMs: number, fn: () => void): void {
    this.world.schedule(delayMs, () => {
      if (this.world.journaling) return;
      fn();
      this.sync();
    });
  }

  nodeNames(): string[] {
    return this.config.nodes.map((n) => n.name);
  }

  isNode(host: string): boolean {
    return this.config.nodes.some((n) => n.name === host);
  }
}
