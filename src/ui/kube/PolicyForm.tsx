/**
 * The NetworkPolicy editor's form view, beside the YAML: the policy's name and namespace, the pods
 * it selects, its policy types, and each ingress/egress rule's peers (pods, namespaces, pods in
 * namespaces, an IP block) and ports (protocol, port or named port, end port). Every edit writes
 * the YAML (policyForm.ts), which kubectl checks as it checks typed text; typing in the YAML
 * refreshes the form. Only a manifest holding one NetworkPolicy has a form.
 */
import { useMemo, type ReactNode } from 'react';
import { emptyPeer, emptyPort, emptyRule, readPolicy, writePolicy, type Direction, type PeerForm, type PeerKind, type PolicyForm as Form, type PortForm, type RuleForm } from './policyForm';

const PEER_KINDS: [PeerKind, string][] = [
  ['pods', 'pods of this namespace'],
  ['namespaces', 'all pods of namespaces'],
  ['podsInNamespaces', 'pods of namespaces'],
  ['ipBlock', 'an IP block'],
];

function Field({ label, value, onChange, placeholder, testId }: { label: string; value: string; onChange: (v: string) => void; placeholder?: string; testId?: string }) {
  return (
    <label className="pform__field">
      <span>{label}</span>
      <input className="mono" value={value} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} spellCheck={false} data-testid={testId} />
    </label>
  );
}

export function PolicyForm({ text, setText }: { text: string; setText: (t: string) => void }) {
  const read = useMemo(() => readPolicy(text), [text]);
  if (!read.ok) return null;
  const form = read.form;
  // each edit copies the form, changes it, and writes the YAML
  const edit = (change: (f: Form) => void) => {
    const next: Form = structuredClone(form);
    change(next);
    setText(writePolicy(read.doc, next));
  };
  return (
    <div className="pform" role="group" aria-label="Policy form" data-testid="policy-form">
      <div className="pform__row">
        <Field label="Name" value={form.name} onChange={(v) => edit((f) => (f.name = v))} testId="pform-name" />
        <Field label="Namespace" value={form.namespace} placeholder="default" onChange={(v) => edit((f) => (f.namespace = v))} testId="pform-namespace" />
      </div>
      <Field label="Selects pods with labels (empty: every pod)" value={form.podSelector} placeholder="app=web" onChange={(v) => edit((f) => (f.podSelector = v))} testId="pform-pods" />
      <div className="pform__row" role="group" aria-label="Policy types">
        {(['Ingress', 'Egress'] as const).map((t) => (
          <label key={t}>
            <input type="checkbox" checked={form.types[t]} onChange={(e) => edit((f) => (f.types[t] = e.target.checked))} /> {t}
          </label>
        ))}
      </div>
      {(['ingress', 'egress'] as const).map((d) => form.types[d === 'ingress' ? 'Ingress' : 'Egress'] && <Rules key={d} direction={d} rules={form[d]} edit={edit} />)}
    </div>
  );
}

function Rules({ direction: d, rules, edit }: { direction: Direction; rules: RuleForm[]; edit: (c: (f: Form) => void) => void }) {
  const from = d === 'ingress' ? 'from' : 'to';
  return (
    <fieldset className="pform__rules">
      <legend>
        {d === 'ingress' ? 'Ingress' : 'Egress'} rules {rules.length === 0 && <span className="hint">(none: every {d} connection of the selected pods is denied)</span>}
      </legend>
      {rules.map((r, ri) => (
        <div key={ri} className="pform__rule" role="group" aria-label={`${d} rule ${ri + 1}`}>
          <div className="pform__row">
            <strong>
              {d} rule {ri + 1}
            </strong>
            <button type="button" className="btn btn--sm btn--ghost" onClick={() => edit((f) => f[d].splice(ri, 1))}>
              Remove rule
            </button>
          </div>
          <Peers from={from} peers={r.peers} onEdit={(c) => edit((f) => c(f[d][ri].peers))} />
          <Ports ports={r.ports} onEdit={(c) => edit((f) => c(f[d][ri].ports))} />
        </div>
      ))}
      <button type="button" className="btn btn--sm" onClick={() => edit((f) => f[d].push(emptyRule()))}>
        Add {d} rule
      </button>
    </fieldset>
  );
}

function Peers({ from, peers, onEdit }: { from: string; peers: PeerForm[]; onEdit: (c: (p: PeerForm[]) => void) => void }): ReactNode {
  return (
    <div className="pform__list">
      <span>{peers.length === 0 ? `${from} anywhere` : `${from}:`}</span>
      {peers.map((p, i) => (
        <div key={i} className="pform__row" role="group" aria-label={`peer ${i + 1}`}>
          <select aria-label="Peer kind" value={p.kind} onChange={(e) => onEdit((ps) => (ps[i].kind = e.target.value as PeerKind))}>
            {PEER_KINDS.map(([k, text]) => (
              <option key={k} value={k}>
                {text}
              </option>
            ))}
          </select>
          {(p.kind === 'namespaces' || p.kind === 'podsInNamespaces') && <Field label="namespace labels" value={p.namespaces} placeholder="team=y" onChange={(v) => onEdit((ps) => (ps[i].namespaces = v))} />}
          {(p.kind === 'pods' || p.kind === 'podsInNamespaces') && <Field label="pod labels" value={p.pods} placeholder="app=a" onChange={(v) => onEdit((ps) => (ps[i].pods = v))} />}
          {p.kind === 'ipBlock' && (
            <>
              <Field label="CIDR" value={p.cidr} placeholder="10.0.0.0/8" onChange={(v) => onEdit((ps) => (ps[i].cidr = v))} />
              <Field label="except" value={p.except} placeholder="10.1.0.0/16" onChange={(v) => onEdit((ps) => (ps[i].except = v))} />
            </>
          )}
          <button type="button" className="btn btn--sm btn--ghost" aria-label={`Remove peer ${i + 1}`} onClick={() => onEdit((ps) => ps.splice(i, 1))}>
            ×
          </button>
        </div>
      ))}
      <button type="button" className="btn btn--sm btn--ghost" onClick={() => onEdit((ps) => ps.push(emptyPeer()))}>
        Add peer
      </button>
    </div>
  );
}

function Ports({ ports, onEdit }: { ports: PortForm[]; onEdit: (c: (p: PortForm[]) => void) => void }): ReactNode {
  return (
    <div className="pform__list">
      <span>{ports.length === 0 ? 'on every port' : 'ports:'}</span>
      {ports.map((p, i) => (
        <div key={i} className="pform__row" role="group" aria-label={`port ${i + 1}`}>
          <select aria-label="Protocol" value={p.protocol} onChange={(e) => onEdit((ps) => (ps[i].protocol = e.target.value as PortForm['protocol']))}>
            {(['TCP', 'UDP', 'SCTP'] as const).map((x) => (
              <option key={x}>{x}</option>
            ))}
          </select>
          <Field label="port" value={p.port} placeholder="80 or http" onChange={(v) => onEdit((ps) => (ps[i].port = v))} />
          <Field label="end port" value={p.endPort} placeholder="(one port)" onChange={(v) => onEdit((ps) => (ps[i].endPort = v))} />
          <button type="button" className="btn btn--sm btn--ghost" aria-label={`Remove port ${i + 1}`} onClick={() => onEdit((ps) => ps.splice(i, 1))}>
            ×
          </button>
        </div>
      ))}
      <button type="button" className="btn btn--sm btn--ghost" onClick={() => onEdit((ps) => ps.push(emptyPort()))}>
        Add port
      </button>
    </div>
  );
}
