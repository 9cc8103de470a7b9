/**
 * The lesson panel: pick a lesson (built-in, a file, or a link), then follow its steps. The current
 * step shows its text, its goal and what is still missing (checked against the live lab after
 * every change), a prediction to make before the ping when the step asks for one, hints one at a
 * time, and the solution, which can be shown or typed into the terminals.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useStore } from '../../store';
import { describeGoal, type Lesson, type LessonStep } from '../../scenarios/lessons';
import type { Verdict } from '../../engine/sim/trace';
import { VERDICT_LABEL } from '../trace/verdicts';
import { placeName, type PlaceNames } from '../trace/describe';
import { usePlaceNames } from '../trace/usePlaceNames';
import { InlineMarkdown, Markdown } from './Markdown';
import { listBuiltinLessons, openBuiltinLesson, openLessonText } from './open';
import './lesson.css';

export function outcomeLabel(v: string): string {
  if (v === 'reply') return 'a reply';
  const label = VERDICT_LABEL[v as Verdict];
  return label ? `${v} (${label})` : v;
}

/** A prediction's answer as the student reads it: a verdict by its label, a place by the name the trace gives it (a pod as namespace/pod). */
const answerLabel = (step: LessonStep, v: string, names: PlaceNames): string => (step.predict?.kind === 'verdict' ? outcomeLabel(v) : placeName(v, names));

export function LessonPanel({ compact = false }: { compact?: boolean }) {
  const lesson = useStore((s) => s.lesson);
  const issues = useStore((s) => s.lessonIssues);
  return (
    <section className={`lesson${compact ? ' lesson--compact' : ''}`} aria-labelledby="lesson-title" data-testid="lesson">
      {issues && <LessonIssues />}
      {lesson ? <LessonSteps lesson={lesson} /> : <LessonPicker />}
    </section>
  );
}

function LessonIssues() {
  const issues = useStore((s) => s.lessonIssues)!;
  const setIssues = useStore((s) => s.setLessonIssues);
  return (
    <div className="lesson__issues" role="alert">
      <p>
        <strong>This lesson could not be opened</strong> ({issues.source}). Nothing was changed.
      </p>
      <ul aria-label="Problems in the lesson file">
        {issues.issues.slice(0, 20).map((i, k) => (
          <li key={k}>
            {i.line ? <span className="lesson__line">line {i.line}</span> : null} <code>{i.path}</code>: {i.message}
          </li>
        ))}
      </ul>
      {issues.issues.length > 20 && <p>… and {issues.issues.length - 20} more.</p>}
      <button type="button" className="btn btn--sm" onClick={() => setIssues(null)}>
        Dismiss
      </button>
    </div>
  );
}

export function OpenLessonFile() {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className="btn btn--sm" onClick={() => input.current?.click()}>
        Open a lesson file…
      </button>
      <input
        ref={input}
        type="file"
        accept=".yaml,.yml,.json,application/json,text/yaml"
        hidden
        data-testid="lesson-file-input"
        onChange={async (e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) await openLessonText(await file.text(), file.name);
        }}
      />
    </>
  );
}

