/**
 * The terminals: a tab per open host terminal, and a way to open one for any host.
 * Mounted by the app shell; reads everything from the store.
 */
import { useId, useMemo, useState, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { netnsTitles, useStore } from '../../store';
import { TerminalView } from './LazyTerminalView';
import './terminal.css';

/** Put the keyboard in a terminal panel (a clicked tab): its xterm, or the input that waits for it. */
function focusTerminal(panel: string) {
  setTimeout(() => document.getElementById(panel)?.querySelector<HTMLElement>('.xterm-helper-textarea, [data-early-input]')?.focus(), 0);
}

export function TerminalDock() {
  const open = useStore((s) => s.openTerminals);
  const active = useStore((s) => s.activeTerminal);
  const capturing = useStore(useShallow((s) => s.openTerminals.filter((h) => s.terminals[h]?.capture)));
  const hosts = useStore(useShallow((s) => s.snapshot.netns.filter((n) => n.role === 'host').map((n) => n.name)));
  const gone = open.filter((h) => !hosts.includes(h));
  const openTerminal = useStore((s) => s.openTerminal);
  const closeTerminal = useStore((s) => s.closeTerminal);
  const [screenReader, setScreenReader] = useState(false);
  const id = useId();
  const tabId = (h: string) => `${id}-tab-${h}`;
  const panelId = (h: string) => `${id}-panel-${h}`;
  const closed = hosts.filter((h) => !open.includes(h));
  // a cluster pod's terminal is named after the pod, not after the sandbox's cni-… namespace
  const cluster = useStore((s) => s.cluster);
  const titles = useMemo(() => netnsTitles(cluster), [cluster]);
  const title = (h: string) => titles[h] ?? h;

  const onTabKey = (e: KeyboardEvent<HTMLButtonElement>, i: number) => {
    let j = -1;
    if (e.key === 'ArrowRight') j = (i + 1) % open.length;
    else if (e.key === 'ArrowLeft') j = (i - 1 + open.length) % open.length;
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = open.length - 1;
    else if (e.key === 'Delete') {
      e.preventDefault();
      closeTerminal(open[i]);
      return;
    }
    if (j < 0) return;
    e.preventDefault();
    openTerminal(open[j]);
    document.getElementById(tabId(open[j]))?.focus();
  };

  return (
    <section className="hl-terms" aria-label="Terminals">
      <div className="hl-terms-bar">
        <div role="tablist" aria-label="Terminal tabs" className="hl-terms-tabs">
          {open.map((h, i) => (
            <div key={h} className={h === active ? 'hl-terms-tab hl-terms-tab-active' : 'hl-terms-tab'}>
              <button
                type="button"
                role="tab"
                id={tabId(h)}
                aria-selected={h === active}
                aria-controls={panelId(h)}
                tabIndex={h === active ? 0 : -1}
                onClick={() => {
                  openTerminal(h);
                  focusTerminal(panelId(h));
                }}
                onKeyDown={(e) => onTabKey(e, i)}
                title={`${titles[h] ? `${titles[h]} (network namespace ${h})` : h} terminal (Delete closes it)`}
              >
                <span aria-hidden="true" className="hl-terms-glyph">
                  ▸
                </span>
                {titles[h] ? titles[h].replace(/^pod [^/]+\//, '') : h}
                {capturing.includes(h) && <span className="hl-terms-badge"> tcpdump</span>}
                {gone.includes(h) && <span className="hl-terms-gone"> (not in this lab)</span>}
              </button>
              <button type="button" className="hl-terms-close" aria-label={`Close ${h} terminal`} onClick={() => closeTerminal(h)}>
                ×
              </button>
            </div>
          ))}
        </div>
        <label className="hl-terms-open">
          <span aria-hidden="true">Open terminal</span>
          <select
            aria-label="Open terminal"
            value=""
            onChange={(e) => {
              if (e.target.value) openTerminal(e.target.value);
            }}
            disabled={closed.length === 0}
          >
            <option value="">{closed.length ? 'host…' : hosts.length ? 'all open' : 'no machines'}</option>
            {closed.map((h) => (
              <option key={h} value={h}>
                {title(h)}
              </option>
            ))}
          </select>
        </label>
        <label className="hl-terms-sr">
          <input type="checkbox" checked={screenReader} onChange={(e) => setScreenReader(e.target.checked)} />
          Screen reader mode
        </label>
      </div>
      {open.length === 0 ? (
        <p className="hl-terms-empty">
          {hosts.length === 0
            ? 'No machines yet: load a lab from the Lab menu or add a machine, then open its terminal here. '
            : 'No terminal open. Pick a machine in “Open terminal”, or double-click one on the canvas. '}
          Commands are the real ones: <code>ip addr</code>, <code>ip route</code>, <code>ping</code>, <code>tcpdump -n -i eth0</code>.
        </p>
      ) : (
        open.map((h) => (
          <div
            key={h}
            role="tabpanel"
            id={panelId(h)}
            aria-labelledby={tabId(h)}
            hidden={h !== active}
            className="hl-terms-panel"
          >
            {gone.includes(h) && (
              <p className="hl-terms-warn" role="note">
                {h} is not part of this lab any more: commands here fail until a host of that name exists again.
              </p>
            )}
            <TerminalView host={h} active={h === active} screenReader={screenReader} />
          </div>
        ))
      )}
      <p className="hl-terms-hint">
        Tab completes, ↑/↓ history, Ctrl+C interrupts, Ctrl+Shift+C/V copy and paste, Esc then Tab leaves the terminal.
      </p>
    </section>
  );
}
