/** validateObject(): everything the API server checks on create or update, field paths included. */
import { GoLiteral, invalid, notSupported, required, type FieldError } from '../errors';
import { matchesSelector } from '../selector';
import type { ConfigMap, Deployment, EndpointSlice, Ingress, KubeObject, LabelSelector, ReplicaSet } from '../types';
import { resourceByKind } from '../resources';
import { goStringMap, subdomainName, validateLabelSelector, validateObjectMeta, type NameRule } from './meta';
import { isDNS1035Label, isDNS1123Label, isValidCIDR, isValidIPv4, isValidPortNum } from './names';
import { PROTOCOLS, validatePodSpec, validatePortNumOrName } from './pod';
import { validateServiceSpec } from './service';
import { validateNetworkPolicySpec } from './networkpolicy';
import { isIstioObject, validateIstioSchema } from '../../mesh/validation';

const NAME_RULES: Partial<Record<KubeObject['kind'], NameRule>> = {
  Service: isDNS1035Label,
  Namespace: isDNS1123Label,
};

const emptySelectorText = (s: LabelSelector) =>
  new GoLiteral(
    `v1.LabelSelector{MatchLabels:${goStringMap(s.matchLabels)}, MatchExpressions:${s.matchExpressions ? '[]v1.LabelSelectorRequirement{}' : '[]v1.LabelSelectorRequirement(nil)'}}`,
  );

/** A Deployment's or ReplicaSet's selector, template labels and replicas (ValidateDeploymentSpec / ValidateReplicaSetSpec). */
function validateWorkload(obj: Deployment | ReplicaSet, kindWord: string): FieldError[] {
  const s = obj.spec;
  if (!s) return [required('spec.selector', '')];
  const errs: FieldError[] = [];
  if (s.replicas !== undefined && s.replicas < 0) errs.push(invalid('spec.replicas', s.replicas, 'must be greater than or equal to 0'));
  if (!s.selector) errs.push(required('spec.selector', ''));
  else {
    errs.push(...validateLabelSelector(s.selector, 'spec.selector'));
    if (!s.selector.matchLabels && !s.selector.matchExpressions?.length) errs.push(invalid('spec.selector', emptySelectorText(s.selector), `empty selector is invalid for ${kindWord}`));
  }
  const tmpl = s.template;
  if (!tmpl) errs.push(required('spec.template', ''));
  else {
    const labels = tmpl.metadata?.labels;
    if (s.selector && (s.selector.matchLabels || s.selector.matchExpressions?.length) && !matchesSelector(s.selector, labels))
      errs.push(invalid('spec.template.metadata.labels', new GoLiteral(goStringMap(labels ?? {})), '`selector` does not match template `labels`'));
    errs.push(...validatePodSpec(tmpl.spec, 'spec.template.spec', ['Always']));
  }
  return errs;
}

function validateConfigMap(cm: ConfigMap): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of [...Object.keys(cm.data ?? {}), ...Object.keys(cm.binaryData ?? {})]) {
    if (k.length > 253) errs.push(invalid(`data[${k}]`, k, 'must be no more than 253 characters'));
    if (!/^[-._a-zA-Z0-9]+$/.test(k))
      errs.push(invalid(`data[${k}]`, k, "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"));
  }
  return errs;
}

function validateEndpointSlice(es: EndpointSlice): FieldError[] {
  const errs: FieldError[] = [];
  if (!es.addressType) errs.push(required('addressType', ''));
  else if (!['FQDN', 'IPv4', 'IPv6'].includes(es.addressType)) errs.push(notSupported('addressType', es.addressType, ['FQDN', 'IPv4', 'IPv6']));
  (es.endpoints ?? []).forEach((ep, i) => {
    const p = `endpoints[${i}]`;
    if (!ep.addresses || ep.addresses.length === 0) errs.push(required(`${p}.addresses`, 'must contain at least 1 address'));
    else if (ep.addresses.length > 100) errs.push({ field: `${p}.addresses`, type: 'Too many', value: ep.addresses.length, detail: 'must have at most 100 items' });
    (ep.addresses ?? []).forEach((a, j) => {
      if (es.addressType === 'IPv4' && !isValidIPv4(a)) errs.push(invalid(`${p}.addresses[${j}]`, a, 'must be a valid IPv4 address'));
    });
    if (ep.hostname) for (const m of isDNS1123Label(ep.hostname)) errs.push(invalid(`${p}.hostname`, ep.hostname, m));
  });
  const names = new Set<string>();
  (es.ports ?? []).forEach((port, i) => {
    const p = `ports[${i}]`;
    const name = port.name ?? '';
    if (name) for (const m of isDNS1123Label(name)) errs.push(invalid(`${p}.name`, name, m));
    if (names.has(name)) errs.push({ field: `${p}.name`, type: 'Duplicate value', value: name });
    names.add(name);
    if (port.protocol && !PROTOCOLS.includes(port.protocol)) errs.push(notSupported(`${p}.protocol`, port.protocol, PROTOCOLS));
    if (port.port !== undefined && port.port !== null) for (const m of isValidPortNum(port.port)) errs.push(invalid(`${p}.port`, port.port, m));
  });
  return errs;
}

