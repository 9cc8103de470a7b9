/**
 * What the endpoint controllers agree on: which pods back a Service, their conditions, and each
 * Service port resolved against each pod (a named targetPort is looked up per pod, by name and
 * protocol, so two pods may serve one Service port on different numbers).
 */
import type { EndpointPort, Pod, Service, ServicePort } from '../api/types';
import { matchesServiceSelector } from '../api/selector';
import { isPodReady, isPodTerminal } from './pods';

export interface Backend {
  pod: Pod;
  ip: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  /** spec.hostname, when the pod's subdomain names this Service (endpointutil.ShouldSetHostname) */
  hostname?: string;
  ports: EndpointPort[];
}

/** podutil.FindPort: a number as it is, a name looked up in the pod's containers (matching protocol). */
export function findPort(pod: Pod, sp: ServicePort): number | undefined {
  const t = sp.targetPort ?? sp.port;
  if (typeof t === 'number') return t;
  if (/^\d+$/.test(t)) return Number(t);
  for (const c of pod.spec.containers ?? []) for (const p of c.ports ?? []) if (p.name === t && (p.protocol ?? 'TCP') === (sp.protocol ?? 'TCP')) return p.containerPort;
  return undefined;
}

/** Every pod a Service selects that has an IP, with the Service's ports resolved on it. */
export function backendsOf(svc: Service, pods: Pod[], includeTerminating: boolean): Backend[] {
  const out: Backend[] = [];
  const pnra = svc.spec.publishNotReadyAddresses === true;
  for (const pod of pods) {
    if (pod.metadata.namespace !== svc.metadata.namespace || !matchesServiceSelector(svc.spec.selector, pod.metadata.labels)) continue;
    if (isPodTerminal(pod) || !pod.status?.podIP) continue;
    const terminating = !!pod.metadata.deletionTimestamp;
    if (terminating && !includeTerminating) continue;
    const serving = pnra || isPodReady(pod);
    const ready = serving && (!terminating || pnra);
    const ports: EndpointPort[] = [];
    for (const sp of svc.spec.ports ?? []) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      ports.push({ name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
    }
    const hostname = pod.spec.hostname && pod.spec.subdomain === svc.metadata.name ? pod.spec.hostname : undefined;
    out.push({ pod, ip: pod.status.podIP, ready, serving, terminating, hostname, ports });
  }
  return out.sort((a, b) => ipOrder(a.ip) - ipOrder(b.ip) || (a.pod.metadata.uid ?? '').localeCompare(b.pod.metadata.uid ?? ''));
}

const ipOrder = (ip: string) => ip.split('.').reduce((a, p) => a * 256 + Number(p), 0);

/** Does this Service have endpoints managed by the controllers (a selector, not ExternalName)? */
export const hasManagedEndpoints = (svc: Service): boolean => svc.spec.type !== 'ExternalName' && !!svc.spec.selector && Object.keys(svc.spec.selector).length > 0;
