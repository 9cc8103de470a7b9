/**
 * The bottom dock: terminals on the left; on the right the trace of the last ping, the
 * reachability matrix and capture panels, as tabs, and with a cluster its manifest editor. A new
 * trace brings its tab forward.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useStore } from '../../store';
import { TerminalDock } from '../terminal';
import { TracePanel } from '../trace';
import { MatrixView } from '../matrix';
import { CapturePanel } from '../capture';
import { lazyPanel } from '../lazy';

// shown only with a cluster: their code (and the cluster's, already there) loads when first opened
const ManifestEditor = lazyPanel('the manifest editor', () => import('../kube/ManifestEditor').then((m) => m.ManifestEditor));
const PolicyPanel = lazyPanel('the NetworkPolicy panel', () => import('../kube/PolicyPanel').then((m) => m.PolicyPanel));

const ALL_TABS = [
  { key: 'trace', label: 'Trace', cluster: false },
  { key: 'matrix', label: 'Reachability', cluster: false },
  { key: 'capture', label: 'Capture', cluster: false },
  { key: 'manifest', label: 'Manifests', cluster: true },
  { key: 'netpol', label: 'NetworkPolicy', cluster: true },
] as const;
type TabKey = (typeof ALL_TABS)[number]['key'];

export function Dock() {
  const [chosen, setTab] = useState<TabKey>('trace');
  const hasCluster = useStore((s) => s.cluster !== null);
  const TABS = ALL_TABS.filter((t) => hasCluster || !t.cluster);
  // a cluster tab of a lab that no longer has a cluster gives way to the trace
  const tab: TabKey = TABS.some((t) => t.key === chosen) ? chosen : 'trace';
  const traceId = useStore((s) => s.trace.id);
  // a trace cleared (a new lab, an undo) brings nothing to show: the panel in use stays
  const traceShown = useStore((s) => s.trace.events.length > 0);
  const captures = useStore((s) => s.captures.length);
  const id = useId();
  const seenTrace = useRef(traceId);
  const seenCaptures = useRef(captures);
  useEffect(() => {
    if (traceId !== seenTrace.current) {
      seenTrace.current = traceId;
      if (traceShown) setTab('trace');
    }
  }, [traceId, traceShown]);
  useEffect(() => {
    if (captures > seenCaptures.current) setTab('capture');
    seenCaptures.current = captures;
  }, [captures]);
  const onKey = (e: KeyboardEvent, i: number) => {
    const j = e.key === 'ArrowRight' ? (i + 1) % TABS.length : e.key === 'ArrowLeft' ? (i - 1 + TABS.length) % TABS.length : -1;
    if (j < 0) return;
    e.preventDefault();
    setTab(TABS[j].key);
    document.getElementById(`${id}-${TABS[j].key}`)?.focus();
  };
  return (
    <div className="dock">
      <div className="dock__pane">
        <TerminalDock />
      </div>
      <div className="dock__pane">
        <div className="tabs" role="tablist" aria-label="Analysis panels">
          {TABS.map((t, i) => (
            <button
              key={t.key}
              id={`${id}-${t.key}`}
              type="button"
              role="tab"
              className="tab"
              aria-selected={tab === t.key}
              aria-controls={`${id}-${t.key}-panel`}
              tabIndex={tab === t.key ? 0 : -1}
              onClick={() => setTab(t.key)}
              onKeyDown={(e) => onKey(e, i)}
            >
              {t.label}
              {t.key === 'capture' && captures > 0 && <span className="badge">{captures}</span>}
            </button>
          ))}
        </div>
        <div className="tabpanel" role="tabpanel" id={`${id}-${tab}-panel`} aria-labelledby={`${id}-${tab}`}>
          {tab === 'trace' && <TracePanel />}
          {tab === 'matrix' && <MatrixView />}
          {tab === 'capture' && <CapturePanel />}
          {tab === 'manifest' && <ManifestEditor />}
          {tab === 'netpol' && <PolicyPanel />}
        </div>
      </div>
    </div>
  );
}
