/**
 * What the policy views of the app ask, as plain functions over a PolicyView (no store, no UI):
 *
 * - `policyMatrix`: the pods × pods truth table on one port and protocol (upstream's e2e view),
 *   each cell with its verdict, so a cell can explain itself;
 * - `matrixDiff`: the same table before and after a set of policies being edited, and the cells
 *   that change, before anything is applied;
 * - `selectionPreview`: which pods a policy being edited selects per direction, and which pods
 *   (or address blocks) and ports each of its rules admits;
 * - `suggestionSteps`: a suggested fix as the command lines that apply it and undo it.
 */
import type { NetworkPolicy, NetworkPolicyPeer, Protocol } from '../api/types';
import { evaluate, peerMatches, type Verdict } from './evaluate';
import { peerText, portText } from './explain';
import type { Suggestion } from './suggest';
import { podKey, policyKey, policyTypesOf, type PodInfo, type PolicyView } from './view';

export interface MatrixCell {
  allowed: boolean;
  verdict: Verdict;
}

export interface PolicyMatrix {
  port: number;
  protocol: Protocol;
  /** rows and columns, sorted by namespace/name */
  pods: PodInfo[];
  /** cells[from][to] */
  cells: MatrixCell[][];
}

const byKey = (a: PodInfo, b: PodInfo) => podKey(a).localeCompare(podKey(b));

/** The truth table of every pod (or those of `namespaces`) to every pod on one port. */
export function policyMatrix(view: PolicyView, port: number, protocol: Protocol, namespaces?: readonly string[]): PolicyMatrix {
  const pods = view.pods.filter((p) => !namespaces || namespaces.includes(p.namespace)).sort(byKey);
  const cells = pods.map((from) =>
    pods.map((to) => {
      const verdict = evaluate(view, { src: { kind: 'pod', pod: from }, dst: { kind: 'pod', pod: to }, port, protocol });
      return { allowed: verdict.allowed, verdict };
    }),
  );
  return { port, protocol, pods, cells };
}

/** The matrix in upstream's text (`.` allowed, `X` denied), for logs and tests. */
export function matrixText(m: PolicyMatrix): string {
  const rows = [['-', ...m.pods.map(podKey)].join('\t')];
  m.pods.forEach((from, i) => rows.push([podKey(from), ...m.cells[i].map((c) => (c.allowed ? '.' : 'X'))].join('\t')));
  return rows.join('\n');
}

export interface CellChange {
  from: string;
  to: string;
  before: boolean;
  after: boolean;
}

export interface MatrixDiff {
  before: PolicyMatrix;
  after: PolicyMatrix;
  /** the cells whose verdict differs, row by row */
  changed: CellChange[];
}

/** The matrix under the policies as they are and under `policies` instead (nothing is applied). */
export function matrixDiff(view: PolicyView, policies: NetworkPolicy[], port: number, protocol: Protocol, namespaces?: readonly string[]): MatrixDiff {
  const before = policyMatrix(view, port, protocol, namespaces);
  const after = policyMatrix(view.withPolicies(policies), port, protocol, namespaces);
  const changed: CellChange[] = [];
  before.pods.forEach((from, i) =>
    before.pods.forEach((to, j) => {
      const b = before.cells[i][j].allowed;
      const a = after.cells[i][j].allowed;
      if (a !== b) changed.push({ from: podKey(from), to: podKey(to), before: b, after: a });
    }),
  );
  return { before, after, changed };
}

/** The same policies with one replaced (matched by namespace/name) or added: the editor's draft. */
export function withDraft(policies: readonly NetworkPolicy[], draft: NetworkPolicy): NetworkPolicy[] {
  const key = policyKey(draft);
  const out = policies.filter((p) => policyKey(p) !== key);
  out.push(draft);
  return out;
}

export interface RulePreview {
  direction: 'ingress' | 'egress';
  /** 0-based */
  index: number;
  /** each peer in words, with the pods it names now ("anywhere" when the rule lists none) */
  peers: { text: string; pods: string[] }[];
  /** each port in words ("any port" when the rule lists none) */
  ports: string[];
}

export interface SelectionPreview {
  /** the pods of the policy's namespace it selects, for the directions it isolates */
  selected: { ingress: string[]; egress: string[] };
  rules: RulePreview[];
}

/** As the policy being edited reads against the cluster now: whom it isolates, whom each rule admits. */
export function selectionPreview(view: PolicyView, np: NetworkPolicy): SelectionPreview {
  const ns = np.metadata.namespace ?? 'default';
  const types = policyTypesOf(np);
  const selected = view
    .podsIn(ns)
    .filter((p) => view.matches(np.spec.podSelector ?? {}, p, p.labels))
    .sort(byKey)
    .map(podKey);
  const rules: RulePreview[] = [];
  for (const direction of ['ingress', 'egress'] as const) {
    (np.spec[direction] ?? []).forEach((r, index) => {
      const list = direction === 'ingress' ? (r as { from?: NetworkPolicyPeer[] }).from : (r as { to?: NetworkPolicyPeer[] }).to;
      const peers = list?.length
        ? list.map((peer) => ({ text: peerText(peer, ns), pods: view.pods.filter((p) => peerMatches(view, peer, ns, { kind: 'pod', pod: p })).sort(byKey).map(podKey) }))
        : [{ text: 'anywhere', pods: [...view.pods].sort(byKey).map(podKey) }];
      rules.push({ direction, index, peers, ports: r.ports?.length ? r.ports.map(portText) : ['any port'] });
    });
  }
  return { selected: { ingress: types.includes('Ingress') ? selected : [], egress: types.includes('Egress') ? selected : [] }, rules };
}

export interface CommandStep {
  run: string;
  stdin?: string;
}

/** A suggestion as the commands that apply it and take it back (run on any node). */
export function suggestionSteps(s: Suggestion): { apply: CommandStep; undo: CommandStep } {
  return { apply: s.manifest !== undefined ? { run: s.command, stdin: s.manifest } : { run: s.command }, undo: { run: s.undo } };
}
