/** kubectl describe pod, and the pod-template part Deployments and ReplicaSets share (describe.go). */
import type { Container, ContainerStatus, KubeEvent, Pod, PodSpec, PodTemplateSpec, Probe } from '../../../kube/api/types';
import { describeEvents, printAnnotationsMultiline, printLabelsMultiline, rfc1123z, since, tabbed, type PrefixWriter } from './writer';

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

type Loose = Record<string, unknown>;

export function describePod(pod: Pod, events: KubeEvent[] | undefined, now: number): string {
  return tabbed((w) => {
    const spec = pod.spec as PodSpec & Loose;
    const st = pod.status ?? {};
    w.write(0, `Name:\t${pod.metadata.name}\n`);
    w.write(0, `Namespace:\t${pod.metadata.namespace}\n`);
    if (typeof spec.priority === 'number') w.write(0, `Priority:\t${spec.priority}\n`);
    if (spec.priorityClassName) w.write(0, `Priority Class Name:\t${String(spec.priorityClassName)}\n`);
    if (spec.serviceAccountName) w.write(0, `Service Account:\t${spec.serviceAccountName}\n`);
    w.write(0, spec.nodeName ? `Node:\t${spec.nodeName}/${st.hostIP ?? ''}\n` : 'Node:\t<none>\n');
    if (st.startTime) w.write(0, `Start Time:\t${rfc1123z(st.startTime)}\n`);
    printLabelsMultiline(w, 'Labels', pod.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', pod.metadata.annotations);
    if (pod.metadata.deletionTimestamp && st.phase !== 'Failed' && st.phase !== 'Succeeded') {
      w.write(0, `Status:\tTerminating (lasts ${since(pod.metadata.deletionTimestamp, now)})\n`);
      w.write(0, `Termination Grace Period:\t${pod.metadata.deletionGracePeriodSeconds ?? 0}s\n`);
    } else w.write(0, `Status:\t${st.phase ?? ''}\n`);
    w.write(0, `IP:\t${st.podIP ?? ''}\n`);
    if (!st.podIPs?.length) w.write(0, 'IPs:\t<none>\n');
    else {
      w.write(0, 'IPs:\n');
      for (const ip of st.podIPs) w.write(1, `IP:\t${ip.ip}\n`);
    }
    const owner = pod.metadata.ownerReferences?.find((r) => r.controller);
    if (owner) w.write(0, `Controlled By:\t${owner.kind}/${owner.name}\n`);
    if (spec.initContainers?.length) describeContainers('Init Containers', spec.initContainers, [], w, '');
    describeContainers('Containers', spec.containers ?? [], st.containerStatuses ?? [], w, '');
    if (spec.readinessGates?.length) {
      w.write(0, 'Readiness Gates:\n  Type\tStatus\n');
      for (const g of spec.readinessGates) w.write(1, `${g.conditionType} \t${st.conditions?.find((c) => c.type === g.conditionType)?.status ?? '<none>'} \n`);
    }
    if (st.conditions?.length) {
      w.write(0, 'Conditions:\n  Type\tStatus\n');
      for (const c of st.conditions) w.write(1, `${c.type} \t${c.status} \n`);
    }
    describeVolumes(spec.volumes as Loose[] | undefined, w, '');
    w.write(0, `QoS Class:\t${st.qosClass ?? 'BestEffort'}\n`);
    printLabelsMultiline(w, 'Node-Selectors', spec.nodeSelector);
    printTolerations(w, 'Tolerations', spec.tolerations as Toleration[] | undefined);
    describeEvents(events, w, now);
  });
}

/** DescribePodTemplate: a Deployment's or ReplicaSet's pod template, two spaces in. */
export function describePodTemplate(t: PodTemplateSpec, w: PrefixWriter): void {
  w.write(0, 'Pod Template:\n');
  printLabelsMultiline(w, '  Labels', t.metadata?.labels);
  if (Object.keys(t.metadata?.annotations ?? {}).length) printAnnotationsMultiline(w, '  Annotations', t.metadata?.annotations);
  const spec = t.spec as PodSpec & Loose;
  if (spec.serviceAccountName) w.write(1, `Service Account:\t${spec.serviceAccountName}\n`);
  if (spec.initContainers?.length) describeContainers('Init Containers', spec.initContainers, undefined, w, '  ');
  describeContainers('Containers', spec.containers ?? [], undefined, w, '  ');
  describeVolumes(spec.volumes as Loose[] | undefined, w, '  ');
  if (spec.priorityClassName) w.write(1, `Priority Class Name:\t${String(spec.priorityClassName)}\n`);
  printLabelsMultiline(w, '  Node-Selectors', spec.nodeSelector);
  printTolerations(w, '  Tolerations', spec.tolerations as Toleration[] | undefined);
}

function describeContainers(label: string, containers: Container[], statuses: ContainerStatus[] | undefined, w: PrefixWriter, space: string): void {
  w.write(0, `${space}${label}:${containers.length ? '' : ' <none>'}\n`);
  for (const c of containers) {
    const status = statuses?.find((s) => s.name === c.name);
    w.write(1, `${space ? ' ' : ''}${c.name}:\n`);
    if (status) w.write(2, `Container ID:\t${status.containerID ?? ''}\n`);
    w.write(2, `Image:\t${c.image ?? ''}\n`);
    if (status) w.write(2, `Image ID:\t${status.imageID ?? ''}\n`);
    const ports = (c.ports ?? []).map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`).join(', ');
    w.write(2, ports.includes(',') ? `Ports:\t${ports}\n` : `Port:\t${ports || '<none>'}\n`);
    const hostPorts = (c.ports ?? []).map((p) => `${p.hostPort ?? 0}/${p.protocol ?? 'TCP'}`).join(', ');
    w.write(2, hostPorts.includes(',') ? `Host Ports:\t${hostPorts}\n` : `Host Port:\t${hostPorts || '<none>'}\n`);
    if (c.command?.length) {
      w.write(2, 'Command:\n');
      for (const x of c.command) for (const s of x.split('\n')) w.write(3, `${s}\n`);
    }
    if (c.args?.length) {
      w.write(2, 'Args:\n');
      for (const x of c.args) for (const s of x.split('\n')) w.write(3, `${s}\n`);
    }
    if (status) describeContainerState(status, w);
    describeResources(c.resources, w);
    if (c.livenessProbe) w.write(2, `Liveness:\t${describeProbe(c.livenessProbe)}\n`);
    if (c.readinessProbe) w.write(2, `Readiness:\t${describeProbe(c.readinessProbe)}\n`);
    if (c.startupProbe) w.write(2, `Startup:\t${describeProbe(c.startupProbe)}\n`);
    const env = c.env ?? [];
    w.write(2, `Environment:${env.length ? '' : '\t<none>'}\n`);
    for (const e of env) (e.value ?? '').split('\n').forEach((s, i) => w.write(3, i === 0 ? `${e.name}:\t${s}\n` : `\t${s}\n`));
    const mounts = [...(c.volumeMounts ?? [])].sort((a, b) => (a.mountPath < b.mountPath ? -1 : a.mountPath > b.mountPath ? 1 : 0));
    w.write(2, `Mounts:${mounts.length ? '' : '\t<none>'}\n`);
    for (const m of mounts) w.write(3, `${m.mountPath} from ${m.name} (${[m.readOnly ? 'ro' : 'rw', ...(m.subPath ? [`path=${JSON.stringify(m.subPath)}`] : [])].join(',')})\n`);
  }
}

function describeContainerState(s: ContainerStatus, w: PrefixWriter): void {
  const state = s.state ?? {};
  if (state.running) {
    w.write(2, 'State:\tRunning\n');
    w.write(3, `Started:\t${rfc1123z(state.running.startedAt)}\n`);
  } else if (state.terminated) {
    const t = state.terminated;
    w.write(2, 'State:\tTerminated\n');
    if (t.reason) w.write(3, `Reason:\t${t.reason}\n`);
    w.write(3, `Exit Code:\t${t.exitCode}\n`);
    w.write(3, `Started:\t${rfc1123z(t.startedAt)}\n`);
    w.write(3, `Finished:\t${rfc1123z(t.finishedAt)}\n`);
  } else {
    w.write(2, 'State:\tWaiting\n');
    if (state.waiting?.reason) w.write(3, `Reason:\t${state.waiting.reason}\n`);
  }
  w.write(2, `Ready:\t${s.ready ? 'True' : 'False'}\n`);
  w.write(2, `Restart Count:\t${s.restartCount}\n`);
}

/** Limits and requests, resource names sorted. */
function describeResources(res: Container['resources'], w: PrefixWriter): void {
  for (const kind of ['limits', 'requests'] as const) {
    const list = res?.[kind] ?? {};
    const names = Object.keys(list).sort();
    if (names.length) w.write(2, `${kind === 'limits' ? 'Limits' : 'Requests'}:\n`);
    for (const n of names) w.write(3, `${n}:\t${list[n]}\n`);
  }
}

/** DescribeProbe */
export function describeProbe(p: Probe): string {
  const attrs = `delay=${p.initialDelaySeconds ?? 0}s timeout=${p.timeoutSeconds ?? 0}s period=${p.periodSeconds ?? 0}s #success=${p.successThreshold ?? 0} #failure=${p.failureThreshold ?? 0}`;
  if (p.exec) return `exec [${(p.exec.command ?? []).join(' ')}] ${attrs}`;
  if (p.httpGet) {
    const host = p.httpGet.host ?? '';
    const port = String(p.httpGet.port);
    const hostPort = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    return `http-get ${(p.httpGet.scheme ?? 'HTTP').toLowerCase()}://${hostPort}${p.httpGet.path ?? ''} ${attrs}`;
  }
  if (p.tcpSocket) return `tcp-socket ${p.tcpSocket.host ?? ''}:${String(p.tcpSocket.port)} ${attrs}`;
  return `unknown ${attrs}`;
}

function describeVolumes(volumes: Loose[] | undefined, w: PrefixWriter, space: string): void {
  if (!volumes?.length) {
    w.write(0, `${space}Volumes:\t<none>\n`);
    return;
  }
  w.write(0, `${space}Volumes:\n`);
  for (const v of volumes) {
    w.write(1, `${space ? ' ' : ''}${String(v.name)}:\n`);
    const projected = v.projected as { sources?: Loose[] } | undefined;
    const configMap = v.configMap as { name?: string; optional?: boolean } | undefined;
    const emptyDir = v.emptyDir as { medium?: string; sizeLimit?: string } | undefined;
    const hostPath = v.hostPath as { path?: string; type?: string } | undefined;
    if (projected) {
      w.write(2, 'Type:\tProjected (a volume that contains injected data from multiple sources)\n');
      for (const s of projected.sources ?? []) {
        const secret = s.secret as { name?: string; optional?: boolean } | undefined;
        const cm = s.configMap as { name?: string; optional?: boolean } | undefined;
        const token = s.serviceAccountToken as { expirationSeconds?: number } | undefined;
        if (secret) w.write(2, `SecretName:\t${secret.name ?? ''}\n    SecretOptionalName:\t${secret.optional === undefined ? '<nil>' : String(secret.optional)}\n`);
        else if (s.downwardAPI) w.write(2, 'DownwardAPI:\ttrue\n');
        else if (cm) w.write(2, `ConfigMapName:\t${cm.name ?? ''}\n    ConfigMapOptional:\t${cm.optional === undefined ? '<nil>' : String(cm.optional)}\n`);
        else if (token) w.write(2, `TokenExpirationSeconds:\t${token.expirationSeconds ?? 3600}\n`);
      }
    } else if (configMap)
      w.write(2, `Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t${configMap.name ?? ''}\n    Optional:\t${configMap.optional === true}\n`);
    else if (emptyDir) w.write(2, `Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t${emptyDir.medium ?? ''}\n    SizeLimit:\t${emptyDir.sizeLimit ?? '<unset>'}\n`);
    else if (hostPath) w.write(2, `Type:\tHostPath (bare host directory volume)\n    Path:\t${hostPath.path ?? ''}\n    HostPathType:\t${hostPath.type ?? ''}\n`);
    else w.write(1, '<unknown>\n');
  }
}

function printTolerations(w: PrefixWriter, title: string, tolerations: Toleration[] | undefined): void {
  w.write(0, `${title}:\t`);
  if (!tolerations?.length) {
    w.writeLine('<none>');
    return;
  }
  const sorted = [...tolerations].sort((a, b) => ((a.key ?? '') < (b.key ?? '') ? -1 : (a.key ?? '') > (b.key ?? '') ? 1 : 0));
  sorted.forEach((t, i) => {
    if (i !== 0) w.write(0, '\t');
    let s = t.key ?? '';
    if (t.value) s += `=${t.value}`;
    if (t.effect) s += `:${t.effect}`;
    if (t.operator === 'Exists' && !t.value) s += t.key || t.effect ? ' op=Exists' : 'op=Exists';
    if (t.tolerationSeconds !== undefined) s += ` for ${t.tolerationSeconds}s`;
    w.write(0, `${s}\n`);
  });
}
