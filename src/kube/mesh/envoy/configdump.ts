/**
 * A sidecar's configuration as istiod generates it for the pod (the default Sidecar scope: every
 * Service of the mesh), in the terms `istioctl proxy-config` prints: clusters (outbound per Service
 * port and DestinationRule subset, inbound per port the pod serves, Istio's static ones),
 * endpoints (with the outlier state this proxy holds), listeners (per Service port, and the
 * virtual 15001/15006 with their filter chains as PeerAuthentication shapes them), and routes.
 */
import type { Pod, Service, ServicePort } from '../../api/types';
import type { Sidecar } from './sidecar';
import { clusterName, ipNum, type MeshService } from './catalog';
import { hostKey } from './upstream';
import type { HTTPMatchRequest } from '../types';

export interface ClusterRow {
  fqdn: string;
  port: string;
  subset: string;
  direction: string;
  type: string;
  destinationRule: string;
  /** Envoy's cluster name */
  name: string;
}

export interface EndpointRow {
  endpoint: string;
  status: 'HEALTHY' | 'UNHEALTHY';
  outlier: 'OK' | 'FAILED';
  cluster: string;
}

export interface ListenerRow {
  address: string;
  port: number;
  match: string;
  destination: string;
}

export interface RouteRow {
  name: string;
  vhost: string;
  domains: string;
  match: string;
  virtualService: string;
}

/** Is a Service port HTTP to Istio's protocol selection (its name or appProtocol), TCP, or left to sniffing? */
export function portProtocol(p: ServicePort): 'http' | 'tcp' | 'auto' {
  const name = (p as { appProtocol?: string }).appProtocol ?? p.name ?? '';
  const proto = name.split('-')[0].toLowerCase();
  if (['http', 'http2', 'grpc', 'grpc-web', 'h2c'].includes(proto)) return 'http';
  if (['tcp', 'tls', 'https', 'mongo', 'mysql', 'redis'].includes(proto)) return 'tcp';
  return 'auto';
}

