/**
 * The kubelet of every node: it starts a pod bound to its node (CNI ADD through the bridge and
 * host-local plugins, as commands on the node), reports its status (phase, IPs, conditions,
 * container states), runs its readiness probes on the virtual clock, and on deletion stops its
 * containers (at once for programs that exit on SIGTERM, after the grace period for the others),
 * tears the network down and lets the API server forget the pod.
 *
 * Status the kubelet did not change is left alone: a condition patched through the status
 * subresource stays as written until the kubelet's own view of the pod changes.
 */
import { portMappings, portmapAddPlan, portmapDelPlan, type PortMapping } from './portmap';
import type { Container, ContainerStatus, Pod, PodCondition, PodStatus } from '../api/types';
import type { Cluster } from '../cluster';
import { rfc3339 } from '../apiserver/clock';
import { objKey, splitKey, WorkQueue, type Controller } from '../controllers/queue';
import { bridgeAddPlan, bridgeDelPlan, HostLocalIpam } from './cni';
import { podNetworkMtu } from '../flannel/vxlanAgent';
import { exitsOnSigterm, normalizeImage, podListeners } from './images';
import { defaultProbeHandlers, ProbeState, runProbe, type ProbeHandlers } from './probes';
import type { PodSandbox } from './runtime';
import { fnv32a } from '../controllers/hash';
import { nodeAddress } from '../config';

/** Calico's annotation to ask for a pod address, honoured by Hoplab's IPAM too. */
export const IP_ANNOTATION = 'cni.projectcalico.org/ipAddrs';

/** A program that exits on SIGTERM is gone about a second after the kubelet signals it. */
const PROMPT_EXIT_MS = 1000;

interface KubeletView {
  ready: Map<string, ProbeState | undefined>;
  /** the status the kubelet last wrote, to know when its own view changed */
  written?: string;
  transitions: Map<string, { status: string; at: string }>;
}

export class Kubelet implements Controller {
  readonly name = 'kubelet';
  readonly queue = new WorkQueue();
  probeHandlers: ProbeHandlers = defaultProbeHandlers;
  private readonly ipam = new Map<string, HostLocalIpam>();
  private readonly bridges = new Set<string>();
  /** nodes where portmap has made its shared chains */
  private readonly portmapNodes = new Set<string>();
  private readonly views = new Map<string, KubeletView>();
  /** the images each node's runtime holds */
  private readonly images = new Map<string, Set<string>>();

  constructor(private readonly cluster: Cluster) {
    cluster.store.watch('Pod', (e) => {
      if ((e.object as Pod).spec.nodeName || e.type === 'DELETED') this.queue.add(objKey(e.object));
    });
  }

  /** The node's host-local range (its podCIDR). */
  ipamFor(node: string): HostLocalIpam | undefined {
    let i = this.ipam.get(node);
    if (!i) {
      const cidr = this.cluster.store.get<import('../api/types').Node>('Node', undefined, node)?.spec.podCIDR;
      if (!cidr) return undefined;
      this.ipam.set(node, (i = new HostLocalIpam(cidr)));
    }
    return i;
  }

  reconcile(key: string): void {
    const [ns, name] = splitKey(key);
    const pod = this.cluster.store.get<Pod>('Pod', ns, name);
    const sandbox = this.cluster.runtime.find(ns, name);
    if (!pod) {
      if (sandbox) this.teardown(sandbox);
      return;
    }
    if (sandbox && sandbox.uid !== pod.metadata.uid) this.teardown(sandbox);
    const node = pod.spec.nodeName;
    if (!node || !this.cluster.isNode(node)) return;
    const current = this.cluster.runtime.get(pod.metadata.uid);
    if (pod.metadata.deletionTimestamp) {
      if (!current) this.cluster.store.remove(pod);
      else if (!current.killing) this.kill(pod, current);
      return;
    }
    const sb = current ?? this.start(pod, node);
    if (!sb) return;
    this.writeStatus(pod, sb);
  }

