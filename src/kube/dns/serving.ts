/**
 * CoreDNS running in its pods: for every pod sandbox whose container is CoreDNS (the kubelet's
 * listeners say so), an instance started from the Corefile of ConfigMap `coredns` in the pod's
 * namespace (what the Deployment mounts at /etc/coredns/Corefile), serving on its ports in the
 * pod's network namespace, so queries reach it as UDP packets (through kube-proxy's DNAT when
 * they were sent to the kube-dns Service). Its lines go to the container's log (`kubectl logs`).
 *
 * A Corefile CoreDNS cannot load stops the container with the error as its last line. When the
 * ConfigMap changes, the reload plugin notices at its next check (every 30 s) and loads the new
 * file, or logs why not and keeps the old one; without `reload` the file is read only at start.
 * The instance stops when its sandbox is gone.
 */
import type { ConfigMap, Pod } from '../api/types';
import type { Cluster } from '../cluster';
import { objKey, splitKey, WorkQueue, type Controller } from '../controllers/queue';
import type { PodSandbox } from '../kubelet/runtime';
import { ClusterIndex } from './cluster';
import { COREFILE_PATH } from './corefile';
import { CoreDns } from './coredns/server';
import { readMachineFile } from './files';
import { serveDns, type DnsServerSocket } from './net';

/** The reload plugin's default interval (jitter aside): how often it hashes the Corefile again. */
export const RELOAD_CHECK_MS = 30_000;

const COREFILE_CONFIGMAP = 'coredns';
const COREFILE_KEY = 'Corefile';

interface Instance {
  sandbox: PodSandbox;
  container: string;
  core: CoreDns;
  index: ClusterIndex;
  sockets: Map<number, DnsServerSocket>;
  /** a reload check is on the clock */
  checking: boolean;
}

export class CoreDnsServing implements Controller {
  readonly name = 'coredns';
  readonly queue = new WorkQueue();
  private readonly instances = new Map<string, Instance>();

  constructor(private readonly cluster: Cluster) {
    cluster.store.watch('Pod', (e) => this.queue.add(objKey(e.object)));
    cluster.store.watch('ConfigMap', (e) => {
      if (e.object.metadata.name !== COREFILE_CONFIGMAP) return;
      for (const i of this.instances.values()) if (i.sandbox.namespace === e.object.metadata.namespace) this.scheduleCheck(i);
    });
  }

  /** The running instance of a pod (for the DNS view and tests). */
  instanceOf(uid: string): CoreDns | undefined {
    return this.instances.get(uid)?.core;
  }

  reconcile(key: string): void {
    // instances whose sandbox went away stop, whatever the key
    for (const [uid, i] of this.instances) if (this.cluster.runtime.get(uid) !== i.sandbox) this.stop(uid);
    const [ns, name] = splitKey(key);
    const sb = this.cluster.runtime.find(ns, name);
    if (!sb || sb.killing || this.instances.has(sb.uid)) return;
    const listener = sb.listens.find((l) => l.server === 'coredns');
    if (!listener || !this.cluster.world.hasNetns(sb.netns)) return;
    const pod = this.cluster.store.get<Pod>('Pod', ns, name);
    if (!pod || pod.metadata.uid !== sb.uid || pod.status?.phase !== 'Running') return;
    this.start(sb, listener.container);
  }

  private corefileOf(namespace: string): string | undefined {
    return this.cluster.store.get<ConfigMap>('ConfigMap', namespace, COREFILE_CONFIGMAP)?.data?.[COREFILE_KEY];
  }

  private start(sb: PodSandbox, container: string): void {
    const log = (line: string) => this.cluster.runtime.appendLog(sb.uid, container, line);
    const text = this.corefileOf(sb.namespace);
    if (text === undefined) {
      log(`open ${COREFILE_PATH}: no such file or directory`);
      return;
    }
    const world = this.cluster.world;
    const index = new ClusterIndex(this.cluster.store, () => world.now);
    const core = new CoreDns({
      now: () => world.now,
      random: () => world.random(),
      log,
      readFile: (path) => {
        if (path === COREFILE_PATH) return this.corefileOf(sb.namespace);
        // the pod's own files, as kubelet wrote them from the node's resolv.conf when the pod started
        const podNs = world.netns(sb.netns);
        return podNs && (path === '/etc/resolv.conf' || path === '/etc/hosts') ? readMachineFile(world, podNs, path) : undefined;
      },
      index,
      localIPs: [sb.ip],
    });
    try {
      core.start(text);
    } catch (e) {
      // CoreDNS exits with the error (log.Fatal): nothing listens
      log((e as Error).message);
      index.close();
      return;
    }
    const inst: Instance = { sandbox: sb, container, core, index, sockets: new Map(), checking: false };
    this.instances.set(sb.uid, inst);
    this.bind(inst);
  }

  /** Listen on the ports the running configuration names, and on no others. */
  private bind(i: Instance): void {
    const ns = this.cluster.world.netns(i.sandbox.netns);
    if (!ns) return;
    const want = new Set(i.core.ports());
    for (const [port, s] of i.sockets) {
      if (want.has(port)) continue;
      s.close();
      i.sockets.delete(port);
    }
    for (const port of want) {
      if (i.sockets.has(port)) continue;
      const s = serveDns(ns, undefined, port, (q, client) => i.core.serve(q, client, port));
      if (s === 'EADDRINUSE') this.cluster.runtime.appendLog(i.sandbox.uid, i.container, `listen udp :${port}: bind: address already in use`);
      else i.sockets.set(port, s);
    }
  }

  /** The reload plugin's next look at the file. */
  private scheduleCheck(i: Instance): void {
    if (i.checking || !i.core.has('reload')) return;
    i.checking = true;
    const age = this.cluster.now() - i.sandbox.startedAt;
    const delay = RELOAD_CHECK_MS - (age % RELOAD_CHECK_MS);
    this.cluster.after(delay, () => {
      i.checking = false;
      if (this.instances.get(i.sandbox.uid) !== i) return;
      const text = this.corefileOf(i.sandbox.namespace);
      // a deleted ConfigMap leaves the file kubelet last wrote in the volume
      if (text !== undefined && i.core.reload(text)) this.bind(i);
    });
  }

  private stop(uid: string): void {
    const i = this.instances.get(uid);
    if (!i) return;
    this.instances.delete(uid);
    for (const s of i.sockets.values()) s.close();
    i.index.close();
  }
}
