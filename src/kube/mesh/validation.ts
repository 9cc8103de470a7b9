/**
 * What the API server and Istio's validating webhook refuse, in that order:
 *
 * - the CRDs' structural schemas (manifests/charts/base/files/crd-all.gen.yaml): required fields,
 *   enums and the CEL rule on durations, as `The PeerAuthentication "x" is invalid: …` field errors;
 * - `validation.istio.io` (pkg/config/validation/validation.go, virtualservice.go), which answers
 *   `admission webhook "validation.istio.io" denied the request: configuration is invalid: …`,
 *   several errors as hashicorp/go-multierror lists them.
 */
import { invalid, notSupported, required, StatusError, type FieldError } from '../api/errors';
import type { KubeObject } from '../api/types';
import { parseDuration } from './duration';
import type { AuthorizationPolicy, DestinationRule, HTTPRoute, IstioObject, PeerAuthentication, StringMatch, TrafficPolicy, VirtualService } from './types';

export const ISTIO_KINDS = ['VirtualService', 'DestinationRule', 'PeerAuthentication', 'AuthorizationPolicy'] as const;
export const isIstioObject = (o: KubeObject): o is IstioObject => (ISTIO_KINDS as readonly string[]).includes(o.kind);

const MTLS_MODES = ['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT'];
const AUTHZ_ACTIONS = ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'];
const LB_SIMPLE = ['UNSPECIFIED', 'LEAST_CONN', 'RANDOM', 'PASSTHROUGH', 'ROUND_ROBIN', 'LEAST_REQUEST'];
const DURATION_RULE = 'must be a valid duration greater than 1ms';

/** A duration field the CRD checks with CEL: the error shows the value's type, as CEL errors do. */
function schemaDuration(v: unknown, path: string, errs: FieldError[]): void {
  if (v === undefined) return;
  const ms = typeof v === 'string' ? parseDuration(v) : undefined;
  if (ms === undefined || ms < 1) errs.push(invalid(path, typeof v === 'string' ? 'string' : typeof v, DURATION_RULE));
}

function schemaTrafficPolicy(tp: TrafficPolicy | undefined, path: string, errs: FieldError[]): void {
  if (!tp) return;
  const simple = tp.loadBalancer?.simple;
  if (simple !== undefined && !LB_SIMPLE.includes(simple)) errs.push(notSupported(`${path}.loadBalancer.simple`, simple, LB_SIMPLE));
  schemaDuration(tp.connectionPool?.tcp?.connectTimeout, `${path}.connectionPool.tcp.connectTimeout`, errs);
  schemaDuration(tp.outlierDetection?.interval, `${path}.outlierDetection.interval`, errs);
  schemaDuration(tp.outlierDetection?.baseEjectionTime, `${path}.outlierDetection.baseEjectionTime`, errs);
}

/** The CRD schema's own checks (before any webhook sees the object). */
export function validateIstioSchema(o: IstioObject): FieldError[] {
  const errs: FieldError[] = [];
  switch (o.kind) {
    case 'VirtualService':
      (o.spec?.http ?? []).forEach((h, i) => {
        schemaDuration(h.timeout, `spec.http[${i}].timeout`, errs);
        schemaDuration(h.retries?.perTryTimeout, `spec.http[${i}].retries.perTryTimeout`, errs);
        schemaDuration(h.fault?.delay?.fixedDelay, `spec.http[${i}].fault.delay.fixedDelay`, errs);
      });
      break;
    case 'DestinationRule':
      if (!o.spec?.host) errs.push(required('spec.host', ''));
      schemaTrafficPolicy(o.spec?.trafficPolicy, 'spec.trafficPolicy', errs);
      (o.spec?.subsets ?? []).forEach((s, i) => {
        if (!s.name) errs.push(required(`spec.subsets[${i}].name`, ''));
        schemaTrafficPolicy(s.trafficPolicy, `spec.subsets[${i}].trafficPolicy`, errs);
      });
      break;
    case 'PeerAuthentication': {
      const mode = o.spec?.mtls?.mode;
      if (mode !== undefined && !MTLS_MODES.includes(mode)) errs.push(notSupported('spec.mtls.mode', mode, MTLS_MODES));
      for (const [port, m] of Object.entries(o.spec?.portLevelMtls ?? {}))
        if (m.mode !== undefined && !MTLS_MODES.includes(m.mode)) errs.push(notSupported(`spec.portLevelMtls[${port}].mode`, m.mode, MTLS_MODES));
      break;
    }
    case 'AuthorizationPolicy': {
      const action = o.spec?.action;
      if (action !== undefined && !AUTHZ_ACTIONS.includes(action)) errs.push(notSupported('spec.action', action, AUTHZ_ACTIONS));
      break;
    }
  }
  return errs;
}

