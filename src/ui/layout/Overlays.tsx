/**
 * Overlays on the canvas: the lab notice (import errors, lab loaded), the activity bar showing the
 * command the UI just ran ("ran on node01: `ip route add …`"), the legend, and the empty state.
 */
import { useEffect, useState } from 'react';
import { listPresets, useStore } from '../../store';
import type { AddKind } from './AddDialog';

/** Text with `code` spans (preset descriptions quote commands that way). */
export function InlineCode({ text }: { text: string }) {
  const parts = text.split('`');
  return (
    <>
      {parts.map((p, i) => (i % 2 === 1 ? <code key={i}>{p}</code> : <span key={i}>{p}</span>))}
    </>
  );
}

export function Notice() {
  const notice = useStore((s) => s.notice);
  const setNotice = useStore((s) => s.setNotice);
  // good news fades by itself, but not while the pointer or the keyboard is on it (time to read
  // it); errors stay until dismissed
  const [held, setHeld] = useState(false);
  useEffect(() => {
    if (!notice || notice.kind === 'error' || held) return;
    const t = setTimeout(() => setNotice(null), 6000);
    return () => clearTimeout(t);
  }, [notice, setNotice, held]);
  if (!notice) return null;
  return (
    <div
      className={`notice ${notice.kind === 'error' ? 'notice--error' : ''}`}
      role={notice.kind === 'error' ? 'alert' : 'status'}
      data-testid="notice"
      onMouseEnter={() => setHeld(true)}
      onMouseLeave={() => setHeld(false)}
      onFocus={() => setHeld(true)}
      onBlur={() => setHeld(false)}
    >
      <span aria-hidden="true" style={{ marginTop: 5 }}>
        {notice.kind === 'error' ? '✕' : '✓'}
      </span>
      <p>
        <InlineCode text={notice.text} />
      </p>
      <button type="button" className="btn btn--ghost btn--sm btn--icon" aria-label="Dismiss message" onClick={() => setNotice(null)} style={{ marginTop: 2 }}>
        ×
      </button>
    </div>
  );
}

/** Picking the ends of a ping on the canvas: what to click next; Escape stops. */
export function TracePickBar() {
  const pick = useStore((s) => s.tracePick);
  const cancel = useStore((s) => s.cancelTracePick);
  useEffect(() => {
    if (!pick) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') cancel();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [pick, cancel]);
  if (!pick) return null;
  return (
    <div className="notice notice--pick" role="status" data-testid="trace-pick">
      <span aria-hidden="true">⇢</span>
      <p>
        {pick.from === null ? (
          <>Trace a ping: click the box it starts from (a machine or a pod).</>
        ) : (
          <>
            Trace a ping from <strong>{pick.from}</strong>: now click the box it goes to.
          </>
        )}
      </p>
      <button type="button" className="btn btn--sm" onClick={cancel}>
        Cancel (Esc)
      </button>
    </div>
  );
}

/** `quiet`: say nothing until something was run (the compact embed). */
export function ActivityBar({ quiet = false }: { quiet?: boolean }) {
  const activity = useStore((s) => s.activity);
  const [open, setOpen] = useState(false);
  const shown = activity.filter((a) => a.source !== 'terminal');
  const last = shown[shown.length - 1];
  if (quiet && !last) return null;
  return (
    <div className="activity" aria-label="Commands run by the interface">
      {open && shown.length > 0 && (
        <ol className="activity__log" aria-label="Command history">
          {shown.map((a) => (
            <li key={a.id} className={a.ok ? '' : 'fail'}>
              <span>{a.on ?? 'lab'}</span>
              {a.command ? <code>{a.text}</code> : <span>{a.text}</span>}
              {!a.ok && a.error && <span className="err">{a.error}</span>}
            </li>
          ))}
        </ol>
      )}
      <div className={`activity__last ${last && !last.ok ? 'is-error' : ''}`} role="status" aria-live="polite" data-testid="activity">
        {last ? (
          <span className="activity__text">
            {last.command ? (
              <>
                {last.ok ? 'ran on ' : 'failed on '}
                <span className="activity__host">{last.on}</span>: <code>{last.text}</code>
                {!last.ok && last.error && <span> — {last.error}</span>}
              </>
            ) : (
              last.text
            )}
          </span>
        ) : (
          <span className="activity__text">Every change you make here runs a real command, shown in this bar.</span>
        )}
        {shown.length > 0 && (
          <button type="button" className="btn btn--sm" onClick={() => setOpen(!open)} aria-expanded={open}>
            {open ? 'Hide' : `All (${shown.length})`}
          </button>
        )}
      </div>
    </div>
  );
}

export function Legend() {
  return (
    <details className="legend">
      <summary>Legend</summary>
      <ul>
        <li>
          <span className="legend__swatch" style={{ borderColor: '#9fb0c8', background: 'var(--host-soft)' }} /> Machine (node)
        </li>
        <li>
          <span className="legend__swatch" style={{ borderColor: '#c6b3ef', background: 'var(--pod-soft)' }} /> Pod (network namespace)
        </li>
        <li>
          <span className="legend__swatch" style={{ borderColor: '#8fcbd5', background: 'var(--bridge-soft)' }} /> Bridge
        </li>
        <li>
          <span className="legend__swatch" style={{ borderColor: '#a3afbf', background: 'var(--lan-soft)', borderWidth: 2 }} /> LAN switch
        </li>
        <li>
          <span className="legend__line" style={{ borderColor: 'var(--pod)', borderTopWidth: 2.5 }} /> veth pair
        </li>
        <li>
          <span className="legend__line" style={{ borderColor: 'var(--lan)' }} /> LAN or point-to-point cable
        </li>
        <li>
          <span className="legend__line" style={{ borderColor: '#b8c0cc', borderTopStyle: 'dashed' }} /> ○ DOWN: link set down
        </li>
        <li>
          <span className="legend__line" style={{ borderColor: '#d9a45f', borderTopStyle: 'dotted' }} /> ⚠ NO-CARRIER: peer down
        </li>
        <li>
          <span className="legend__line" style={{ borderColor: 'var(--packet)', borderTopWidth: 4 }} /> Packet in the trace
        </li>
      </ul>
    </details>
  );
}

const STARTERS = ['fresh', 'bridges', 'before-routes', 'routed'];

export function EmptyState({ onAdd }: { onAdd: (k: AddKind) => void }) {
  const count = useStore((s) => s.snapshot.netns.filter((n) => n.role === 'host').length);
  const loadPreset = useStore((s) => s.loadPreset);
  if (count > 0) return null;
  const presets = listPresets().filter((p) => STARTERS.includes(p.name));
  return (
    <div className="empty-state">
      <section className="empty-state__card" aria-labelledby="empty-title">
        <h2 id="empty-title">Build a lab</h2>
        <p>
          Start from a stage of the three-node Kubernetes lab (node01–node03 on 192.168.1.0/24, a pod per node), or build your own network by hand.
        </p>
        <div className="preset-grid">
          {presets.map((p) => (
            <button key={p.name} type="button" className="preset-card" onClick={() => loadPreset(p.name)}>
              <strong>{p.title}</strong>
              <span>
                <InlineCode text={p.description} />
              </span>
            </button>
          ))}
        </div>
        <button type="button" className="btn" onClick={() => onAdd('machine')}>
          + Add a machine by hand
        </button>
      </section>
    </div>
  );
}
