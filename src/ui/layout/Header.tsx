/**
 * The app bar: the lab menu (presets), Add menu, undo/redo, layout, import/export.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { describeChange, exportFileName, getAppStore, listPresets, useStore } from '../../store';
import { ADD_ITEMS, type AddKind } from './AddDialog';

export function Brand() {
  return (
    <div className="brand">
      <svg className="brand__mark" viewBox="0 0 32 32" aria-hidden="true">
        <rect x="1" y="1" width="30" height="30" rx="8" fill="#1f3b63" />
        <circle cx="9" cy="16" r="3.2" fill="#a5d8ff" />
        <circle cx="23" cy="16" r="3.2" fill="#ffd8a8" />
        <path d="M12 16c2.5-5 5.5-5 8 0" stroke="#fff" strokeWidth="2" fill="none" strokeLinecap="round" />
      </svg>
      Hoplab
    </div>
  );
}

export function LabMenu() {
  const preset = useStore((s) => s.doc.preset);
  const title = useStore((s) => s.doc.title);
  const edited = useStore((s) => s.doc.ops.some((op) => op.kind !== 'cmd' || op.edit));
  const loadPreset = useStore((s) => s.loadPreset);
  const id = useId();
  const presets = listPresets();
  const value = preset && !edited ? preset : '__current';
  return (
    <label className="lab-select" htmlFor={id}>
      <span className="lab-select__label">Lab</span>
      <select
        id={id}
        className="select"
        value={value}
        onChange={(e) => {
          if (e.target.value !== '__current') loadPreset(e.target.value);
        }}
        data-testid="lab-select"
      >
        {value === '__current' && <option value="__current">{edited ? `${title} (edited)` : title}</option>}
        {presets.map((p) => (
          <option key={p.name} value={p.name} title={p.description}>
            {p.title}
          </option>
        ))}
      </select>
    </label>
  );
}

export function AddMenu({ onPick }: { onPick: (k: AddKind) => void }) {
  const [open, setOpen] = useState(false);
  const btn = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const id = useId();
  useEffect(() => {
    if (open) list.current?.querySelector<HTMLButtonElement>('button')?.focus();
  }, [open]);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (!list.current?.contains(e.target as Node) && !btn.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);
  const onKey = (e: KeyboardEvent) => {
    const items = Array.from(list.current?.querySelectorAll<HTMLButtonElement>('button') ?? []);
    const i = items.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'Escape') {
      setOpen(false);
      btn.current?.focus();
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      items[(i + 1) % items.length]?.focus();
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      items[(i - 1 + items.length) % items.length]?.focus();
    } else if (e.key === 'Tab') {
      setOpen(false);
    }
  };
  return (
    <div className="menu">
      <button
        ref={btn}
        type="button"
        className="btn btn--primary"
        aria-haspopup="menu"
        aria-label="Add to the lab"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen(!open)}
      >
        <span className="icon" aria-hidden="true">
          +
        </span>
        Add
      </button>
      {open && (
        <ul ref={list} id={id} className="menu__list" role="menu" aria-label="Add to the lab" onKeyDown={onKey}>
          {ADD_ITEMS.map((item) => (
            <li key={item.kind} role="none">
              <button
                type="button"
                role="menuitem"
                className="menu__item"
                onClick={() => {
                  setOpen(false);
                  btn.current?.focus(); // the dialog hands focus back here when it closes
                  onPick(item.kind);
                }}
              >
                {item.label}
                <small>{item.help}</small>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function UndoRedo() {
  const canUndo = useStore((s) => s.canUndo);
  const canRedo = useStore((s) => s.canRedo);
  const undo = useStore((s) => s.undo);
  const redo = useStore((s) => s.redo);
  const undoWhat = useStore((s) => (s.history.past.length ? describeChange(s.history.past[s.history.past.length - 1], s.doc) : null));
  const redoWhat = useStore((s) => (s.history.future.length ? describeChange(s.doc, s.history.future[0]) : null));
  return (
    <div className="header__group" role="group" aria-label="History">
      <button type="button" className="btn btn--ghost btn--icon" onClick={undo} disabled={!canUndo} aria-label="Undo" title={undoWhat ? `Undo: ${undoWhat} (Ctrl+Z)` : 'Nothing to undo'} aria-keyshortcuts="Control+Z">
        <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true">
          <path d="M9 7L4 12l5 5M4 12h11a5 5 0 010 10h-3" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" transform="translate(0 -3)" />
        </svg>
      </button>
      <button
        type="button"
        className="btn btn--ghost btn--icon"
        onClick={redo}
        disabled={!canRedo}
        aria-label="Redo"
        title={redoWhat ? `Redo: ${redoWhat} (Ctrl+Shift+Z)` : 'Nothing to redo'}
        aria-keyshortcuts="Control+Shift+Z"
      >
        <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true">
          <path d="M15 7l5 5-5 5M20 12H9a5 5 0 000 10h3" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" transform="translate(0 -3)" />
        </svg>
      </button>
    </div>
  );
}

export function LayoutButtons() {
  const resetLayout = useStore((s) => s.resetLayout);
  const requestFit = useStore((s) => s.requestFit);
  return (
    <div className="header__group" role="group" aria-label="Layout">
      <button type="button" className="btn btn--ghost" onClick={resetLayout} title="Forget hand-placed positions and lay out automatically">
        Auto layout
      </button>
      <button type="button" className="btn btn--ghost" onClick={requestFit} title="Fit the whole lab in view">
        Fit view
      </button>
    </div>
  );
}

export function ImportExport() {
  const importLab = useStore((s) => s.importLab);
  const file = useRef<HTMLInputElement>(null);
  const exportLab = () => {
    const { doc, exportLab: serialize } = getAppStore().getState();
    const blob = new Blob([serialize()], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = exportFileName(doc);
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <div className="header__group" role="group" aria-label="Lab file">
      <input
        ref={file}
        type="file"
        accept=".json,application/json"
        className="visually-hidden"
        tabIndex={-1}
        aria-label="Import lab file"
        data-testid="import-input"
        onChange={async (e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (!f) return;
          await importLab(await f.text());
        }}
      />
      <button type="button" className="btn" onClick={() => file.current?.click()}>
        Import…
      </button>
      <button type="button" className="btn" onClick={exportLab}>
        Export
      </button>
    </div>
  );
}
