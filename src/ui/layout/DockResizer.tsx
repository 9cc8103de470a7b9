/**
 * The bar between the canvas and the dock: drag it (or focus it and use ↑/↓, Home/End) to give
 * the terminals more or less room. The height is remembered across reloads.
 */
import { useCallback, useEffect, useState, type KeyboardEvent, type PointerEvent } from 'react';

const KEY = 'hoplab.dockHeight';
const MIN = 160;
/**
 * The most the dock may take: 70% of the window, and never so much that the canvas gets less than
 * CANVAS_MIN (a height remembered from a big window is clamped to the window it comes back in).
 */
const CANVAS_MIN = 240;
const HEADER = 56;
const maxHeight = () => Math.max(MIN, Math.min(Math.round(window.innerHeight * 0.7), window.innerHeight - HEADER - CANVAS_MIN));
export const clampDock = (h: number) => Math.min(Math.max(Math.round(h), MIN), maxHeight());
const clamp = clampDock;

function initial(): number | null {
  try {
    const v = Number(localStorage.getItem(KEY));
    return Number.isFinite(v) && v > 0 ? Math.round(v) : null;
  } catch {
    return null;
  }
}

export function DockResizer() {
  const [height, setHeight] = useState<number | null>(initial);
  // the window shrinking must not crush the canvas either; the remembered height stays the wish
  const [windowHeight, setWindowHeight] = useState(() => window.innerHeight);
  useEffect(() => {
    const onResize = () => setWindowHeight(window.innerHeight);
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  useEffect(() => {
    const app = document.querySelector<HTMLElement>('.app');
    if (!app) return;
    if (height === null) app.style.removeProperty('--dock-h');
    else app.style.setProperty('--dock-h', `${clamp(height)}px`);
    try {
      if (height === null) localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, String(height));
    } catch {
      // not remembered: fine
    }
  }, [height, windowHeight]);

  const current = () => (height === null ? null : clamp(height)) ?? document.querySelector<HTMLElement>('.dock')?.getBoundingClientRect().height ?? 300;

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
