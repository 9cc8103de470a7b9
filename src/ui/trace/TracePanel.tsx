/**
 * The trace panel: every event of the last traced request and its reply, in order, one sentence
 * each; a play head (play / pause / step / speed) the canvas follows; the packet as it was at the
 * current hop; and, where a packet was dropped, the reason in red with a one-click fix.
 *
 * Readable as text: the events are an ordered list, drops say "dropped" in words (colour is only a
 * second signal), and stepping announces the current event in a polite live region.
 */
import { memo, useCallback, useEffect, useRef, type KeyboardEvent } from 'react';
import { getAppStore, useStore } from '../../store';
import { TRACE_SPEEDS, TRACE_STEP_MS } from '../../store/trace';
import { GROUPED_LIST_MIN } from '../../store/traceGroups';
import type { SuggestedFix, TraceEvent } from '../../engine/sim/trace';
import { GroupedEvents, type RowPlace } from './GroupedEvents';
import { eventLabel, isDropEvent, outcome, packetKind, path, placeName, renamed, requestPacketId, rowText, sentence, where, type PlaceNames } from './describe';
import { usePlaceNames } from './usePlaceNames';
import { VERDICT_LABEL } from './verdicts';
import { PacketInspector } from './PacketInspector';
import { MeshSpans } from '../mesh/MeshSpans';
import '../panels.css';
import './trace.css';

interface EventRowProps {
  e: TraceEvent;
  index: number;
  total: number;
  current: boolean;
  onPick: (i: number) => void;
  /** runs the event's suggested fix; absent once the fix was applied */
  onApply?: (fix: SuggestedFix) => void;
  /** in a grouped trace, where the virtualizer puts the row */
  place?: RowPlace;
  /** pods by their names, not their sandboxes' */
  names: PlaceNames;
}

/**
 * One event: a button that moves the play head to it (roving focus: only the current event's
 * button is in the tab order, the arrow keys move between events), and for a drop the fix.
 */
const EventRow = memo(function EventRow({ e, index, total, current, onPick, onApply, place, names }: EventRowProps) {
  const drop = isDropEvent(e);
  const kind = packetKind(e.packet);
  const cls = ['hl-trace-ev', drop ? 'hl-trace-drop' : '', current ? 'hl-trace-current' : '', place ? 'hl-trace-vrow hl-trace-vrow-ev' : ''].join(' ');
  return (
    <li className={cls} aria-current={current ? 'step' : undefined} id={`hl-trace-ev-${index}`} style={place?.style} ref={place?.measure} data-index={place?.index}>
      <button type="button" className="hl-trace-pick" tabIndex={current ? 0 : -1} aria-label={eventLabel(e, index, total, names)} onClick={() => onPick(index)}>
        <span className="hl-trace-n" aria-hidden="true">
          {index + 1}
        </span>
        <span className="hl-trace-body">
          <span className="hl-trace-meta">
            <span className="hl-trace-where">{where(e, names)}</span>
            {kind && <span className="hl-trace-kind">{kind}</span>}
            <span className={drop ? 'hl-trace-verdict hl-trace-verdict-drop' : 'hl-trace-verdict'} title={e.verdict}>
              {drop ? '✗ dropped: ' : ''}
              {VERDICT_LABEL[e.verdict] ?? e.verdict}
            </span>
          </span>
          <span className="hl-trace-text" title={sentence(e, names)}>
            {rowText(e, names)}
          </span>
        </span>
      </button>
      {drop && e.fix && onApply && (
        <span className="hl-trace-fix">
          <span>Suggested fix: {e.fix.text}</span>
          <button type="button" onClick={() => onApply(e.fix!)} aria-label={`Apply fix: ${e.fix.text} (runs ${e.fix.run} on ${e.fix.on})`}>
            Apply fix
          </button>
          <code>
            {e.fix.on}# {e.fix.run}
          </code>
        </span>
      )}
    </li>
  );
});

let reducedMotionSeen = 0;