  private start(pod: Pod, node: string): PodSandbox | undefined {
    const uid = pod.metadata.uid!;
    const hostNetwork = pod.spec.hostNetwork === true;
    let netns = node;
    let ip = nodeAddress(this.cluster.config.nodes.find((n) => n.name === node)!);
    let hostVeth: string | undefined;
    let sandboxId: string | undefined;
    let portMaps: PortMapping[] | undefined;
    if (!hostNetwork) {
      const ipam = this.ipamFor(node);
      const requested = parseRequestedIp(pod.metadata.annotations?.[IP_ANNOTATION]);
      const got = ipam?.allocate(uid, requested);
      if (!ipam || !got) return undefined;
      ip = got;
      netns = `cni-${this.cluster.random.uuid()}`;
      hostVeth = `veth${this.cluster.random.hex(8)}`;
      sandboxId = digest(`${uid}/sandbox`);
      portMaps = portMappings(pod);
      // kube-flannel's cbr0 chain: bridge (with host-local), then portmap
      const plan = [
        ...bridgeAddPlan({ netns, hostVeth, ip, prefixLength: ipam.prefixLength, gateway: ipam.gateway, createBridge: !this.bridges.has(node), hostname: pod.metadata.name, mtu: podNetworkMtu(this.cluster, node) }),
        ...portmapAddPlan(portMaps, ip, ipam.prefixLength, sandboxId, !this.portmapNodes.has(node)),
      ];
      this.bridges.add(node);
      if (portMaps.length) this.portmapNodes.add(node);
      for (const line of plan) this.cluster.run(node, line, 'kubelet');
      this.cluster.shell.exec(netns, ['hostname', pod.spec.hostname ?? pod.metadata.name]);
    }
    const sb: PodSandbox = {
      uid,
      namespace: pod.metadata.namespace!,
      name: pod.metadata.name,
      node,
      netns,
      hostNetwork,
      hostVeth,
      id: sandboxId,
      portMaps,
      ifname: 'eth0',
      ip,
      listens: podListeners(pod),
      logs: new Map((pod.spec.containers ?? []).map((c) => [c.name, []])),
      startedAt: this.cluster.now(),
      killing: false,
    };
    this.cluster.runtime.add(sb);
    for (const c of pod.spec.containers ?? []) this.containerStarted(pod, c, node);
    const view: KubeletView = { ready: new Map(), transitions: new Map() };
    this.views.set(uid, view);
    for (const c of pod.spec.containers ?? []) {
      const probe = c.readinessProbe;
      view.ready.set(c.name, probe ? new ProbeState(probe) : undefined);
      if (probe) this.scheduleProbe(uid, c.name, (probe.initialDelaySeconds ?? 0) * 1000);
    }
    return sb;
  }

  private scheduleProbe(uid: string, container: string, delayMs: number): void {
    const fire = () => {
      const sb = this.cluster.runtime.get(uid);
      const view = this.views.get(uid);
      if (!sb || !view || sb.killing) return;
      const pod = this.cluster.store.get<Pod>('Pod', sb.namespace, sb.name);
      const c = pod?.spec.containers.find((x) => x.name === container);
      const state = view.ready.get(container);
      if (!pod || !c?.readinessProbe || !state) return;
      const result = runProbe(this.probeHandlers, { cluster: this.cluster, pod, sandbox: sb, container: c }, c.readinessProbe);
      state.record(result.ok);
      if (!result.ok) this.cluster.events.record(pod, 'Warning', 'Unhealthy', `Readiness probe failed: ${result.output}`, this.source(sb.node), `spec.containers{${container}}`);
      this.queue.add(objKey(pod));
      this.cluster.after((c.readinessProbe.periodSeconds ?? 10) * 1000, fire);
    };
    if (delayMs === 0) {
      // the first probe runs as the container starts, so a passing pod is Ready at once
      fire();
    } else this.cluster.after(delayMs, fire);
  }

