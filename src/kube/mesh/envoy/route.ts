/**
 * The sidecar's HTTP route table for one Service port, as istiod builds it from a VirtualService
 * (pilot/pkg/networking/core/route): the first `http` rule whose match holds takes the request,
 * its weighted destinations are picked by weight, and its timeout, retries and fault come with it.
 * Without a VirtualService the Service's own cluster takes everything, with Istio's default retry
 * policy. A VirtualService whose rules match nothing answers 404 (no route).
 */
import type { Labels } from '../../api/types';
import { parseDuration } from '../duration';
import type { HTTPFaultInjection, HTTPMatchRequest, HTTPRoute, StringMatch, VirtualService } from '../types';
import type { Headers } from './http1';

export interface RouteRequest {
  method: string;
  path: string;
  headers: Headers;
  authority: string;
  port: number;
  sourceLabels: Labels;
  sourceNamespace: string;
}

export interface RetryPolicy {
  /** retries after the first try */
  attempts: number;
  perTryTimeoutMs: number | undefined;
  /** Envoy's retry_on conditions, and the status codes retriable-status-codes names */
  on: Set<string>;
  statuses: Set<number>;
}

export interface RouteTarget {
  host: string;
  subset: string;
  port: number | undefined;
  weight: number;
}

export interface ChosenRoute {
  /** the VirtualService and rule index (`default` without one), as spans and proxy-config name it */
  name: string;
  vs: VirtualService | undefined;
  targets: RouteTarget[];
  timeoutMs: number | undefined;
  retry: RetryPolicy;
  fault: HTTPFaultInjection | undefined;
}

/** Istio's default retry policy (pilot/pkg/networking/core/route/retry): 2 retries, previous hosts avoided. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 2, perTryTimeoutMs: undefined, on: new Set(['connect-failure', 'refused-stream', 'unavailable', 'cancelled', 'retriable-status-codes']), statuses: new Set([503]) };

function retryPolicy(r: HTTPRoute['retries']): RetryPolicy {
  if (!r) return DEFAULT_RETRY;
  const attempts = r.attempts ?? 0;
  const on = new Set<string>();
  const statuses = new Set<number>();
  for (const p of (r.retryOn ?? 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes').split(',').filter(Boolean)) {
    if (/^\d{3}$/.test(p)) {
      statuses.add(Number(p));
      on.add('retriable-status-codes');
    } else on.add(p);
  }
  if (r.retryOn === undefined) statuses.add(503);
  return { attempts, perTryTimeoutMs: r.perTryTimeout ? parseDuration(r.perTryTimeout) : undefined, on, statuses };
}

export function stringMatches(m: StringMatch | undefined, v: string | undefined, ignoreCase = false): boolean {
  if (!m) return true;
  if (v === undefined) return false;
  const val = ignoreCase ? v.toLowerCase() : v;
  if (m.exact !== undefined) return val === (ignoreCase ? m.exact.toLowerCase() : m.exact);
  if (m.prefix !== undefined) return val.startsWith(ignoreCase ? m.prefix.toLowerCase() : m.prefix);
  if (m.regex !== undefined) {
    try {
      // Envoy's safe_regex matches the whole value
      return new RegExp(`^(?:${m.regex})$`, ignoreCase ? 'i' : '').test(v);
    } catch {
      return false;
    }
  }
  return true;
}

const hdr = (h: Headers, name: string) => h.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];

function queryParam(path: string, name: string): string | undefined {
  const q = path.indexOf('?');
  if (q < 0) return undefined;
  for (const kv of path.slice(q + 1).split('&')) {
    const [k, v = ''] = kv.split('=');
    if (decodeURIComponent(k) === name) return decodeURIComponent(v);
  }
  return undefined;
}

export function matchHolds(m: HTTPMatchRequest, r: RouteRequest): boolean {
  const path = r.path.split('?')[0];
  if (!stringMatches(m.uri, path, m.ignoreUriCase)) return false;
  if (!stringMatches(m.method, r.method)) return false;
  if (!stringMatches(m.authority, r.authority)) return false;
  for (const [name, sm] of Object.entries(m.headers ?? {})) if (!stringMatches(sm, hdr(r.headers, name))) return false;
  for (const [name, sm] of Object.entries(m.withoutHeaders ?? {})) {
    const v = hdr(r.headers, name);
    if (v !== undefined && stringMatches(sm, v)) return false;
  }
  for (const [name, sm] of Object.entries(m.queryParams ?? {})) if (!stringMatches(sm, queryParam(r.path, name))) return false;
  if (m.port !== undefined && m.port !== r.port) return false;
  for (const [k, v] of Object.entries(m.sourceLabels ?? {})) if (r.sourceLabels[k] !== v) return false;
  if (m.sourceNamespace !== undefined && m.sourceNamespace !== r.sourceNamespace) return false;
  return true;
}

/** The route a request takes; undefined when the VirtualService has no rule for it (404 NR). */
export function chooseRoute(vs: VirtualService | undefined, fallbackHost: string, r: RouteRequest): ChosenRoute | undefined {
  if (!vs) return { name: 'default', vs: undefined, targets: [{ host: fallbackHost, subset: '', port: undefined, weight: 100 }], timeoutMs: undefined, retry: DEFAULT_RETRY, fault: undefined };
  const rules = vs.spec.http ?? [];
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    if (rule.match?.length && !rule.match.some((m) => matchHolds(m, r))) continue;
    const dests = rule.route ?? [];
    const targets = dests.map((d) => ({ host: d.destination.host, subset: d.destination.subset ?? '', port: d.destination.port?.number, weight: d.weight ?? (dests.length === 1 ? 100 : 0) }));
    return {
      name: rule.name ?? `${vs.metadata.name}.${vs.metadata.namespace}`,
      vs,
      targets,
      timeoutMs: rule.timeout ? parseDuration(rule.timeout) : undefined,
      retry: retryPolicy(rule.retries),
      fault: rule.fault,
    };
  }
  return undefined;
}

/** Envoy's weighted_clusters: a draw in [0, total) lands in one destination's share. */
export function pickWeighted(targets: RouteTarget[], random: () => number): RouteTarget | undefined {
  const total = targets.reduce((s, t) => s + t.weight, 0);
  if (targets.length === 1) return targets[0];
  if (total <= 0) return undefined;
  let x = Math.floor(random() * total);
  for (const t of targets) {
    if (x < t.weight) return t;
    x -= t.weight;
  }
  return targets.at(-1);
}

/** A fault's percentage: `percentage.value`, the older integer `percent`, or 100 when neither is given. */
export const faultPercent = (f: { percentage?: { value?: number }; percent?: number } | undefined): number => f?.percentage?.value ?? f?.percent ?? 100;
