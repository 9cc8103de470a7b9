/**
 * Global keyboard shortcuts: Ctrl+Z undo, Ctrl+Shift+Z (or Ctrl+Y) redo, also with ⌘ on macOS.
 * Ignored while typing in a field or a terminal, which have their own meaning for these keys.
 */
import { useEffect } from 'react';
import { getAppStore } from '../../store';

export function isTypingTarget(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  if (t.isContentEditable) return true;
  const tag = t.tagName;
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') return true;
  return !!t.closest('.xterm');
}

export function useUndoShortcuts(enabled = true) {
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || isTypingTarget(e.target)) return;
      const k = e.key.toLowerCase();
      const s = getAppStore().getState();
      if (k === 'z' && !e.shiftKey) {
        e.preventDefault();
        s.undo();
      } else if ((k === 'z' && e.shiftKey) || k === 'y') {
        e.preventDefault();
        s.redo();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}