function validateIngress(ing: Ingress): FieldError[] {
  const s = ing.spec ?? {};
  const errs: FieldError[] = [];
  const backend = (b: NonNullable<Ingress['spec']['defaultBackend']>, path: string) => {
    if (b.service) {
      if (!b.service.name) errs.push(required(`${path}.service.name`, ''));
      const port = b.service.port ?? {};
      if (port.name && port.number) errs.push(invalid(`${path}.service.port`, port.name, 'cannot set both port name & port number'));
      else if (!port.name && !port.number) errs.push(invalid(`${path}.service.port`, 0, 'port name or number is required'));
      else if (port.number) errs.push(...validatePortNumOrName(port.number, `${path}.service.port.number`));
    } else if (!b.resource) errs.push(invalid(path, '', 'one backend (`service` or `resource`) must be specified'));
  };
  if (s.defaultBackend) backend(s.defaultBackend, 'spec.defaultBackend');
  if (!s.defaultBackend && !(s.rules ?? []).length) errs.push(invalid('spec.rules', new GoLiteral('[]networking.IngressRule(nil)'), 'either `defaultBackend` or `rules` must be specified'));
  (s.rules ?? []).forEach((r, i) => {
    (r.http?.paths ?? []).forEach((p, j) => {
      const pp = `spec.rules[${i}].http.paths[${j}]`;
      if (!p.pathType) errs.push(required(`${pp}.pathType`, 'pathType must be specified'));
      else if (!['Exact', 'ImplementationSpecific', 'Prefix'].includes(p.pathType)) errs.push(notSupported(`${pp}.pathType`, p.pathType, ['Exact', 'ImplementationSpecific', 'Prefix']));
      if (p.pathType !== 'ImplementationSpecific' && p.path !== undefined && !p.path.startsWith('/')) errs.push(invalid(`${pp}.path`, p.path, "must be an absolute path"));
      backend(p.backend ?? {}, `${pp}.backend`);
    });
  });
  return errs;
}

export function validateObject(obj: KubeObject): FieldError[] {
  const info = resourceByKind(obj.kind);
  if (!info) return [];
  const errs = validateObjectMeta(obj.metadata, info.namespaced, NAME_RULES[obj.kind] ?? subdomainName);
  switch (obj.kind) {
    case 'Pod':
      return [...errs, ...validatePodSpec(obj.spec, 'spec')];
    case 'Service':
      return [...errs, ...validateServiceSpec(obj)];
    case 'Deployment':
      return [...errs, ...validateWorkload(obj, 'deployment')];
    case 'ReplicaSet':
      return [...errs, ...validateWorkload(obj, 'replicaset')];
    case 'ConfigMap':
      return [...errs, ...validateConfigMap(obj)];
    case 'EndpointSlice':
      return [...errs, ...validateEndpointSlice(obj)];
    case 'NetworkPolicy':
      return [...errs, ...validateNetworkPolicySpec(obj)];
    case 'Ingress':
      return [...errs, ...validateIngress(obj)];
    case 'Node':
      return [...errs, ...(obj.spec?.podCIDR && !isValidCIDR(obj.spec.podCIDR) ? [invalid('spec.podCIDR', obj.spec.podCIDR, 'must be a valid CIDR')] : [])];
    default:
      return isIstioObject(obj) ? [...errs, ...validateIstioSchema(obj)] : errs;
  }
}
