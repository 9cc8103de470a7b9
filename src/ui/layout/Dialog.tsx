/**
 * The modal dialog shell the Add forms and the help share: focus moves in on open and back on
 * close, Tab stays inside, Escape or a click on the backdrop closes it.
 */
import { useEffect, useId, useRef, type FormEvent, type ReactNode } from 'react';

export function Dialog({ title, onClose, children, footer, onSubmit }: { title: string; onClose: () => void; children: ReactNode; footer: ReactNode; onSubmit: (e: FormEvent) => void }) {
  const id = useId();
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    const prev = document.activeElement as HTMLElement | null;
    ref.current?.querySelector<HTMLElement>('input, select, button:not([data-close])')?.focus();
    return () => prev?.focus?.();
  }, []);
  return (
    <div
      className="dialog-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <form
        ref={ref}
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={id}
        onSubmit={onSubmit}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            onClose();
          }
          if (e.key === 'Tab') {
            // keep focus inside the dialog
            const f = Array.from(ref.current?.querySelectorAll<HTMLElement>('input, select, button, textarea') ?? []).filter((el) => !(el as HTMLButtonElement).disabled);
            if (f.length === 0) return;
            const first = f[0];
            const last = f[f.length - 1];
            if (e.shiftKey && document.activeElement === first) {
              e.preventDefault();
              last.focus();
            } else if (!e.shiftKey && document.activeElement === last) {
              e.preventDefault();
              first.focus();
            }
          }
        }}
      >
        <div className="dialog__head">
          <h2 id={id}>{title}</h2>
          <button type="button" className="btn btn--ghost btn--icon" onClick={onClose} aria-label="Close" data-close>
            ×
          </button>
        </div>
        <div className="dialog__body">{children}</div>
        <div className="dialog__foot">{footer}</div>
      </form>
    </div>
  );
}

/** A dialog that only tells something: its one button closes it, as Escape does. */
export function NoticeDialog({ title, button, onClose, children }: { title: string; button: string; onClose: () => void; children: ReactNode }) {
  return (
    <Dialog
      title={title}
      onClose={onClose}
      onSubmit={(e) => {
        e.preventDefault();
        onClose();
      }}
      footer={
        <button type="submit" className="btn btn--primary">
          {button}
        </button>
      }
    >
      {children}
    </Dialog>
  );
}
