/**
 * kubectl's table columns and cells per kind (pkg/printers/internalversion/printers.go), with
 * `-o wide` columns and ages on the cluster's clock.
 */
import type { ConfigMap, Deployment, Endpoints, EndpointSlice, Ingress, KubeObject, Namespace, NetworkPolicy, Node, Pod, ReplicaSet, Service, LabelSelector } from '../../kube/api/types';
import { formatLabelSelector } from '../../kube/api/selector';
import { humanDuration, parseTimestamp } from '../../kube/apiserver/clock';
import { ISTIO_COLUMNS, istioRow } from './istioRows';

export interface Columns {
  head: string[];
  wide: string[];
}

export const COLUMNS: Record<KubeObject['kind'], Columns> = {
  Pod: { head: ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'], wide: ['IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'] },
  Deployment: { head: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'], wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'] },
  ReplicaSet: { head: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'], wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'] },
  Service: { head: ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'], wide: ['SELECTOR'] },
  Endpoints: { head: ['NAME', 'ENDPOINTS', 'AGE'], wide: [] },
  EndpointSlice: { head: ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE'], wide: [] },
  Node: { head: ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'], wide: ['INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME'] },
  Namespace: { head: ['NAME', 'STATUS', 'AGE'], wide: [] },
  ConfigMap: { head: ['NAME', 'DATA', 'AGE'], wide: [] },
  NetworkPolicy: { head: ['NAME', 'POD-SELECTOR', 'AGE'], wide: [] },
  Ingress: { head: ['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE'], wide: [] },
  Event: { head: ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'], wide: [] },
  ...ISTIO_COLUMNS,
};

export const age = (ts: string | undefined, now: number): string => (ts ? humanDuration(now - parseTimestamp(ts)) : '<unknown>');

/** labels.FormatLabels: sorted `k=v` pairs, `<none>` when empty. */
export const formatLabels = (l: Record<string, string> | undefined): string => {
  const keys = Object.keys(l ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${l![k]}`).join(',') : '<none>';
};

const listMore = (list: string[], count: number, max: number, empty: string): string => {
  const ret = list.join(',');
  if (count > max) return `${ret} + ${count - max} more...`;
  return ret === '' ? empty : ret;
};

function podStatusText(p: Pod): string {
  let reason: string = p.status?.phase ?? 'Pending';
  for (const cs of p.status?.containerStatuses ?? []) {
    if (cs.state?.waiting?.reason) reason = cs.state.waiting.reason;
    else if (cs.state?.terminated?.reason) reason = cs.state.terminated.reason;
  }
  if (p.metadata.deletionTimestamp) reason = 'Terminating';
  return reason;
}

function lbIngress(s: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } } | undefined, wide: boolean): string {
  const r = (s?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || '').filter(Boolean).join(',');
  return !wide && r.length > 16 ? `${r.slice(0, 13)}...` : r;
}

function serviceExternalIP(svc: Service, wide: boolean): string {
  const ext = svc.spec.externalIPs ?? [];
  switch (svc.spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return ext.length ? ext.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = lbIngress(svc.status, wide);
      if (ext.length) return [...(lb ? lb.split(',') : []), ...ext].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return svc.spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

export const servicePorts = (svc: Service): string =>
  (svc.spec.ports ?? []).map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p.port}/${p.protocol}`)).join(',') || '<none>';

const selectorText = (s: LabelSelector | undefined) => (s ? formatLabelSelector(s) : '<none>');
const containersOf = (spec: { containers?: { name: string; image?: string }[] } | undefined) => ({
  names: (spec?.containers ?? []).map((c) => c.name).join(','),
  images: (spec?.containers ?? []).map((c) => c.image ?? '').join(','),
});

function endpointsText(ep: Endpoints): string {
  if (!ep.subsets?.length) return '<none>';
  const list: string[] = [];
  let count = 0;
  for (const ss of ep.subsets) {
    const addrs = ss.addresses ?? [];
    if (!ss.ports?.length) {
      count += addrs.length;
      for (const a of addrs) if (list.length < 3) list.push(a.ip);
      continue;
    }
    for (const port of ss.ports) {
      count += addrs.length;
      for (const a of addrs) if (list.length < 3) list.push(`${a.ip}:${port.port}`);
    }
  }
  const ret = list.join(',');
  return count > 3 ? `${ret} + ${count - 3} more...` : ret;
}

function nodeRoles(n: Node): string {
  const roles = Object.keys(n.metadata.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length))
    .filter(Boolean);
  if (n.metadata.labels?.['kubernetes.io/role']) roles.push(n.metadata.labels['kubernetes.io/role']);
  return roles.length ? [...new Set(roles)].sort().join(',') : '<none>';
}

function ingressHosts(ing: Ingress): string {
  const hosts = (ing.spec.rules ?? []).map((r) => r.host).filter((h): h is string => !!h);
  if (!hosts.length) return '*';
  return listMore(hosts.slice(0, 3), hosts.length, 3, '*');
}

/** One table row (without the NAMESPACE column) for an object. */
export function rowOf(o: KubeObject, now: number, wide: boolean): string[] {
  const a = age(o.metadata.creationTimestamp, now);
  switch (o.kind) {
    case 'Pod': {
      const cs = o.status?.containerStatuses ?? [];
      const ready = cs.filter((c) => c.ready).length;
      const row = [o.metadata.name, `${ready}/${o.spec.containers.length}`, podStatusText(o), String(cs.reduce((x, c) => x + c.restartCount, 0)), a];
      if (wide) {
        const gates = o.spec.readinessGates ?? [];
        const gatesOk = gates.filter((g) => o.status?.conditions?.some((c) => c.type === g.conditionType && c.status === 'True')).length;
        row.push(o.status?.podIP || '<none>', o.spec.nodeName || '<none>', '<none>', gates.length ? `${gatesOk}/${gates.length}` : '<none>');
      }
      return row;
    }
    case 'Deployment': {
      const st = o.status ?? {};
      const row = [o.metadata.name, `${st.readyReplicas ?? 0}/${o.spec.replicas ?? 0}`, String(st.updatedReplicas ?? 0), String(st.availableReplicas ?? 0), a];
      if (wide) {
        const c = containersOf(o.spec.template.spec);
        row.push(c.names, c.images, selectorText(o.spec.selector));
      }
      return row;
    }
    case 'ReplicaSet': {
      const row = [o.metadata.name, String(o.spec.replicas ?? 0), String(o.status?.replicas ?? 0), String(o.status?.readyReplicas ?? 0), a];
      if (wide) {
        const c = containersOf(o.spec.template.spec);
        row.push(c.names, c.images, selectorText(o.spec.selector));
      }
      return row;
    }
    case 'Service': {
      const row = [o.metadata.name, o.spec.type ?? 'ClusterIP', o.spec.clusterIPs?.[0] ?? '<none>', serviceExternalIP(o, wide), servicePorts(o), a];
      if (wide) row.push(formatLabels(o.spec.selector));
      return row;
    }
    case 'Endpoints':
      return [o.metadata.name, endpointsText(o), a];
    case 'EndpointSlice': {
      const ports = (o.ports ?? []).map((p) => (p.port !== undefined && p.port !== null ? String(p.port) : p.name ? p.name : '*'));
      const addrs = (o.endpoints ?? []).flatMap((e) => e.addresses);
      return [o.metadata.name, o.addressType, listMore(ports.slice(0, 3), ports.length, 3, '<unset>'), listMore(addrs.slice(0, 3), addrs.length, 3, '<unset>'), a];
    }
    case 'Node': {
      const ready = o.status?.conditions?.find((c) => c.type === 'Ready');
      let status = ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown';
      if (o.spec.unschedulable) status += ',SchedulingDisabled';
      const row = [o.metadata.name, status, nodeRoles(o), a, o.status?.nodeInfo?.kubeletVersion ?? ''];
      if (wide) {
        const addr = (t: string) => o.status?.addresses?.find((x) => x.type === t)?.address ?? '<none>';
        const info = o.status?.nodeInfo ?? {};
        row.push(addr('InternalIP'), addr('ExternalIP'), info.osImage ?? '<unknown>', info.kernelVersion ?? '<unknown>', info.containerRuntimeVersion ?? '<unknown>');
      }
      return row;
    }
    case 'Namespace':
      return [o.metadata.name, (o as Namespace).status?.phase ?? 'Active', a];
    case 'ConfigMap':
      return [o.metadata.name, String(Object.keys((o as ConfigMap).data ?? {}).length + Object.keys((o as ConfigMap).binaryData ?? {}).length), a];
    case 'NetworkPolicy':
      return [o.metadata.name, formatLabelSelector((o as NetworkPolicy).spec.podSelector), a];
    case 'Event': {
      // printEvent: events.k8s.io-style events only have an eventTime
      const first = o.firstTimestamp ? age(o.firstTimestamp, now) : age(o.eventTime ?? undefined, now);
      const last = o.lastTimestamp ? age(o.lastTimestamp, now) : first;
      const target = o.involvedObject.name ? `${(o.involvedObject.kind ?? '').toLowerCase()}/${o.involvedObject.name}` : (o.involvedObject.kind ?? '').toLowerCase();
      return [last, o.type ?? '', o.reason ?? '', target, (o.message ?? '').trim()];
    }
    case 'Ingress': {
      const ing = o as Ingress;
      return [o.metadata.name, ing.spec.ingressClassName ?? '<none>', ingressHosts(ing), lbIngress(ing.status, wide), ing.spec.tls?.length ? '80, 443' : '80', a];
    }
    default:
      return istioRow(o, a);
  }
}

export type { Deployment, ReplicaSet, EndpointSlice };
