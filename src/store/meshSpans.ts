/**
 * The service mesh's spans of a trace, as the trace view shows them: the requests whose sidecars
 * handled a traced command's packets, each as a waterfall of spans (the client sidecar's tries,
 * the server sidecar's span under each), and each trace event placed under the span whose TCP
 * connection carried it. Pure data read from the cluster's telemetry; the UI never reaches it.
 *
 * A packet belongs to a span when it rode one of the span's connections (a connection is known by
 * its client end, address and port, which neither DNAT nor REDIRECT changes) while the span ran;
 * the client's own connection to its sidecar belongs to the request as a whole. A pooled
 * connection carries many requests: the time window tells them apart.
 */
import type { TraceEvent } from '../engine/sim/trace';
import type { World } from '../engine/world';
import { clusterOf } from '../kube/cluster';
import { meshOf } from '../kube/mesh/mesh';
import type { MeshSpan, SpanConn } from '../kube/mesh/envoy/telemetry';

export interface SpanRow {
  spanId: string;
  parentId: string | null;
  /** 0: the client sidecar's try; 1: the server sidecar's span under it */
  depth: number;
  kind: 'client' | 'server';
  /** the sidecar's pod, `ns/name` */
  pod: string;
  /** the workload, as a tracing UI names the service (`reviews-v1` for `reviews-v1-5c6b…-x2x9q`) */
  service: string;
  source: string;
  destination: string;
  route: string;
  attempt: number;
  method: string;
  path: string;
  code: number;
  /** Envoy's response flags (`-` when none) */
  flags: string;
  mtls: boolean;
  upstreamHost: string;
  /** virtual ms */
  start: number;
  duration: number;
  /** indices of the trace's events this span's connections carried */
  events: number[];
}

export interface MeshRequest {
  traceId: string;
  /** virtual ms: the first span's start, the last span's end */
  start: number;
  end: number;
  /** the app's method, path and final status as its client sidecar answered */
  method: string;
  path: string;
  code: number;
  spans: SpanRow[];
  /** the app's packets to and from its own sidecar (the REDIRECTed connection) */
  appEvents: number[];
}

export interface MeshTrace {
  requests: MeshRequest[];
  /** trace events that belong to a request (its spans' and its app's), for collapsing mesh hops */
  meshEvents: Set<number>;
}

/** `reviews-v1-5c6b8f-x2x9q` → `reviews-v1`: a Deployment's pod named by its workload. */
export function serviceOf(pod: string): string {
  const name = pod.split('/').pop() ?? pod;
  const m = /^(.+)-[a-z0-9]{5,10}-[a-z0-9]{5}$/.exec(name);
  return m ? m[1] : name;
}

const endKey = (ip: string, port: number): string => `${ip}:${port}`;

/** The client end of the connection an event's packet rode, if it is TCP (both directions). */
function eventEnds(e: TraceEvent): [string, string] | null {
  const p = e.packet;
  if (!p?.ip || !p.tcp) return null;
  return [endKey(p.ip.src, p.tcp.sport), endKey(p.ip.dst, p.tcp.dport)];
}

/**
 * A span's connection by its client end: a span's first connection is the one its sidecar
 * accepted (the client is the far end), the others are ones the sidecar opened (the near end).
 */
const connKey = (c: SpanConn, i: number): string => (i === 0 ? endKey(c.dst, c.dport) : endKey(c.src, c.sport));
const keysOf = (conns: SpanConn[], from = 0): Set<string> => new Set(conns.map(connKey).slice(from));

interface Window {
  row: SpanRow;
  keys: Set<string>;
}

