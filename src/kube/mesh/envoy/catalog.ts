/**
 * What istiod pushes to a sidecar, read from the API store when it is needed: Services and their
 * ports as Envoy clusters (`outbound|PORT|SUBSET|FQDN`), their endpoints (ready EndpointSlice
 * addresses, with each pod's labels for subsets and whether it has a sidecar), and the Istio
 * resources that apply to a host or a workload, found as istiod finds them (the client's
 * namespace first, then the host's, then the root namespace istio-system).
 */
import type { EndpointSlice, Labels, Pod, Service, ServicePort } from '../../api/types';
import type { Cluster } from '../../cluster';
import type { AuthorizationPolicy, DestinationRule, MtlsMode, PeerAuthentication, VirtualService } from '../types';
import { hasSidecar } from '../inject';
import { ISTIO_NAMESPACE } from '../install';

export interface MeshService {
  svc: Service;
  fqdn: string;
  namespace: string;
}

export interface MeshEndpoint {
  ip: string;
  port: number;
  pod: Pod | undefined;
  labels: Labels;
  /** the pod has a sidecar (auto mTLS sends it mutual TLS) */
  sidecar: boolean;
}

const clusterName = (port: number, subset: string, fqdn: string) => `outbound|${port}|${subset}|${fqdn}`;
export { clusterName };

