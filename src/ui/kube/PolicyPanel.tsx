/**
 * NetworkPolicy, live: the reachability matrix of the cluster's pods on one port and protocol
 * (the upstream e2e suite's truth table), every cell opening its explanation (the policies that
 * select each end, the rule that allowed it or the fact that none did, the smallest change that
 * would allow it, applied with one click and undone with Undo) and its trace (a real probe from
 * the source pod). With a NetworkPolicy in the manifest editor, the matrix shows what applying
 * it would change, cell by cell, before anything is applied.
 */
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useStore, type ConnectionExplanation, type PolicyFix, type PolicyMatrix } from '../../store';
import type { Protocol } from '../../kube/api/types';
import '../panels.css';
import './kube.css';

const SYSTEM = ['kube-system', 'kube-public', 'kube-node-lease'];

type Scope = 'workloads' | 'all';
interface Selected {
  src: string;
  dst: string;
}

/** "x/a" over "10.244.1.2": short column heads for a dense matrix. */
function PodHead({ pod }: { pod: PolicyMatrix['pods'][number] }) {
  return (
    <>
      <span className="np-head__key">{pod.key}</span>
      <span className="np-head__ip">{pod.ip}</span>
    </>
  );
}

export function PolicyPanel() {
  const cluster = useStore((s) => s.cluster);
  const world = useStore((s) => s.world);
  const snapshot = useStore((s) => s.snapshot);
  const manifest = useStore((s) => s.manifestText);
  const policyPorts = useStore((s) => s.policyPorts);
  const policyMatrix = useStore((s) => s.policyMatrix);
  const policyDiff = useStore((s) => s.policyDiff);
  const explainConnection = useStore((s) => s.explainConnection);
  const [scope, setScope] = useState<Scope>('workloads');
  const [portKey, setPortKey] = useState<string>('');
  const [diffOn, setDiffOn] = useState(true);
  const [selected, setSelected] = useState<Selected | null>(null);
  const [focus, setFocus] = useState<[number, number]>([0, 0]);
  const table = useRef<HTMLTableElement>(null);

  const namespaces = useMemo(() => {
    if (!cluster) return null;
    if (scope === 'all') return null;
    const mine = cluster.namespaces.filter((n) => !SYSTEM.includes(n));
    return mine;
  }, [cluster, scope]);
  // everything below is read from the live cluster: recomputed whenever the lab changes
  const ports = useMemo(() => (cluster ? policyPorts(namespaces) : []), [cluster, namespaces, policyPorts, world, snapshot]); // eslint-disable-line react-hooks/exhaustive-deps
  const chosen = ports.find((p) => `${p.port}/${p.protocol}` === portKey) ?? ports[0] ?? { port: 80, protocol: 'TCP' as Protocol, names: [] };
  const q = useMemo(() => ({ namespaces, port: chosen.port, protocol: chosen.protocol }), [namespaces, chosen.port, chosen.protocol]);
  const matrix = useMemo(() => (cluster ? policyMatrix(q) : null), [cluster, q, policyMatrix, world, snapshot]); // eslint-disable-line react-hooks/exhaustive-deps
  const diff = useMemo(() => (cluster && manifest.trim() ? policyDiff(manifest, q) : null), [cluster, manifest, q, policyDiff, world, snapshot]); // eslint-disable-line react-hooks/exhaustive-deps
  const showDiff = diffOn && diff !== null;
  const changed = useMemo(() => new Set((showDiff ? diff.changed : []).map(([i, j]) => `${i},${j}`)), [showDiff, diff]);
  const explanation = useMemo(
    () => (selected && cluster ? explainConnection(selected.src, selected.dst, q.port, q.protocol) : null),
    [selected, cluster, q, explainConnection, world, snapshot], // eslint-disable-line react-hooks/exhaustive-deps
  );

  if (!cluster) {
    return (
      <div className="hl-panel kube-empty">
        <p>This lab has no Kubernetes cluster. Load one of the cluster stages (7–9) from the <strong>Lab</strong> menu to see its NetworkPolicies here.</p>
      </div>
    );
  }
  const pods = matrix?.pods ?? [];
  const n = pods.length;
  const open = matrix ? matrix.allowed.flat().filter(Boolean).length : 0;

  const moveFocus = (e: KeyboardEvent, i: number, j: number) => {
    const d: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (!(e.key in d)) return;
    e.preventDefault();
    const next: [number, number] = [Math.min(Math.max(i + d[e.key][0], 0), n - 1), Math.min(Math.max(j + d[e.key][1], 0), n - 1)];
    setFocus(next);
    table.current?.querySelector<HTMLElement>(`[data-cell="${next[0]}-${next[1]}"]`)?.focus();
  };

  return (
    <section className="hl-panel np" aria-label="NetworkPolicy reachability">
      <div className="np__bar">
        <h2>NetworkPolicy</h2>
        <label>
          <span className="hl-sr-only">Port and protocol</span>
          <select aria-label="Port and protocol" value={`${chosen.port}/${chosen.protocol}`} onChange={(e) => setPortKey(e.target.value)}>
            {ports.length === 0 && <option value={`${chosen.port}/${chosen.protocol}`}>{`${chosen.port}/${chosen.protocol}`}</option>}
            {ports.map((p) => (
              <option key={`${p.port}/${p.protocol}`} value={`${p.port}/${p.protocol}`}>
                {p.port}/{p.protocol}
                {p.names.length ? ` (${p.names.join(', ')})` : ''}
              </option>
            ))}
          </select>
        </label>
        <select aria-label="Which pods" value={scope} onChange={(e) => setScope(e.target.value as Scope)}>
          <option value="workloads">your namespaces</option>
          <option value="all">every namespace</option>
        </select>
        <span className="np__sum" aria-live="polite">
          {n ? `${open} of ${n * n} connections allowed` : ''}
        </span>
        <span className="box__spacer" />
        <label className={diff ? 'np__diff' : 'np__diff is-off'} title={diff ? `what applying ${diff.policies.join(', ')} would change` : 'write a NetworkPolicy in the Manifests tab to see what it would change'}>
          <input type="checkbox" checked={showDiff} disabled={!diff} onChange={(e) => setDiffOn(e.target.checked)} data-testid="np-diff-toggle" /> Preview the manifest
          {showDiff && (
            <span className="np__changes" data-testid="np-diff-count">
              {' '}
              ({diff.changed.length} cell{diff.changed.length === 1 ? '' : 's'} change)
            </span>
          )}
        </label>
      </div>
      <div className="np__body">
        <div className="np__matrix">
          {n === 0 ? (
            <p className="hint">No pods with an address in these namespaces yet.</p>
          ) : (
            <table ref={table} className="np-table">
              <caption>
                {showDiff
                  ? `New ${chosen.protocol} connections to port ${chosen.port}, now → with ${diff.policies.join(', ')} applied; changed cells are outlined. Select a cell to explain it.`
                  : `New ${chosen.protocol} connections to port ${chosen.port} from each row to each column. Select a cell to explain it.`}
              </caption>
              <thead>
                <tr>
                  <th scope="col" className="np-corner">
                    from ↓ to →
                  </th>
                  {pods.map((p) => (
                    <th key={p.key} scope="col" className="np-head">
                      <PodHead pod={p} />
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {pods.map((from, i) => (
                  <tr key={from.key}>
                    <th scope="row" className="np-head np-head--row">
                      <PodHead pod={from} />
                    </th>
                    {pods.map((to, j) => {
                      const now = matrix!.allowed[i][j];
                      const after = showDiff ? diff.after.allowed[i]?.[j] : undefined;
                      const isChanged = changed.has(`${i},${j}`);
                      const isSel = selected?.src === from.key && selected?.dst === to.key;
                      const word = (v: boolean) => (v ? 'allowed' : 'denied');
                      return (
                        <td key={to.key} className={['np-cell', now ? 'is-allowed' : 'is-denied', isChanged && 'is-changed', isSel && 'is-selected'].filter(Boolean).join(' ')}>
                          <button
                            type="button"
                            data-cell={`${i}-${j}`}
                            data-testid={`np-cell-${from.key}-${to.key}`}
                            data-allowed={now}
                            data-changed={isChanged || undefined}
                            tabIndex={i === focus[0] && j === focus[1] ? 0 : -1}
                            onFocus={() => setFocus([i, j])}
                            onKeyDown={(e) => moveFocus(e, i, j)}
                            onClick={() => setSelected({ src: from.key, dst: to.key })}
                            aria-pressed={isSel}
                            aria-label={`${from.key} to ${to.key} ${chosen.protocol} ${chosen.port}: ${word(now)}${isChanged ? `, ${word(after!)} with the manifest` : ''}. Explain`}
                            title={`${from.key} → ${to.key}: ${word(now)}${isChanged ? ` → ${word(after!)}` : ''}`}
                          >
                            <span aria-hidden="true">{isChanged ? `${now ? '✓' : '✗'}→${after ? '✓' : '✗'}` : now ? '✓' : '✗'}</span>
                          </button>
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        {explanation && <Explanation e={explanation} onClose={() => setSelected(null)} />}
      </div>
    </section>
  );
}

function Explanation({ e, onClose }: { e: ConnectionExplanation; onClose: () => void }) {
  const applyPolicyFix = useStore((s) => s.applyPolicyFix);
  const traceConnection = useStore((s) => s.traceConnection);
  const undo = useStore((s) => s.undo);
  const readonly = useStore((s) => s.readonly);
  const [done, setDone] = useState<{ fix: PolicyFix; error?: string } | null>(null);
  const key = `${e.src.key}>${e.dst.key}/${e.port}/${e.protocol}`;
  // another cell: forget what was done for the previous one
  const last = useRef(key);
  useEffect(() => {
    if (last.current !== key) {
      last.current = key;
      setDone(null);
    }
  }, [key]);
  const apply = (fix: PolicyFix) => {
    const r = applyPolicyFix(fix);
    setDone(r.ok ? { fix } : { fix, error: r.error });
  };
  return (
    <aside className="np-explain" aria-label="Connection explanation" data-testid="np-explanation" data-allowed={e.allowed}>
      <header className="np-explain__head">
        <strong className="mono">
          {e.src.key} → {e.dst.key} {e.protocol}/{e.port}
        </strong>
        <span className={e.allowed ? 'badge badge--ok' : 'badge badge--danger'}>{e.allowed ? '✓ allowed' : '✗ denied'}</span>
        <span className="box__spacer" />
        <button type="button" onClick={onClose} aria-label="Close the explanation">
          ×
        </button>
      </header>
      <p className="np-explain__ips mono hint">
        {e.src.ip} → {e.dst.ip}
      </p>
      <ul className="np-explain__lines">
        {e.lines.map((l) => (
          <li key={l}>{l}</li>
        ))}
      </ul>
      <div className="np-explain__actions">
        <button type="button" onClick={() => traceConnection(e.src.key, e.dst.key, e.port, e.protocol)} title={`open the connection from ${e.src.key} for real and show its trace`}>
          Trace it from {e.src.key}
        </button>
      </div>
      {done && !done.error && (
        <p className="np-explain__done" role="status">
          Applied: {done.fix.text}.{' '}
          <button type="button" onClick={() => undo()} data-testid="np-fix-undo">
            Undo
          </button>
        </p>
      )}
      {done?.error && (
        <p className="np-explain__error" role="alert">
          kubectl refused it: <span className="mono">{done.error}</span>
        </p>
      )}
      {!e.allowed && e.fixes.length > 0 && (
        <div className="np-explain__fixes">
          <h3>Smallest change that allows it</h3>
          {e.fixes.map((f) => (
            <div key={f.apply.run + f.text} className="np-fix">
              <p>{f.text}</p>
              <details>
                <summary>kubectl</summary>
                <pre className="mono">{f.apply.stdin !== undefined ? `${f.apply.run} <<EOF\n${f.apply.stdin}\nEOF` : f.apply.run}</pre>
                <p className="hint">
                  undo: <span className="mono">{f.undo.run}</span>
                </p>
              </details>
              <button type="button" className="is-primary" disabled={readonly} onClick={() => apply(f)} data-testid="np-fix-apply">
                Apply this fix
              </button>
            </div>
          ))}
        </div>
      )}
    </aside>
  );
}
