/**
 * AuthorizationPolicy as the sidecar's RBAC filters enforce it (security/v1 semantics): CUSTOM
 * first (not modelled), then DENY policies (any match denies), then ALLOW policies (when a
 * workload has any, a request must match one); AUDIT decides nothing. A rule matches when every
 * `from`, `to` and `when` holds (each list: any of its entries); an empty rule matches everything.
 * The proxy answers a denied request with 403 `RBAC: access denied`.
 */
import type { AuthorizationPolicy, AuthzRule } from '../types';

export interface AuthzRequest {
  /** the peer's principal from its mTLS certificate (`cluster.local/ns/NS/sa/SA`); none for plaintext */
  principal: string | undefined;
  namespace: string | undefined;
  sourceIp: string;
  method: string;
  path: string;
  host: string;
  port: number;
}

export interface AuthzVerdict {
  allowed: boolean;
  /** the policy that decided (ns/name), and why, for the trace */
  policy?: string;
  reason: string;
}

/** Istio's string match: exact, `prefix*`, `*suffix`, or `*`. */
function strMatch(pattern: string, v: string | undefined): boolean {
  if (v === undefined) return false;
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return v.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return v.endsWith(pattern.slice(1));
  return v === pattern;
}

function ipIn(cidr: string, ip: string): boolean {
  const [base, len = '32'] = cidr.split('/');
  const n = (s: string) => s.split('.').reduce((a, x) => a * 256 + Number(x), 0);
  const mask = Number(len) === 0 ? 0 : 2 ** 32 - 2 ** (32 - Number(len));
  return (n(base) & mask) >>> 0 === (n(ip) & mask) >>> 0;
}

/** A field of a source or operation: holds when `values` (if given) match and `notValues` (if given) do not. */
function field(values: string[] | undefined, notValues: string[] | undefined, v: string | undefined, m: (p: string, v: string | undefined) => boolean = strMatch): boolean {
  if (values?.length && !values.some((p) => m(p, v))) return false;
  if (notValues?.length && notValues.some((p) => m(p, v))) return false;
  return true;
}

const conditionValue = (key: string, r: AuthzRequest): string | undefined => {
  switch (key) {
    case 'source.ip':
      return r.sourceIp;
    case 'source.namespace':
      return r.namespace;
    case 'source.principal':
      return r.principal;
    case 'request.headers[:method]':
      return r.method;
    case 'destination.port':
      return String(r.port);
    default:
      return undefined;
  }
};

export function ruleMatches(rule: AuthzRule, r: AuthzRequest): boolean {
  const from = rule.from ?? [];
  if (from.length && !from.some(({ source: s = {} }) => field(s.principals, s.notPrincipals, r.principal) && field(s.namespaces, s.notNamespaces, r.namespace) && field(s.ipBlocks, s.notIpBlocks, r.sourceIp, (c, ip) => ip !== undefined && ipIn(c, ip)))) return false;
  const to = rule.to ?? [];
  const path = r.path.split('?')[0];
  if (to.length && !to.some(({ operation: o = {} }) => field(o.methods, o.notMethods, r.method) && field(o.paths, o.notPaths, path) && field(o.ports, o.notPorts, String(r.port)) && field(o.hosts, o.notHosts, r.host))) return false;
  for (const c of rule.when ?? []) {
    const v = conditionValue(c.key, r);
    if (!field(c.values, c.notValues, v)) return false;
  }
  return true;
}

const policyMatches = (p: AuthorizationPolicy, r: AuthzRequest): boolean => (p.spec.rules ?? []).some((rule) => ruleMatches(rule, r));

const name = (p: AuthorizationPolicy) => `${p.metadata.namespace}/${p.metadata.name}`;

export function authorize(policies: AuthorizationPolicy[], r: AuthzRequest): AuthzVerdict {
  const deny = policies.filter((p) => p.spec.action === 'DENY');
  for (const p of deny) if (policyMatches(p, r)) return { allowed: false, policy: name(p), reason: `denied by DENY policy ${name(p)}` };
  const allow = policies.filter((p) => (p.spec.action ?? 'ALLOW') === 'ALLOW');
  if (allow.length === 0) return { allowed: true, reason: 'no ALLOW policy applies to the workload' };
  for (const p of allow) if (policyMatches(p, r)) return { allowed: true, policy: name(p), reason: `allowed by ALLOW policy ${name(p)}` };
  return { allowed: false, reason: `no ALLOW policy matched (${allow.map(name).join(', ')})` };
}

/** `spiffe://cluster.local/ns/NS/sa/SA` → the principal policies name (`cluster.local/ns/NS/sa/SA`). */
export const principalOf = (spiffe: string | undefined): string | undefined => spiffe?.replace(/^spiffe:\/\//, '');
export const namespaceOfPrincipal = (principal: string | undefined): string | undefined => /\/ns\/([^/]+)\//.exec(principal ?? '')?.[1];
