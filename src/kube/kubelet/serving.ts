/**
 * The servers in pods' containers, running: for each pod sandbox, agnhost `netexec` (and any
 * image that only declares its containerPorts, which answers like netexec) serves HTTP /hostname,
 * /clientip, /echo?msg= and UDP `hostname` on its ports in the pod's network namespace, through
 * the engine's TCP and UDP sockets, logging to the container's log as Go's log package does
 * (`kubectl logs`); agnhost `serve-hostname --tcp|--udp` (serveHostname.ts) answers the hostname
 * on its port. The servers stop when the sandbox goes.
 */
import type { Pod } from '../api/types';
import type { Cluster } from '../cluster';
import { objKey, splitKey, WorkQueue, type Controller } from '../controllers/queue';
import { CLUSTER_EPOCH_MS } from '../apiserver/clock';
import { startNetexec } from '../../engine/tcp/http/netexec';
import { startServeHostname } from './serveHostname';
import type { Listener, PodSandbox } from './runtime';

const wall = (ms: number): Date => new Date(CLUSTER_EPOCH_MS + Math.floor(ms));
const two = (n: number) => String(n).padStart(2, '0');
const logStamp = (ms: number): string => {
  const d = wall(ms);
  return `${d.getUTCFullYear()}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} `;
};
/** time.Now() with %v, monotonic part from the server's start */
const goTime = (ms: number, startedAt: number): string =>
  `${wall(ms).toISOString().slice(0, 19).replace('T', ' ')} +0000 UTC m=+${((ms - startedAt) / 1000).toFixed(9)}`;

/** One server a container runs: netexec's HTTP port and, if any, its UDP port. */
interface Server {
  container: string;
  http: number;
  udp: number;
}

/** What serves like netexec: netexec itself, and ports an unknown image merely declares. */
function servers(listens: Listener[]): Server[] {
  const out: Server[] = [];
  for (const l of listens) {
    if (l.server === 'netexec-http') out.push({ container: l.container, http: l.port, udp: listens.find((u) => u.container === l.container && u.server === 'netexec-udp')?.port ?? -1 });
    else if (l.server === 'declared' && l.protocol === 'TCP') out.push({ container: l.container, http: l.port, udp: -1 });
  }
  return out;
}

export class ContainerServing implements Controller {
  readonly name = 'container-servers';
  readonly queue = new WorkQueue();
  private readonly running = new Map<string, { sandbox: PodSandbox; servers: { close(): void }[] }>();

  constructor(private readonly cluster: Cluster) {
    cluster.store.watch('Pod', (e) => this.queue.add(objKey(e.object)));
  }

  reconcile(key: string): void {
    for (const [uid, r] of this.running) if (this.cluster.runtime.get(uid) !== r.sandbox || r.sandbox.killing) this.stop(uid);
    const [ns, name] = splitKey(key);
    const sb = this.cluster.runtime.find(ns, name);
    if (!sb || sb.killing || this.running.has(sb.uid)) return;
    const pod = this.cluster.store.get<Pod>('Pod', ns, name);
    if (!pod || pod.metadata.uid !== sb.uid || pod.status?.phase !== 'Running') return;
    const netns = this.cluster.world.netns(sb.netns);
    if (!netns) return;
    const world = this.cluster.world;
    const started: { close(): void }[] = [];
    for (const s of servers(sb.listens)) {
      const log = (line: string) => this.cluster.runtime.appendLog(sb.uid, s.container, `${logStamp(world.now)}${line}\n`);
      const startedAt = world.now;
      const n = startNetexec(netns, s.http, s.udp, (ms) => wall(ms).toUTCString(), (ms) => goTime(ms, startedAt));
      if (typeof n === 'string') {
        log(`listen tcp :${s.http}: bind: address already in use`);
        continue;
      }
      if (s.udp !== -1) log(`Started UDP server on port  ${s.udp}`);
      log(`Started HTTP server on port ${s.http}`);
      started.push(n);
    }
    // agnhost serve-hostname --tcp|--udp: the NetworkPolicy e2e pods' servers, one per container
    for (const l of sb.listens) {
      if (l.server !== 'serve-hostname-tcp' && l.server !== 'serve-hostname-udp') continue;
      const log = (line: string) => this.cluster.runtime.appendLog(sb.uid, l.container, `${logStamp(world.now)}${line}\n`);
      const h = startServeHostname(netns, l.protocol, l.port, log);
      if (typeof h === 'string') {
        log(l.protocol === 'TCP' ? `Error from net.Listen(): listen tcp :${l.port}: bind: address already in use` : `Error from ListenUDP(): listen udp :${l.port}: bind: address already in use`);
        continue;
      }
      log(`Serving on port ${l.port}.`);
      started.push(h);
    }
    this.running.set(sb.uid, { sandbox: sb, servers: started });
  }

  private stop(uid: string): void {
    for (const s of this.running.get(uid)?.servers ?? []) s.close();
    this.running.delete(uid);
  }
}
