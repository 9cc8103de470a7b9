/** kubectl describe for Services, Endpoints, EndpointSlices, Deployments, ReplicaSets, Namespaces and ConfigMaps (describe.go, v1.31). */
import type { ConfigMap, Deployment, Endpoints, EndpointSlice, KubeEvent, Namespace, Pod, ReplicaSet, Service } from '../../../kube/api/types';
import { formatLabelSelector } from '../../../kube/api/selector';
import { formatLabels } from '../rows';
import { describePodTemplate } from './pod';
import { describeEvents, printAnnotationsMultiline, printLabelsMultiline, rfc1123z, tabbed } from './writer';

/** formatEndpoints: up to three `ip:port` of the ready addresses serving the named port. */
function formatEndpoints(ep: Endpoints | undefined, portName: string): string {
  if (!ep?.subsets?.length) return '<none>';
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const ss of ep.subsets) {
    const addrs = ss.addresses ?? [];
    if (!ss.ports?.length) {
      for (const a of addrs) {
        if (list.length === 3) more = true;
        if (!more) list.push(a.ip);
        count++;
      }
      continue;
    }
    for (const p of ss.ports)
      if ((p.name ?? '') === portName)
        for (const a of addrs) {
          if (list.length === 3) more = true;
          if (!more) list.push(`${a.ip}:${p.port}`);
          count++;
        }
  }
  return more ? `${list.join(',')} + ${count - 3} more...` : list.join(',');
}

