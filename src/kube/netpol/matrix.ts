/**
 * The reachability matrix the upstream e2e suite prints (pods × pods on one port and protocol,
 * `.` connected, `X` not), as data for the UI, and the same matrix with a policy being edited:
 * which cells it would change, before anything is applied. Both only read a PolicyView.
 */
import type { NetworkPolicy, Protocol } from '../api/types';
import { evaluate } from './evaluate';
import { podKey, policyKey, type PodInfo, type PolicyView } from './view';

export interface Matrix {
  /** the rows and the columns, sorted by namespace/name */
  pods: PodInfo[];
  port: number;
  protocol: Protocol;
  /** allowed[i][j]: may pods[i] open a new connection to pods[j]? */
  allowed: boolean[][];
}

/** The pods of these namespaces (all when omitted), in the order the matrix shows them. */
export function matrixPods(view: PolicyView, namespaces?: readonly string[]): PodInfo[] {
  return view.pods.filter((p) => !namespaces || namespaces.includes(p.namespace)).sort((a, b) => podKey(a).localeCompare(podKey(b)));
}

export function reachabilityMatrix(view: PolicyView, pods: PodInfo[], port: number, protocol: Protocol): Matrix {
  // the view's own PodInfo objects carry its selector caches: look each pod up in this view
  const here = pods.map((p) => view.pod(p.namespace, p.name) ?? p);
  const allowed = here.map((src) => here.map((dst) => evaluate(view, { src: { kind: 'pod', pod: src }, dst: { kind: 'pod', pod: dst }, port, protocol }).allowed));
  return { pods: here, port, protocol, allowed };
}

/** The view with these policies applied: each replaces the policy of the same namespace/name, or is added. */
export function withEdited(view: PolicyView, edited: NetworkPolicy[]): PolicyView {
  const keys = new Set(edited.map(policyKey));
  return view.withPolicies([...view.policies.filter((p) => !keys.has(policyKey(p))), ...edited]);
}

export interface MatrixDiff {
  before: Matrix;
  after: Matrix;
  /** [row, column] of every cell the edit changes */
  changed: [number, number][];
}

/** The matrix now and with the edited policies, and the cells that differ. */
export function matrixDiff(view: PolicyView, edited: NetworkPolicy[], pods: PodInfo[], port: number, protocol: Protocol): MatrixDiff {
  const before = reachabilityMatrix(view, pods, port, protocol);
  const after = reachabilityMatrix(withEdited(view, edited), pods, port, protocol);
  const changed: [number, number][] = [];
  before.allowed.forEach((row, i) => row.forEach((v, j) => v !== after.allowed[i][j] && changed.push([i, j])));
  return { before, after, changed };
}
