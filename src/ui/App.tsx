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
import { ActivityBar, EmptyState, Legend, Notice } from './layout/Overlays';
import { Dock } from './layout/Dock';
import { DockResizer } from './layout/DockResizer';
import { useUndoShortcuts } from './layout/shortcuts';
import { ErrorBoundary } from './layout/ErrorBoundary';
import { HelpDialog } from './layout/HelpDialog';
import { InstructorTools } from './instructor/InstructorTools';

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
          <ImportExport />
          <InstructorTools />
          <button type="button" className="btn btn--ghost" onClick={() => setHelp(true)} aria-haspopup="dialog">
            Help
          </button>
        </header>
        <main className="canvas-area" aria-label="Lab canvas">
          <ErrorBoundary name="canvas">
            <LabCanvas />
          </ErrorBoundary>
          <Notice />
          <EmptyState onAdd={setAdding} />
          <ActivityBar />
          <Legend />
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
