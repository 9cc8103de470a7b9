/**
 * The container runtime's view of each pod on a node: its network namespace, address, what its
 * containers listen on, and their logs. Other packages read it: transport serves the listeners,
 * DNS and policy agents find a pod's namespace and address, servers append log lines.
 */
import type { PortMapping } from './portmap';

export type ServerKind =
  | 'netexec-http'
  | 'netexec-udp'
  | 'serve-hostname-http'
  | 'serve-hostname-tcp'
  | 'serve-hostname-udp'
  | 'nginx'
  | 'httpd'
  | 'nc'
  | 'python-http'
  | 'coredns'
  | 'coredns-metrics'
  | 'coredns-health'
  | 'coredns-ready'
  /** Istio's sidecar (Envoy and its agent), run by src/kube/mesh */
  | 'envoy'
  | 'declared';

/** One socket a container listens on, and which program answers on it. */
export interface Listener {
  protocol: 'TCP' | 'UDP';
  port: number;
  container: string;
  server: ServerKind;
  /** `nc -k` keeps listening after the first connection; other servers always do */
  keepOpen?: boolean;
}

export interface PodSandbox {
  uid: string;
  namespace: string;
  name: string;
  node: string;
  /** the netns the pod's containers share (`cni-<uuid>`, or the node's own with hostNetwork) */
  netns: string;
  hostNetwork: boolean;
  /** the host end of the pod's veth (`veth<8 hex>`) */
  hostVeth?: string;
  /** the sandbox's container id (64 hex), which CNI plugins name their state by */
  id?: string;
  /** the hostPorts the portmap plugin forwards to the pod */
  portMaps?: PortMapping[];
  ifname: string;
  ip: string;
  listens: Listener[];
  logs: Map<string, string[]>;
  startedAt: number;
  killing: boolean;
}

export class PodRuntime {
  private readonly byUid = new Map<string, PodSandbox>();

  add(s: PodSandbox): void {
    this.byUid.set(s.uid, s);
  }

  remove(uid: string): void {
    this.byUid.delete(uid);
  }

  get(uid: string | undefined): PodSandbox | undefined {
    return uid === undefined ? undefined : this.byUid.get(uid);
  }

  /** The sandbox of the pod `namespace/name` (the current one, if the name was reused). */
  find(namespace: string, name: string): PodSandbox | undefined {
    for (const s of this.byUid.values()) if (s.namespace === namespace && s.name === name) return s;
    return undefined;
  }

  /** The pod whose sandbox is this netns. */
  byNetns(netns: string): PodSandbox | undefined {
    for (const s of this.byUid.values()) if (s.netns === netns && !s.hostNetwork) return s;
    return undefined;
  }

  all(): PodSandbox[] {
    return [...this.byUid.values()];
  }

  /** A container's log sink: servers append the lines they would print. */
  appendLog(uid: string, container: string, line: string): void {
    const s = this.byUid.get(uid);
    if (!s) return;
    const l = s.logs.get(container);
    if (l) l.push(line.endsWith('\n') ? line : `${line}\n`);
  }

  logs(uid: string, container: string): string[] | undefined {
    return this.byUid.get(uid)?.logs.get(container);
  }
}
