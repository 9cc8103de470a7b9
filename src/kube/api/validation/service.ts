/** Service validation (ValidateService) and the allocation errors the Service registry returns. */
import { duplicate, forbidden, GoLiteral, invalid, notSupported, required, type FieldError } from '../errors';
import type { Service, ServicePort } from '../types';
import { validateLabels } from './meta';
import { isDNS1123Label, isDNS1123Subdomain, isValidIPv4, isValidPortNum } from './names';
import { PROTOCOLS, validatePortNumOrName } from './pod';

const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

/** %#v of the (protocol, port) key ValidateService checks for duplicates. */
function portKey(p: Pick<ServicePort, 'protocol' | 'port' | 'nodePort'>): GoLiteral {
  return new GoLiteral(
    `core.ServicePort{Name:"", Protocol:${JSON.stringify(p.protocol ?? '')}, AppProtocol:(*string)(nil), Port:${p.port ?? 0}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:${p.nodePort ?? 0}}`,
  );
}

export function validateServiceSpec(svc: Service): FieldError[] {
  const s = svc.spec;
  if (!s) return [required('spec.ports', '')];
  const errs: FieldError[] = [];
  const type = s.type ?? 'ClusterIP';
  if (!TYPES.includes(type)) errs.push(notSupported('spec.type', type, TYPES));
  const headless = s.clusterIP === 'None';
  const ports = s.ports ?? [];
  if (type === 'ExternalName') {
    if (!s.externalName) errs.push(required('spec.externalName', ''));
    else {
      const name = s.externalName.endsWith('.') ? s.externalName.slice(0, -1) : s.externalName;
      for (const m of isDNS1123Subdomain(name)) errs.push(invalid('spec.externalName', s.externalName, m));
    }
    if (s.clusterIP && s.clusterIP !== '') errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
  } else if (ports.length === 0 && !headless) errs.push(required('spec.ports', ''));
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const pp = `spec.ports[${i}]`;
    if (ports.length > 1 && !p.name) errs.push(required(`${pp}.name`, ''));
    else if (p.name) {
      for (const m of isDNS1123Label(p.name)) errs.push(invalid(`${pp}.name`, p.name, m));
      if (names.has(p.name)) errs.push(duplicate(`${pp}.name`, p.name));
      names.add(p.name);
    }
    for (const m of isValidPortNum(p.port ?? 0)) errs.push(invalid(`${pp}.port`, p.port ?? 0, m));
    if (!p.protocol) errs.push(required(`${pp}.protocol`, ''));
    else if (!PROTOCOLS.includes(p.protocol)) errs.push(notSupported(`${pp}.protocol`, p.protocol, PROTOCOLS));
    errs.push(...validatePortNumOrName(p.targetPort, `${pp}.targetPort`));
    if (headless && typeof p.targetPort === 'number' && p.targetPort !== p.port) {
      // allowed: a headless Service may still map ports
    }
    if (p.nodePort && type === 'ClusterIP') errs.push(forbidden(`${pp}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
    else if (p.nodePort) for (const m of isValidPortNum(p.nodePort)) errs.push(invalid(`${pp}.nodePort`, p.nodePort, m));
  });
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const k = `${p.protocol}/${p.port}`;
    if (seen.has(k)) errs.push(duplicate(`spec.ports[${i}]`, portKey({ protocol: p.protocol, port: p.port })));
    seen.add(k);
  });
  const seenNode = new Set<string>();
  ports.forEach((p, i) => {
    if (!p.nodePort) return;
    const k = `${p.protocol}/${p.nodePort}`;
    if (seenNode.has(k)) errs.push(duplicate(`spec.ports[${i}].nodePort`, p.nodePort));
    seenNode.add(k);
  });
  if (type !== 'ExternalName') errs.push(...validateLabels(s.selector, 'spec.selector'));
  if (s.clusterIP && s.clusterIP !== 'None' && !isValidIPv4(s.clusterIP)) errs.push(invalid('spec.clusterIPs[0]', s.clusterIP, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  if (s.sessionAffinity && !['ClientIP', 'None'].includes(s.sessionAffinity)) errs.push(notSupported('spec.sessionAffinity', s.sessionAffinity, ['ClientIP', 'None']));
  const t = s.sessionAffinityConfig?.clientIP?.timeoutSeconds;
  if (s.sessionAffinity === 'ClientIP' && t !== undefined && !(t > 0 && t <= 86400))
    errs.push(invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', t, 'must be greater than 0 and less than 86400'));
  const external = type === 'NodePort' || type === 'LoadBalancer';
  if (!external) {
    if (s.externalTrafficPolicy) errs.push(invalid('spec.externalTrafficPolicy', s.externalTrafficPolicy, 'may only be set for externally-accessible services'));
  } else if (!['Cluster', 'Local'].includes(s.externalTrafficPolicy ?? 'Cluster')) errs.push(notSupported('spec.externalTrafficPolicy', s.externalTrafficPolicy, ['Cluster', 'Local']));
  if (s.internalTrafficPolicy && !['Cluster', 'Local'].includes(s.internalTrafficPolicy)) errs.push(notSupported('spec.internalTrafficPolicy', s.internalTrafficPolicy, ['Cluster', 'Local']));
  if (s.healthCheckNodePort && !(type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local'))
    errs.push(invalid('spec.healthCheckNodePort', s.healthCheckNodePort, 'may only be set when `type` is \'LoadBalancer\' and `externalTrafficPolicy` is \'Local\''));
  (s.externalIPs ?? []).forEach((ip, i) => {
    if (!isValidIPv4(ip)) errs.push(invalid(`spec.externalIPs[${i}]`, ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  });
  if (s.loadBalancerSourceRanges?.length && type !== 'LoadBalancer') errs.push(forbidden('spec.loadBalancerSourceRanges', "may only be used when `type` is 'LoadBalancer'"));
  if (s.publishNotReadyAddresses !== undefined && typeof s.publishNotReadyAddresses !== 'boolean') errs.push(invalid('spec.publishNotReadyAddresses', s.publishNotReadyAddresses, 'must be a boolean'));
  return errs;
}