const byCreation = <T extends { metadata: { creationTimestamp?: string; name: string } }>(a: T, b: T) =>
  (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || a.metadata.name.localeCompare(b.metadata.name);

const selects = (sel: Labels | undefined, labels: Labels): boolean => Object.entries(sel ?? {}).every(([k, v]) => labels[k] === v);

export class MeshCatalog {
  constructor(readonly cluster: Cluster) {}

  get domain(): string {
    return this.cluster.config.clusterDomain;
  }

  fqdnOf(name: string, namespace: string): string {
    return `${name}.${namespace}.svc.${this.domain}`;
  }

  /** A host as a rule in `namespace` names it: a short name is that namespace's Service. */
  resolveHost(host: string, namespace: string): string {
    if (host.includes('*')) return host;
    const parts = host.split('.');
    if (parts.length === 1) return this.fqdnOf(host, namespace);
    if (parts.length === 2) return this.fqdnOf(parts[0], parts[1]);
    if (parts.length === 3 && parts[2] === 'svc') return this.fqdnOf(parts[0], parts[1]);
    return host;
  }

  /** Does a rule's host (resolved) cover this FQDN? (exact, or a `*.suffix` wildcard) */
  hostMatches(ruleHost: string, namespace: string, fqdn: string): boolean {
    const h = this.resolveHost(ruleHost, namespace);
    if (h === '*') return true;
    if (h.startsWith('*')) return fqdn.endsWith(h.slice(1));
    return h === fqdn;
  }

  services(): MeshService[] {
    return this.cluster.store.list<Service>('Service').map((svc) => ({ svc, fqdn: this.fqdnOf(svc.metadata.name, svc.metadata.namespace!), namespace: svc.metadata.namespace! }));
  }

  byFqdn(fqdn: string): MeshService | undefined {
    return this.services().find((s) => s.fqdn === fqdn);
  }

  /** The Service behind a ClusterIP and port (what the app dialled, kept by the REDIRECT). */
  byAddress(ip: string, port: number): { ms: MeshService; port: ServicePort } | undefined {
    for (const ms of this.services()) {
      if (!(ms.svc.spec.clusterIPs ?? [ms.svc.spec.clusterIP]).includes(ip)) continue;
      const p = (ms.svc.spec.ports ?? []).find((x) => x.port === port && (x.protocol ?? 'TCP') === 'TCP');
      if (p) return { ms, port: p };
    }
    return undefined;
  }

  /** A Host header's Service, as the sidecar's virtual hosts list its domains. */
  byAuthority(authority: string, clientNs: string, port: number): { ms: MeshService; port: ServicePort } | undefined {
    const [host, p] = authority.split(':');
    const wantPort = p ? Number(p) : port;
    const fqdn = this.resolveHost(host.replace(/\.$/, '').replace(new RegExp(`\\.svc\\.${this.domain.replace(/\./g, '\\.')}$`), '.svc'), clientNs);
    const ms = this.byFqdn(fqdn);
    const sp = ms?.svc.spec.ports?.find((x) => x.port === wantPort);
    return ms && sp ? { ms, port: sp } : undefined;
  }

  podByIp(ip: string): Pod | undefined {
    return this.cluster.store.list<Pod>('Pod').find((p) => p.status?.podIP === ip && !p.spec.hostNetwork);
  }

  /** The ready endpoints of a Service port (its EndpointSlices), with the labels subsets select on. */
  endpoints(ms: MeshService, sp: ServicePort): MeshEndpoint[] {
    const out: MeshEndpoint[] = [];
    for (const es of this.cluster.store.list<EndpointSlice>('EndpointSlice', ms.namespace)) {
      if (es.metadata.labels?.['kubernetes.io/service-name'] !== ms.svc.metadata.name) continue;
      const port = (es.ports ?? []).find((x) => (x.name ?? '') === (sp.name ?? ''))?.port;
      if (port === undefined || port === null) continue;
      for (const ep of es.endpoints ?? []) {
        if (ep.conditions?.ready === false) continue;
        const pod = ep.targetRef?.kind === 'Pod' ? this.cluster.store.get<Pod>('Pod', ep.targetRef.namespace ?? ms.namespace, ep.targetRef.name ?? '') : undefined;
        for (const ip of ep.addresses) out.push({ ip, port, pod, labels: pod?.metadata.labels ?? {}, sidecar: pod !== undefined && hasSidecar(pod) });
      }
    }
    return out.sort((a, b) => ipNum(a.ip) - ipNum(b.ip));
  }

  private visible<T extends VirtualService | DestinationRule>(kind: T['kind'], fqdn: string, clientNs: string, host: (o: T) => string[]): T | undefined {
    const all = this.cluster.store.list<T>(kind).filter((o) => host(o).some((h) => this.hostMatches(h, o.metadata.namespace!, fqdn)));
    const svcNs = fqdn.split('.')[1];
    for (const ns of [clientNs, svcNs, ISTIO_NAMESPACE]) {
      const here = all.filter((o) => o.metadata.namespace === ns).sort(byCreation);
      if (here.length) return here[0];
    }
    return all.sort(byCreation)[0];
  }

  virtualService(fqdn: string, clientNs: string): VirtualService | undefined {
    return this.visible<VirtualService>('VirtualService', fqdn, clientNs, (o) => (o.spec?.gateways?.length && !o.spec.gateways.includes('mesh') ? [] : (o.spec?.hosts ?? [])));
  }

  destinationRule(fqdn: string, clientNs: string): DestinationRule | undefined {
    return this.visible<DestinationRule>('DestinationRule', fqdn, clientNs, (o) => (o.spec?.host ? [o.spec.host] : []));
  }

  /** The mTLS mode a workload's inbound port requires: workload policy, else namespace, else mesh, else PERMISSIVE. */
  mtlsMode(pod: Pod, port: number): { mode: Exclude<MtlsMode, 'UNSET'>; policy?: PeerAuthentication } {
    const pas = this.cluster.store.list<PeerAuthentication>('PeerAuthentication');
    const ns = pod.metadata.namespace;
    const labels = pod.metadata.labels ?? {};
    const hasSel = (p: PeerAuthentication) => Object.keys(p.spec?.selector?.matchLabels ?? {}).length > 0;
    const chain = [
      ...pas.filter((p) => p.metadata.namespace === ns && hasSel(p) && selects(p.spec.selector?.matchLabels, labels)).sort(byCreation),
      ...pas.filter((p) => p.metadata.namespace === ns && !hasSel(p)).sort(byCreation),
      ...pas.filter((p) => p.metadata.namespace === ISTIO_NAMESPACE && !hasSel(p)).sort(byCreation),
    ];
    for (const p of chain) {
      const m = (hasSel(p) ? p.spec.portLevelMtls?.[String(port)]?.mode : undefined) ?? p.spec?.mtls?.mode;
      if (m && m !== 'UNSET') return { mode: m, policy: p };
    }
    return { mode: 'PERMISSIVE' };
  }

  /** The AuthorizationPolicies that apply to a workload (its namespace's, and the root namespace's). */
  authorizationPolicies(pod: Pod): AuthorizationPolicy[] {
    const labels = pod.metadata.labels ?? {};
    return this.cluster.store
      .list<AuthorizationPolicy>('AuthorizationPolicy')
      .filter((p) => (p.metadata.namespace === pod.metadata.namespace || p.metadata.namespace === ISTIO_NAMESPACE) && selects(p.spec?.selector?.matchLabels, labels))
      .sort(byCreation);
  }

  /** The workload's SPIFFE identity, as its certificate carries it. */
  identity(pod: Pod): string {
    return `spiffe://${this.domain}/ns/${pod.metadata.namespace}/sa/${pod.spec.serviceAccountName ?? 'default'}`;
  }
}

export function ipNum(ip: string): number {
  const [a, b, c, d] = ip.split('.').map(Number);
  return ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
}
