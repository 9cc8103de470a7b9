/**
 * The bar between the canvas and the dock: drag it (or focus it and use ↑/↓, Home/End) to give
 * the terminals more or less room. The height is remembered across reloads.
 */
import { useCallback, useEffect, useState, type KeyboardEvent, type PointerEvent } from 'react';

const KEY = 'hoplab.dockHeight';
const MIN = 160;
const maxHeight = () => Math.max(MIN, Math.round(window.innerHeight * 0.7));
const clamp = (h: number) => Math.min(Math.max(Math.round(h), MIN), maxHeight());

function initial(): number | null {
  try {
    const v = Number(localStorage.getItem(KEY));
    return Number.isFinite(v) && v > 0 ? clamp(v) : null;
  } catch {
    return null;
  }
}

export function DockResizer() {
  const [height, setHeight] = useState<number | null>(initial);
  useEffect(() => {
    const app = document.querySelector<HTMLElement>('.app');
    if (!app) return;
    if (height === null) app.style.removeProperty('--dock-h');
    else app.style.setProperty('--dock-h', `${height}px`);
    try {
      if (height === null) localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, String(height));
    } catch {
      // not remembered: fine
    }
  }, [height]);

  const current = () => height ?? document.querySelector<HTMLElement>('.dock')?.getBoundingClientRect().height ?? 300;

  const onPointerDown = useCallback((e: PointerEvent<HTMLDivElement>) => {
    e.preventDefault();
    const target = e.currentTarget;
    target.setPointerCapture(e.pointerId);
    const move = (ev: globalThis.PointerEvent) => setHeight(clamp(window.innerHeight - ev.clientY));
    const up = () => {
      target.removeEventListener('pointermove', move);
      target.removeEventListener('pointerup', up);
    };
    target.addEventListener('pointermove', move);
    target.addEventListener('pointerup', up);
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = e.shiftKey ? 80 : 24;
    if (e.key === 'ArrowUp') setHeight(clamp(current() + step));
    else if (e.key === 'ArrowDown') setHeight(clamp(current() - step));
    else if (e.key === 'Home') setHeight(maxHeight());
    else if (e.key === 'End') setHeight(MIN);
    else if (e.key === 'Enter') setHeight(null);
    else return;
    e.preventDefault();
  };

  return (
    <div
      className="dock-resizer"
      role="separator"
      aria-orientation="horizontal"
      aria-label="Resize the terminal and trace panels (arrow keys; Enter resets)"
      aria-valuemin={MIN}
      aria-valuemax={typeof window === 'undefined' ? undefined : maxHeight()}
      aria-valuenow={Math.round(current())}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onKeyDown={onKeyDown}
      onDoubleClick={() => setHeight(null)}
      title="Drag to resize; double-click to reset"
    />
  );
}