function LessonPicker() {
  const [lessons, setLessons] = useState<Lesson[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    listBuiltinLessons().then(
      (l) => live && setLessons(l),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, []);
  return (
    <>
      <div className="lesson__head">
        <h3 id="lesson-title">Lessons</h3>
        <OpenLessonFile />
      </div>
      {error && <p className="lesson__issues">The lessons could not be loaded: {error}</p>}
      {!lessons && !error && <p className="hint">Loading lessons…</p>}
      <ol className="lesson__list">
        {lessons?.map((l) => (
          <li key={l.id}>
            <button type="button" className="lesson__pick" onClick={() => openBuiltinLesson(l.id)}>
              <strong>{l.title}</strong>
              {l.summary && <span>{l.summary}</span>}
            </button>
          </li>
        ))}
      </ol>
    </>
  );
}

function LessonSteps({ lesson }: { lesson: Lesson }) {
  const progress = useStore((s) => s.lessonProgress);
  const closeLesson = useStore((s) => s.closeLesson);
  const resetLesson = useStore((s) => s.resetLesson);
  const count = progress.done.length;
  const total = lesson.steps.length;
  const finished = progress.step >= total;
  return (
    <>
      <div className="lesson__head">
        <h3 id="lesson-title">
          <span className="visually-hidden">Lesson: </span>
          {lesson.title}
        </h3>
        <span className="badge" aria-label={`${count} of ${total} steps done`}>
          {count}/{total}
        </span>
      </div>
      <div className="lesson__tools">
        <button type="button" className="btn btn--sm btn--ghost" onClick={closeLesson}>
          All lessons
        </button>
        <button
          type="button"
          className="btn btn--sm btn--ghost"
          onClick={() => {
            if (window.confirm(`Start “${lesson.title}” over? Its lab is loaded again (your current lab stays one undo away).`)) resetLesson();
          }}
        >
          Start over
        </button>
      </div>
      {progress.step === 0 && lesson.summary && <Markdown className="md lesson__summary" text={lesson.summary} />}
      <ol className="lesson__steps">
        {lesson.steps.map((step, i) => (
          <StepItem key={step.id} step={step} index={i} state={progress.done.includes(step.id) ? 'done' : i === progress.step ? 'current' : 'todo'} />
        ))}
      </ol>
      {finished && <LessonDone lesson={lesson} />}
    </>
  );
}

function LessonDone({ lesson }: { lesson: Lesson }) {
  return (
    <div className="lesson__done" role="status">
      <p>
        <strong>Lesson complete.</strong>
      </p>
      {lesson.done && <Markdown text={lesson.done} />}
      {lesson.next && (
        <button type="button" className="btn btn--sm btn--primary" onClick={() => openBuiltinLesson(lesson.next!)}>
          Next lesson
        </button>
      )}
    </div>
  );
}

function StepItem({ step, index, state }: { step: LessonStep; index: number; state: 'done' | 'current' | 'todo' }) {
  const prediction = useStore((s) => s.lessonProgress.predictions[step.id]);
  return (
    <li className={state === 'done' ? 'is-done' : state === 'current' ? 'is-current' : ''} aria-current={state === 'current' ? 'step' : undefined} data-step={step.id}>
      <span className="lesson__mark" aria-hidden="true">
        {state === 'done' ? '✓' : index + 1}
      </span>
      <div>
        <strong>
          <InlineMarkdown text={step.title} />
          {state === 'done' && <span className="visually-hidden"> (done)</span>}
        </strong>
        {state === 'current' && <CurrentStep step={step} />}
        {state === 'done' && step.predict && prediction?.actual !== undefined && <Reveal step={step} answer={prediction.answer} actual={prediction.actual} />}
      </div>
    </li>
  );
}

function CurrentStep({ step }: { step: LessonStep }) {
  const detail = useStore((s) => s.lessonDetail);
  const prediction = useStore((s) => s.lessonProgress.predictions[step.id]);
  const waiting = !!step.predict && !prediction;
  return (
    <div className="lesson__current">
      <Markdown text={step.text} />
      {step.predict && <Predict step={step} />}
      {!waiting && (
        <p className="lesson__goal">
          <span className="lesson__goal-label">Goal:</span> <InlineMarkdown text={describeGoal(step.goal)} />
          {detail && (
            <>
              <br />
              <span className="lesson__detail" data-testid="lesson-detail">
                Not yet: {detail}
              </span>
            </>
          )}
        </p>
      )}
      <Hints step={step} />
      <Solution step={step} />
    </div>
  );
}

function Predict({ step }: { step: LessonStep }) {
  const predict = useStore((s) => s.predictLesson);
  const prediction = useStore((s) => s.lessonProgress.predictions[step.id]);
  const selected = useStore((s) => s.selectedHost);
  const snapshot = useStore((s) => s.snapshot);
  const hosts = useMemo(() => snapshot.netns.filter((n) => n.role === 'host').map((n) => n.name), [snapshot]);
  // a cluster pod is offered by its name (namespace/pod), as the trace names it, not by its sandbox's cni-… netns
  const names = usePlaceNames();
  const [pick, setPick] = useState('');
  /** the place picked in the list, else the box clicked on the canvas */
  const chosen = pick || selected || '';
  const id = useId();
  const p = step.predict!;
  if (prediction) {
    if (prediction.actual === undefined)
      return (
        <p className="lesson__predict" role="status">
          You predicted <strong>{answerLabel(step, prediction.answer, names)}</strong>. Now run it, and watch the trace.
        </p>
      );
    return <Reveal step={step} answer={prediction.answer} actual={prediction.actual} />;
  }
  return (
    <div className="lesson__predict" role="group" aria-labelledby={`${id}-q`}>
      <p id={`${id}-q`}>
        <strong>Predict: </strong>
        <InlineMarkdown text={p.question} />
      </p>
      {p.kind === 'where' ? (
        <div className="lesson__predict-row">
          <select className="select" aria-label="Where the packet stops" value={chosen} onChange={(e) => setPick(e.target.value)}>
            <option value="">Click a box, or pick…</option>
            {hosts.map((h) => (
              <option key={h} value={h}>
                {placeName(h, names)}
              </option>
            ))}
          </select>
          <button type="button" className="btn btn--sm btn--primary" disabled={!chosen} onClick={() => predict(step.id, chosen)}>
            It stops at {chosen ? placeName(chosen, names) : '…'}
          </button>
        </div>
      ) : (
        <div className="lesson__predict-row" role="radiogroup" aria-label="How it ends">
          {p.options!.map((o) => (
            <button key={o} type="button" className="btn btn--sm" onClick={() => predict(step.id, o)}>
              {outcomeLabel(o)}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

function Reveal({ step, answer, actual }: { step: LessonStep; answer: string; actual: string }) {
  const right = answer === actual;
  const names = usePlaceNames();
  const show = (v: string) => answerLabel(step, v, names);
  return (
    <div className={`lesson__reveal ${right ? 'is-right' : 'is-wrong'}`} role="status" data-testid="lesson-reveal">
      <p>
        {right ? (
          <>
            <strong>✓ Right:</strong> the trace shows {step.predict?.kind === 'verdict' ? 'it ended with' : 'it stopped at'} <strong>{show(actual)}</strong>.
          </>
        ) : (
          <>
            <strong>✗ Not quite:</strong> you said {show(answer)}; the trace shows <strong>{show(actual)}</strong>.
          </>
        )}
      </p>
      {step.predict?.explain && <Markdown text={step.predict.explain} />}
    </div>
  );
}

function Hints({ step }: { step: LessonStep }) {
  const shown = useStore((s) => s.lessonProgress.hints[step.id] ?? 0);
  const reveal = useStore((s) => s.revealLessonHint);
  const hints = step.hints ?? [];
  if (hints.length === 0) return null;
  return (
    <div className="lesson__hints">
      {hints.slice(0, shown).map((h, i) => (
        <div key={i} className="lesson__hint">
          <span className="lesson__goal-label">Hint {i + 1}:</span> <Markdown text={h} />
        </div>
      ))}
      {shown < hints.length && (
        <button type="button" className="btn btn--sm btn--ghost" onClick={() => reveal(step.id)}>
          {shown === 0 ? 'Show a hint' : 'Another hint'} ({shown + 1} of {hints.length})
        </button>
      )}
    </div>
  );
}

function Solution({ step }: { step: LessonStep }) {
  const [open, setOpen] = useState(false);
  const apply = useStore((s) => s.applyLessonSolution);
  const lines = step.solution ?? [];
  if (lines.length === 0) return null;
  return (
    <div className="lesson__solution">
      <button type="button" className="btn btn--sm btn--ghost" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? 'Hide the solution' : 'Show the solution'}
      </button>
      {open && (
        <>
          <pre aria-label="Solution commands">
            {lines.map((l) => `${l.on}# ${l.run}`).join('\n')}
          </pre>
          <button type="button" className="btn btn--sm" onClick={() => apply(step.id)}>
            Run it for me
          </button>
        </>
      )}
    </div>
  );
}