export function describeService(svc: Service, ep: Endpoints | undefined, events: KubeEvent[] | undefined, now: number): string {
  return tabbed((w) => {
    const s = svc.spec;
    w.write(0, `Name:\t${svc.metadata.name}\n`);
    w.write(0, `Namespace:\t${svc.metadata.namespace}\n`);
    printLabelsMultiline(w, 'Labels', svc.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', svc.metadata.annotations);
    w.write(0, `Selector:\t${formatLabels(s.selector)}\n`);
    w.write(0, `Type:\t${s.type ?? 'ClusterIP'}\n`);
    if (s.ipFamilyPolicy) w.write(0, `IP Family Policy:\t${s.ipFamilyPolicy}\n`);
    w.write(0, `IP Families:\t${s.ipFamilies?.length ? s.ipFamilies.join(',') : '<none>'}\n`);
    w.write(0, `IP:\t${s.clusterIP ?? ''}\n`);
    w.write(0, `IPs:\t${s.clusterIPs?.length ? s.clusterIPs.join(',') : '<none>'}\n`);
    if (s.externalIPs?.length) w.write(0, `External IPs:\t${s.externalIPs.join(',')}\n`);
    if (s.loadBalancerIP) w.write(0, `Desired LoadBalancer IP:\t${s.loadBalancerIP}\n`);
    if (s.externalName) w.write(0, `External Name:\t${s.externalName}\n`);
    const ingress = svc.status?.loadBalancer?.ingress ?? [];
    if (ingress.length) w.write(0, `LoadBalancer Ingress:\t${ingress.map((i) => (i.ip ? `${i.ip}${i.ipMode ? ` (${i.ipMode})` : ''}` : (i.hostname ?? ''))).join(', ')}\n`);
    for (const p of s.ports ?? []) {
      const name = p.name || '<unset>';
      w.write(0, `Port:\t${name}\t${p.port}/${p.protocol}\n`);
      w.write(0, `TargetPort:\t${String(p.targetPort)}/${p.protocol}\n`);
      if (p.nodePort) w.write(0, `NodePort:\t${name}\t${p.nodePort}/${p.protocol}\n`);
      w.write(0, `Endpoints:\t${formatEndpoints(ep, p.name ?? '')}\n`);
    }
    w.write(0, `Session Affinity:\t${s.sessionAffinity ?? 'None'}\n`);
    if (s.externalTrafficPolicy) w.write(0, `External Traffic Policy:\t${s.externalTrafficPolicy}\n`);
    if (s.internalTrafficPolicy) w.write(0, `Internal Traffic Policy:\t${s.internalTrafficPolicy}\n`);
    if (s.healthCheckNodePort) w.write(0, `HealthCheck NodePort:\t${s.healthCheckNodePort}\n`);
    if (s.loadBalancerSourceRanges?.length) w.write(0, `LoadBalancer Source Ranges:\t${s.loadBalancerSourceRanges.join(',')}\n`);
    describeEvents(events, w, now);
  });
}

export function describeEndpoints(ep: Endpoints, events: KubeEvent[] | undefined, now: number): string {
  return tabbed((w) => {
    w.write(0, `Name:\t${ep.metadata.name}\n`);
    w.write(0, `Namespace:\t${ep.metadata.namespace}\n`);
    printLabelsMultiline(w, 'Labels', ep.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', ep.metadata.annotations);
    w.write(0, 'Subsets:\n');
    for (const ss of ep.subsets ?? []) {
      w.write(1, `Addresses:\t${(ss.addresses ?? []).map((a) => a.ip).join(',') || '<none>'}\n`);
      w.write(1, `NotReadyAddresses:\t${(ss.notReadyAddresses ?? []).map((a) => a.ip).join(',') || '<none>'}\n`);
      if (ss.ports?.length) {
        w.write(1, 'Ports:\n');
        w.write(2, 'Name\tPort\tProtocol\n');
        w.write(2, '----\t----\t--------\n');
        for (const p of ss.ports) w.write(2, `${p.name || '<unset>'}\t${p.port}\t${p.protocol ?? 'TCP'}\n`);
      }
      w.write(0, '\n');
    }
    describeEvents(events, w, now);
  });
}

export function describeEndpointSlice(es: EndpointSlice, events: KubeEvent[] | undefined, now: number): string {
  return tabbed((w) => {
    w.write(0, `Name:\t${es.metadata.name}\n`);
    w.write(0, `Namespace:\t${es.metadata.namespace}\n`);
    printLabelsMultiline(w, 'Labels', es.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', es.metadata.annotations);
    w.write(0, `AddressType:\t${es.addressType}\n`);
    if (!es.ports?.length) w.write(0, 'Ports: <unset>\n');
    else {
      w.write(0, 'Ports:\n');
      w.write(1, 'Name\tPort\tProtocol\n');
      w.write(1, '----\t----\t--------\n');
      for (const p of es.ports) w.write(1, `${p.name || '<unset>'}\t${p.port ?? '<unset>'}\t${p.protocol ?? 'TCP'}\n`);
    }
    if (!es.endpoints?.length) w.write(0, 'Endpoints: <none>\n');
    else {
      w.write(0, 'Endpoints:\n');
      for (const e of es.endpoints) {
        w.write(1, `- Addresses:\t${e.addresses.join(', ') || '<none>'}\n`);
        w.write(2, 'Conditions:\n');
        w.write(3, `Ready:\t${e.conditions?.ready === undefined ? '<unset>' : String(e.conditions.ready)}\n`);
        w.write(2, `Hostname:\t${e.hostname ?? '<unset>'}\n`);
        if (e.targetRef) w.write(2, `TargetRef:\t${e.targetRef.kind ?? ''}/${e.targetRef.name ?? ''}\n`);
        w.write(2, `NodeName:\t${e.nodeName ?? '<unset>'}\n`);
        w.write(2, `Zone:\t${e.zone ?? '<unset>'}\n`);
      }
    }
    describeEvents(events, w, now);
  });
}

/** printReplicaSetsByLabels */
const replicaSetsText = (list: ReplicaSet[]): string => list.map((rs) => `${rs.metadata.name} (${rs.status?.replicas ?? 0}/${rs.spec.replicas ?? 0} replicas created)`).join(', ') || '<none>';

export function describeDeployment(d: Deployment, owned: ReplicaSet[], newRS: ReplicaSet | undefined, events: KubeEvent[] | undefined, now: number): string {
  return tabbed((w) => {
    const st = d.status ?? {};
    w.write(0, `Name:\t${d.metadata.name}\n`);
    w.write(0, `Namespace:\t${d.metadata.namespace}\n`);
    w.write(0, `CreationTimestamp:\t${rfc1123z(d.metadata.creationTimestamp)}\n`);
    printLabelsMultiline(w, 'Labels', d.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', d.metadata.annotations);
    w.write(0, `Selector:\t${formatLabelSelector(d.spec.selector)}\n`);
    w.write(0, `Replicas:\t${d.spec.replicas ?? 1} desired | ${st.updatedReplicas ?? 0} updated | ${st.replicas ?? 0} total | ${st.availableReplicas ?? 0} available | ${st.unavailableReplicas ?? 0} unavailable\n`);
    w.write(0, `StrategyType:\t${d.spec.strategy?.type ?? 'RollingUpdate'}\n`);
    w.write(0, `MinReadySeconds:\t${d.spec.minReadySeconds ?? 0}\n`);
    const ru = d.spec.strategy?.rollingUpdate;
    if (ru) w.write(0, `RollingUpdateStrategy:\t${String(ru.maxUnavailable ?? '')} max unavailable, ${String(ru.maxSurge ?? '')} max surge\n`);
    describePodTemplate(d.spec.template, w);
    if (st.conditions?.length) {
      w.write(0, 'Conditions:\n  Type\tStatus\tReason\n');
      w.write(1, '----\t------\t------\n');
      for (const c of st.conditions) w.write(1, `${c.type} \t${c.status}\t${c.reason ?? ''}\n`);
    }
    const old = owned.filter((rs) => rs !== newRS && (rs.spec.replicas ?? 0) !== 0);
    w.write(0, `OldReplicaSets:\t${replicaSetsText(old)}\n`);
    w.write(0, `NewReplicaSet:\t${replicaSetsText(newRS ? [newRS] : [])}\n`);
    describeEvents(events, w, now);
  });
}

export function describeReplicaSet(rs: ReplicaSet, pods: Pod[], events: KubeEvent[] | undefined, now: number): string {
  return tabbed((w) => {
    w.write(0, `Name:\t${rs.metadata.name}\n`);
    w.write(0, `Namespace:\t${rs.metadata.namespace}\n`);
    w.write(0, `Selector:\t${formatLabelSelector(rs.spec.selector)}\n`);
    printLabelsMultiline(w, 'Labels', rs.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', rs.metadata.annotations);
    const owner = rs.metadata.ownerReferences?.find((r) => r.controller);
    if (owner) w.write(0, `Controlled By:\t${owner.kind}/${owner.name}\n`);
    w.write(0, `Replicas:\t${rs.status?.replicas ?? 0} current / ${rs.spec.replicas ?? 1} desired\n`);
    const count = (phase: string) => pods.filter((p) => (p.status?.phase ?? 'Pending') === phase).length;
    w.write(0, 'Pods Status:\t');
    w.write(0, `${count('Running')} Running / ${count('Pending')} Waiting / ${count('Succeeded')} Succeeded / ${count('Failed')} Failed\n`);
    describePodTemplate(rs.spec.template, w);
    describeEvents(events, w, now);
  });
}

export function describeNamespace(ns: Namespace): string {
  return tabbed((w) => {
    w.write(0, `Name:\t${ns.metadata.name}\n`);
    printLabelsMultiline(w, 'Labels', ns.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', ns.metadata.annotations);
    w.write(0, `Status:\t${ns.status?.phase ?? 'Active'}\n`);
    w.write(0, '\nNo resource quota.\n');
    w.write(0, '\nNo LimitRange resource.\n');
  });
}

export function describeConfigMap(cm: ConfigMap, events: KubeEvent[] | undefined, now: number): string {
  return tabbed((w) => {
    w.write(0, `Name:\t${cm.metadata.name}\n`);
    w.write(0, `Namespace:\t${cm.metadata.namespace}\n`);
    printLabelsMultiline(w, 'Labels', cm.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', cm.metadata.annotations);
    w.write(0, '\nData\n====\n');
    for (const k of Object.keys(cm.data ?? {}).sort()) {
      w.write(0, `${k}:\n----\n`);
      w.write(0, `${cm.data![k]}\n`);
    }
    w.write(0, '\nBinaryData\n====\n');
    for (const k of Object.keys(cm.binaryData ?? {}).sort()) w.write(0, `${k}: ${atobLength(cm.binaryData![k])} bytes\n`);
    w.write(0, '\n');
    describeEvents(events, w, now);
  });
}

/** The decoded length of base64 text. */
const atobLength = (b64: string): number => Math.floor((b64.replace(/=+$/, '').length * 3) / 4);
