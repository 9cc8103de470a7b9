/**
 * Presenter view, for teaching in front of a class: large type and high contrast (a class on the
 * page's root), the keyboard steps through the trace (← and → one event, space plays and
 * pauses) when no text field has the focus, and a timeline of the lab's earlier states: a click
 * returns the lab to that state (as one more undoable step, so nothing is lost).
 */
import { useEffect } from 'react';
import { describeChange, getAppStore, useStore } from '../../store';

const typing = (t: EventTarget | null) => t instanceof HTMLElement && !!t.closest('input, textarea, select, [contenteditable="true"], .xterm');

export function Presenter({ onExit }: { onExit: () => void }) {
  const stepTrace = useStore((s) => s.stepTrace);
  const playTrace = useStore((s) => s.playTrace);
  const pauseTrace = useStore((s) => s.pauseTrace);
  useEffect(() => {
    document.documentElement.classList.add('hl-presenter');
    const onKey = (e: KeyboardEvent) => {
      if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === 'ArrowRight') stepTrace(1);
      else if (e.key === 'ArrowLeft') stepTrace(-1);
      else if (e.key === ' ') {
        const { trace } = getAppStore().getState();
        if (trace.playing) pauseTrace();
        else playTrace();
      } else if (e.key === 'Escape') onExit();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      document.documentElement.classList.remove('hl-presenter');
    };
  }, [stepTrace, playTrace, pauseTrace, onExit]);
  return <Timeline onExit={onExit} />;
}


function Timeline({ onExit }: { onExit: () => void }) {
  const history = useStore((s) => s.history);
  const doc = useStore((s) => s.doc);
  const loadDoc = useStore((s) => s.loadDoc);
  const states = [...history.past, doc];
  return (
    <nav className="presenter-timeline" aria-label="Timeline of the lab">
      <strong>Timeline</strong>
      <ol>
        {states.map((d, i) => {
          const label = i === 0 ? `Start: ${d.title}` : describeChange(states[i - 1], d);
          const current = i === states.length - 1;
          return (
            <li key={i}>
              <button
                type="button"
                className="btn btn--sm"
                aria-current={current}
                title={label}
                disabled={current}
                onClick={() => loadDoc({ ...d, positions: doc.positions }, `Back to state ${i + 1}: ${label}`)}
              >
                {i + 1}
              </button>
            </li>
          );
        })}
      </ol>
      <button type="button" className="btn btn--sm" onClick={onExit}>
        Leave presenter view
      </button>
    </nav>
  );
}
