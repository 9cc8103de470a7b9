/** kubectl describe networkpolicy (k8s.io/kubectl pkg/describe: describeNetworkPolicy, describeNetworkPolicySpec). */
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '../../../kube/api/types';
import { formatLabelSelector } from '../../../kube/api/selector';
import { CLUSTER_EPOCH_MS, parseTimestamp } from '../../../kube/apiserver/clock';
import { printAnnotationsMultiline, printLabelsMultiline, tabbed, type PrefixWriter } from './writer';

/** metav1.Time printed with %s: Go's time.Time.String() in UTC (`2025-01-01 00:00:05 +0000 UTC`). */
function goTimeString(ts: string | undefined): string {
  const ms = parseTimestamp(ts);
  if (Number.isNaN(ms)) return '0001-01-01 00:00:00 +0000 UTC';
  const d = new Date(CLUSTER_EPOCH_MS + ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000 UTC`;
}

/** `%s` of a *intstr.IntOrString: its value, `<nil>` when unset. */
const intstr = (v: number | string | undefined | null): string => (v === undefined || v === null ? '<nil>' : String(v));

const INDENT = '    ';

function printPorts(w: PrefixWriter, ports: NetworkPolicyPort[] | undefined): void {
  if (!ports?.length) {
    w.write(0, `${INDENT}To Port: <any> (traffic allowed to all ports)\n`);
    return;
  }
  for (const p of ports) {
    const proto = p.protocol ?? 'TCP';
    if (p.endPort === undefined) w.write(0, `${INDENT}To Port: ${intstr(p.port)}/${proto}\n`);
    else w.write(0, `${INDENT}To Port Range: ${intstr(p.port)}-${p.endPort}/${proto}\n`);
  }
}

function printPeers(w: PrefixWriter, peers: NetworkPolicyPeer[] | undefined, word: 'From' | 'To'): void {
  if (!peers?.length) {
    w.write(0, `${INDENT}${word}: <any> (traffic not restricted by ${word === 'From' ? 'source' : 'destination'})\n`);
    return;
  }
  for (const peer of peers) {
    w.write(0, `${INDENT}${word}:\n`);
    if (peer.podSelector && peer.namespaceSelector) {
      w.write(1, `${INDENT}NamespaceSelector: ${formatLabelSelector(peer.namespaceSelector)}\n`);
      w.write(1, `${INDENT}PodSelector: ${formatLabelSelector(peer.podSelector)}\n`);
    } else if (peer.podSelector) w.write(1, `${INDENT}PodSelector: ${formatLabelSelector(peer.podSelector)}\n`);
    else if (peer.namespaceSelector) w.write(1, `${INDENT}NamespaceSelector: ${formatLabelSelector(peer.namespaceSelector)}\n`);
    else if (peer.ipBlock) {
      w.write(1, `${INDENT}IPBlock:\n`);
      w.write(2, `${INDENT}CIDR: ${peer.ipBlock.cidr}\n`);
      w.write(2, `${INDENT}Except: ${(peer.ipBlock.except ?? []).join(', ')}\n`);
    }
  }
}

function printRules(w: PrefixWriter, rules: { ports?: NetworkPolicyPort[]; from?: NetworkPolicyPeer[]; to?: NetworkPolicyPeer[] }[] | undefined, direction: 'ingress' | 'egress'): void {
  if (!rules?.length) {
    w.write(0, `${INDENT}<none> (Selected pods are isolated for ${direction} connectivity)\n`);
    return;
  }
  rules.forEach((r, i) => {
    printPorts(w, r.ports);
    printPeers(w, direction === 'ingress' ? r.from : r.to, direction === 'ingress' ? 'From' : 'To');
    if (i !== rules.length - 1) w.write(0, `${INDENT}----------\n`);
  });
}

export function describeNetworkPolicy(np: NetworkPolicy): string {
  return tabbed((w) => {
    const s = np.spec;
    w.write(0, `Name:\t${np.metadata.name}\n`);
    w.write(0, `Namespace:\t${np.metadata.namespace}\n`);
    w.write(0, `Created on:\t${goTimeString(np.metadata.creationTimestamp)}\n`);
    printLabelsMultiline(w, 'Labels', np.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', np.metadata.annotations);
    w.write(0, 'Spec:\n');
    w.write(1, 'PodSelector: ');
    const sel = s.podSelector ?? {};
    if (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length) w.write(2, '<none> (Allowing the specific traffic to all pods in this namespace)\n');
    else w.write(2, `${formatLabelSelector(sel)}\n`);
    const types = s.policyTypes ?? [];
    if (types.includes('Ingress')) {
      w.write(1, 'Allowing ingress traffic:\n');
      printRules(w, s.ingress, 'ingress');
    } else w.write(1, 'Not affecting ingress traffic\n');
    if (types.includes('Egress')) {
      w.write(1, 'Allowing egress traffic:\n');
      printRules(w, s.egress, 'egress');
    } else w.write(1, 'Not affecting egress traffic\n');
    w.write(1, `Policy Types: ${types.join(', ')}\n`);
  });
}
