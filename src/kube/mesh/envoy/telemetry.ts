/**
 * The mesh's tracing: every request a sidecar handles is a span (Envoy's tracer with Istio's B3
 * propagation), kept per cluster so kubectl-side tools and the app can show a request's spans
 * across services. A client sidecar's span is the parent of the server sidecar's span for the same
 * try; the app's TCP connections each span rode on are kept with it, so its packets can be found
 * in the trace.
 */
import type { Cluster } from '../../cluster';

export interface SpanConn {
  src: string;
  sport: number;
  dst: string;
  dport: number;
}

export interface MeshSpan {
  traceId: string;
  spanId: string;
  parentId: string | undefined;
  /** client: the caller's sidecar (outbound); server: the callee's (inbound) */
  kind: 'client' | 'server';
  /** the sidecar's pod, `ns/name` */
  pod: string;
  /** who called: a workload `ns/name` or an address */
  source: string;
  /** the Envoy cluster the request went to (`outbound|9080|v1|reviews.default.svc.cluster.local`, `inbound|9080||`) */
  destination: string;
  /** the route that matched (`reviews.default`, `default`) */
  route: string;
  /** which try this was (1 = the first) */
  attempt: number;
  upstreamHost: string;
  method: string;
  path: string;
  responseCode: number;
  /** Envoy's response flags (`-`, `UH`, `UF`, `URX`, `UT`, `NR`, `FI`, `DI`, `UO`) */
  responseFlags: string;
  mtls: boolean;
  /** virtual ms */
  start: number;
  duration: number;
  conns: SpanConn[];
}

/** Spans kept per cluster; the oldest go first past this many. */
export const SPAN_CAP = 20_000;

export class MeshTelemetry {
  readonly spans: MeshSpan[] = [];
  dropped = 0;

  record(s: MeshSpan): void {
    if (this.spans.length >= SPAN_CAP) {
      this.spans.shift();
      this.dropped++;
    }
    this.spans.push(s);
  }

  /** Every span of one request (one trace id), in the order they started. */
  trace(traceId: string): MeshSpan[] {
    return this.spans.filter((s) => s.traceId === traceId).sort((a, b) => a.start - b.start || (a.kind === 'client' ? -1 : 1));
  }

  /** The trace ids, newest last. */
  traceIds(): string[] {
    return [...new Set(this.spans.map((s) => s.traceId))];
  }
}

const telemetries = new WeakMap<Cluster, MeshTelemetry>();

export function telemetryOf(cluster: Cluster): MeshTelemetry {
  let t = telemetries.get(cluster);
  if (!t) telemetries.set(cluster, (t = new MeshTelemetry()));
  return t;
}

/** Random hex from the world's seeded generator (B3 ids: 128-bit trace, 64-bit span). */
export const randomHex = (random: () => number, chars: number): string => {
  let s = '';
  while (s.length < chars) s += Math.floor(random() * 0x100000000).toString(16).padStart(8, '0');
  return s.slice(0, chars);
};
