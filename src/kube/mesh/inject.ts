/**
 * Istio's sidecar injector (pkg/kube/inject, the `istio-sidecar-injector` webhook), as the API
 * server calls it on a pod's creation: which pods it is asked about (the MutatingWebhookConfiguration's
 * namespace and object selectors), which it injects (injectRequired), and what the pod gains — the
 * `istio-init` container that writes the capture rules, the `istio-proxy` container (Envoy, UID
 * 1337), their volumes, and the labels and annotations the injector sets.
 */
import type { Container, Namespace, Pod } from '../api/types';

export const ISTIO_VERSION = '1.24.2';
export const PROXY_IMAGE = `docker.io/istio/proxyv2:${ISTIO_VERSION}`;
export const PILOT_IMAGE = `docker.io/istio/pilot:${ISTIO_VERSION}`;
/** The proxy's user and group: its own traffic is never captured (istio-iptables -u/-g). */
export const PROXY_UID = 1337;

export const INJECT_LABEL = 'sidecar.istio.io/inject';
export const STATUS_ANNOTATION = 'sidecar.istio.io/status';
/** injectRequired: pods in these namespaces are never injected */
const IGNORED_NAMESPACES = ['kube-system', 'kube-public'];

/** The webhook's two entries for the default revision (namespace label, or the pod's own label). */
function webhookCalled(pod: Pod, ns: Namespace | undefined): boolean {
  const nsLabels = ns?.metadata.labels ?? {};
  const podLabels = pod.metadata.labels ?? {};
  if (nsLabels['istio-injection'] === 'enabled') return podLabels[INJECT_LABEL] !== 'false';
  if (nsLabels['istio-injection'] !== undefined || nsLabels['istio.io/rev'] !== undefined) return false;
  return podLabels[INJECT_LABEL] === 'true' && podLabels['istio.io/rev'] === undefined;
}

/** injectRequired(): the webhook's own checks, the label winning over the older annotation. */
export function injectRequired(pod: Pod, ns: Namespace | undefined): boolean {
  if (!webhookCalled(pod, ns)) return false;
  if (pod.spec?.hostNetwork) return false;
  if (IGNORED_NAMESPACES.includes(pod.metadata.namespace ?? '')) return false;
  if (pod.metadata.annotations?.[STATUS_ANNOTATION] !== undefined) return false;
  const selector = pod.metadata.labels?.[INJECT_LABEL] ?? pod.metadata.annotations?.[INJECT_LABEL] ?? '';
  const v = selector.toLowerCase();
  if (v === '') return true;
  return ['y', 'yes', 'true', 'on'].includes(v);
}

/** The `traffic.sidecar.istio.io/*` annotations, as istio-init flags (the injector's template). */
function captureArgs(pod: Pod): string[] {
  const a = pod.metadata.annotations ?? {};
  const t = (k: string) => a[`traffic.sidecar.istio.io/${k}`];
  const exclInbound = ['15090', '15021', '15020', ...(t('excludeInboundPorts') ?? '').split(',').filter(Boolean)].join(',');
  const args = ['istio-iptables', '-p', '15001', '-z', '15006', '-u', String(PROXY_UID), '-m', 'REDIRECT', '-i', t('includeOutboundIPRanges') ?? '*', '-x', t('excludeOutboundIPRanges') ?? '', '-b', t('includeInboundPorts') ?? '*', '-d', exclInbound];
  if (t('excludeOutboundPorts')) args.push('-o', t('excludeOutboundPorts')!);
  if (t('includeOutboundPorts')) args.push('-q', t('includeOutboundPorts')!);
  args.push('--log_output_level=default:info');
  return args;
}

const SECURITY_DROP_ALL = { allowPrivilegeEscalation: false, privileged: false };

function initContainer(pod: Pod): Container {
  return {
    name: 'istio-init',
    image: PROXY_IMAGE,
    args: captureArgs(pod),
    resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '10m', memory: '40Mi' } },
    securityContext: { ...SECURITY_DROP_ALL, capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] }, readOnlyRootFilesystem: false, runAsGroup: 0, runAsNonRoot: false, runAsUser: 0 },
  } as Container;
}

const fieldEnv = (name: string, fieldPath: string) => ({ name, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } });

