/**
 * The NetworkPolicy form's model: a manifest holding one NetworkPolicy, read into the fields the
 * form shows (name, namespace, the pod selector's labels, policy types, each rule's peers and
 * ports) and written back by changing those fields only in the parsed object, so what the form
 * does not show (matchExpressions, annotations) stays as it was. The YAML is the truth: the form
 * is read from it on every change and every form edit writes it.
 */
import { parseAllDocuments, stringify } from 'yaml';

export type Direction = 'ingress' | 'egress';
export type PeerKind = 'pods' | 'namespaces' | 'podsInNamespaces' | 'ipBlock';
export type Obj = Record<string, unknown>;

export interface PeerForm {
  kind: PeerKind;
  /** `app=web, tier=db` */
  pods: string;
  namespaces: string;
  cidr: string;
  /** comma-separated CIDRs */
  except: string;
}

export interface PortForm {
  protocol: 'TCP' | 'UDP' | 'SCTP';
  /** a number or a named port; '' for every port */
  port: string;
  endPort: string;
}

export interface RuleForm {
  peers: PeerForm[];
  ports: PortForm[];
}

export interface PolicyForm {
  name: string;
  namespace: string;
  podSelector: string;
  types: { Ingress: boolean; Egress: boolean };
  ingress: RuleForm[];
  egress: RuleForm[];
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** matchLabels as the form writes them: `k=v, k2=v2` */
export const labelsText = (sel: unknown): string =>
  isObj(sel) && isObj(sel.matchLabels)
    ? Object.entries(sel.matchLabels)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(', ')
    : '';

/** `k=v, k2=v2` back to matchLabels (a word without `=` is a key with an empty value) */
export function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const t = part.trim();
    if (!t) continue;
    const i = t.indexOf('=');
    out[i < 0 ? t : t.slice(0, i).trim()] = i < 0 ? '' : t.slice(i + 1).trim();
  }
  return out;
}

function peerForm(p: unknown): PeerForm {
  const o = isObj(p) ? p : {};
  const ip = isObj(o.ipBlock) ? o.ipBlock : undefined;
  const kind: PeerKind = ip ? 'ipBlock' : o.namespaceSelector && o.podSelector ? 'podsInNamespaces' : o.namespaceSelector ? 'namespaces' : 'pods';
  return { kind, pods: labelsText(o.podSelector), namespaces: labelsText(o.namespaceSelector), cidr: typeof ip?.cidr === 'string' ? ip.cidr : '', except: list(ip?.except).join(', ') };
}

function portForm(p: unknown): PortForm {
  const o = isObj(p) ? p : {};
  const protocol = o.protocol === 'UDP' || o.protocol === 'SCTP' ? o.protocol : 'TCP';
  return { protocol, port: o.port === undefined || o.port === null ? '' : String(o.port), endPort: o.endPort === undefined ? '' : String(o.endPort) };
}

const ruleForm = (r: unknown, peersKey: 'from' | 'to'): RuleForm => ({ peers: list(isObj(r) ? r[peersKey] : undefined).map(peerForm), ports: list(isObj(r) ? r.ports : undefined).map(portForm) });

/** The one NetworkPolicy of a manifest, or why the form cannot show it. */
export function readPolicy(text: string): { ok: true; doc: Obj; form: PolicyForm } | { ok: false; reason: string } {
  const docs = parseAllDocuments(text, { uniqueKeys: false });
  const all = (Array.isArray(docs) ? docs : [docs]).filter((d) => d.contents !== null);
  if (all.length !== 1) return { ok: false, reason: 'the form shows a manifest that holds one NetworkPolicy' };
  if (all[0].errors.length) return { ok: false, reason: 'the YAML does not parse' };
  const doc = all[0].toJS() as unknown;
  if (!isObj(doc) || doc.kind !== 'NetworkPolicy') return { ok: false, reason: 'the form shows a manifest that holds one NetworkPolicy' };
  const meta = isObj(doc.metadata) ? doc.metadata : {};
  const spec = isObj(doc.spec) ? doc.spec : {};
  const types = list(spec.policyTypes);
  const form: PolicyForm = {
    name: typeof meta.name === 'string' ? meta.name : '',
    namespace: typeof meta.namespace === 'string' ? meta.namespace : '',
    podSelector: labelsText(spec.podSelector),
    // policyTypes as defaulted: Ingress always, Egress when there are egress rules
    types: types.length ? { Ingress: types.includes('Ingress'), Egress: types.includes('Egress') } : { Ingress: true, Egress: Array.isArray(spec.egress) },
    ingress: list(spec.ingress).map((r) => ruleForm(r, 'from')),
    egress: list(spec.egress).map((r) => ruleForm(r, 'to')),
  };
  return { ok: true, doc, form };
}

