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

/** A probe's result; `output` is what the kubelet puts after "Readiness probe failed: ". */
export interface ProbeOutcome {
  ok: boolean;
  output: string;
}

export interface ProbeHandlers {
  exec(t: ProbeTarget, command: string[]): boolean | ProbeOutcome;
  tcpSocket(t: ProbeTarget, port: number): boolean | ProbeOutcome;
  httpGet(t: ProbeTarget, action: HTTPGetAction, port: number): boolean | ProbeOutcome;
}

const listensTcp = (t: ProbeTarget, port: number) => t.sandbox.listens.some((l) => l.protocol === 'TCP' && l.port === port);
const refused = (t: ProbeTarget, port: number) => `dial tcp ${t.sandbox.ip}:${port}: connect: connection refused`;

export const defaultProbeHandlers: ProbeHandlers = {
  exec: (t, command) => {
    const r = t.cluster.shell.exec(t.sandbox.netns, command);
    return { ok: r.exit === 0, output: r.stdout + r.stderr };
  },
  tcpSocket: (t, port) => ({ ok: listensTcp(t, port), output: refused(t, port) }),
  httpGet: (t, action, port) => ({ ok: listensTcp(t, port), output: `Get "${(action.scheme ?? 'HTTP').toLowerCase()}://${action.host ?? t.sandbox.ip}:${port}${action.path ?? '/'}": ${refused(t, port)}` }),
};

const outcome = (r: boolean | ProbeOutcome): ProbeOutcome => (typeof r === 'boolean' ? { ok: r, output: '' } : r);

/** One probe run: success or failure with the prober's words (a named port the container does not declare fails). */
export function runProbe(handlers: ProbeHandlers, t: ProbeTarget, p: Probe): ProbeOutcome {
  if (p.exec) return outcome(handlers.exec(t, p.exec.command ?? []));
  const portOf = (port: number | string) => (typeof port === 'number' ? port : /^\d+$/.test(port) ? Number(port) : findNamedPort(t.container, port));
  const unnamed = (port: number | string): ProbeOutcome => ({ ok: false, output: `unable to find port ${JSON.stringify(String(port))}` });
  if (p.tcpSocket) {
    const port = portOf(p.tcpSocket.port);
    return port === undefined ? unnamed(p.tcpSocket.port) : outcome(handlers.tcpSocket(t, port));
  }
  if (p.httpGet) {
    const port = portOf(p.httpGet.port);
    return port === undefined ? unnamed(p.httpGet.port) : outcome(handlers.httpGet(t, p.httpGet, port));
  }
  return { ok: false, output: '' };
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