// ---- the webhook -----------------------------------------------------------------------------

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** agent.ValidateWildcardDomain */
function wildcardDomain(host: string): string | undefined {
  if (host.length > 255) return `domain name "${host}" too long (max 255)`;
  if (host === '') return 'empty domain name not allowed';
  const labels = host.split('.');
  const rest = labels[0] === '*' ? labels.slice(1) : labels[0].startsWith('*') ? [labels[0].slice(1), ...labels.slice(1)] : labels;
  for (const l of rest) if (!/^[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/.test(l)) return `domain name "${host}" invalid (label "${l}" invalid)`;
  return undefined;
}

const durationErr = (v: string | undefined): string | undefined => {
  if (v === undefined) return undefined;
  const ms = parseDuration(v);
  if (ms === undefined || ms < 1) return 'duration must be greater than 1ms';
  return Number.isInteger(ms) ? undefined : 'only durations to ms precision are supported';
};

const percentErr = (p: { value?: number } | undefined): string | undefined => {
  const v = p?.value;
  if (v === undefined) return undefined;
  return v < 0 || v > 100 || (v > 0 && v < 0.0001) ? `percentage ${v} is neither 0.0, nor in range [0.0001, 100.0]` : undefined;
};

/** supportedRetryOnPolicies, and any HTTP status code */
const RETRY_ON = new Set(['5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'retriable-4xx', 'refused-stream', 'retriable-status-codes', 'retriable-headers', 'envoy-ratelimited', 'http3-post-connect-failure', 'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable']);

function stringMatchErrs(m: StringMatch | undefined, where: string, out: string[]): void {
  if (m?.regex === undefined) return;
  try {
    new RegExp(m.regex);
  } catch (e) {
    out.push(`"${where}": error parsing regexp: ${(e as Error).message}; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)`);
  }
}

function httpRouteErrs(h: HTTPRoute, out: string[]): void {
  if (h.redirect) {
    if (h.route?.length) out.push('HTTP route cannot contain both route and redirect');
    if (h.fault) out.push('HTTP route cannot contain both fault and redirect');
  } else if (!h.route?.length) out.push('HTTP route or redirect is required');
  for (const m of h.match ?? []) {
    for (const hm of Object.values(m.headers ?? {})) stringMatchErrs(hm, 'headers', out);
    stringMatchErrs(m.uri, 'uri', out);
    stringMatchErrs(m.method, 'method', out);
    if (m.sourceNamespace !== undefined && !DNS1123_LABEL.test(m.sourceNamespace)) out.push(`sourceNamespace match ${m.sourceNamespace} is invalid`);
  }
  const f = h.fault;
  if (f) {
    if (!f.abort && !f.delay) out.push('HTTP fault injection must have an abort and/or a delay');
    const pa = percentErr(f.abort?.percentage);
    if (pa) out.push(pa);
    const s = f.abort?.httpStatus;
    if (s !== undefined && (s < 200 || s > 600)) out.push(`HTTP status ${s} is not in range 200-599`);
    const pd = percentErr(f.delay?.percentage);
    if (pd) out.push(pd);
    const d = durationErr(f.delay?.fixedDelay);
    if (d) out.push(d);
  }
  const r = h.retries;
  if (r) {
    if ((r.attempts ?? 0) < 0) out.push('attempts cannot be negative');
    if ((r.attempts ?? 0) === 0 && (r.perTryTimeout !== undefined || (r.retryOn ?? '') !== '')) out.push('http retry policy configured when attempts are set to 0 (disabled)');
    const d = durationErr(r.perTryTimeout);
    if (d) out.push(d);
    for (const p of (r.retryOn ?? '').split(',').filter((x) => x !== '')) if (!RETRY_ON.has(p) && !/^[1-5]\d\d$/.test(p)) out.push(`"${p}" is not a valid retryOn policy`);
  }
  let total = 0;
  for (const rd of h.route ?? []) {
    if (!rd.destination) {
      out.push('destination is required');
      continue;
    }
    const host = rd.destination.host ?? '';
    if (host === '*') out.push(`invalid destination host ${host}`);
    else {
      const e = wildcardDomain(host);
      if (e) out.push(e);
    }
    const sub = rd.destination.subset;
    if (sub !== undefined) {
      if (sub === '') out.push('subset name cannot be empty');
      else if (!DNS1123_LABEL.test(sub)) out.push(`subset name is invalid: ${sub}`);
    }
    const port = rd.destination.port?.number;
    if (port !== undefined && (port < 1 || port > 65535)) out.push(`port number ${port} must be in the range 1..65535`);
    if ((rd.weight ?? 0) < 0) out.push(`weight ${rd.weight} < 0`);
    total += rd.weight ?? 0;
  }
  if ((h.route?.length ?? 0) > 1 && total === 0) out.push('total destination weight = 0');
  const t = durationErr(h.timeout);
  if (t) out.push(t);
}

function virtualServiceErrs(vs: VirtualService, out: string[]): void {
  const s = vs.spec ?? {};
  const mesh = !s.gateways?.length || s.gateways.includes('mesh');
  if (!s.hosts?.length) out.push('virtual service must have at least one host');
  for (const h of s.hosts ?? []) {
    const e = wildcardDomain(h);
    if (e && !/^\d+\.\d+\.\d+\.\d+$/.test(h)) out.push(e);
    else if (mesh && h === '*') out.push('wildcard host * is not allowed for virtual services bound to the mesh gateway');
  }
  if (!s.http?.length && !s.tcp?.length && !s.tls?.length) out.push('http, tcp or tls must be provided in virtual service');
  for (const h of s.http ?? []) httpRouteErrs(h, out);
}

function trafficPolicyErrs(tp: TrafficPolicy | undefined, out: string[]): void {
  if (!tp) return;
  const http = tp.connectionPool?.http;
  if ((http?.http1MaxPendingRequests ?? 0) < 0) out.push('http1 max pending requests must be non-negative');
  if ((http?.http2MaxRequests ?? 0) < 0) out.push('http2 max requests must be non-negative');
  if ((http?.maxRequestsPerConnection ?? 0) < 0) out.push('max requests per connection must be non-negative');
  if ((http?.maxRetries ?? 0) < 0) out.push('max retries must be non-negative');
  if ((tp.connectionPool?.tcp?.maxConnections ?? 0) < 0) out.push('max connections must be non-negative');
  const od = tp.outlierDetection;
  if (od) {
    for (const d of [od.interval, od.baseEjectionTime]) {
      const e = durationErr(d);
      if (e) out.push(e);
    }
    for (const p of [od.maxEjectionPercent, od.minHealthPercent]) if (p !== undefined && (p < 0 || p > 100)) out.push(`percentage ${p} is not in range 0..100`);
  }
}

function destinationRuleErrs(dr: DestinationRule, out: string[]): void {
  const e = wildcardDomain(dr.spec.host ?? '');
  if (e) out.push(e);
  trafficPolicyErrs(dr.spec.trafficPolicy, out);
  const names = new Set<string>();
  for (const s of dr.spec.subsets ?? []) {
    if (names.has(s.name)) out.push(`duplicate subset names: ${s.name}`);
    names.add(s.name);
    if (!DNS1123_LABEL.test(s.name)) out.push(`subset name is invalid: ${s.name}`);
    trafficPolicyErrs(s.trafficPolicy, out);
  }
}

function peerAuthenticationErrs(pa: PeerAuthentication, out: string[]): void {
  const s = pa.spec ?? {};
  const workload = Object.keys(s.selector?.matchLabels ?? {}).length > 0;
  if (!workload && s.portLevelMtls !== undefined) out.push('mesh/namespace peer authentication cannot have port level mTLS');
  if (s.portLevelMtls !== undefined && Object.keys(s.portLevelMtls).length === 0) out.push('port level mTLS, if defined, must have at least one element');
  for (const p of Object.keys(s.portLevelMtls ?? {})) if (Number(p) === 0) out.push('port cannot be 0');
}

function authorizationPolicyErrs(ap: AuthorizationPolicy, out: string[]): void {
  (ap.spec?.rules ?? []).forEach((rule, i) => {
    if (rule.from !== undefined && rule.from.length === 0) out.push(`\`from\` must not be empty, found at rule ${i}`);
    for (const f of rule.from ?? []) {
      if (!f.source) out.push(`\`from.source\` must not be nil, found at rule ${i}`);
      else if (Object.values(f.source).every((v) => !Array.isArray(v) || v.length === 0)) out.push(`\`from.source\` must not be empty, found at rule ${i}`);
    }
    if (rule.to !== undefined && rule.to.length === 0) out.push(`\`to\` must not be empty, found at rule ${i}`);
    for (const t of rule.to ?? []) {
      if (!t.operation) out.push(`\`to.operation\` must not be nil, found at rule ${i}`);
      else if (Object.values(t.operation).every((v) => !Array.isArray(v) || v.length === 0)) out.push(`\`to.operation\` must not be empty, found at rule ${i}`);
      for (const port of [...(t.operation?.ports ?? []), ...(t.operation?.notPorts ?? [])]) if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) out.push(`invalid port: ${port}`);
    }
    for (const c of rule.when ?? []) if (!c.values?.length && !c.notValues?.length) out.push(`at least one of values or not_values must be set for key: ${c.key}`);
  });
}

/** hashicorp/go-multierror's ListFormatFunc (one error stays as it is, as Istio's appendErrors keeps it). */
export function multierrorText(errs: string[]): string {
  if (errs.length === 1) return errs[0];
  return `${errs.length} errors occurred:\n\t${errs.map((e) => `* ${e}`).join('\n\t')}\n\n`;
}

/** The webhook's verdict: the errors Istio's validation finds (empty: admitted). */
export function istioWebhookErrors(o: IstioObject): string[] {
  const out: string[] = [];
  switch (o.kind) {
    case 'VirtualService':
      virtualServiceErrs(o, out);
      break;
    case 'DestinationRule':
      destinationRuleErrs(o, out);
      break;
    case 'PeerAuthentication':
      peerAuthenticationErrs(o, out);
      break;
    case 'AuthorizationPolicy':
      authorizationPolicyErrs(o, out);
      break;
  }
  return out;
}

/** The webhook's refusal as the API server returns it (no reason: kubectl prints `Error from server: …`). */
export function admitIstioObject(o: IstioObject): void {
  const errs = istioWebhookErrors(o);
  if (errs.length) throw new StatusError('', `admission webhook "validation.istio.io" denied the request: configuration is invalid: ${multierrorText(errs)}`);
}
