/**
 * The terminal screen, loaded on demand: xterm.js is the biggest library Hoplab uses, and the app
 * is usable (canvas, inspector, trace) before any terminal is open. The first terminal fetches
 * the xterm chunk; until it arrives the panel says so.
 */
import { useEffect, useRef, useState } from 'react';
import type { TerminalViewProps } from './TerminalView';
import { bufferInput, bufferedInput, keyInput } from './earlyInput';
import { lazyModule, useLazyModule } from '../lazy';

const screen = lazyModule(() => import('./TerminalView'));

/** Start fetching xterm now (a page that shows a terminal at once, like the widget, calls this before rendering). */
export const preloadTerminal = () => screen.load();

export function TerminalView(props: TerminalViewProps) {
  const mod = useLazyModule(screen);
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
