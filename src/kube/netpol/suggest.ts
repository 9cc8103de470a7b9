/**
 * The smallest change that would let a denied connection through, for each direction that denies
 * it: a peer added to a rule whose ports already fit, a port added to a rule whose peers already
 * fit, or (when no selecting policy comes close) a new policy admitting exactly this connection.
 * Every candidate is tried on a "what if" view; among those that allow the connection, the one
 * that opens the fewest other pod pairs on the same port wins. Each change is also a JSON patch
 * (or a manifest) that kubectl applies, and its inverse, so it can be undone.
 */
import type { Labels, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '../api/types';
import { evaluate, judgeDirection, type Connection, type Direction, type Endpoint } from './evaluate';
import { peerText, portText, ruleText } from './explain';
import { podKey, policyKey, type PodInfo, type PolicyView } from './view';

const NS_NAME_LABEL = 'kubernetes.io/metadata.name';

export type Change =
  | { kind: 'add-peer'; policy: NetworkPolicy; direction: Direction; rule: number; peer: NetworkPolicyPeer }
  | { kind: 'add-port'; policy: NetworkPolicy; direction: Direction; rule: number; port: NetworkPolicyPort }
  | { kind: 'create'; policy: NetworkPolicy };

export interface Suggestion {
  /** the direction that denied the connection, which the change opens */
  direction: Direction;
  change: Change;
  /** one sentence */
  text: string;
  /** `kubectl patch networkpolicy NAME -n NS --type=json -p '…'` or `kubectl apply -f -` with `manifest` */
  command: string;
  /** the JSON for `kubectl apply -f -` (create) */
  manifest?: string;
  /** the command that takes the change back */
  undo: string;
  /** other pod pairs (same port and protocol) the change would also open */
  alsoOpens: number;
}

/** A pod's labels without the ones controllers stamp on every replica's pod differently. */
const stableLabels = (l: Labels): Labels => Object.fromEntries(Object.entries(l).filter(([k]) => k !== 'pod-template-hash' && k !== 'controller-revision-hash'));

/** The narrowest peer naming this endpoint, seen from a policy in `policyNs`. */
export function peerFor(e: Endpoint, policyNs: string): NetworkPolicyPeer {
  if (e.kind === 'ip') return { ipBlock: { cidr: `${e.ip}/32` } };
  const podSelector = { matchLabels: stableLabels(e.pod.labels) };
  return e.pod.namespace === policyNs ? { podSelector } : { namespaceSelector: { matchLabels: { [NS_NAME_LABEL]: e.pod.namespace } }, podSelector };
}

const rulesOf = (np: NetworkPolicy, d: Direction) => (d === 'ingress' ? np.spec.ingress : np.spec.egress) ?? [];

function applyChange(np: NetworkPolicy, c: Change): NetworkPolicy {
  const copy = structuredClone(np);
  if (c.kind === 'create') return copy;
  const rule = rulesOf(copy, c.direction)[c.rule] as { from?: NetworkPolicyPeer[]; to?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] };
  if (c.kind === 'add-peer') {
    const key = c.direction === 'ingress' ? 'from' : 'to';
    (rule[key] ??= []).push(c.peer);
  } else (rule.ports ??= []).push(c.port);
  return copy;
}

function dnsLabel(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 63)
      .replace(/-+$/, '') || 'allow'
  );
}

const endpointName = (e: Endpoint): string => (e.kind === 'pod' ? e.pod.name : e.ip);

/** A policy of the pod's namespace that admits exactly this connection in this direction. */
function newPolicy(c: Connection, d: Direction): NetworkPolicy {
  const self = (d === 'ingress' ? c.dst : c.src) as Extract<Endpoint, { kind: 'pod' }>;
  const other = d === 'ingress' ? c.src : c.dst;
  const ns = self.pod.namespace;
  const rule = { ports: [{ protocol: c.protocol, port: c.port }], [d === 'ingress' ? 'from' : 'to']: [peerFor(other, ns)] };
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: dnsLabel(`allow-${d}-${endpointName(c.src)}-to-${endpointName(c.dst)}-${c.protocol}-${c.port}`), namespace: ns },
    spec: { podSelector: { matchLabels: stableLabels(self.pod.labels) }, ...(d === 'ingress' ? { ingress: [rule] } : { egress: [rule] }), policyTypes: [d === 'ingress' ? 'Ingress' : 'Egress'] },
  };
}

function candidates(view: PolicyView, c: Connection, d: Direction): Change[] {
  const self = d === 'ingress' ? c.dst : c.src;
  if (self.kind !== 'pod') return [];
  const other = d === 'ingress' ? c.src : c.dst;
  const out: Change[] = [];
  const port: NetworkPolicyPort = { protocol: c.protocol, port: c.port };
  for (const np of view.policiesFor(self.pod)[d]) {
    rulesOf(np, d).forEach((_, i) => {
      out.push({ kind: 'add-peer', policy: np, direction: d, rule: i, peer: peerFor(other, np.metadata.namespace ?? 'default') });
      out.push({ kind: 'add-port', policy: np, direction: d, rule: i, port });
    });
  }
  out.push({ kind: 'create', policy: newPolicy(c, d) });
  return out;
}

