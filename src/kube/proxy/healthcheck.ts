/**
 * kube-proxy's service health servers (pkg/proxy/healthcheck/service_health.go): for every
 * LoadBalancer Service with `externalTrafficPolicy: Local`, each node listens on the Service's
 * healthCheckNodePort and answers any path with the number of the Service's ready endpoints on
 * that node: 200 when there is one, 503 when there is none, so a load balancer sends traffic only
 * to nodes that can serve it without a second hop. The body is the JSON kube-proxy writes (tabs
 * after dedent, no newline at the end), the weight also in X-Load-Balancing-Endpoint-Weight.
 */
import type { Ipv4 } from '../../engine/addr/ipv4';
import { httpListen, type HttpReply, type HttpServer } from '../../engine/tcp/http/server';
import type { Netns } from '../../engine/netns/netns';
import { CLUSTER_EPOCH_MS } from '../apiserver/clock';
import { servicePortKey, type EndpointInfo, type ServicePortInfo } from './servicePorts';

/** What one node serves: Service `ns/name` → its health check port and local ready endpoints. */
export type HealthChecks = Map<string, { port: number; localEndpoints: number }>;

/**
 * The Services a node answers health checks for, with their local ready endpoints: counted per
 * Service by distinct address over all its ports (EndpointsMap.LocalReadyEndpoints).
 */
export function healthChecksOf(ports: ServicePortInfo[], endpoints: Map<string, EndpointInfo[]>): HealthChecks {
  const out: HealthChecks = new Map();
  const local = new Map<string, Set<string>>();
  for (const p of ports) {
    const key = `${p.namespace}/${p.name}`;
    if (p.healthCheckNodePort !== 0 && !out.has(key)) out.set(key, { port: p.healthCheckNodePort, localEndpoints: 0 });
    for (const ep of endpoints.get(servicePortKey(p.nameString, p.protocol)) ?? []) {
      if (!ep.isLocal || !ep.ready) continue;
      let ips = local.get(key);
      if (!ips) local.set(key, (ips = new Set()));
      ips.add(ep.ip);
    }
  }
  for (const [key, hc] of out) hc.localEndpoints = local.get(key)?.size ?? 0;
  return out;
}

/** hcHandler.ServeHTTP's reply, framed as Go's net/http frames it (the handler's headers sorted, then Date and Content-Length). */
export function healthReply(service: string, localEndpoints: number, nowMs: number): HttpReply {
  const [namespace, name] = service.split('/');
  const body = `{\n\t"service": {\n\t\t"namespace": ${JSON.stringify(namespace)},\n\t\t"name": ${JSON.stringify(name)}\n\t},\n\t"localEndpoints": ${localEndpoints},\n\t"serviceProxyHealthy": true\n}`;
  const ok = localEndpoints !== 0;
  const head = [
    ok ? 'HTTP/1.1 200 OK' : 'HTTP/1.1 503 Service Unavailable',
    'Content-Type: application/json',
    'X-Content-Type-Options: nosniff',
    `X-Load-Balancing-Endpoint-Weight: ${localEndpoints}`,
    `Date: ${new Date(CLUSTER_EPOCH_MS + Math.floor(nowMs)).toUTCString()}`,
    `Content-Length: ${new TextEncoder().encode(body).length}`,
  ];
  return { head, body, close: false };
}

/** The health servers of one node: opened, kept and closed to match its Services (SyncServices, SyncEndpoints). */
export class ServiceHealthServers {
  private readonly servers = new Map<string, { port: number; server: HttpServer }>();
  private checks: HealthChecks = new Map();

  constructor(private readonly ns: Netns) {}

  sync(checks: HealthChecks): void {
    this.checks = checks;
    for (const [key, s] of this.servers) {
      if (checks.get(key)?.port === s.port) continue;
      s.server.close();
      this.servers.delete(key);
    }
    for (const [key, hc] of checks) {
      if (this.servers.has(key)) continue;
      const server = httpListen(this.ns, 0 as Ipv4, hc.port, () => healthReply(key, this.checks.get(key)?.localEndpoints ?? 0, this.ns.world.now));
      // a port someone else holds: kube-proxy logs the failure and retries at its next sync
      if (typeof server !== 'string') this.servers.set(key, { port: hc.port, server });
    }
  }
}
