/**
 * `istioctl analyze`'s analyzers (pkg/config/analysis/analyzers) for the mistakes a lab makes,
 * with their message codes and words (pkg/config/analysis/msg/messages.yaml): a VirtualService
 * naming a host or subset that does not exist (IST0101), a namespace without injection (IST0102),
 * a pod that should have a sidecar but has none (IST0103) — the ones STRICT mTLS refuses.
 */
import type { Namespace, Pod } from '../api/types';
import type { Cluster } from '../cluster';
import { meshOf } from './mesh';
import { hasSidecar, INJECT_LABEL } from './inject';
import { ISTIO_NAMESPACE } from './install';
import type { VirtualService } from './types';

export type Level = 'Error' | 'Warning' | 'Info';

export interface AnalysisMessage {
  level: Level;
  code: string;
  /** `VirtualService default/reviews` */
  resource: string;
  text: string;
}

const SKIPPED = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage', ISTIO_NAMESPACE]);

function referencedHosts(cluster: Cluster, vs: VirtualService, out: AnalysisMessage[]): void {
  const cat = meshOf(cluster).catalog;
  const ns = vs.metadata.namespace!;
  const resource = `VirtualService ${ns}/${vs.metadata.name}`;
  for (const rule of vs.spec.http ?? [])
    for (const rd of rule.route ?? []) {
      const d = rd.destination;
      if (!d?.host) continue;
      const fqdn = cat.resolveHost(d.host, ns);
      if (!cat.byFqdn(fqdn)) {
        out.push({ level: 'Error', code: 'IST0101', resource, text: `Referenced host not found: ${JSON.stringify(d.host)}` });
        continue;
      }
      if (d.subset && !cat.destinationRule(fqdn, ns)?.spec.subsets?.some((s) => s.name === d.subset))
        out.push({ level: 'Error', code: 'IST0101', resource, text: `Referenced host+subset in destinationrule not found: ${JSON.stringify(`${d.host}+${d.subset}`)}` });
    }
}

/** The messages for one namespace, or all of them. */
export function analyze(cluster: Cluster, namespace: string | undefined): AnalysisMessage[] {
  const store = cluster.store;
  const out: AnalysisMessage[] = [];
  for (const vs of store.list<VirtualService>('VirtualService', namespace)) referencedHosts(cluster, vs, out);
  const namespaces = store.list<Namespace>('Namespace').filter((n) => !SKIPPED.has(n.metadata.name) && (namespace === undefined || n.metadata.name === namespace));
  for (const n of namespaces) {
    const inj = n.metadata.labels?.['istio-injection'];
    if (inj === undefined && n.metadata.labels?.['istio.io/rev'] === undefined) {
      out.push({
        level: 'Info',
        code: 'IST0102',
        resource: `Namespace ${n.metadata.name}`,
        text: `The namespace is not enabled for Istio injection. Run 'kubectl label namespace ${n.metadata.name} istio-injection=enabled' to enable it, or 'kubectl label namespace ${n.metadata.name} istio-injection=disabled' to explicitly mark it as not needing injection.`,
      });
      continue;
    }
    if (inj !== 'enabled') continue;
    for (const p of store.list<Pod>('Pod', n.metadata.name)) {
      if (hasSidecar(p) || p.spec.hostNetwork || p.metadata.labels?.[INJECT_LABEL] === 'false' || p.metadata.annotations?.[INJECT_LABEL] === 'false') continue;
      const name = `${p.metadata.namespace}/${p.metadata.name}`;
      out.push({ level: 'Warning', code: 'IST0103', resource: `Pod ${name}`, text: `The pod ${name} is missing the Istio proxy. This can often be resolved by restarting or redeploying the workload.` });
    }
  }
  const rank: Record<Level, number> = { Error: 0, Warning: 1, Info: 2 };
  return out.sort((a, b) => rank[a.level] - rank[b.level] || a.code.localeCompare(b.code) || a.resource.localeCompare(b.resource));
}
