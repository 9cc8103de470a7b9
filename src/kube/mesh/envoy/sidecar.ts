/**
 * One pod's sidecar running: Envoy (UID 1337) in the pod's network namespace with its listeners —
 * 15001 for what the app sends (captured by ISTIO_REDIRECT), 15006 for what comes in (captured by
 * ISTIO_IN_REDIRECT), 15021 the health check, 15090 Prometheus stats, 15000 the admin port on
 * loopback — and the per-upstream state Envoy keeps between requests. Each accepted connection is
 * served by a task of its own, which takes the trace of whatever opened the connection, so a
 * request's proxy work lands in the trace of the command that sent it.
 */
import { formatIpv4, type Ipv4 } from '../../../engine/addr/ipv4';
import type { Netns } from '../../../engine/netns/netns';
import { waitUntil, type Proc, type Task } from '../../../engine/proc/task';
import { Verdict, type TraceEvent } from '../../../engine/sim/trace';
import { tcpSocket, type TcpSock } from '../../../engine/tcp/sock';
import { httpListen, type HttpServer } from '../../../engine/tcp/http/server';
import type { Pod } from '../../api/types';
import type { Cluster } from '../../cluster';
import type { PodSandbox } from '../../kubelet/runtime';
import { PROXY_UID } from '../inject';
import type { MeshCatalog } from './catalog';
import { handleInbound } from './inbound';
import { handleOutbound } from './outbound';
import { httpDate } from './replies';
import type { MeshTelemetry } from './telemetry';
import { UpstreamCluster, type ClusterPolicy } from './upstream';
import { ConnPool } from './pool';

export const OUTBOUND_PORT = 15001;
export const INBOUND_PORT = 15006;
const HEALTH_PORT = 15021;
const PROMETHEUS_PORT = 15090;
const ADMIN_PORT = 15000;

export interface MeshContext {
  cluster: Cluster;
  catalog: MeshCatalog;
  telemetry: MeshTelemetry;
}

export class Sidecar {
  /** Envoy's upstream clusters as this proxy has used them (LB position, outlier state, pool) */
  readonly upstreams = new Map<string, UpstreamCluster>();
  /** idle upstream connections kept for the next request (Envoy's HTTP/1.1 connection pool) */
  readonly pool = new ConnPool();
  private readonly listeners: TcpSock[] = [];
  private readonly servers: HttpServer[] = [];
  private envoy: Task | undefined;
  private readonly tasks = new Set<Task>();
  closed = false;
  /** when istiod first pushed its configuration (the proxy started) */
  startedAt = 0;

  constructor(
    readonly mesh: MeshContext,
    readonly sandbox: PodSandbox,
    readonly netns: Netns,
  ) {}

  get world() {
    return this.netns.world;
  }

  /** The pod as the API holds it now (labels may change). */
  get pod(): Pod | undefined {
    const p = this.mesh.cluster.store.get<Pod>('Pod', this.sandbox.namespace, this.sandbox.name);
    return p && p.metadata.uid === this.sandbox.uid ? p : undefined;
  }

  get podName(): string {
    return `${this.sandbox.namespace}/${this.sandbox.name}`;
  }

  get ip(): string {
    return this.sandbox.ip;
  }

  get pid(): number {
    return this.envoy?.pid ?? 0;
  }

  /** A socket of Envoy's: its user and group are the proxy's (never captured), `ss -p` names envoy. */
  socket(task: Task | null): TcpSock {
    const sk = tcpSocket(this.netns, task);
    sk.uid = PROXY_UID;
    sk.gid = PROXY_UID;
    sk.owner = { comm: 'envoy', pid: this.pid, fd: 20 + this.listeners.length };
    return sk;
  }

  start(): this {
    const w = this.world;
    this.startedAt = w.now;
    // the Envoy process: its threads serve the connections; it lives until the pod goes
    this.envoy = w.tasks.spawn(this.netns, 'envoy', () => idle(), { resident: true, trace: null });
    this.listen(0 as Ipv4, OUTBOUND_PORT, (t, c) => handleOutbound(this, t, c));
    this.listen(0 as Ipv4, INBOUND_PORT, (t, c) => handleInbound(this, t, c));
    const ok = (body: string) => ({ head: ['HTTP/1.1 200 OK', `date: ${httpDate(w.now)}`, `content-length: ${body.length}`, 'content-type: text/plain; charset=utf-8', 'server: envoy'], body, close: false });
    const owner = { comm: 'pilot-agent', pid: this.pid };
    for (const [addr, port, body] of [
      [0, HEALTH_PORT, ''],
      [0, PROMETHEUS_PORT, ''],
      [0x7f000001, ADMIN_PORT, 'LIVE\n'],
    ] as const) {
      const s = httpListen(this.netns, addr as Ipv4, port, () => ok(body), owner);
      if (typeof s !== 'string') {
        s.sock.uid = PROXY_UID;
        s.sock.gid = PROXY_UID;
        this.servers.push(s);
      }
    }
    return this;
  }

  private listen(addr: Ipv4, port: number, serve: (t: Task, c: TcpSock) => Proc): void {
    const l = this.socket(null);
    if (l.bind(addr, port) ?? l.listen(4096)) {
      l.close();
      return;
    }
    this.listeners.push(l);
    const accept = (): void => {
      for (let c = l.accept(); c !== undefined; c = l.accept()) {
        const child = c;
        child.owner = { comm: 'envoy', pid: this.pid, fd: 40 };
        // the connection's work belongs to whatever trace opened it (the app's curl, a peer's request)
        const t = this.world.tasks.spawn(this.netns, 'envoy', (task) => serve(task, child), { resident: true, trace: this.world.traceTarget });
        this.tasks.add(t);
        t.onExit(() => this.tasks.delete(t));
      }
    };
    l.waker = { wake: () => this.world.scheduleCall(0, accept, undefined, undefined) };
  }

  /** A cluster's state, made on first use and kept; its policy follows the DestinationRule as it is now. */
  upstream(name: string, policy: ClusterPolicy): UpstreamCluster {
    let u = this.upstreams.get(name);
    if (!u) this.upstreams.set(name, (u = new UpstreamCluster(name, policy, this.world.now)));
    else u.policy = policy;
    return u;
  }

  /** A decision of this proxy in the trace: `deny` for a refusal, beside the kernel's verdicts. */
  event(text: string, deny = false): void {
    const w = this.world;
    if (!w.tracing) return;
    const e: TraceEvent = { seq: 0, time: 0, netns: this.netns.name, dev: undefined, verdict: deny ? Verdict.MESH_DENY : Verdict.MESH_ROUTE, text: `${this.podName}'s sidecar: ${text}`, packetId: w.nextPid() };
    w.emitEvent(e);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const l of this.listeners) l.close();
    for (const s of this.servers) s.close();
    this.pool.close();
    for (const t of [...this.tasks]) this.world.tasks.signal(t.pid, 'SIGKILL');
    if (this.envoy) this.world.tasks.signal(this.envoy.pid, 'SIGKILL');
  }
}

function* idle(): Proc {
  for (;;) yield waitUntil();
}

export const ipText = (a: Ipv4): string => formatIpv4(a);
