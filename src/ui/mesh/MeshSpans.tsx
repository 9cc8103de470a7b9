/**
 * The spans of the traced command's requests through the service mesh, as a tracing UI shows
 * them: one waterfall per request (service, span kind, route matched, attempt, status, latency on
 * the virtual clock, a bar placed on the request's timeline), each span linked to the packets its
 * connections carried. With the mesh hops folded a span is one line; unfolded, its packets are
 * listed under it (app → REDIRECT → proxy → mTLS → peer proxy → app), each a button to that
 * point of the trace.
 */
import { useMemo } from 'react';
import { useStore, type MeshRequest, type SpanRow } from '../../store';
import { groupTrace } from '../../store/traceGroups';
import type { TraceEvent } from '../../engine/sim/trace';
import { groupSummary } from '../trace/GroupedEvents';
import { usePlaceNames } from '../trace/usePlaceNames';
import type { PlaceNames } from '../trace/describe';
import './mesh.css';

const ms = (v: number): string => (v < 10 ? `${v.toFixed(2)} ms` : `${v.toFixed(1)} ms`);

/** The packets of a span (or of the app's leg), one line each, in trace order. */
function packetLines(events: readonly TraceEvent[], indices: readonly number[], names: PlaceNames): { first: number; all: number[]; text: string; drop: boolean }[] {
  const sub = indices.map((i) => events[i]);
  return groupTrace(sub).map((g) => {
    const back = { ...g, indices: g.indices.map((j) => indices[j]), key: indices[g.key], drop: g.drop === null ? null : indices[g.drop] };
    return { first: back.indices[0], all: back.indices, text: groupSummary(events, back, names), drop: back.drop !== null };
  });
}

function Packets({ indices, cursor, onPick, label }: { indices: readonly number[]; cursor: number; onPick: (i: number) => void; label: string }) {
  const events = useStore((s) => s.trace.events);
  const names = usePlaceNames();
  const lines = useMemo(() => packetLines(events, indices, names), [events, indices, names]);
  if (lines.length === 0) return null;
  return (
    <ol className="hl-mesh-packets" aria-label={label}>
      {lines.map((l) => (
        <li key={l.first} className={['hl-mesh-packet', l.drop ? 'is-drop' : '', l.all.includes(cursor) ? 'is-current' : ''].join(' ')}>
          <button type="button" className="hl-mesh-go" onClick={() => onPick(l.first)} title={`go to event ${l.first + 1}`}>
            {l.text}
          </button>
        </li>
      ))}
    </ol>
  );
}

function SpanLine({ r, req, cursor, collapsed, onPick }: { r: SpanRow; req: MeshRequest; cursor: number; collapsed: boolean; onPick: (i: number) => void }) {
  const total = Math.max(req.end - req.start, 1e-6);
  const left = ((r.start - req.start) / total) * 100;
  const width = Math.max((r.duration / total) * 100, 0.5);
  const failed = r.code >= 500 || r.code === 0;
  const current = r.events.includes(cursor);
  const what = `${r.kind === 'client' ? 'outbound' : 'inbound'} ${r.service}`;
  const label = `${what}: route ${r.route}, attempt ${r.attempt}, ${r.code}${r.flags !== '-' ? ` ${r.flags}` : ''} in ${ms(r.duration)}${r.mtls ? ', mTLS' : ''}, ${r.events.length} events`;
  return (
    <li className={['hl-mesh-span', failed ? 'is-failed' : '', current ? 'is-current' : '', `depth-${r.depth}`].join(' ')} data-testid="mesh-span" data-kind={r.kind} data-code={r.code}>
      <button type="button" className="hl-mesh-row" aria-label={label} aria-current={current ? 'step' : undefined} disabled={r.events.length === 0} onClick={() => onPick(r.events[0])}>
        <span className="hl-mesh-service" title={r.pod}>
          <span className={`hl-mesh-kind hl-mesh-kind-${r.kind}`}>{r.kind}</span> {r.service}
        </span>
        <span className="hl-mesh-route mono" title={`${r.destination} via ${r.upstreamHost}`}>
          {r.route}
        </span>
        <span className="hl-mesh-attempt">#{r.attempt}</span>
        <span className={failed ? 'hl-mesh-code is-failed' : 'hl-mesh-code'}>
          {r.code}
          {r.flags !== '-' && <span className="hl-mesh-flags"> {r.flags}</span>}
        </span>
        <span className="hl-mesh-latency">{ms(r.duration)}</span>
        <span className="hl-mesh-bar-track" aria-hidden="true">
          <span className="hl-mesh-bar" style={{ left: `${left}%`, width: `${width}%` }} />
        </span>
      </button>
      {!collapsed && <Packets indices={r.events} cursor={cursor} onPick={onPick} label={`packets of the ${what} span`} />}
    </li>
  );
}

export function MeshSpans() {
  const mesh = useStore((s) => s.meshTrace);
  const cursor = useStore((s) => s.trace.cursor);
  const seek = useStore((s) => s.seekTrace);
  const collapsed = useStore((s) => s.meshHopsCollapsed);
  const setCollapsed = useStore((s) => s.setMeshHopsCollapsed);
  if (!mesh) return null;
  return (
    <section className="hl-mesh-spans" aria-label="Mesh spans" data-testid="mesh-spans">
      <header className="hl-mesh-head">
        <h3>
          Spans ({mesh.requests.length} {mesh.requests.length === 1 ? 'request' : 'requests'} through the mesh)
        </h3>
        <label className="hl-mesh-fold">
          <input type="checkbox" checked={collapsed} onChange={(e) => setCollapsed(e.target.checked)} /> Collapse mesh hops
        </label>
      </header>
      {mesh.requests.map((q) => (
        <div key={q.traceId} className="hl-mesh-request" data-testid="mesh-request">
          <p className="hl-mesh-req-head">
            <span className="mono">
              {q.method} {q.path}
            </span>{' '}
            → <strong>{q.code}</strong> in {ms(q.end - q.start)} <span className="hl-mesh-traceid mono">trace {q.traceId.slice(0, 16)}</span>
          </p>
          {!collapsed && <Packets indices={q.appEvents} cursor={cursor} onPick={seek} label="the app's packets to and from its sidecar" />}
          <ol className="hl-mesh-waterfall" aria-label={`spans of ${q.method} ${q.path}`}>
            {q.spans.map((r) => (
              <SpanLine key={r.spanId} r={r} req={q} cursor={cursor} collapsed={collapsed} onPick={seek} />
            ))}
          </ol>
        </div>
      ))}
    </section>
  );
}
