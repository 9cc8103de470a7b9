/**
 * The inspector's sections. `data-section` names a section for tests and styles without depending
 * on its wording.
 */
import { useId, type ReactNode } from 'react';
import { CommandPreview, InlineError, type EditError } from './useEdit';

export function Section({ title, command, children, label }: { title: string; command?: string; children: ReactNode; label: string }) {
  const id = useId();
  return (
    <section className="inspector__section" aria-labelledby={id} data-section={label}>
      <h3 id={id}>
        {title} {command && <code>{command}</code>}
      </h3>
      {children}
    </section>
  );
}

/**
 * Deleting a pod, machine or switch takes more than the one box (its cables, addresses, pods), so
 * the section says what goes and shows the commands before the button, and that undo brings it back.
 */
export function DeleteSection({
  title,
  what,
  on,
  lines,
  button,
  onDelete,
  error,
}: {
  title: string;
  /** What else goes with it, when that is more than the box itself. */
  what?: ReactNode;
  on: string;
  lines: string[];
  button: string;
  onDelete: () => void;
  error: EditError | null;
}) {
  return (
    <Section title={title} label="delete">
      {what && (
        <p className="hint" style={{ marginBottom: 8 }}>
          {what}
        </p>
      )}
      <CommandPreview on={on} lines={lines} />
      <div style={{ display: 'flex', justifyContent: 'flex-end', marginTop: 8 }}>
        <button type="button" className="btn btn--danger" onClick={onDelete}>
          {button}
        </button>
      </div>
      <p className="hint" style={{ marginTop: 8 }}>Undo (Ctrl+Z) brings it back.</p>
      <InlineError error={error} />
    </Section>
  );
}
