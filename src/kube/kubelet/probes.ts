/**
 * The kubelet's readiness prober. A probe's handler is pluggable: exec runs the command in the
 * pod's namespace through the command layer; tcpSocket and httpGet ask whether the pod listens
 * on the port until the transport package replaces them with real connections
 * (`cluster.kubelet.probeHandlers`).
 */
import type { Container, HTTPGetAction, Pod, Probe } from '../api/types';
import type { Cluster } from '../cluster';
import { findNamedPort } from './ports';
import type { PodSandbox } from './runtime';

export interface ProbeTarget {
  cluster: Cluster;
  pod: Pod;
  sandbox: PodSandbox;
  container: Container;
}

export interface ProbeHandlers {
  exec(t: ProbeTarget, command: string[]): boolean;
  tcpSocket(t: ProbeTarget, port: number): boolean;
  httpGet(t: ProbeTarget, action: HTTPGetAction, port: number): boolean;
}

const listensTcp = (t: ProbeTarget, port: number) => t.sandbox.listens.some((l) => l.protocol === 'TCP' && l.port === port);

export const defaultProbeHandlers: ProbeHandlers = {
  exec: (t, command) => t.cluster.shell.exec(t.sandbox.netns, command).exit === 0,
  tcpSocket: listensTcp,
  httpGet: (t, _action, port) => listensTcp(t, port),
};

/** One probe run: success or failure (a named port the container does not declare fails). */
export function runProbe(handlers: ProbeHandlers, t: ProbeTarget, p: Probe): boolean {
  if (p.exec) return handlers.exec(t, p.exec.command ?? []);
  const portOf = (port: number | string) => (typeof port === 'number' ? port : /^\d+$/.test(port) ? Number(port) : findNamedPort(t.container, port));
  if (p.tcpSocket) {
    const port = portOf(p.tcpSocket.port);
    return port !== undefined && handlers.tcpSocket(t, port);
  }
  if (p.httpGet) {
    const port = portOf(p.httpGet.port);
    return port !== undefined && handlers.httpGet(t, p.httpGet, port);
  }
  return false;
}

/** The prober's per-container result with its thresholds (a result flips after N in a row). */
export class ProbeState {
  ready = false;
  private streak = 0;
  private lastResult: boolean | undefined;

  constructor(private readonly probe: Probe) {}

  record(success: boolean): void {
    if (success === this.lastResult) this.streak++;
    else {
      this.lastResult = success;
      this.streak = 1;
    }
    if (success && this.streak >= (this.probe.successThreshold ?? 1)) this.ready = true;
    if (!success && this.streak >= (this.probe.failureThreshold ?? 3)) this.ready = false;
  }
}
