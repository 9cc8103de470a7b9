/**
 * The terminal screen, loaded on demand: xterm.js is the biggest library Hoplab uses, and the app
 * is usable (canvas, inspector, trace) before any terminal is open. The first terminal fetches
 * the xterm chunk; until it arrives the panel says so.
 *
 * A dynamic import and a state update rather than React.lazy: React holds back the content of a
 * Suspense boundary that has shown its fallback (up to 300 ms), and a terminal should appear as
 * soon as its code is there.
 */
import { useEffect, useState } from 'react';
import type { TerminalViewProps } from './TerminalView';

type Screen = typeof import('./TerminalView');

let screen: Promise<Screen> | null = null;
let loaded: Screen | null = null;

/** Start fetching xterm now (a page that shows a terminal at once, like the widget, calls this before rendering). */
export function preloadTerminal(): Promise<Screen> {
  screen ??= import('./TerminalView').then(
    (m) => (loaded = m),
    (e: unknown) => {
      screen = null; // a failed download (offline) is tried again next time
      throw e;
    },
  );
  return screen;
}

export function TerminalView(props: TerminalViewProps) {
  const [mod, setMod] = useState<Screen | null>(loaded);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    if (mod) return;
    let live = true;
    preloadTerminal().then(
      (m) => live && setMod(m),
      (e: unknown) => live && setError(e instanceof Error ? e : new Error(String(e))),
    );
    return () => {
      live = false;
    };
  }, [mod]);
  if (error) throw error; // to the nearest error boundary, as any failed render
  if (!mod) {
    return (
      <p className="hl-terms-loading" role="status">
        Starting the terminal on {props.host}…
      </p>
    );
  }
  const Screen = mod.TerminalView;
  return <Screen {...props} />;
}
