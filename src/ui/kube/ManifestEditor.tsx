/**
 * The manifest editor: YAML or JSON, several documents separated by `---`, checked as you type by
 * kubectl itself (a server-side dry run: kubectl's parser, the API server's defaulting and
 * validation, their exact messages), applied with `kubectl apply -f -` and deleted with
 * `kubectl delete -f -`, each one undoable step of the lab. A refused manifest changes nothing.
 * A manifest of one NetworkPolicy also has a form (PolicyForm.tsx), kept in step with the YAML.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useStore, type ManifestCheck, type PolicyPreview } from '../../store';
import { MANIFEST_EXAMPLES } from './examples';
import { PolicyForm } from './PolicyForm';
import '../panels.css';
import './kube.css';

/** Wait this long after the last keystroke before asking kubectl (a dry run costs a few ms). */
export const CHECK_DELAY_MS = 250;

type Outcome = { kind: 'applied' | 'deleted'; text: string } | { kind: 'refused'; text: string };

export function ManifestEditor() {
  const text = useStore((s) => s.manifestText);
  const setText = useStore((s) => s.setManifestText);
  const cluster = useStore((s) => s.cluster);
  const world = useStore((s) => s.world);
  const snapshot = useStore((s) => s.snapshot);
  const checkManifest = useStore((s) => s.checkManifest);
  const applyManifest = useStore((s) => s.applyManifest);
  const deleteManifest = useStore((s) => s.deleteManifest);
  const readonly = useStore((s) => s.readonly);
  const [check, setCheck] = useState<ManifestCheck | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const id = useId();
  const area = useRef<HTMLTextAreaElement>(null);

  // kubectl's verdict follows the text and the cluster (a name taken since, a namespace created)
  useEffect(() => {
    if (!cluster || text.trim() === '') {
      setCheck(null);
      return;
    }
    const t = setTimeout(() => setCheck(checkManifest(text)), CHECK_DELAY_MS);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the cluster picture changes with the world and its snapshot
  }, [text, world, snapshot, checkManifest]);

  const current = check && check.text === text ? check : null;
  const previewPolicies = useStore((s) => s.previewPolicies);
  // whom each NetworkPolicy of a valid manifest selects and admits, against the live cluster
  const previews = useMemo(() => (current?.ok ? previewPolicies(text) : []), [current, text, previewPolicies]);
  const lines = useMemo(() => Math.max(1, text.split('\n').length), [text]);
  const run = (what: 'apply' | 'delete') => {
    const r = what === 'apply' ? applyManifest(text) : deleteManifest(text);
    if (!r.ok) setOutcome({ kind: 'refused', text: r.error });
    else setOutcome({ kind: what === 'apply' ? 'applied' : 'deleted', text: r.results.map((x) => x.stdout).join('').trimEnd() });
  };

  if (!cluster) {
    return (
      <div className="hl-panel kube-empty">
        <p>This lab has no Kubernetes cluster. Load one of the cluster stages (7–9) from the <strong>Lab</strong> menu to write manifests here.</p>
      </div>
    );
  }

  return (
    <div className="hl-panel manifest" aria-label="Manifest editor">
      <div className="manifest__bar">
        <label htmlFor={`${id}-text`} className="manifest__title">
          Manifest
        </label>
        <span className="hint">YAML or JSON; several objects separated by ---</span>
        <span className="box__spacer" />
        <select
          aria-label="Insert an example manifest"
          value=""
          onChange={(e) => {
            const ex = MANIFEST_EXAMPLES.find((x) => x.name === e.target.value);
            if (!ex) return;
            setText(ex.manifest(cluster));
            setOutcome(null);
            area.current?.focus();
          }}
        >
          <option value="">Example…</option>
          {MANIFEST_EXAMPLES.map((x) => (
            <option key={x.name} value={x.name}>
              {x.title}
            </option>
          ))}
        </select>
      </div>
      <div className="manifest__editor">
        <pre className="manifest__gutter mono" aria-hidden="true">
          {Array.from({ length: lines }, (_, i) => i + 1).join('\n')}
        </pre>
        <textarea
          ref={area}
          id={`${id}-text`}
          className="manifest__text mono"
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          wrap="off"
          value={text}
          placeholder={'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports: [{port: 80, targetPort: 8080}]'}
          onChange={(e) => {
            setText(e.target.value);
            setOutcome(null);
          }}
          onScroll={(e) => {
            const gutter = e.currentTarget.previousElementSibling as HTMLElement | null;
            if (gutter) gutter.scrollTop = e.currentTarget.scrollTop;
          }}
          onKeyDown={(e) => {
            // Tab indents (YAML wants spaces); Ctrl+Enter applies
            if (e.key === 'Tab' && !e.shiftKey && !e.ctrlKey && !e.altKey) {
              e.preventDefault();
              const el = e.currentTarget;
              const { selectionStart: a, selectionEnd: b } = el;
              const next = `${text.slice(0, a)}  ${text.slice(b)}`;
              setText(next);
              requestAnimationFrame(() => el.setSelectionRange(a + 2, a + 2));
            } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && current?.ok && !readonly) {
              e.preventDefault();
              run('apply');
            }
          }}
          aria-describedby={`${id}-check`}
          aria-invalid={current ? !current.ok : undefined}
          data-testid="manifest-text"
        />
      </div>
      <PolicyForm
        text={text}
        setText={(t) => {
          setText(t);
          setOutcome(null);
        }}
      />
      <div id={`${id}-check`} className="manifest__check" role="status" aria-live="polite" data-testid="manifest-check" data-state={text.trim() === '' ? 'empty' : !current ? 'checking' : current.ok ? 'ok' : 'error'}>
        {text.trim() === '' ? (
          <span className="hint">Write or paste a manifest, or pick an example: kubectl checks it as you type.</span>
        ) : !current ? (
          <span className="hint">kubectl is checking…</span>
        ) : current.ok ? (
          <>
            <span className="manifest__ok">✓ kubectl would apply it:</span>
            <pre className="mono">{current.output}</pre>
          </>
        ) : (
          <>
            <span className="manifest__err">✗ kubectl refuses it (nothing would change):</span>
            <pre className="mono">{current.error}</pre>
          </>
        )}
      </div>
      {previews.length > 0 && (
        <div className="manifest__preview" aria-label="What the policies select" data-testid="manifest-preview">
          {previews.map((p) => (
            <PolicyPreviewView key={p.policy} preview={p} />
          ))}
        </div>
      )}
      <div className="manifest__actions">
        <button type="button" className="is-primary" disabled={readonly || !current?.ok} onClick={() => run('apply')} title="kubectl apply -f - (Ctrl+Enter); Undo takes it back" data-testid="manifest-apply">
          Apply
        </button>
        <button type="button" disabled={readonly || text.trim() === ''} onClick={() => run('delete')} title="kubectl delete -f -; Undo takes it back" data-testid="manifest-delete">
          Delete
        </button>
        <span className="mono hint">{outcome ? '' : 'kubectl apply -f -'}</span>
        {outcome && (
          <pre className={outcome.kind === 'refused' ? 'manifest__err mono' : 'manifest__ok mono'} role="status" data-testid="manifest-outcome">
            {outcome.text}
          </pre>
        )}
      </div>
    </div>
  );
}

/** Whom a policy of the manifest isolates, per direction, and whom each of its rules admits (on which ports), now. */
function PolicyPreviewView({ preview: p }: { preview: PolicyPreview }) {
  const isolated = (['ingress', 'egress'] as const).filter((d) => p.selected[d].length > 0);
  const pods = (list: string[]) => (list.length ? <span className="mono">{list.join(', ')}</span> : 'no pod yet');
  return (
    <div>
      <strong className="mono">{p.policy}</strong>{' '}
      {isolated.length === 0 ? 'selects no pod yet' : isolated.map((d, i) => (
        <span key={d}>
          {i > 0 && '; '}
          isolates {pods(p.selected[d])} for {d}
        </span>
      ))}
      {p.rules.length === 0 ? (
        <span>{isolated.length ? ': no rule, so nothing gets through.' : '.'}</span>
      ) : (
        <ul>
          {p.rules.map((r) => (
            <li key={`${r.direction}${r.index}`}>
              {r.direction} rule {r.index + 1}, {r.ports.join(', ')}:{' '}
              {r.peers.map((peer, i) => (
                <span key={i}>
                  {i > 0 && ' or '}
                  {peer.text} ({pods(peer.pods)})
                </span>
              ))}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
