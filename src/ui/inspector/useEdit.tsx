/**
 * Running an edit from a form: the store runs the real commands atomically; on failure the form
 * shows the real error inline (and nothing changed).
 */
import { useCallback, useState } from 'react';
import { useStore, type EditResult, type EditStep } from '../../store';

export interface EditError {
  text: string;
  line?: string;
}

export function useEdit() {
  const edit = useStore((s) => s.edit);
  const apply = useStore((s) => s.apply);
  const [error, setError] = useState<EditError | null>(null);
  const done = useCallback((r: EditResult) => {
    setError(r.ok ? null : { text: r.error, line: r.line });
    return r.ok;
  }, []);
  const run = useCallback((on: string, lines: string | string[]) => done(edit(on, lines)), [edit, done]);
  const runSteps = useCallback((steps: EditStep[]) => done(apply(steps)), [apply, done]);
  const clear = useCallback(() => setError(null), []);
  return { run, runSteps, error, clear };
}

export function InlineError({ error, id }: { error: EditError | null; id?: string }) {
  if (!error) return null;
  return (
    <div className="error-text" role="alert" id={id}>
      <span aria-hidden="true">✕</span>
      <div>
        {error.line && (
          <div>
            <code>{error.line}</code> failed, nothing was changed:
          </div>
        )}
        <pre>{error.text}</pre>
      </div>
    </div>
  );
}

/** The command(s) a form will run, shown before it runs them. */
export function CommandPreview({ on, lines, label = 'Will run' }: { on: string; lines: string[]; label?: string }) {
  const prompt = useStore((s) => s.promptOf)(on);
  if (lines.length === 0) return null;
  return (
    <pre className="cmd-preview" aria-label={`${label}, as root at ${on}`}>
      {lines.map((l, i) => (
        <span key={i}>
          <span className="prompt">{prompt}</span>
          {l}
          {'\n'}
        </span>
      ))}
    </pre>
  );
}
