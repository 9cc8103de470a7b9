/**
 * Verdicts in words, the way the trace and the explain command say them:
 * "x/a egress: allowed by policy x/allow-dns rule 1 (UDP 53 to kube-system/k8s-app=kube-dns)",
 * "y/b ingress: isolated by policies y/deny-all, y/allow-from-x; no rule matched → DROP".
 * Rules are numbered from 1, as people count them.
 */
import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '../api/types';
import { formatLabelSelector, isEmptySelector } from '../api/selector';
import type { Direction, DirectionVerdict, Verdict } from './evaluate';
import { podKey, policyKey } from './view';

const NS_NAME_LABEL = 'kubernetes.io/metadata.name';

/** A namespaceSelector that names exactly one namespace by its immutable name label. */
function singleNamespace(sel: LabelSelector): string | undefined {
  const keys = Object.keys(sel.matchLabels ?? {});
  return keys.length === 1 && keys[0] === NS_NAME_LABEL && !(sel.matchExpressions ?? []).length ? sel.matchLabels![NS_NAME_LABEL] : undefined;
}

const podsText = (sel: LabelSelector | undefined): string => (!sel || isEmptySelector(sel) ? '*' : formatLabelSelector(sel));

export function peerText(peer: NetworkPolicyPeer, policyNs: string): string {
  if (peer.ipBlock) return peer.ipBlock.except?.length ? `${peer.ipBlock.cidr} except ${peer.ipBlock.except.join(', ')}` : peer.ipBlock.cidr;
  if (!peer.namespaceSelector) return `${policyNs}/${podsText(peer.podSelector)}`;
  const one = singleNamespace(peer.namespaceSelector);
  if (one !== undefined) return `${one}/${podsText(peer.podSelector)}`;
  const nss = isEmptySelector(peer.namespaceSelector) ? 'all namespaces' : `namespaces ${formatLabelSelector(peer.namespaceSelector)}`;
  return peer.podSelector ? `pods ${podsText(peer.podSelector)} in ${nss}` : `every pod in ${nss}`;
}

export function portText(p: NetworkPolicyPort): string {
  const proto = p.protocol ?? 'TCP';
  if (p.port === undefined || p.port === null) return `${proto} any port`;
  return typeof p.port === 'number' && p.endPort !== undefined ? `${proto} ${p.port}-${p.endPort}` : `${proto} ${p.port}`;
}

/** "UDP 53 to kube-system/k8s-app=kube-dns", "any port from anywhere" */
export function ruleText(np: NetworkPolicy, direction: Direction, index: number): string {
  const ns = np.metadata.namespace ?? 'default';
  const rule = direction === 'ingress' ? np.spec.ingress?.[index] : np.spec.egress?.[index];
  if (!rule) return '';
  const peers = direction === 'ingress' ? (rule as { from?: NetworkPolicyPeer[] }).from : (rule as { to?: NetworkPolicyPeer[] }).to;
  const ports = rule.ports?.length ? rule.ports.map(portText).join(', ') : 'any port';
  const where = peers?.length ? peers.map((p) => peerText(p, ns)).join(' or ') : 'anywhere';
  return `${ports} ${direction === 'ingress' ? 'from' : 'to'} ${where}`;
}

const policyList = (ps: NetworkPolicy[]): string => `${ps.length === 1 ? 'policy' : 'policies'} ${ps.map(policyKey).join(', ')}`;

/** One direction's sentence, prefixed with the pod it is about. */
export function directionText(d: DirectionVerdict): string {
  const who = d.pod ? `${podKey(d.pod)} ${d.direction}` : d.direction;
  switch (d.reason) {
    case 'not-a-pod':
      return `${d.direction}: not a pod, no policy applies`;
    case 'not-isolated':
      return `${who}: not isolated (no policy of ${d.pod!.namespace} selects it for ${d.direction}) → allowed`;
    case 'loopback':
      return `${who}: the pod talking to itself never leaves its network namespace → allowed`;
    case 'own-node':
      return `${who}: isolated by ${policyList(d.policies)}; traffic from the pod's own node is always allowed`;
    case 'rule': {
      const by = d.allowedBy!;
      return `${who}: allowed by policy ${policyKey(by.policy)} rule ${by.rule + 1} (${ruleText(by.policy, by.direction, by.rule)})`;
    }
    case 'no-rule':
      return `${who}: isolated by ${policyList(d.policies)}; no rule matched → DROP`;
  }
}

export function verdictText(v: Verdict): string[] {
  return [directionText(v.egress), directionText(v.ingress)];
}