function proxyContainer(pod: Pod, appContainers: string[]): Container {
  const ports = (pod.spec.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => ({ containerPort: p.containerPort, ...(p.name ? { name: p.name } : {}), protocol: p.protocol ?? 'TCP' })));
  return {
    name: 'istio-proxy',
    image: PROXY_IMAGE,
    args: ['proxy', 'sidecar', '--domain', '$(POD_NAMESPACE).svc.cluster.local', '--proxyLogLevel=warning', '--proxyComponentLogLevel=misc:error', '--log_output_level=default:info'],
    env: [
      { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
      { name: 'CA_ADDR', value: 'istiod.istio-system.svc:15012' },
      fieldEnv('POD_NAME', 'metadata.name'),
      fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
      fieldEnv('INSTANCE_IP', 'status.podIP'),
      fieldEnv('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
      fieldEnv('HOST_IP', 'status.hostIP'),
      { name: 'ISTIO_CPU_LIMIT', valueFrom: { resourceFieldRef: { divisor: '0', resource: 'limits.cpu' } } },
      { name: 'PROXY_CONFIG', value: '{}\n' },
      { name: 'ISTIO_META_POD_PORTS', value: `[\n${ports.map((p) => `    ${JSON.stringify(p)}`).join('\n,')}\n]` },
      { name: 'ISTIO_META_APP_CONTAINERS', value: appContainers.join(',') },
      { name: 'ISTIO_META_CLUSTER_ID', value: 'Kubernetes' },
      fieldEnv('ISTIO_META_NODE_NAME', 'spec.nodeName'),
      { name: 'ISTIO_META_INTERCEPTION_MODE', value: 'REDIRECT' },
      { name: 'ISTIO_META_MESH_ID', value: 'cluster.local' },
      { name: 'TRUST_DOMAIN', value: 'cluster.local' },
    ],
    ports: [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
    readinessProbe: { failureThreshold: 4, httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' }, periodSeconds: 15, timeoutSeconds: 3 },
    resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '100m', memory: '128Mi' } },
    securityContext: { ...SECURITY_DROP_ALL, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsGroup: PROXY_UID, runAsNonRoot: true, runAsUser: PROXY_UID },
    volumeMounts: [
      { mountPath: '/var/run/secrets/workload-spiffe-uds', name: 'workload-socket' },
      { mountPath: '/var/run/secrets/credential-uds', name: 'credential-socket' },
      { mountPath: '/var/run/secrets/workload-spiffe-credentials', name: 'workload-certs' },
      { mountPath: '/var/run/secrets/istio', name: 'istiod-ca-cert' },
      { mountPath: '/var/lib/istio/data', name: 'istio-data' },
      { mountPath: '/etc/istio/proxy', name: 'istio-envoy' },
      { mountPath: '/var/run/secrets/tokens', name: 'istio-token' },
      { mountPath: '/etc/istio/pod', name: 'istio-podinfo' },
    ],
  } as Container;
}

const VOLUMES = ['workload-socket', 'credential-socket', 'workload-certs', 'istio-envoy', 'istio-data', 'istio-podinfo', 'istio-token', 'istiod-ca-cert'];

function volumes(): Record<string, unknown>[] {
  return [
    { name: 'workload-socket', emptyDir: {} },
    { name: 'credential-socket', emptyDir: {} },
    { name: 'workload-certs', emptyDir: {} },
    { name: 'istio-envoy', emptyDir: { medium: 'Memory' } },
    { name: 'istio-data', emptyDir: {} },
    {
      name: 'istio-podinfo',
      downwardAPI: {
        items: [
          { fieldRef: { fieldPath: 'metadata.labels' }, path: 'labels' },
          { fieldRef: { fieldPath: 'metadata.annotations' }, path: 'annotations' },
        ],
      },
    },
    { name: 'istio-token', projected: { sources: [{ serviceAccountToken: { audience: 'istio-ca', expirationSeconds: 43200, path: 'istio-token' } }] } },
    { name: 'istiod-ca-cert', configMap: { name: 'istio-ca-root-cert' } },
  ];
}

/** The injector's mutation of a pod it injects. */
export function injectSidecar(pod: Pod): void {
  const apps = (pod.spec.containers ?? []).map((c) => c.name);
  const labels = pod.metadata.labels ?? {};
  pod.metadata.labels = {
    ...labels,
    'security.istio.io/tlsMode': 'istio',
    'service.istio.io/canonical-name': labels['service.istio.io/canonical-name'] ?? labels['app.kubernetes.io/name'] ?? labels.app ?? (pod.metadata.name || pod.metadata.generateName?.replace(/-[^-]*-?$/, '') || ''),
    'service.istio.io/canonical-revision': labels['service.istio.io/canonical-revision'] ?? labels['app.kubernetes.io/version'] ?? labels.version ?? 'latest',
  };
  pod.metadata.annotations = {
    ...(pod.metadata.annotations ?? {}),
    'istio.io/rev': 'default',
    'kubectl.kubernetes.io/default-container': apps[0] ?? 'istio-proxy',
    'kubectl.kubernetes.io/default-logs-container': apps[0] ?? 'istio-proxy',
    'prometheus.io/path': '/stats/prometheus',
    'prometheus.io/port': '15020',
    'prometheus.io/scrape': 'true',
    [STATUS_ANNOTATION]: JSON.stringify({ initContainers: ['istio-init'], containers: ['istio-proxy'], volumes: VOLUMES, imagePullSecrets: null, revision: 'default' }),
  };
  const spec = pod.spec as Pod['spec'] & { volumes?: unknown[] };
  spec.initContainers = [...(spec.initContainers ?? []), initContainer(pod)];
  spec.containers = [...(spec.containers ?? []), proxyContainer(pod, apps)];
  spec.volumes = [...(spec.volumes ?? []), ...volumes()];
}

/** Is this pod in the mesh (injected)? */
export const hasSidecar = (pod: Pod): boolean => (pod.spec?.containers ?? []).some((c) => c.name === 'istio-proxy') && pod.metadata.annotations?.[STATUS_ANNOTATION] !== undefined;

/** The istio-init container's istio-iptables arguments, if the pod has one. */
export const initArgs = (pod: Pod): string[] | undefined => pod.spec?.initContainers?.find((c) => c.name === 'istio-init')?.args;
