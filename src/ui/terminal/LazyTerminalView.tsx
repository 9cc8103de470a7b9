/**
 * The terminal screen, loaded on demand: xterm.js is the biggest library Hoplab uses, and the app
 * is usable (canvas, inspector, trace) before any terminal is open. The first terminal fetches
 * the xterm chunk; until it arrives the panel says so.
 *
 * A dynamic import and a state update rather than React.lazy: React holds back the content of a
 * Suspense boundary that has shown its fallback (up to 300 ms), and a terminal should appear as
 * soon as its code is there.
 */
import { useEffect, useRef, useState } from 'react';
import type { TerminalViewProps } from './TerminalView';
import { bufferInput, bufferedInput, keyInput } from './earlyInput';

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
  if (!mod) return <Starting {...props} />;
  const Screen = mod.TerminalView;
  return <Screen {...props} />;
}

/** Until xterm is there: takes the focus and the keys, which the terminal gets when it starts. */
function Starting({ host, active }: TerminalViewProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [typed, setTyped] = useState(() => bufferedInput(host));
  useEffect(() => {
    const a = document.activeElement;
    if (active && a?.getAttribute('role') !== 'tab' && !a?.closest('.hl-trace, .hl-matrix, .hl-cap')) ref.current?.focus();
  }, [active]);
  const keep = (data: string) => {
    bufferInput(host, data);
    setTyped(bufferedInput(host));
  };
  return (
    <div
      ref={ref}
      className="hl-terms-loading"
      role="textbox"
      tabIndex={0}
      aria-label={`${host} terminal input`}
      aria-busy="true"
      data-early-input={host}
      onKeyDown={(e) => {
        const data = keyInput(e);
        if (data === null) return;
        e.preventDefault();
        keep(data);
      }}
      onPaste={(e) => {
        e.preventDefault();
        keep(e.clipboardData.getData('text'));
      }}
    >
      <span role="status">Starting the terminal on {host}…</span>
      {typed && <span className="hl-terms-typed"> {typed.replace(/\r/g, '⏎')}</span>}
    </div>
  );
}