const tcpPorts = (svc: Service) => (svc.spec.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP');

/** The ports the pod serves for some Service (its inbound clusters), by target port. */
function inboundPorts(sc: Sidecar, pod: Pod): number[] {
  const out = new Set<number>();
  for (const ms of sc.mesh.catalog.services()) {
    if (ms.namespace !== pod.metadata.namespace || !ms.svc.spec.selector) continue;
    if (!Object.entries(ms.svc.spec.selector).every(([k, v]) => pod.metadata.labels?.[k] === v)) continue;
    for (const p of tcpPorts(ms.svc)) {
      const t = p.targetPort ?? p.port;
      const n = typeof t === 'number' ? t : pod.spec.containers.flatMap((c) => c.ports ?? []).find((cp) => cp.name === t)?.containerPort;
      if (n !== undefined) out.add(n);
    }
  }
  return [...out].sort((a, b) => a - b);
}

export function clusters(sc: Sidecar): ClusterRow[] {
  const cat = sc.mesh.catalog;
  const pod = sc.pod;
  const ns = sc.sandbox.namespace;
  const rows: ClusterRow[] = [];
  for (const ms of cat.services()) {
    const dr = cat.destinationRule(ms.fqdn, ns);
    const drName = dr ? `${dr.metadata.name}.${dr.metadata.namespace}` : '';
    for (const p of tcpPorts(ms.svc)) {
      rows.push({ fqdn: ms.fqdn, port: String(p.port), subset: '-', direction: 'outbound', type: 'EDS', destinationRule: drName, name: clusterName(p.port, '', ms.fqdn) });
      for (const s of dr?.spec.subsets ?? []) rows.push({ fqdn: ms.fqdn, port: String(p.port), subset: s.name, direction: 'outbound', type: 'EDS', destinationRule: drName, name: clusterName(p.port, s.name, ms.fqdn) });
    }
  }
  if (pod) for (const port of inboundPorts(sc, pod)) rows.push({ fqdn: '', port: String(port), subset: '-', direction: 'inbound', type: 'ORIGINAL_DST', destinationRule: '', name: `inbound|${port}||` });
  for (const [name, type] of [
    ['BlackHoleCluster', 'STATIC'],
    ['InboundPassthroughCluster', 'ORIGINAL_DST'],
    ['PassthroughCluster', 'ORIGINAL_DST'],
    ['agent', 'STATIC'],
    ['prometheus_stats', 'STATIC'],
    ['sds-grpc', 'STATIC'],
    ['xds-grpc', 'STATIC'],
  ])
    rows.push({ fqdn: name, port: '-', subset: '-', direction: '-', type, destinationRule: '', name });
  return rows.sort((a, b) => a.fqdn.localeCompare(b.fqdn, 'en') || portCmp(a.port, b.port) || (a.subset === '-' ? -1 : b.subset === '-' ? 1 : a.subset.localeCompare(b.subset)) || a.direction.localeCompare(b.direction));
}

const portCmp = (a: string, b: string) => (a === '-' || b === '-' ? a.localeCompare(b) : Number(a) - Number(b));

export function endpoints(sc: Sidecar): EndpointRow[] {
  const cat = sc.mesh.catalog;
  const now = sc.world.now;
  const rows: EndpointRow[] = [];
  for (const c of clusters(sc)) {
    if (c.type !== 'EDS') continue;
    const ms = cat.byFqdn(c.fqdn)!;
    const port = tcpPorts(ms.svc).find((p) => String(p.port) === c.port)!;
    const dr = cat.destinationRule(c.fqdn, sc.sandbox.namespace);
    const sel = c.subset === '-' ? {} : (dr?.spec.subsets?.find((s) => s.name === c.subset)?.labels ?? {});
    const up = sc.upstreams.get(c.name);
    for (const ep of cat.endpoints(ms, port)) {
      if (!Object.entries(sel).every(([k, v]) => ep.labels[k] === v)) continue;
      const outlier = up?.health(ep, now).outlier ?? 'OK';
      rows.push({ endpoint: hostKey(ep), status: 'HEALTHY', outlier, cluster: c.name });
    }
  }
  rows.push({ endpoint: '127.0.0.1:15000', status: 'HEALTHY', outlier: 'OK', cluster: 'prometheus_stats' });
  rows.push({ endpoint: '127.0.0.1:15020', status: 'HEALTHY', outlier: 'OK', cluster: 'agent' });
  rows.push({ endpoint: 'unix://./etc/istio/proxy/XDS', status: 'HEALTHY', outlier: 'OK', cluster: 'xds-grpc' });
  rows.push({ endpoint: 'unix://./var/run/secrets/workload-spiffe-uds/socket', status: 'HEALTHY', outlier: 'OK', cluster: 'sds-grpc' });
  const addrKey = (e: string) => (/^\d/.test(e) ? ipNum(e.split(':')[0]) * 65536 + Number(e.split(':')[1]) : Infinity);
  return rows.sort((a, b) => addrKey(a.endpoint) - addrKey(b.endpoint) || a.endpoint.localeCompare(b.endpoint) || a.cluster.localeCompare(b.cluster));
}

export function listeners(sc: Sidecar): ListenerRow[] {
  const cat = sc.mesh.catalog;
  const rows: ListenerRow[] = [];
  const httpPorts = new Set<number>();
  for (const ms of cat.services()) {
    if (!ms.svc.spec.clusterIP || ms.svc.spec.clusterIP === 'None') continue;
    for (const p of tcpPorts(ms.svc)) {
      if (portProtocol(p) === 'tcp') rows.push({ address: ms.svc.spec.clusterIP, port: p.port, match: 'ALL', destination: `Cluster: ${clusterName(p.port, '', ms.fqdn)}` });
      else httpPorts.add(p.port);
    }
  }
  for (const port of httpPorts) {
    rows.push({ address: '0.0.0.0', port, match: 'Trans: raw_buffer; App: http/1.1,h2c', destination: `Route: ${port}` });
    rows.push({ address: '0.0.0.0', port, match: 'ALL', destination: 'PassthroughCluster' });
  }
  rows.push({ address: '0.0.0.0', port: 15001, match: 'ALL', destination: 'PassthroughCluster' });
  rows.push({ address: '0.0.0.0', port: 15001, match: 'Addr: *:15001', destination: 'Non-HTTP/Non-TCP' });
  rows.push({ address: '0.0.0.0', port: 15006, match: 'Addr: *:15006', destination: 'Non-HTTP/Non-TCP' });
  const pod = sc.pod;
  const mode = pod ? cat.mtlsMode(pod, 0).mode : 'PERMISSIVE';
  const tls = mode !== 'DISABLE';
  const plain = mode !== 'STRICT';
  const chain = (match: string, destination: string) => rows.push({ address: '0.0.0.0', port: 15006, match, destination });
  if (tls) chain('Trans: tls; App: istio-http/1.0,istio-http/1.1,istio-h2; Addr: 0.0.0.0/0', 'InboundPassthroughCluster');
  if (plain) chain('Trans: raw_buffer; App: http/1.1,h2c; Addr: 0.0.0.0/0', 'InboundPassthroughCluster');
  if (tls) chain('Trans: tls; App: TCP TLS; Addr: 0.0.0.0/0', 'InboundPassthroughCluster');
  if (plain) chain('Trans: raw_buffer; Addr: 0.0.0.0/0', 'InboundPassthroughCluster');
  if (tls) chain('Trans: tls; Addr: 0.0.0.0/0', 'InboundPassthroughCluster');
  for (const port of pod ? inboundPorts(sc, pod) : []) {
    const m = pod ? cat.mtlsMode(pod, port).mode : 'PERMISSIVE';
    if (m !== 'DISABLE') chain(`Trans: tls; App: istio,istio-peer-exchange,istio-http/1.0,istio-http/1.1,istio-h2; Addr: *:${port}`, `Cluster: inbound|${port}||`);
    if (m !== 'STRICT') chain(`Trans: raw_buffer; Addr: *:${port}`, `Cluster: inbound|${port}||`);
  }
  rows.push({ address: '0.0.0.0', port: 15021, match: 'ALL', destination: 'Inline Route: /healthz/ready*' });
  rows.push({ address: '0.0.0.0', port: 15090, match: 'ALL', destination: 'Inline Route: /stats/prometheus*' });
  return rows.sort((a, b) => a.port - b.port || (a.port === 15001 || a.port === 15006 ? 0 : a.address === '0.0.0.0' ? 1 : b.address === '0.0.0.0' ? -1 : ipNum(a.address) - ipNum(b.address)));
}

/** istioctl's route match column: `/prefix*`, the exact path, `regex …`, and header conditions. */
function describeMatch(m: HTTPMatchRequest | undefined): string {
  if (!m) return '/*';
  const conds: string[] = [];
  const u = m.uri;
  conds.push(u?.prefix !== undefined ? `${u.prefix}*` : u?.exact !== undefined ? u.exact : u?.regex !== undefined ? `regex ${u.regex}` : '/*');
  for (const [name, h] of Object.entries(m.headers ?? {})) conds.push(`${name}=${h.exact ?? (h.prefix !== undefined ? `^${h.prefix}` : `~${h.regex ?? ''}`)}`);
  if (m.method) conds.push(`:method=${m.method.exact ?? m.method.prefix ?? m.method.regex}`);
  return conds.join(' && ');
}

function domains(ms: MeshService, clientNs: string): string {
  const name = ms.svc.metadata.name;
  return ms.namespace === clientNs ? `${name}, ${name}.${ms.namespace} + 1 more...` : `${name}.${ms.namespace} + 1 more...`;
}

export function routes(sc: Sidecar): RouteRow[] {
  const cat = sc.mesh.catalog;
  const ns = sc.sandbox.namespace;
  const rows: RouteRow[] = [];
  for (const ms of cat.services()) {
    for (const p of tcpPorts(ms.svc)) {
      if (portProtocol(p) === 'tcp' || !ms.svc.spec.clusterIP || ms.svc.spec.clusterIP === 'None') continue;
      const vs = cat.virtualService(ms.fqdn, ns);
      const base = { name: String(p.port), vhost: `${ms.fqdn}:${p.port}`, domains: domains(ms, ns) };
      if (!vs) {
        rows.push({ ...base, match: '/*', virtualService: '' });
        continue;
      }
      for (const rule of vs.spec.http ?? []) for (const m of rule.match?.length ? rule.match : [undefined]) rows.push({ ...base, match: describeMatch(m), virtualService: `${vs.metadata.name}.${vs.metadata.namespace}` });
    }
  }
  rows.sort((a, b) => Number(a.name) - Number(b.name) || a.vhost.localeCompare(b.vhost));
  rows.push({ name: '', vhost: 'backend', domains: '*', match: '/stats/prometheus*', virtualService: '' });
  rows.push({ name: 'InboundPassthroughCluster', vhost: 'inbound|http|0', domains: '*', match: '/*', virtualService: '' });
  const pod = sc.pod;
  for (const port of pod ? inboundPorts(sc, pod) : []) rows.push({ name: `inbound|${port}||`, vhost: `inbound|http|${port}`, domains: '*', match: '/*', virtualService: '' });
  return rows;
}

