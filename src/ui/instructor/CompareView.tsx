/**
 * Compare: two labs side by side (say "before the routes" and "routed"), the same ping traced in
 * both, stepped together with ←/→ (space plays), and the event where the two packets part
 * highlighted in both columns. The traces are probes: neither lab changes.
 */
import { useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import { listPresets, useStore, type LabDoc } from '../../store';
import { presetDoc, replay } from '../../store/replay';
import { probeTrace } from '../../store/matrix';
import type { TraceEvent } from '../../engine/sim/trace';
import { VERDICT_LABEL } from '../trace/verdicts';
import { isDropEvent } from '../trace/describe';
import { lockstepLength, partIndex } from './lockstep';
import './instructor.css';

const CURRENT = '__current';

interface Side {
  title: string;
  ok: boolean;
  summary: string;
  events: TraceEvent[];
  error: string | null;
}

function traceIn(doc: LabDoc, from: string, to: string): Side {
  try {
    const world = replay(doc);
    if (!world.hasNetns(from)) return { title: doc.title, ok: false, summary: '', events: [], error: `${doc.title} has no ${from}` };
    const r = probeTrace(world, from, to);
    return { title: doc.title, ok: r.ok, summary: r.summary, events: r.trace, error: null };
  } catch (e) {
    return { title: doc.title, ok: false, summary: '', events: [], error: (e as Error).message };
  }
}

export function CompareView({ onClose, left: left0 = 'before-routes', right: right0 = 'routed' }: { onClose: () => void; left?: string; right?: string }) {
  const currentDoc = useStore((s) => s.doc);
  const presets = useMemo(() => listPresets().filter((p) => p.name !== 'empty'), []);
  const [left, setLeft] = useState(left0);
  const [right, setRight] = useState(right0);
  const [from, setFrom] = useState('node01');
  const [to, setTo] = useState('10.244.2.2');
  const [cursor, setCursor] = useState(0);
  const [playing, setPlaying] = useState(false);
  const docOf = (name: string) => (name === CURRENT ? currentDoc : presetDoc(name));
  const a = useMemo(() => traceIn(docOf(left), from.trim(), to.trim()), [left, from, to, currentDoc]); // eslint-disable-line react-hooks/exhaustive-deps
  const b = useMemo(() => traceIn(docOf(right), from.trim(), to.trim()), [right, from, to, currentDoc]); // eslint-disable-line react-hooks/exhaustive-deps
  const n = lockstepLength(a.events, b.events);
  const part = partIndex(a.events, b.events);
  const at = Math.min(cursor, Math.max(n - 1, 0));

  useEffect(() => setCursor(0), [left, right, from, to]);
  useEffect(() => {
    if (!playing) return;
    if (at >= n - 1) {
      setPlaying(false);
      return;
    }
    const t = setTimeout(() => setCursor(at + 1), 500);
    return () => clearTimeout(t);
  }, [playing, at, n]);

  const step = (d: number) => {
    setPlaying(false);
    setCursor(Math.min(Math.max(at + d, 0), Math.max(n - 1, 0)));
  };
  const onKey = (e: KeyboardEvent) => {
    if ((e.target as HTMLElement).closest('input, select')) return;
    if (e.key === 'ArrowRight') step(1);
    else if (e.key === 'ArrowLeft') step(-1);
    else if (e.key === ' ') setPlaying((p) => !p);
    else if (e.key === 'Escape') onClose();
    else return;
    e.preventDefault();
  };

  const labSelect = (label: string, value: string, set: (v: string) => void) => (
    <label className="field">
      {label}
      <select className="select" value={value} onChange={(e) => set(e.target.value)}>
        <option value={CURRENT}>The lab on the canvas</option>
        {presets.map((p) => (
          <option key={p.name} value={p.name}>
            {p.title}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <div className="compare" role="dialog" aria-modal="true" aria-label="Compare two labs" tabIndex={-1} onKeyDown={onKey} ref={(el) => el?.focus()}>
      <div className="compare__bar">
        <h2>Compare two labs</h2>
        {labSelect('Left', left, setLeft)}
        {labSelect('Right', right, setRight)}
        <label className="field">
          Ping from
          <input className="input mono" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label className="field">
          to
          <input className="input mono" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <span className="compare__spacer" />
        <button type="button" className="btn" onClick={onClose}>
          Close
        </button>
      </div>
      <div className="compare__controls" role="group" aria-label="Step both traces">
        <button type="button" className="btn btn--sm" onClick={() => step(-1)} aria-label="Step back">
          ◀
        </button>
        <button type="button" className="btn btn--sm" onClick={() => setPlaying(!playing)}>
          {playing ? 'Pause' : 'Play'}
        </button>
        <button type="button" className="btn btn--sm" onClick={() => step(1)} aria-label="Step forward">
          ▶
        </button>
        <span role="status" data-testid="compare-step">
          Step {n ? at + 1 : 0} of {n}
        </span>
        {part >= 0 ? (
          <button type="button" className="btn btn--sm" onClick={() => setCursor(part)}>
            Go to where they part (step {part + 1})
          </button>
        ) : (
          n > 0 && <span>The two packets do the same thing all the way.</span>
        )}
        <span className="hint">←/→ step, space plays</span>
      </div>
      <div className="compare__cols">
        <TraceColumn side={a} label="Left" at={at} part={part} />
        <TraceColumn side={b} label="Right" at={at} part={part} />
      </div>
    </div>
  );
}

function TraceColumn({ side, label, at, part }: { side: Side; label: string; at: number; part: number }) {
  return (
    <section className="compare__col" aria-label={`${label}: ${side.title}`}>
      <h3>{side.title}</h3>
      <p className={`compare__outcome ${side.ok ? 'is-ok' : 'is-bad'}`} data-testid={`compare-outcome-${label.toLowerCase()}`}>
        {side.error ?? (side.ok ? 'Reply' : side.summary || 'No reply')}
      </p>
      <ol className="compare__events" aria-label={`${label} trace events`}>
        {side.events.map((e, i) => (
          <li
            key={i}
            className={[i === at ? 'is-at' : '', i === part ? 'is-part' : '', isDropEvent(e) ? 'is-drop' : ''].filter(Boolean).join(' ')}
            aria-current={i === at ? 'step' : undefined}
            ref={(el) => {
              if (i === at) el?.scrollIntoView({ block: 'nearest' });
            }}
          >
            <span className="compare__where">
              {e.netns}
              {e.dev ? ` ${e.dev}` : ''}
            </span>{' '}
            <strong>{VERDICT_LABEL[e.verdict] ?? e.verdict}</strong> <code>{e.verdict}</code>
            {i === part && <span className="compare__part"> ← they part here</span>}
            <div className="compare__text">{e.text}</div>
          </li>
        ))}
        {side.events.length <= at && side.events.length > 0 && <li className="compare__ended">(this trace ended at step {side.events.length})</li>}
      </ol>
    </section>
  );
}
