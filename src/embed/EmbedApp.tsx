/**
 * The lesson widget: the canvas, the lesson (when there is one), one terminal and the trace, for
 * a course page's <iframe> or <hoplab-lab> element.
 */
import { useState } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import { useStore } from '../store';
import { LabCanvas } from '../ui/canvas/LabCanvas';
import { Brand, UndoRedo } from '../ui/layout/Header';
import { ActivityBar, Notice, TracePickBar } from '../ui/layout/Overlays';
import { useUndoShortcuts } from '../ui/layout/shortcuts';
import { TerminalView } from '../ui/terminal/LazyTerminalView';
import '../ui/terminal/terminal.css';
import { TracePanel } from '../ui/trace';
import { LessonPanel } from '../ui/lesson/LessonPanel';
import './embed.css';

export function EmbedApp({ lab, host }: { lab: string; host: string }) {
  const title = useStore((s) => s.doc.title);
  const readonly = useStore((s) => s.readonly);
  const lesson = useStore((s) => s.lesson);
  const builtin = useStore((s) => s.lessonBuiltin);
  const issues = useStore((s) => s.lessonIssues);
  const loadPreset = useStore((s) => s.loadPreset);
  const resetLesson = useStore((s) => s.resetLesson);
  const openTerminal = useStore((s) => s.openTerminal);
  const closeTerminal = useStore((s) => s.closeTerminal);
  const openTerminals = useStore((s) => s.openTerminals);
  // a new shell after Start over: its screen starts empty, as the lab does
  const [shell, setShell] = useState(0);
  // one terminal at a time: the one last opened (double-click a box to switch), else the lesson's host
  const active = useStore((s) => (s.activeTerminal && s.openTerminals.includes(s.activeTerminal) ? s.activeTerminal : null));
  const shown = active ?? host;
  const terminalOpen = useStore((s) => s.openTerminals.includes(shown));
  useUndoShortcuts();
  const full = new URL('./index.html', window.location.href);
  full.hash = '';
  if (lesson && builtin) full.searchParams.set('lesson', lesson.id);
  else full.searchParams.set('lab', lab);
  return (
    <ReactFlowProvider>
      <div className={`embed${lesson || issues ? ' embed--lesson' : ''}`}>
        <header className="embed__bar">
          <Brand />
          <strong>{title}</strong>
          {readonly && <span className="badge">read-only topology</span>}
          <span style={{ flex: 1 }} />
          <UndoRedo />
          <button
            type="button"
            className="btn btn--sm"
            onClick={() => {
              for (const h of openTerminals) closeTerminal(h);
              if (lesson) resetLesson();
              else loadPreset(lab);
              openTerminal(host);
              setShell((n) => n + 1);
            }}
          >
            Start over
          </button>
          <a className="btn btn--sm" href={full.toString()} target="_blank" rel="noreferrer">
            Open in Hoplab ↗
          </a>
        </header>
        <div className="embed__main">
          <main className="embed__canvas" aria-label="Lab canvas">
            <div className="canvas-messages">
              <TracePickBar />
              <Notice />
            </div>
            <div className="canvas-area__flow">
              <LabCanvas />
              {!readonly && <ActivityBar quiet />}
            </div>
          </main>
          {(lesson || issues) && (
            <aside className="embed__lesson" aria-label="Lesson">
              <LessonPanel compact />
            </aside>
          )}
        </div>
        <div className="embed__dock">
          <section className="hl-terms" aria-label={`Terminal on ${shown}`}>
            {terminalOpen ? (
              <div className="hl-terms-panel">
                <TerminalView key={`${shown}:${shell}`} host={shown} active screenReader={false} />
              </div>
            ) : (
              <div style={{ padding: 16 }}>
                <button type="button" className="btn" onClick={() => openTerminal(host)}>
                  Open the terminal on {host}
                </button>
              </div>
            )}
          </section>
          <TracePanel />
        </div>
      </div>
    </ReactFlowProvider>
  );
}
