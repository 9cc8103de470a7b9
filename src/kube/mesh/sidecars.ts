/**
 * The sidecars of injected pods, run: once a pod's sandbox exists, its `istio-init` container
 * writes the capture rules into the pod's namespace (istio-iptables' output, restored as the
 * container does, logged on the node), and its `istio-proxy` container starts Envoy there. Both
 * go with the sandbox.
 */
import type { Pod } from '../api/types';
import type { Cluster } from '../cluster';
import { objKey, splitKey, WorkQueue, type Controller } from '../controllers/queue';
import type { PodSandbox } from '../kubelet/runtime';
import { initArgs } from './inject';
import { captureRestore, parseCaptureArgs } from './iptables';

export interface SidecarHooks {
  /** start the proxy in an initialised sandbox; returns how to stop it */
  start(sandbox: PodSandbox, pod: Pod): { close(): void } | undefined;
}

export class SidecarAgent implements Controller {
  readonly name = 'istio-sidecars';
  readonly queue = new WorkQueue();
  private readonly running = new Map<string, { sandbox: PodSandbox; proxy: { close(): void } | undefined }>();
  hooks: SidecarHooks | undefined;

  constructor(private readonly cluster: Cluster) {
    cluster.store.watch('Pod', (e) => this.queue.add(objKey(e.object)));
  }

  reconcile(key: string): void {
    for (const [uid, r] of this.running) if (this.cluster.runtime.get(uid) !== r.sandbox || r.sandbox.killing) this.stop(uid);
    const [ns, name] = splitKey(key);
    const sb = this.cluster.runtime.find(ns, name);
    if (!sb || sb.killing || sb.hostNetwork || this.running.has(sb.uid)) return;
    const pod = this.cluster.store.get<Pod>('Pod', ns, name);
    const args = pod && pod.metadata.uid === sb.uid ? initArgs(pod) : undefined;
    if (!pod || !args) return;
    this.cluster.run(sb.node, `ip netns exec ${sb.netns} iptables-restore --noflush`, 'istio-init', captureRestore(parseCaptureArgs(args)));
    this.running.set(sb.uid, { sandbox: sb, proxy: this.hooks?.start(sb, pod) });
  }

  private stop(uid: string): void {
    this.running.get(uid)?.proxy?.close();
    this.running.delete(uid);
  }
}