  private source(node: string) {
    return { component: 'kubelet', host: node };
  }

  /** The events a container start leaves: the image (pulled, or already there), created, started. */
  private containerStarted(pod: Pod, c: Container, node: string): void {
    const src = this.source(node);
    const field = `spec.containers{${c.name}}`;
    const image = c.image ?? '';
    const pulled = this.images.get(node) ?? new Set<string>();
    this.images.set(node, pulled);
    if (c.imagePullPolicy === 'Always' || (c.imagePullPolicy !== 'Never' && !pulled.has(normalizeImage(image)) && !PRELOADED.test(image))) {
      this.cluster.events.record(pod, 'Normal', 'Pulling', `Pulling image "${image}"`, src, field);
      this.cluster.events.record(pod, 'Normal', 'Pulled', `Successfully pulled image "${image}" in 0s (0s including waiting). Image size: ${imageSize(image)} bytes.`, src, field);
      pulled.add(normalizeImage(image));
    } else this.cluster.events.record(pod, 'Normal', 'Pulled', `Container image "${image}" already present on machine`, src, field);
    this.cluster.events.record(pod, 'Normal', 'Created', `Created container ${c.name}`, src, field);
    this.cluster.events.record(pod, 'Normal', 'Started', `Started container ${c.name}`, src, field);
  }

  private kill(pod: Pod, sb: PodSandbox): void {
    sb.killing = true;
    for (const c of pod.spec.containers ?? []) this.cluster.events.record(pod, 'Normal', 'Killing', `Stopping container ${c.name}`, this.source(sb.node), `spec.containers{${c.name}}`);
    const grace = (pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30) * 1000;
    const prompt = (pod.spec.containers ?? []).every(exitsOnSigterm);
    const delay = Math.min(grace, prompt ? PROMPT_EXIT_MS : grace);
    this.cluster.after(delay, () => {
      this.teardown(sb);
      const cur = this.cluster.store.get<Pod>('Pod', sb.namespace, sb.name);
      if (cur && cur.metadata.uid === sb.uid) this.cluster.store.remove(cur);
    });
  }

  private teardown(sb: PodSandbox): void {
    if (!this.cluster.runtime.get(sb.uid)) return;
    this.cluster.runtime.remove(sb.uid);
    this.views.delete(sb.uid);
    if (!sb.hostNetwork) {
      // CNI DEL runs the chain backwards: portmap, then bridge
      for (const line of [...portmapDelPlan(sb.portMaps ?? [], sb.id ?? ''), ...bridgeDelPlan(sb.netns)]) this.cluster.run(sb.node, line, 'kubelet');
      this.ipam.get(sb.node)?.release(sb.uid);
    }
  }

