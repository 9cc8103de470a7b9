/**
 * Defaulting as the API server applies it on create (pkg/apis/{core,apps,discovery,networking}/v1
 * defaults.go, plus what the registries and admission add), so `kubectl get -o yaml` shows what a
 * real server stores. Mutates the object it is given.
 */
import type { Container, Deployment, EndpointSlice, KubeObject, NetworkPolicy, PodSpec, Probe, ReplicaSet, Service } from './types';

function defaultProbe(p: Probe | undefined): void {
  if (!p) return;
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  if (p.httpGet) {
    p.httpGet.path ??= '/';
    p.httpGet.scheme ??= 'HTTP';
  }
}

/** :latest (or no tag) pulls Always, anything else IfNotPresent (SetDefaults_Container). */
function pullPolicy(image: string | undefined): 'Always' | 'IfNotPresent' {
  if (!image || image.includes('@')) return 'IfNotPresent';
  const last = image.slice(image.lastIndexOf('/') + 1);
  const tag = last.includes(':') ? last.slice(last.indexOf(':') + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: Container): void {
  const x = c as Container & Record<string, unknown>;
  c.imagePullPolicy ??= pullPolicy(c.image);
  x.terminationMessagePath ??= '/dev/termination-log';
  x.terminationMessagePolicy ??= 'File';
  x.resources ??= {};
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  defaultProbe(c.readinessProbe);
  defaultProbe(c.livenessProbe);
  defaultProbe(c.startupProbe);
}

export function defaultPodSpec(spec: PodSpec): void {
  const x = spec as PodSpec & Record<string, unknown>;
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.enableServiceLinks ??= true;
  x.securityContext ??= {};
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
}

function defaultService(svc: Service): void {
  const s = svc.spec;
  s.type ??= 'ClusterIP';
  s.sessionAffinity ??= 'None';
  if (s.sessionAffinity === 'ClientIP') {
    s.sessionAffinityConfig ??= {};
    s.sessionAffinityConfig.clientIP ??= {};
    s.sessionAffinityConfig.clientIP.timeoutSeconds ??= 10800;
  }
  for (const p of s.ports ?? []) {
    p.protocol ??= 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (s.type === 'NodePort' || s.type === 'LoadBalancer') s.externalTrafficPolicy ??= 'Cluster';
  if (s.type !== 'ExternalName') s.internalTrafficPolicy ??= 'Cluster';
  if (s.type === 'LoadBalancer') s.allocateLoadBalancerNodePorts ??= true;
}

function defaultDeployment(d: Deployment): void {
  const s = d.spec;
  s.replicas ??= 1;
  s.strategy ??= {};
  s.strategy.type ??= 'RollingUpdate';
  if (s.strategy.type === 'RollingUpdate') {
    s.strategy.rollingUpdate ??= {};
    s.strategy.rollingUpdate.maxUnavailable ??= '25%';
    s.strategy.rollingUpdate.maxSurge ??= '25%';
  }
  s.revisionHistoryLimit ??= 10;
  s.progressDeadlineSeconds ??= 600;
  if (s.template?.spec) defaultPodSpec(s.template.spec);
}

function defaultReplicaSet(rs: ReplicaSet): void {
  rs.spec.replicas ??= 1;
  if (rs.spec.template?.spec) defaultPodSpec(rs.spec.template.spec);
}

function defaultEndpointSlice(es: EndpointSlice): void {
  for (const p of es.ports ?? []) p.protocol ??= 'TCP';
}

/** SetDefaults_NetworkPolicy: Ingress always, Egress when egress rules exist; ports TCP. */
function defaultNetworkPolicy(np: NetworkPolicy): void {
  const s = np.spec;
  for (const r of s.ingress ?? []) for (const p of r.ports ?? []) p.protocol ??= 'TCP';
  for (const r of s.egress ?? []) for (const p of r.ports ?? []) p.protocol ??= 'TCP';
  if (!s.policyTypes || s.policyTypes.length === 0) s.policyTypes = s.egress && s.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

export function applyDefaults(obj: KubeObject): void {
  switch (obj.kind) {
    case 'Pod':
      if (obj.spec) defaultPodSpec(obj.spec);
      break;
    case 'Service':
      if (obj.spec) defaultService(obj);
      break;
    case 'Deployment':
      if (obj.spec) defaultDeployment(obj);
      break;
    case 'ReplicaSet':
      if (obj.spec) defaultReplicaSet(obj);
      break;
    case 'EndpointSlice':
      defaultEndpointSlice(obj);
      break;
    case 'NetworkPolicy':
      if (obj.spec) defaultNetworkPolicy(obj);
      break;
    case 'Namespace':
      obj.spec ??= {};
      obj.spec.finalizers ??= ['kubernetes'];
      break;
    default:
      break;
  }
}