function whatIf(view: PolicyView, ch: Change): PolicyView {
  if (ch.kind === 'create') return view.withPolicies([...view.policies, ch.policy]);
  const key = policyKey(ch.policy);
  return view.withPolicies(view.policies.map((p) => (policyKey(p) === key ? applyChange(p, ch) : p)));
}

/**
 * How many pod pairs other than the connection's own the change opens in this direction: the
 * changed (or new) policy only affects the pods it selects, so those against every pod.
 */
function opened(before: PolicyView, after: PolicyView, ch: Change, c: Connection, d: Direction): number {
  const key = policyKey(ch.policy);
  const self = d === 'ingress' ? c.dst : c.src;
  const other = d === 'ingress' ? c.src : c.dst;
  let n = 0;
  for (const t of after.pods) {
    if (!after.policiesFor(t)[d].some((q) => policyKey(q) === key)) continue;
    const t0 = before.pod(t.namespace, t.name)!;
    for (const p of after.pods) {
      if (p === t || (self.kind === 'pod' && other.kind === 'pod' && podKey(t) === podKey(self.pod) && podKey(p) === podKey(other.pod))) continue;
      const p0 = before.pod(p.namespace, p.name)!;
      const conn = (me: PodInfo, them: PodInfo): Connection => (d === 'ingress' ? { src: { kind: 'pod', pod: them }, dst: { kind: 'pod', pod: me }, port: c.port, protocol: c.protocol } : { src: { kind: 'pod', pod: me }, dst: { kind: 'pod', pod: them }, port: c.port, protocol: c.protocol });
      if (judgeDirection(after, conn(t, p), d).allowed && !judgeDirection(before, conn(t0, p0), d).allowed) n++;
    }
  }
  return n;
}

const jsonPatch = (ops: unknown[]): string => `'${JSON.stringify(ops)}'`;

function describeChange(ch: Change, alsoOpens: number): Pick<Suggestion, 'text' | 'command' | 'undo' | 'manifest'> {
  const more = alsoOpens ? ` (it also opens ${alsoOpens} other pod pair${alsoOpens === 1 ? '' : 's'})` : '';
  if (ch.kind === 'create') {
    const np = ch.policy;
    const manifest = JSON.stringify(np, null, 2);
    return {
      text: `create policy ${policyKey(np)} allowing ${np.spec.ingress ? 'ingress' : 'egress'} ${ruleText(np, np.spec.ingress ? 'ingress' : 'egress', 0)}${more}`,
      command: 'kubectl apply -f -',
      manifest,
      undo: `kubectl delete networkpolicy ${np.metadata.name} -n ${np.metadata.namespace}`,
    };
  }
  const np = ch.policy;
  const list = ch.kind === 'add-peer' ? (ch.direction === 'ingress' ? 'from' : 'to') : 'ports';
  const rule = rulesOf(np, ch.direction)[ch.rule] as Record<string, unknown[] | undefined>;
  const existing = rule[list];
  const base = `/spec/${ch.direction}/${ch.rule}/${list}`;
  const value = ch.kind === 'add-peer' ? ch.peer : ch.port;
  // a missing list means "all": adding to it must create it, and undoing must remove it again
  const op = existing === undefined ? { op: 'add', path: base, value: [value] } : { op: 'add', path: `${base}/-`, value };
  const undo = existing === undefined ? { op: 'remove', path: base } : { op: 'remove', path: `${base}/${existing.length}` };
  const what = ch.kind === 'add-peer' ? `peer ${peerText(ch.peer, np.metadata.namespace ?? 'default')}` : `port ${portText(ch.port)}`;
  const patch = (ops: unknown[]) => `kubectl patch networkpolicy ${np.metadata.name} -n ${np.metadata.namespace} --type=json -p ${jsonPatch(ops)}`;
  return { text: `add ${what} to policy ${policyKey(np)} ${ch.direction} rule ${ch.rule + 1}${more}`, command: patch([op]), undo: patch([undo]) };
}

/** For each direction that denies the connection, the best change (none when it is allowed). */
export function suggest(view: PolicyView, c: Connection): Suggestion[] {
  const v = evaluate(view, c);
  const out: Suggestion[] = [];
  for (const d of ['egress', 'ingress'] as const) {
    if (v[d].allowed) continue;
    let best: { ch: Change; n: number } | undefined;
    for (const ch of candidates(view, c, d)) {
      const after = whatIf(view, ch);
      const self = d === 'ingress' ? c.dst : c.src;
      const other = d === 'ingress' ? c.src : c.dst;
      const remap = (e: Endpoint): Endpoint => (e.kind === 'pod' ? { kind: 'pod', pod: after.pod(e.pod.namespace, e.pod.name)! } : e);
      const conn: Connection = d === 'ingress' ? { ...c, src: remap(other), dst: remap(self) } : { ...c, src: remap(self), dst: remap(other) };
      if (!judgeDirection(after, conn, d).allowed) continue;
      // an edit of an existing rule is a smaller change than a new policy; among equals, the one opening least
      const n = opened(view, after, ch, c, d);
      const rank = (x: { ch: Change; n: number }) => (x.ch.kind === 'create' ? 1e9 : 0) + x.n;
      if (!best || rank({ ch, n }) < rank(best)) best = { ch, n };
    }
    if (best) out.push({ direction: d, change: best.ch, alsoOpens: best.n, ...describeChange(best.ch, best.n) });
  }
  return out;
}