/** A selector with the form's labels, keeping its matchExpressions; `{}` when it has neither. */
function selector(old: unknown, text: string): Obj {
  const out: Obj = isObj(old) ? { ...old } : {};
  const labels = parseLabels(text);
  if (Object.keys(labels).length) out.matchLabels = labels;
  else delete out.matchLabels;
  return out;
}

function peerObject(old: unknown, p: PeerForm): Obj {
  const o = isObj(old) ? old : {};
  if (p.kind === 'ipBlock') {
    const except = p.except.split(',').map((s) => s.trim()).filter(Boolean);
    return { ipBlock: except.length ? { cidr: p.cidr, except } : { cidr: p.cidr } };
  }
  const out: Obj = {};
  if (p.kind === 'pods' || p.kind === 'podsInNamespaces') out.podSelector = selector(o.podSelector, p.pods);
  if (p.kind === 'namespaces' || p.kind === 'podsInNamespaces') out.namespaceSelector = selector(o.namespaceSelector, p.namespaces);
  return out;
}

function portObject(p: PortForm): Obj {
  const out: Obj = { protocol: p.protocol };
  const t = p.port.trim();
  if (t !== '') out.port = /^\d+$/.test(t) ? Number(t) : t;
  if (p.endPort.trim() !== '' && /^\d+$/.test(p.endPort.trim())) out.endPort = Number(p.endPort.trim());
  return out;
}

function ruleObject(old: unknown, r: RuleForm, peersKey: 'from' | 'to'): Obj {
  const o = isObj(old) ? { ...old } : {};
  const oldPeers = list(o[peersKey]);
  if (r.peers.length) o[peersKey] = r.peers.map((p, i) => peerObject(oldPeers[i], p));
  else delete o[peersKey];
  if (r.ports.length) o.ports = r.ports.map(portObject);
  else delete o.ports;
  return o;
}

/** The manifest with the form's fields written into the policy (everything else kept). */
export function writePolicy(doc: Obj, f: PolicyForm): string {
  const out: Obj = { ...doc };
  const meta: Obj = isObj(doc.metadata) ? { ...doc.metadata } : {};
  meta.name = f.name;
  if (f.namespace) meta.namespace = f.namespace;
  else delete meta.namespace;
  out.metadata = meta;
  const spec: Obj = isObj(doc.spec) ? { ...doc.spec } : {};
  spec.podSelector = selector(spec.podSelector, f.podSelector);
  spec.policyTypes = (['Ingress', 'Egress'] as const).filter((t) => f.types[t]);
  const oldIn = list(spec.ingress);
  const oldEg = list(spec.egress);
  if (f.types.Ingress && f.ingress.length) spec.ingress = f.ingress.map((r, i) => ruleObject(oldIn[i], r, 'from'));
  else delete spec.ingress;
  if (f.types.Egress && f.egress.length) spec.egress = f.egress.map((r, i) => ruleObject(oldEg[i], r, 'to'));
  else delete spec.egress;
  out.spec = spec;
  return stringify(out);
}

export const emptyPeer = (): PeerForm => ({ kind: 'pods', pods: '', namespaces: '', cidr: '', except: '' });
export const emptyPort = (): PortForm => ({ protocol: 'TCP', port: '', endPort: '' });
export const emptyRule = (): RuleForm => ({ peers: [emptyPeer()], ports: [] });
