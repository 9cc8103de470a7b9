/**
 * The Hoplab app shell: header (labs, add, undo/redo, import/export), the canvas with its
 * overlays, the inspector, and the dock (terminals, trace, reachability, capture).
 */
import { useState } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import { LabCanvas } from './canvas/LabCanvas';
import { Inspector } from './inspector/Inspector';
import { AddDialog, type AddKind } from './layout/AddDialog';
import { AddMenu, Brand, ImportExport, LabMenu, LayoutButtons, UndoRedo } from './layout/Header';
import { ActivityBar, EmptyState, Legend, Notice, TracePickBar } from './layout/Overlays';
import { Dock } from './layout/Dock';
import { DockResizer } from './layout/DockResizer';
import { useUndoShortcuts } from './layout/shortcuts';
import { ErrorBoundary } from './layout/ErrorBoundary';
import { HelpDialog } from './layout/HelpDialog';
import { InstructorTools } from './instructor/InstructorTools';
import { AutosaveBadge, ConflictBar, KeptCopies, LoadingBar } from './layout/Saving';

export function CanvasMessages() {
  return (
    <div className="canvas-messages">
      <ConflictBar />
      <LoadingBar />
      <TracePickBar />
      <Notice />
    </div>
  );
}

export function App() {
  const [adding, setAdding] = useState<AddKind | null>(null);
  const [help, setHelp] = useState(false);
  useUndoShortcuts();
  return (
    <ReactFlowProvider>
      <div className="app">
        <header className="header">
          <Brand />
          <LabMenu />
          <span className="header__sep" aria-hidden="true" />
          <AddMenu onPick={setAdding} />
          <UndoRedo />
          <span className="header__sep" aria-hidden="true" />
          <LayoutButtons />
          <span className="header__spacer" />
          <AutosaveBadge />
          <KeptCopies />
          <ImportExport />
          <InstructorTools />
          <button type="button" className="btn btn--ghost" onClick={() => setHelp(true)} aria-haspopup="dialog">
            Help
          </button>
        </header>
        <main className="canvas-area" aria-label="Lab canvas">
          {/* messages sit above the canvas, never over its boxes */}
          <CanvasMessages />
          <div className="canvas-area__flow">
            <ErrorBoundary name="canvas">
              <LabCanvas />
            </ErrorBoundary>
            <EmptyState onAdd={setAdding} />
            <ActivityBar />
            <Legend />
          </div>
        </main>
        <ErrorBoundary name="inspector">
          <Inspector />
        </ErrorBoundary>
        <ErrorBoundary name="dock">
          <Dock />
        </ErrorBoundary>
        <DockResizer />
        {adding && <AddDialog kind={adding} onClose={() => setAdding(null)} onSwitch={setAdding} />}
        {help && <HelpDialog onClose={() => setHelp(false)} />}
      </div>
    </ReactFlowProvider>
  );
}