  /** The status the kubelet believes in; written only when that belief changed. */
  private writeStatus(pod: Pod, sb: PodSandbox): void {
    const view = this.views.get(sb.uid)!;
    const now = rfc3339(this.cluster.now());
    const started = rfc3339(sb.startedAt);
    const containerReady = (name: string) => {
      const s = view.ready.get(name);
      return s === undefined ? true : s.ready;
    };
    const unready = (pod.spec.containers ?? []).filter((c) => !containerReady(c.name)).map((c) => c.name);
    const gates = (pod.spec.readinessGates ?? []).map((g) => g.conditionType);
    const stored = pod.status?.conditions ?? [];
    const missingGate = gates.find((g) => !stored.some((c) => c.type === g));
    const falseGate = gates.find((g) => stored.some((c) => c.type === g && c.status !== 'True'));
    const cond = (type: string, ok: boolean, reason?: string, message?: string): PodCondition => {
      const status = ok ? 'True' : 'False';
      const prev = view.transitions.get(type);
      const at = prev && prev.status === status ? prev.at : type === 'PodScheduled' ? (stored.find((c) => c.type === 'PodScheduled')?.lastTransitionTime ?? started) : prev ? now : started;
      view.transitions.set(type, { status, at });
      return { type, status, lastProbeTime: null, lastTransitionTime: at, ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
    };
    const containersOk = unready.length === 0;
    const notReadyMsg = `containers with unready status: [${unready.join(' ')}]`;
    let readyCond: PodCondition;
    if (!containersOk) readyCond = cond('Ready', false, 'ContainersNotReady', notReadyMsg);
    else if (missingGate) readyCond = cond('Ready', false, 'ReadinessGatesNotReady', `corresponding condition of pod readiness gate "${missingGate}" does not exist.`);
    else if (falseGate) readyCond = cond('Ready', false, 'ReadinessGatesNotReady', `the status of pod readiness gate "${falseGate}" is not "True", but False`);
    else readyCond = cond('Ready', true);
    const mine: PodCondition[] = [
      cond('PodReadyToStartContainers', true),
      cond('Initialized', true),
      readyCond,
      containersOk ? cond('ContainersReady', true) : cond('ContainersReady', false, 'ContainersNotReady', notReadyMsg),
      cond('PodScheduled', true),
    ];
    const containerStatuses: ContainerStatus[] = (pod.spec.containers ?? []).map((c) => {
      const image = normalizeImage(c.image ?? '');
      return {
        containerID: `containerd://${digest(`${sb.uid}/${c.name}`)}`,
        image,
        imageID: `${image.replace(/:[^:/]*$/, '')}@sha256:${digest(image)}`,
        lastState: {},
        name: c.name,
        ready: containerReady(c.name),
        restartCount: 0,
        started: true,
        state: { running: { startedAt: started } },
      } as ContainerStatus;
    });
    const node = this.cluster.config.nodes.find((n) => n.name === sb.node)!;
    const hostIP = nodeAddress(node);
    const belief = JSON.stringify({ mine: mine.map((c) => [c.type, c.status, c.reason]), cs: containerStatuses.map((c) => c.ready), ip: sb.ip });
    if (view.written === belief) return;
    view.written = belief;
    const others = stored.filter((c) => !mine.some((m) => m.type === c.type));
    const status: PodStatus = {
      conditions: [...mine, ...others],
      containerStatuses,
      hostIP,
      hostIPs: [{ ip: hostIP }],
      phase: 'Running',
      podIP: sb.ip,
      podIPs: [{ ip: sb.ip }],
      qosClass: pod.status?.qosClass ?? 'BestEffort',
      startTime: started,
    };
    const next = structuredClone(pod);
    next.status = status;
    this.cluster.store.update(next, { subresource: 'status' });
  }
}

/** kubeadm pre-pulls the control plane images; CoreDNS is one of them. */
const PRELOADED = /^registry\.k8s\.io\/(coredns\/coredns|pause|kube-proxy):/;

/**
 * The size the registry reports for an image. Hoplab has no registry: the size is a fixed
 * stand-in derived from the name, between 5 and 200 MB, so the kubelet's message keeps its shape.
 */
const imageSize = (image: string): number => 5_000_000 + (fnv32a(normalizeImage(image)) % 195_000_000);

/** Calico's annotation value: a JSON list of addresses, e.g. `["10.244.1.50"]`. */
function parseRequestedIp(v: string | undefined): string | undefined {
  if (!v) return undefined;
  try {
    const list = JSON.parse(v) as unknown;
    return Array.isArray(list) && typeof list[0] === 'string' ? list[0].split('/')[0] : undefined;
  } catch {
    return undefined;
  }
}

/** A stable 64-hex digest (container ids and image digests are the runtime's; these are made up, but fixed). */
function digest(text: string): string {
  let out = '';
  for (let i = 0; out.length < 64; i++) out += fnv32a(`${i}:${text}`).toString(16).padStart(8, '0');
  return out.slice(0, 64);
}
