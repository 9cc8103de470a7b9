/**
 * One sidecar's view of an upstream cluster, kept between requests as Envoy keeps it: the load
 * balancer (ROUND_ROBIN, RANDOM, LEAST_REQUEST as power-of-two-choices; LEAST_REQUEST is Istio's
 * default), outlier detection (a host answering `consecutive5xxErrors` 5xx or connect failures in
 * a row is ejected at once for baseEjectionTime × times ejected, returned at the next interval
 * sweep, at most maxEjectionPercent of the hosts out — but always one), and the connection pool's
 * limits (maxConnections, http1MaxPendingRequests). Every draw is the world's seeded generator.
 */
import { parseDuration } from '../duration';
import type { TrafficPolicy } from '../types';
import type { MeshEndpoint } from './catalog';

interface HostState {
  consecutive5xx: number;
  consecutiveGateway: number;
  ejectedUntil: number;
  ejections: number;
  active: number;
}

export interface OutlierPolicy {
  consecutive5xx: number;
  consecutiveGateway: number;
  intervalMs: number;
  baseEjectionMs: number;
  maxEjectionPercent: number;
}

export interface ClusterPolicy {
  lb: 'ROUND_ROBIN' | 'RANDOM' | 'LEAST_REQUEST';
  outlier: OutlierPolicy | undefined;
  maxConnections: number;
  maxPending: number;
  connectTimeoutMs: number;
}

/** The DestinationRule's policy for a subset (its own settings over the rule's), with Envoy's and Istio's defaults. */
export function clusterPolicy(top: TrafficPolicy | undefined, subset: TrafficPolicy | undefined): ClusterPolicy {
  const lb = subset?.loadBalancer?.simple ?? top?.loadBalancer?.simple;
  const od = subset?.outlierDetection ?? top?.outlierDetection;
  const pool = { ...top?.connectionPool?.tcp, ...subset?.connectionPool?.tcp };
  const http = { ...top?.connectionPool?.http, ...subset?.connectionPool?.http };
  return {
    lb: lb === 'ROUND_ROBIN' || lb === 'RANDOM' ? lb : 'LEAST_REQUEST',
    outlier: od
      ? {
          // Istio maps consecutive5xxErrors to Envoy's consecutive_5xx (default 5 once outlierDetection is set)
          consecutive5xx: od.consecutive5xxErrors ?? (od.consecutiveGatewayErrors !== undefined ? 0 : 5),
          consecutiveGateway: od.consecutiveGatewayErrors ?? 0,
          intervalMs: parseDuration(od.interval ?? '10s') ?? 10_000,
          baseEjectionMs: parseDuration(od.baseEjectionTime ?? '30s') ?? 30_000,
          maxEjectionPercent: od.maxEjectionPercent ?? 10,
        }
      : undefined,
    maxConnections: pool.maxConnections ?? 4294967295,
    maxPending: http.http1MaxPendingRequests ?? 4294967295,
    connectTimeoutMs: parseDuration(pool.connectTimeout ?? '10s') ?? 10_000,
  };
}

export type PickResult = { kind: 'host'; endpoint: MeshEndpoint } | { kind: 'no-healthy' } | { kind: 'overflow' };

export class UpstreamCluster {
  private readonly hosts = new Map<string, HostState>();
  private rr = 0;
  /** requests in flight to the cluster (each an HTTP/1 connection) */
  active = 0;
  /** when the cluster was first used: outlier sweeps run every interval from there */
  private readonly born: number;

  constructor(
    readonly name: string,
    public policy: ClusterPolicy,
    now: number,
  ) {
    this.born = now;
  }

  private state(key: string): HostState {
    let s = this.hosts.get(key);
    if (!s) this.hosts.set(key, (s = { consecutive5xx: 0, consecutiveGateway: 0, ejectedUntil: -1, ejections: 0, active: 0 }));
    return s;
  }

  /** A host ejected whose time is up comes back at the next sweep of the interval timer. */
  ejected(ep: MeshEndpoint, now: number): boolean {
    const s = this.hosts.get(hostKey(ep));
    if (!s || s.ejectedUntil < 0) return false;
    const iv = this.policy.outlier?.intervalMs ?? 10_000;
    const sweep = this.born + Math.ceil((s.ejectedUntil - this.born) / iv) * iv;
    if (now >= sweep) {
      s.ejectedUntil = -1;
      return false;
    }
    return true;
  }

  /** Pick a host for a request; `avoid`: hosts an earlier try used (Istio's previous_hosts retry predicate). */
  pick(endpoints: MeshEndpoint[], now: number, random: () => number, avoid: ReadonlySet<string> = new Set()): PickResult {
    if (this.active >= this.policy.maxConnections + this.policy.maxPending) return { kind: 'overflow' };
    const healthy = endpoints.filter((e) => !this.ejected(e, now));
    if (healthy.length === 0) return { kind: 'no-healthy' };
    const fresh = healthy.filter((e) => !avoid.has(hostKey(e)));
    const pool = fresh.length ? fresh : healthy;
    let ep: MeshEndpoint;
    switch (this.policy.lb) {
      case 'ROUND_ROBIN':
        ep = pool[this.rr++ % pool.length];
        break;
      case 'RANDOM':
        ep = pool[Math.floor(random() * pool.length)];
        break;
      default: {
        // power of two choices: the one of two random hosts with fewer active requests
        const a = pool[Math.floor(random() * pool.length)];
        const b = pool[Math.floor(random() * pool.length)];
        ep = this.state(hostKey(b)).active < this.state(hostKey(a)).active ? b : a;
      }
    }
    return { kind: 'host', endpoint: ep };
  }

  begin(ep: MeshEndpoint): void {
    this.active++;
    this.state(hostKey(ep)).active++;
  }

  end(ep: MeshEndpoint): void {
    this.active--;
    this.state(hostKey(ep)).active--;
  }

  /** A try's outcome (its status, or 503 for a connect failure): outlier detection's counters. Returns true when this ejected the host. */
  report(ep: MeshEndpoint, status: number, now: number, total: number): boolean {
    const od = this.policy.outlier;
    const s = this.state(hostKey(ep));
    if (status < 500) {
      s.consecutive5xx = 0;
      s.consecutiveGateway = 0;
      return false;
    }
    s.consecutive5xx++;
    if (status >= 502 && status <= 504) s.consecutiveGateway++;
    if (!od) return false;
    const trip = (od.consecutive5xx > 0 && s.consecutive5xx >= od.consecutive5xx) || (od.consecutiveGateway > 0 && s.consecutiveGateway >= od.consecutiveGateway);
    if (!trip || s.ejectedUntil >= 0) return false;
    const out = [...this.hosts.values()].filter((h) => h.ejectedUntil >= 0 && h.ejectedUntil > now).length;
    // Envoy always lets one host be ejected, whatever max_ejection_percent allows
    const max = Math.max(1, Math.floor((total * od.maxEjectionPercent) / 100));
    if (out >= max) return false;
    s.ejections++;
    s.ejectedUntil = now + od.baseEjectionMs * s.ejections;
    s.consecutive5xx = 0;
    s.consecutiveGateway = 0;
    return true;
  }

  /** What `istioctl proxy-config endpoints` shows for a host. */
  health(ep: MeshEndpoint, now: number): { status: 'HEALTHY' | 'UNHEALTHY'; outlier: 'OK' | 'FAILED' } {
    return this.ejected(ep, now) ? { status: 'UNHEALTHY', outlier: 'FAILED' } : { status: 'HEALTHY', outlier: 'OK' };
  }
}

export const hostKey = (ep: { ip: string; port: number }): string => `${ep.ip}:${ep.port}`;
