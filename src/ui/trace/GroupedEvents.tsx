/**
 * A long trace (a traceroute's hundreds of events, a ping that ran a while) in groups, one per
 * packet, each a line that says what the packet was, where it went and how it ended. Only the rows
 * in view are in the DOM (@tanstack/react-virtual), so a trace of thousands of events scrolls as
 * smoothly as one of ten. The group holding the play head is open and shows its events.
 */
import { useEffect, useMemo, useRef, type CSSProperties, type KeyboardEvent, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { TraceEvent } from '../../engine/sim/trace';
import type { TraceGroup } from '../../store/traceGroups';
import { isDropEvent, packetKind, placeName, where, type PlaceNames } from './describe';
import { usePlaceNames } from './usePlaceNames';
import { VERDICT_LABEL } from './verdicts';

export interface GroupedEventsProps {
  events: readonly TraceEvent[];
  groups: readonly TraceGroup[];
  cursor: number;
  onPick: (i: number) => void;
  onKeyDown: (e: KeyboardEvent) => void;
  /** draws one event row (the same row as in a short trace), placed by `place` */
  renderEvent: (i: number, place: RowPlace) => ReactNode;
}

/** Where the virtualizer puts a row: its offset, and the ref that measures it. */
export interface RowPlace {
  style: CSSProperties;
  measure: (el: HTMLElement | null) => void;
  index: number;
}

type Row = { kind: 'group'; g: number } | { kind: 'event'; i: number };

/** "echo request pod1 → node01 → node02 → pod2: delivered", "UDP probe pod1 → node01: ✗ TTL expired" */
export function groupSummary(events: readonly TraceEvent[], g: TraceGroup, names?: PlaceNames): string {
  const first = events[g.indices.find((i) => events[i].packet) ?? g.indices[0]];
  const kind = packetKind(first.packet) ?? VERDICT_LABEL[first.verdict] ?? first.verdict;
  const path = g.path.map((n) => placeName(n, names)).join(' → ') || placeName(first.netns, names);
  const end = events[g.key];
  const how = isDropEvent(end) ? `✗ ${VERDICT_LABEL[end.verdict] ?? end.verdict} at ${where(end, names)}` : (VERDICT_LABEL[end.verdict] ?? end.verdict);
  return `${kind} ${path}: ${how}`;
}

export function GroupedEvents({ events, groups, cursor, onPick, onKeyDown, renderEvent }: GroupedEventsProps) {
  const listRef = useRef<HTMLOListElement>(null);
  const names = usePlaceNames();
  // which group each event belongs to, to open the one holding the play head
  const groupOf = useMemo(() => {
    const of = new Int32Array(events.length);
    groups.forEach((g, gi) => g.indices.forEach((i) => (of[i] = gi)));
    return of;
  }, [events, groups]);
  const open = groupOf[cursor] ?? 0;
  const rows = useMemo(() => {
    const out: Row[] = [];
    groups.forEach((g, gi) => {
      out.push({ kind: 'group', g: gi });
      if (gi === open) for (const i of g.indices) out.push({ kind: 'event', i });
    });
    return out;
  }, [groups, open]);
  const cursorRow = rows.findIndex((r) => r.kind === 'event' && r.i === cursor);

  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => listRef.current,
    estimateSize: (i) => (rows[i].kind === 'group' ? 30 : 26),
    overscan: 12,
  });

  useEffect(() => {
    if (cursorRow >= 0) virtual.scrollToIndex(cursorRow, { align: 'auto' });
  }, [cursorRow, virtual]);

  return (
    <ol
      ref={listRef}
      className="hl-trace-list hl-trace-grouped"
      aria-label={`Trace events, in ${groups.length} groups (one per packet)`}
      aria-describedby="hl-trace-keys"
      tabIndex={-1}
      onKeyDown={onKeyDown}
    >
      <li aria-hidden="true" className="hl-trace-spacer" style={{ height: virtual.getTotalSize() }} />
      {virtual.getVirtualItems().map((v) => {
        const row = rows[v.index];
        const style = { transform: `translateY(${v.start}px)` };
        if (row.kind === 'event') return renderEvent(row.i, { style, measure: virtual.measureElement, index: v.index });
        const g = groups[row.g];
        const drop = g.drop !== null;
        const summary = groupSummary(events, g, names);
        return (
          <li
            key={`g${row.g}`}
            className={['hl-trace-vrow', 'hl-trace-group', drop ? 'hl-trace-drop' : '', row.g === open ? 'hl-trace-group-open' : ''].join(' ')}
            style={style}
            ref={virtual.measureElement}
            data-index={v.index}
          >
            <button
              type="button"
              className="hl-trace-pick"
              tabIndex={-1}
              aria-expanded={row.g === open}
              aria-label={`Packet ${row.g + 1} of ${groups.length}, ${g.indices.length} events: ${summary}`}
              onClick={() => onPick(g.indices[0])}
            >
              <span className="hl-trace-n" aria-hidden="true">
                {row.g === open ? '▾' : '▸'}
              </span>
              <span className="hl-trace-body">
                <span className="hl-trace-text">{summary}</span>
                <span className="hl-trace-count">{g.indices.length} events</span>
              </span>
            </button>
          </li>
        );
      })}
    </ol>
  );
}
