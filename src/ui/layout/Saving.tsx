/**
 * What the student sees of saving: a lab changed in another tab (and the choice it asks for), the
 * progress of a big lab being built, the autosave's state in the header, and the kept copies.
 */
import { useState } from 'react';
import { describeReason, useStore, type KeptCopy } from '../../store';
import { NoticeDialog } from './Dialog';

/** Another tab saved this lab: open that one, or keep this one apart. Stays until chosen. */
export function ConflictBar() {
  const conflict = useStore((s) => s.conflict);
  const resolve = useStore((s) => s.resolveConflict);
  const [busy, setBusy] = useState(false);
  if (!conflict) return null;
  const choose = (c: 'theirs' | 'mine') => {
    setBusy(true);
    void resolve(c).finally(() => setBusy(false));
  };
  return (
    <div className="notice notice--error notice--conflict" role="alert" data-testid="conflict">
      <span aria-hidden="true">⚠</span>
      <p>
        This lab was changed in another tab. This tab no longer saves over it: open the lab as the other tab saved it, or keep this tab’s lab as a
        separate copy. Neither is thrown away.
      </p>
      <div className="notice__actions">
        <button type="button" className="btn btn--sm" disabled={busy} onClick={() => choose('theirs')}>
          Load the other tab’s lab
        </button>
        <button type="button" className="btn btn--sm" disabled={busy} onClick={() => choose('mine')}>
          Keep mine as a separate copy
        </button>
      </div>
    </div>
  );
}

/** A lab being built in slices (import, a kept copy): how far it is. */
export function LoadingBar() {
  const loading = useStore((s) => s.loading);
  if (!loading) return null;
  const pct = Math.round((100 * loading.done) / Math.max(1, loading.total));
  return (
    <div className="notice notice--loading" role="status" data-testid="loading">
      <p id="lab-loading-label">
        {loading.label}: {pct}%
      </p>
      <progress max={loading.total} value={loading.done} aria-labelledby="lab-loading-label" />
    </div>
  );
}

/** The autosave's state, in the header, when it is not simply "saved". */
export function AutosaveBadge() {
  const autosave = useStore((s) => s.autosave);
  if (autosave.state === 'saved') return null;
  const [text, title] =
    autosave.state === 'failed'
      ? ['Not saved', `Autosave failed: ${autosave.error}. Export the lab to keep it.`]
      : autosave.state === 'conflict'
        ? ['Not saved: changed in another tab', 'Choose above the canvas which lab to keep.']
        : ['Saved as a separate copy', 'This tab saves into its kept copy (Lab ▸ Kept copies); the other tab’s lab is the one a reload opens.'];
  return (
    <span className={`badge ${autosave.state === 'apart' ? 'badge--warn' : 'badge--danger'}`} role="status" title={title} data-testid="autosave-state">
      {text}
    </span>
  );
}

const when = (ms: number) => new Date(ms).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' });

function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Header button and dialog for the kept copies; absent when there are none. */
export function KeptCopies() {
  const copies = useStore((s) => s.keptCopies);
  const [open, setOpen] = useState(false);
  if (copies.length === 0 && !open) return null;
  return (
    <>
      <button type="button" className="btn btn--ghost" onClick={() => setOpen(true)} aria-haspopup="dialog">
        Kept copies ({copies.length})
      </button>
      {open && <KeptDialog copies={copies} onClose={() => setOpen(false)} />}
    </>
  );
}

function KeptDialog({ copies, onClose }: { copies: KeptCopy[]; onClose: () => void }) {
  const openKept = useStore((s) => s.openKept);
  const deleteKept = useStore((s) => s.deleteKept);
  const keptText = useStore((s) => s.keptText);
  return (
    <NoticeDialog title="Kept copies" button="Close" onClose={onClose}>
      <p>Labs set aside in this browser rather than lost: an autosave that could not be used, or a lab that another tab changed too.</p>
      {copies.length === 0 ? (
        <p>None left.</p>
      ) : (
        <ul className="kept-list" aria-label="Kept copies">
          {[...copies].reverse().map((c) => {
            const name = c.title ?? 'Unreadable lab';
            return (
              <li key={c.id}>
                <div>
                  <strong>{name}</strong>
                  <small>
                    {describeReason(c.reason)}, {when(c.savedAt)}, {c.chars.toLocaleString('en')} characters
                  </small>
                </div>
                <div className="kept-list__actions">
                  <button
                    type="button"
                    className="btn btn--sm"
                    aria-label={`Open ${name}`}
                    onClick={() => {
                      onClose();
                      void openKept(c.id);
                    }}
                  >
                    Open
                  </button>
                  <button
                    type="button"
                    className="btn btn--sm"
                    aria-label={`Download ${name}`}
                    onClick={() => {
                      const text = keptText(c.id);
                      if (text !== null) download(`hoplab-kept-${c.id}.json`, text);
                    }}
                  >
                    Download
                  </button>
                  <button type="button" className="btn btn--sm" aria-label={`Delete ${name}`} onClick={() => deleteKept(c.id)}>
                    Delete
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </NoticeDialog>
  );
}