export function TracePanel() {
  const trace = useStore((s) => s.trace);
  const step = useStore((s) => s.stepTrace);
  const seek = useStore((s) => s.seekTrace);
  const play = useStore((s) => s.playTrace);
  const pause = useStore((s) => s.pauseTrace);
  const tick = useStore((s) => s.tickTrace);
  const startTracePick = useStore((s) => s.startTracePick);
  const setSpeed = useStore((s) => s.setTraceSpeed);
  const clear = useStore((s) => s.clearTrace);
  const submitLine = useStore((s) => s.submitLine);
  const applyTraceFix = useStore((s) => s.applyTraceFix);
  const listRef = useRef<HTMLOListElement>(null);
  const applyFix = useCallback((fix: SuggestedFix) => applyTraceFix(fix), [applyTraceFix]);
  const names = usePlaceNames();

  const { events, cursor, playing, speed } = trace;
  const n = events.length;
  const current = events[cursor];
  const end = outcome(events);

  // with reduced motion, a new trace does not play by itself: it opens on its outcome (once per
  // trace, so coming back to the panel keeps the place the student stepped to)
  useEffect(() => {
    if (trace.id === 0 || trace.id === reducedMotionSeen || !window.matchMedia?.('(prefers-reduced-motion: reduce)').matches) return;
    reducedMotionSeen = trace.id;
    const { events: evs } = getAppStore().getState().trace;
    const o = outcome(evs);
    seek(o.kind === 'empty' ? 0 : o.index);
  }, [trace.id, seek]);

  // the play head's clock
  useEffect(() => {
    if (!playing) return;
    const t = window.setTimeout(tick, TRACE_STEP_MS / speed);
    return () => window.clearTimeout(t);
  }, [playing, cursor, speed, tick]);

  // keep the current event in view; if the keyboard is on an event, it follows the play head
  useEffect(() => {
    const list = listRef.current;
    const li = list?.querySelector<HTMLElement>(`#hl-trace-ev-${cursor}`);
    // scroll the list only (scrollIntoView would also scroll the panel and hide its controls)
    if (list && li) {
      // a row taller than the list shows its start
      if (li.offsetTop < list.scrollTop || li.offsetHeight > list.clientHeight) list.scrollTop = li.offsetTop;
      else if (li.offsetTop + li.offsetHeight > list.scrollTop + list.clientHeight) list.scrollTop = li.offsetTop + li.offsetHeight - list.clientHeight;
    }
    const active = document.activeElement;
    const pick = li?.querySelector<HTMLElement>('.hl-trace-pick');
    if (pick && active !== pick && active instanceof HTMLElement && active.classList.contains('hl-trace-pick') && listRef.current?.contains(active)) {
      pick.focus({ preventScroll: true });
    }
  }, [cursor, trace.id]);

  // focus given to the list itself (a click on its border, a script) goes to the current event
  const onListFocus = (e: React.FocusEvent<HTMLOListElement>) => {
    if (e.target !== e.currentTarget) return;
    listRef.current?.querySelector<HTMLElement>(`#hl-trace-ev-${cursor} .hl-trace-pick`)?.focus({ preventScroll: true });
  };

  const onListKey = (e: KeyboardEvent) => {
    // keys typed on the fix's button keep their own meaning (Space, Enter press it)
    if (e.target instanceof HTMLElement && e.target.tagName === 'BUTTON' && !e.target.classList.contains('hl-trace-pick')) return;
    const to: Record<string, number> = { ArrowDown: cursor + 1, ArrowRight: cursor + 1, ArrowUp: cursor - 1, ArrowLeft: cursor - 1, Home: 0, End: n - 1, PageDown: cursor + 10, PageUp: cursor - 10 };
    if (e.key in to) {
      e.preventDefault();
      seek(to[e.key]);
    } else if (e.key === ' ' || e.key === 'k') {
      e.preventDefault();
      if (playing) pause();
      else play();
    }
  };

  if (n === 0 && trace.line) {
    // a command that sent nothing (e.g. connect() refused by the routing table)
    return (
      <section className="hl-trace hl-panel" aria-label="Packet trace">
        <header className="hl-trace-head">
          <h2>Trace</h2>
          <span className="hl-trace-title" title={renamed(trace.title, names)}>
            <code>{renamed(trace.title, names)}</code>
          </span>
          <button type="button" className="hl-trace-close" onClick={clear} aria-label="Clear trace">
            Clear
          </button>
        </header>
        <div className="hl-trace-outcome hl-trace-outcome-drop" role="status" aria-label="Trace outcome">
          <p>
            <strong>✗ No packet left {placeName(trace.on ?? '', names)}</strong>: {trace.summary ?? 'the command sent nothing'}
          </p>
        </div>
      </section>
    );
  }

  if (n === 0) {
    return (
      <section className="hl-trace hl-panel" aria-label="Packet trace">
        <header className="hl-trace-head">
          <h2>Trace</h2>
        </header>
        <p className="hl-trace-empty">
          Run <code>ping</code> or <code>traceroute</code> in a terminal, pick a source and a destination on the canvas, or click a
          cell of the reachability matrix: every step of the request and the reply appears here.
        </p>
        <p className="hl-trace-empty">
          <button type="button" onClick={startTracePick}>
            Pick a source and a destination on the canvas
          </button>
        </p>
      </section>
    );
  }

  const reqId = requestPacketId(events, end.kind === 'reached');
  const named = (id: number | undefined) => path(events, id).map((n) => placeName(n, names));
  const requestPath = named(reqId);
  const replyPath = (end.kind === 'reply' || end.kind === 'reached') && end.event.packetId !== reqId ? named(end.event.packetId) : [];
  return (
    <section className="hl-trace hl-panel" aria-label="Packet trace">
      <header className="hl-trace-head">
        <h2>Trace</h2>
        <div className="hl-trace-controls" role="toolbar" aria-label="Trace playback">
          <button type="button" onClick={() => seek(0)} disabled={cursor === 0} aria-label="First event">
            |◀
          </button>
          <button type="button" onClick={() => step(-1)} disabled={cursor === 0} aria-label="Step back">
            ◀ Step
          </button>
          {playing ? (
            <button type="button" onClick={pause} aria-label="Pause">
              ❚❚ Pause
            </button>
          ) : (
            <button type="button" onClick={play} disabled={n < 2} aria-label="Play">
              ▶ Play
            </button>
          )}
          <button type="button" onClick={() => step(1)} disabled={cursor >= n - 1} aria-label="Step forward">
            Step ▶
          </button>
          <button type="button" onClick={() => seek(n - 1)} disabled={cursor >= n - 1} aria-label="Last event">
            ▶|
          </button>
          <label className="hl-trace-speed">
            <span className="hl-trace-speed-label">Speed</span>
            <select value={speed} onChange={(e) => setSpeed(Number(e.target.value))} aria-label="Speed">
              {TRACE_SPEEDS.map((s) => (
                <option key={s} value={s}>
                  {s}×
                </option>
              ))}
            </select>
          </label>
          <span className="hl-trace-pos" aria-live="off">
            Event {cursor + 1} of {n}
          </span>
        </div>
        <button type="button" className="hl-trace-close" onClick={clear} aria-label="Clear trace">
          Clear
        </button>
      </header>

      <div
        className={end.kind === 'drop' ? 'hl-trace-outcome hl-trace-outcome-drop' : 'hl-trace-outcome hl-trace-outcome-ok'}
        role="status"
        aria-label="Trace outcome"
      >
        <p className="hl-trace-title" title={renamed(trace.title, names)}>
          <code>{renamed(trace.title, names)}</code>
        </p>
        <p>
          {end.kind === 'drop' ? (
            <strong>✗ Dropped at {where(end.event, names)}</strong>
          ) : end.kind === 'reply' ? (
            <strong>✓ Reply received at {where(end.event, names)}</strong>
          ) : end.kind === 'reached' ? (
            <strong>✓ Destination reached (port unreachable back at {where(end.event, names)})</strong>
          ) : end.kind === 'delivered' ? (
            <strong>✓ Delivered at {where(end.event, names)}</strong>
          ) : null}
          {end.kind !== 'empty' && (
            <>
              {' '}
              (event {end.index + 1}): {sentence(end.event, names)}
              {end.kind !== 'drop' && end.drops > 0 && (
                <>
                  {' '}
                  — {end.drops} {end.drops === 1 ? 'packet was' : 'packets were'} dropped on the way (marked ✗ below)
                </>
              )}
            </>
          )}
        </p>
        <p className="hl-trace-actions">
          {end.kind === 'drop' && end.event.fix && !trace.fixApplied && (
            <>
              <span>Suggested fix: {end.event.fix.text}</span>
              <button type="button" onClick={() => applyFix(end.event.fix!)} title={`${end.event.fix.on}# ${end.event.fix.run}`}>
                Apply fix on {end.event.fix.on}
              </button>
            </>
          )}
          {trace.fixApplied && <span role="status">Fix applied. Run the command again to see the new path.</span>}
          {trace.on && trace.line && (
            <button type="button" onClick={() => submitLine(trace.on!, trace.line!, { local: false })} title={`${trace.on}# ${trace.line}`}>
              Run again
            </button>
          )}
          <span className="hl-trace-path">
            {end.kind === 'drop' ? 'Path of the dropped packet: ' + named(end.event.packetId).join(' → ') : `Request: ${requestPath.join(' → ')}`}
            {replyPath.length > 0 && `; reply: ${replyPath.join(' → ')}`}
          </span>
        </p>
      </div>

      <div className="hl-sr-only" aria-live="polite" aria-atomic="true">
        {!playing && current ? `Event ${cursor + 1} of ${n}: ${isDropEvent(current) ? 'dropped, ' : ''}${sentence(current, names)}` : ''}
      </div>

      <MeshSpans />

      <p id="hl-trace-keys" className="hl-sr-only">
        In the event list, Tab reaches the current event; the arrow keys, Page Up, Page Down, Home and End move the play head; Space (or K) plays or pauses.
      </p>
      <div className="hl-trace-main">
        {trace.groups.length > 0 && n >= GROUPED_LIST_MIN ? (
          <GroupedEvents
            events={events}
            groups={trace.groups}
            cursor={cursor}
            onPick={seek}
            onKeyDown={onListKey}
            renderEvent={(i, place) => (
              <EventRow key={`${trace.id}-${i}`} e={events[i]} index={i} total={n} current={i === cursor} onPick={seek} onApply={trace.fixApplied ? undefined : applyFix} place={place} names={names} />
            )}
          />
        ) : (
          <ol
            ref={listRef}
            className="hl-trace-list"
            aria-label="Trace events"
            aria-describedby="hl-trace-keys"
            tabIndex={-1}
            onKeyDown={onListKey}
            onFocus={onListFocus}
          >
            {events.map((e, i) => (
              <EventRow key={`${trace.id}-${i}`} e={e} index={i} total={n} current={i === cursor} onPick={seek} onApply={trace.fixApplied ? undefined : applyFix} names={names} />
            ))}
          </ol>
        )}
        {current && <PacketInspector events={events} index={cursor} names={names} />}
      </div>
    </section>
  );
}
