/**
 * Reachability matrix: every host and pod against every other, one ping verdict per cell, updated
 * as the lab changes. A cell opens its trace in the trace panel. Cells say "reply" or the reason in
 * words (and ✓/✗), so colour is never the only signal. Arrow keys move between cells.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useStore } from '../../store';
import type { MatrixCell, ProbeVerdict } from '../../store/matrix';
import '../panels.css';
import './matrix.css';

/** Short words for a cell, chosen from its verdict (data, not words); the full summary is in its accessible name and tooltip. */
export function shortVerdict(v: ProbeVerdict): string {
  switch (v.kind) {
    case 'reply':
      return 'reply';
    case 'connect':
      return v.errno === 'ENETUNREACH' ? 'no route' : v.errno === 'EHOSTUNREACH' ? 'unreachable' : v.errno === 'EACCES' ? 'prohibited' : 'blackhole';
    case 'icmp':
      if (v.type === 11) return 'TTL';
      return ({ 0: 'net unreach.', 1: 'host unreach.', 3: 'port unreach.', 9: 'prohibited', 10: 'prohibited', 13: 'filtered' } as Record<number, string>)[v.code] ?? 'unreachable';
    case 'dropped':
      return v.reason === 'IP_FORWARDING_DISABLED' ? 'fwd off' : 'dropped';
    case 'no-reply':
    case 'bad-input':
      return 'no reply';
  }
}

export function MatrixView() {
  const snapshot = useStore((s) => s.snapshot);
  const world = useStore((s) => s.world);
  const matrix = useStore((s) => s.matrix);
  const refreshMatrix = useStore((s) => s.refreshMatrix);
  const open = useStore((s) => s.openMatrixCell);
  const [focus, setFocus] = useState<[number, number]>([0, 1]);
  const tableRef = useRef<HTMLTableElement>(null);

  // the store computes the verdicts (cheap: a few ms for the three-node lab) after each change of
  // the lab, outside rendering; this view only draws them
  useEffect(() => refreshMatrix(), [snapshot, world, refreshMatrix]);
  const hosts = matrix?.hosts ?? [];
  const cells = matrix?.cells ?? [];
  const n = hosts.length;
  const okCount = cells.flat().filter((c) => c?.ok).length;
  const total = cells.flat().filter(Boolean).length;

  const moveFocus = (e: KeyboardEvent, i: number, j: number) => {
    const d: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    let next: [number, number] | null = null;
    if (e.key in d) next = [Math.min(Math.max(i + d[e.key][0], 0), n - 1), Math.min(Math.max(j + d[e.key][1], 0), n - 1)];
    else if (e.key === 'Home') next = [i, 0];
    else if (e.key === 'End') next = [i, n - 1];
    if (!next) return;
    e.preventDefault();
    setFocus(next);
    tableRef.current?.querySelector<HTMLElement>(`[data-cell="${next[0]}-${next[1]}"]`)?.focus();
  };

  if (n < 2) {
    return (
      <section className="hl-matrix" aria-label="Reachability matrix">
        <h2>Reachability</h2>
        <p className="hl-matrix-empty">Add at least two hosts to see who can reach whom.</p>
      </section>
    );
  }

  const [fi, fj] = focus[0] < n && focus[1] < n ? focus : [0, 0];
  return (
    <section className="hl-matrix" aria-label="Reachability matrix">
      <header className="hl-matrix-head">
        <h2>Reachability</h2>
        <span className="hl-matrix-sum" aria-live="polite">
          {okCount} of {total} pairs reply
        </span>
      </header>
      <div className="hl-matrix-scroll">
        <table ref={tableRef} className="hl-matrix-table">
          <caption>Ping (one echo request) from each row to each column. Select a cell to see its trace.</caption>
          <thead>
            <tr>
              <th scope="col">
                <span className="hl-matrix-corner">from ↓ to →</span>
              </th>
              {hosts.map((h) => (
                <th key={h.name} scope="col">
                  <span className="hl-matrix-host">{h.name}</span>
                  <span className="hl-matrix-addr">{h.addr ?? 'no address'}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {hosts.map((from, i) => (
              <tr key={from.name}>
                <th scope="row">
                  <span className="hl-matrix-host">{from.name}</span>
                </th>
                {hosts.map((to, j) => {
                  const c = cells[i]?.[j] ?? null;
                  const tab = i === fi && j === fj ? 0 : -1;
                  if (!c) {
                    const why = from.name === to.name ? 'same host' : `${to.name} has no address`;
                    return (
                      <td key={to.name} className="hl-matrix-na">
                        <span
                          data-cell={`${i}-${j}`}
                          tabIndex={tab}
                          onKeyDown={(e) => moveFocus(e, i, j)}
                          onFocus={() => setFocus([i, j])}
                        >
                          <span aria-hidden="true">—</span>
                          <span className="hl-sr-only">
                            {from.name} to {to.name}: {why}
                          </span>
                        </span>
                      </td>
                    );
                  }
                  return (
                    <td key={to.name} className={c.ok ? 'hl-matrix-ok' : 'hl-matrix-fail'}>
                      <button
                        type="button"
                        data-cell={`${i}-${j}`}
                        tabIndex={tab}
                        onClick={() => open(c as MatrixCell)}
                        onKeyDown={(e) => moveFocus(e, i, j)}
                        onFocus={() => setFocus([i, j])}
                        title={`${c.from} → ${c.to} (${c.addr}): ${c.summary}`}
                        aria-label={`${c.from} to ${c.to} ${c.addr}: ${c.ok ? 'reply' : c.summary}. Show trace`}
                      >
                        <span aria-hidden="true">{c.ok ? '✓' : '✗'}</span> {shortVerdict(c.verdict)}
                      </button>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
