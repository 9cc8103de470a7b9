/**
 * Capture panels: pick an interface, and every frame that crosses it is printed as `tcpdump -n`
 * prints it (virtual-clock timestamps). One tab per capture; pause, clear and close each.
 */
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStore } from '../../store';
import type { CaptureSession } from '../../store/capture';
import '../panels.css';
import './capture.css';

function CaptureLog({ c }: { c: CaptureSession }) {
  const ref = useRef<HTMLOListElement>(null);
  const [follow, setFollow] = useState(true);
  useEffect(() => {
    const el = ref.current;
    if (el && follow) el.scrollTop = el.scrollHeight;
  }, [c.lines.length, follow]);
  return (
    <ol
      ref={ref}
      className="hl-cap-log"
      aria-label={`Capture on ${c.netns} ${c.dev}`}
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget;
        setFollow(el.scrollTop + el.clientHeight >= el.scrollHeight - 4);
      }}
    >
      {c.lines.length === 0 ? (
        <li className="hl-cap-wait">
          listening on {c.dev}, link-type {c.dev === 'any' ? 'LINUX_SLL2 (Linux cooked v2)' : 'EN10MB (Ethernet)'} — run a ping
          that crosses {c.netns} {c.dev === 'any' ? '' : c.dev}
        </li>
      ) : (
        c.lines.map((l) => (
          <li key={`${l.seq}-${l.dev}-${l.dir}`} className={`hl-cap-line hl-cap-${l.dir}`}>
            {c.dev !== 'any' && <span className="hl-cap-dir">{l.dir === 'in' ? 'In ' : 'Out'}</span>}
            <code>{l.text}</code>
          </li>
        ))
      )}
    </ol>
  );
}

export function CapturePanel() {
  const captures = useStore((s) => s.captures);
  const active = useStore((s) => s.activeCapture);
  const startCapture = useStore((s) => s.startCapture);
  const closeCapture = useStore((s) => s.closeCapture);
  const clearCapture = useStore((s) => s.clearCapture);
  const togglePause = useStore((s) => s.toggleCapturePause);
  const selectCapture = useStore((s) => s.selectCapture);
  const selectedHost = useStore((s) => s.selectedHost);
  const devsByHost = useStore(
    useShallow((s) => {
      const out: Record<string, string> = {};
      for (const n of s.snapshot.netns) if (n.role === 'host') out[n.name] = n.devs.map((d) => d.name).join(' ');
      return out;
    }),
  );
  const hosts = useMemo(() => Object.keys(devsByHost), [devsByHost]);
  const [host, setHost] = useState('');
  const [dev, setDev] = useState('');
  const id = useId();

  const pickedHost = host && hosts.includes(host) ? host : selectedHost && hosts.includes(selectedHost) ? selectedHost : (hosts[0] ?? '');
  const devs = pickedHost ? [...(devsByHost[pickedHost] ?? '').split(' ').filter(Boolean), 'any'] : [];
  const pickedDev = dev && devs.includes(dev) ? dev : (devs.find((d) => d === 'eth0') ?? devs.find((d) => d !== 'lo') ?? devs[0] ?? '');
  const current = captures.find((c) => c.id === active) ?? captures[0];

  const onTabKey = (e: KeyboardEvent, i: number) => {
    const j = e.key === 'ArrowRight' ? (i + 1) % captures.length : e.key === 'ArrowLeft' ? (i - 1 + captures.length) % captures.length : -1;
    if (j < 0) return;
    e.preventDefault();
    selectCapture(captures[j].id);
    document.getElementById(`${id}-tab-${captures[j].id}`)?.focus();
  };

  return (
    <section className="hl-cap hl-panel" aria-label="Packet capture">
      <header className="hl-cap-head">
        <h2>Capture</h2>
        <form
          className="hl-cap-new"
          onSubmit={(e) => {
            e.preventDefault();
            if (pickedHost && pickedDev) startCapture(pickedHost, pickedDev);
          }}
        >
          <label>
            Host
            <select value={pickedHost} onChange={(e) => setHost(e.target.value)} disabled={hosts.length === 0}>
              {hosts.length === 0 && <option value="">no machines</option>}
              {hosts.map((h) => (
                <option key={h} value={h}>
                  {h}
                </option>
              ))}
            </select>
          </label>
          <label>
            Interface
            <select value={pickedDev} onChange={(e) => setDev(e.target.value)} disabled={devs.length === 0}>
              {devs.length === 0 && <option value="">{hosts.length === 0 ? '—' : 'no interfaces'}</option>}
              {devs.map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={!pickedHost || !pickedDev}>
            Start capture
          </button>
        </form>
      </header>
      {captures.length === 0 ? (
        <p className="hl-cap-empty">
          Start a capture on an interface to see every frame that crosses it, as <code>tcpdump -n -i IFACE</code> prints it. In a
          terminal, <code>tcpdump -n -i eth0 -c 4</code> does the same.
        </p>
      ) : (
        <>
          <div role="tablist" aria-label="Captures" className="hl-cap-tabs">
            {captures.map((c, i) => (
              <button
                key={c.id}
                id={`${id}-tab-${c.id}`}
                type="button"
                role="tab"
                aria-selected={c.id === current?.id}
                aria-controls={`${id}-panel`}
                tabIndex={c.id === current?.id ? 0 : -1}
                onClick={() => selectCapture(c.id)}
                onKeyDown={(e) => onTabKey(e, i)}
              >
                {c.netns} {c.dev} <span className="hl-cap-count">({c.count})</span>
                {c.paused && <span className="hl-cap-paused"> paused</span>}
              </button>
            ))}
          </div>
          {current && (
            <div role="tabpanel" id={`${id}-panel`} aria-labelledby={`${id}-tab-${current.id}`} className="hl-cap-panel">
              <div className="hl-cap-tools" role="toolbar" aria-label={`Capture on ${current.netns} ${current.dev}`}>
                <span className="hl-cap-cmd">
                  <code>
                    {current.netns}# tcpdump -n -i {current.dev}
                  </code>
                </span>
                <button type="button" onClick={() => togglePause(current.id)}>
                  {current.paused ? 'Resume' : 'Pause'}
                </button>
                <button type="button" onClick={() => clearCapture(current.id)}>
                  Clear
                </button>
                <button type="button" onClick={() => closeCapture(current.id)} aria-label={`Stop capture on ${current.netns} ${current.dev}`}>
                  Stop
                </button>
              </div>
              <CaptureLog c={current} />
            </div>
          )}
        </>
      )}
    </section>
  );
}
