/**
 * The terminal screen, loaded on demand: xterm.js is the biggest library Hoplab uses, and the app
 * is usable (canvas, inspector, trace) before any terminal is open. The first terminal fetches
 * the xterm chunk; until it arrives the panel says so.
 */
import { lazy, Suspense } from 'react';
import type { TerminalViewProps } from './TerminalView';

const TerminalScreen = lazy(() => import('./TerminalView').then((m) => ({ default: m.TerminalView })));

export function TerminalView(props: TerminalViewProps) {
  return (
    <Suspense
      fallback={
        <p className="hl-terms-loading" role="status">
          Starting the terminal on {props.host}…
        </p>
      }
    >
      <TerminalScreen {...props} />
    </Suspense>
  );
}