/** The mesh requests a trace's events took part in, with each event under its span. */
export function meshTrace(world: World, events: readonly TraceEvent[], netnsOfPod: Record<string, string>): MeshTrace | null {
  const cluster = clusterOf(world);
  if (!cluster || events.length === 0) return null;
  const all = meshOf(cluster).telemetry.spans;
  if (all.length === 0) return null;
  const t0 = events[0].time;
  const t1 = events[events.length - 1].time;
  // spans that ran while the trace did, by request
  const byTrace = new Map<string, MeshSpan[]>();
  for (const s of all) {
    if (s.start > t1 || s.start + s.duration < t0) continue;
    let l = byTrace.get(s.traceId);
    if (!l) byTrace.set(s.traceId, (l = []));
    l.push(s);
  }
  const windows: Window[] = [];
  const requests: (MeshRequest & { appKey: string | null })[] = [];
  for (const [traceId, spans] of byTrace) {
    const clients = spans.filter((s) => s.kind === 'client').sort((a, b) => a.start - b.start || a.attempt - b.attempt);
    const rows: SpanRow[] = [];
    const row = (s: MeshSpan, depth: number): SpanRow => ({
      spanId: s.spanId,
      parentId: s.parentId ?? null,
      depth,
      kind: s.kind,
      pod: s.pod,
      service: serviceOf(s.pod),
      source: s.source,
      destination: s.destination,
      route: s.route,
      attempt: s.attempt,
      method: s.method,
      path: s.path,
      code: s.responseCode,
      flags: s.responseFlags,
      mtls: s.mtls,
      upstreamHost: s.upstreamHost,
      start: s.start,
      duration: s.duration,
      events: [],
    });
    for (const c of clients) {
      const cr = row(c, 0);
      rows.push(cr);
      // the client's first connection is the app's to its sidecar: the request's, not the try's
      windows.push({ row: cr, keys: keysOf(c.conns, 1) });
      for (const s of spans.filter((x) => x.kind === 'server' && x.parentId === c.spanId)) {
        const sr = row(s, 1);
        rows.push(sr);
        windows.push({ row: sr, keys: keysOf(s.conns) });
      }
    }
    // server spans whose client is not in the trace (a caller outside the mesh) stand at the top
    for (const s of spans.filter((x) => x.kind === 'server' && !clients.some((c) => c.spanId === x.parentId))) {
      const sr = row(s, 0);
      rows.push(sr);
      windows.push({ row: sr, keys: keysOf(s.conns) });
    }
    if (rows.length === 0) continue;
    const first = clients[0] ?? spans[0];
    const last = clients[clients.length - 1] ?? spans[spans.length - 1];
    requests.push({
      traceId,
      start: Math.min(...rows.map((r) => r.start)),
      end: Math.max(...rows.map((r) => r.start + r.duration)),
      method: first.method,
      path: first.path,
      code: last.responseCode,
      spans: rows,
      appEvents: [],
      appKey: clients[0] ? connKey(clients[0].conns[0], 0) : null,
    });
  }
  if (requests.length === 0) return null;
  const meshEvents = new Set<number>();
  const sidecarNetns = new Map<string, SpanRow[]>();
  for (const w of windows) {
    const ns = netnsOfPod[w.row.pod];
    if (ns === undefined) continue;
    let l = sidecarNetns.get(ns);
    if (!l) sidecarNetns.set(ns, (l = []));
    l.push(w.row);
  }
  events.forEach((e, i) => {
    const ends = eventEnds(e);
    if (ends === null) {
      // a sidecar's own decision (MESH_ROUTE / MESH_DENY): the span of that sidecar running then
      if (e.verdict !== 'MESH_ROUTE' && e.verdict !== 'MESH_DENY') return;
      const rows = sidecarNetns.get(e.netns) ?? [];
      const r = rows.find((x) => x.start <= e.time && e.time <= x.start + x.duration) ?? rows.find((x) => x.start >= e.time);
      if (r) {
        r.events.push(i);
        meshEvents.add(i);
      }
      return;
    }
    const app = requests.find((q) => q.appKey !== null && ends.includes(q.appKey));
    if (app) {
      app.appEvents.push(i);
      meshEvents.add(i);
      return;
    }
    // the deepest span on that connection running then, else the last one that ran on it before
    const on = windows.filter((w) => w.keys.has(ends[0]) || w.keys.has(ends[1]));
    if (on.length === 0) return;
    const running = on.filter((w) => w.row.start <= e.time && e.time <= w.row.start + w.row.duration).sort((a, b) => b.row.depth - a.row.depth)[0];
    const before = running ?? on.filter((w) => w.row.start <= e.time).sort((a, b) => b.row.start - a.row.start || b.row.depth - a.row.depth)[0] ?? on[0];
    before.row.events.push(i);
    meshEvents.add(i);
  });
  return {
    requests: requests.map(({ appKey: _, ...q }) => q).sort((a, b) => a.start - b.start),
    meshEvents,
  };
}
