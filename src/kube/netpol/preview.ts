/**
 * What a policy does, before it is applied: the pods it selects (its namespace's pods matching
 * podSelector, per policyType) and, for each rule, the pods its peers admit (or "anyone" for a
 * rule without peers) and the address blocks it names. For an editor that shows, as you type,
 * whom a policy isolates and whom each rule lets through.
 */
import type { NetworkPolicy, NetworkPolicyPeer } from '../api/types';
import { peerMatches, type Direction } from './evaluate';
import { ruleText } from './explain';
import { podKey, policyKey, policyTypesOf, type PolicyView } from './view';

export interface RulePreview {
  direction: Direction;
  /** 0-based */
  index: number;
  /** "TCP 80 from y/pod=a" */
  text: string;
  /** a rule without peers admits every source (ingress) or destination (egress) */
  anyone: boolean;
  /** `namespace/name` of the pods its peers name */
  pods: string[];
  /** the ipBlocks it names, as "CIDR except A, B" */
  blocks: string[];
}

export interface PolicyPreview {
  /** `namespace/name` */
  policy: string;
  types: ('Ingress' | 'Egress')[];
  /** the pods it isolates, `namespace/name` */
  selects: string[];
  rules: RulePreview[];
}

const peersOf = (rule: object, d: Direction): NetworkPolicyPeer[] | undefined => (d === 'ingress' ? (rule as { from?: NetworkPolicyPeer[] }).from : (rule as { to?: NetworkPolicyPeer[] }).to);

export function previewPolicy(view: PolicyView, np: NetworkPolicy): PolicyPreview {
  const ns = np.metadata.namespace ?? 'default';
  const sel = np.spec.podSelector ?? {};
  const selects = view.pods.filter((p) => p.namespace === ns && view.matches(sel, p, p.labels)).map(podKey).sort();
  const types = policyTypesOf(np);
  const rules: RulePreview[] = [];
  for (const direction of ['ingress', 'egress'] as const) {
    if (!types.includes(direction === 'ingress' ? 'Ingress' : 'Egress')) continue;
    (direction === 'ingress' ? (np.spec.ingress ?? []) : (np.spec.egress ?? [])).forEach((rule, index) => {
      const peers = peersOf(rule, direction);
      const anyone = !peers || peers.length === 0;
      const pods = anyone ? [] : view.pods.filter((p) => peers.some((peer) => peerMatches(view, peer, ns, { kind: 'pod', pod: p }))).map(podKey).sort();
      const blocks = (peers ?? []).filter((p) => p.ipBlock).map((p) => (p.ipBlock!.except?.length ? `${p.ipBlock!.cidr} except ${p.ipBlock!.except.join(', ')}` : p.ipBlock!.cidr));
      rules.push({ direction, index, text: ruleText(np, direction, index), anyone, pods, blocks });
    });
  }
  return { policy: policyKey(np), types, selects, rules };
}
