/**
 * The Go structs of the served kinds (k8s.io/api v1.31: core/v1, apps/v1, discovery/v1,
 * networking/v1), with every JSON field name each struct has, so the decoder knows which keys
 * are unknown. Parts Hoplab does not model (volumes, affinity, status) are `ANY`: decoded
 * without checks, as a lenient stand-in for their real shapes.
 */
import { ANY, INT_OR_STRING, QUANTITY, S, list, map, obj, strings, struct, type FieldType, type Struct } from './types';

const { string, bool, int32, int64, time } = S;

const managedFields = list(obj(struct('ManagedFieldsEntry', { manager: string, operation: string, apiVersion: string, time, fieldsType: string, fieldsV1: ANY, subresource: string })));
const ownerReference = struct('OwnerReference', { apiVersion: string, kind: string, name: string, uid: string, controller: bool, blockOwnerDeletion: bool });

export const OBJECT_META = struct('ObjectMeta', {
  name: string,
  generateName: string,
  namespace: string,
  selfLink: string,
  uid: string,
  resourceVersion: string,
  generation: int64,
  creationTimestamp: time,
  deletionTimestamp: time,
  deletionGracePeriodSeconds: int64,
  labels: map(),
  annotations: map(),
  ownerReferences: list(obj(ownerReference)),
  finalizers: strings,
  managedFields,
});

const requirement = struct('LabelSelectorRequirement', { key: string, operator: string, values: strings });
export const LABEL_SELECTOR = obj(struct('LabelSelector', { matchLabels: map(), matchExpressions: list(obj(requirement)) }));

// ---- pods ---------------------------------------------------------------------------------

const execAction = obj(struct('ExecAction', { command: strings }));
const httpHeader = struct('HTTPHeader', { name: string, value: string });
const httpGet = obj(struct('HTTPGetAction', { path: string, port: INT_OR_STRING, host: string, scheme: string, httpHeaders: list(obj(httpHeader)) }));
const tcpSocket = obj(struct('TCPSocketAction', { port: INT_OR_STRING, host: string }));
const grpc = obj(struct('GRPCAction', { port: int32, service: string }));
const probe = obj(
  struct('Probe', {
    exec: execAction,
    httpGet,
    tcpSocket,
    grpc,
    initialDelaySeconds: int32,
    timeoutSeconds: int32,
    periodSeconds: int32,
    successThreshold: int32,
    failureThreshold: int32,
    terminationGracePeriodSeconds: int64,
  }),
);
const lifecycleHandler = obj(struct('LifecycleHandler', { exec: execAction, httpGet, tcpSocket, sleep: obj(struct('SleepAction', { seconds: int64 })) }));
const lifecycle = obj(struct('Lifecycle', { postStart: lifecycleHandler, preStop: lifecycleHandler }));

const containerPort = struct('ContainerPort', { name: string, hostPort: int32, containerPort: int32, protocol: string, hostIP: string });
const envVar = struct('EnvVar', { name: string, value: string, valueFrom: ANY });
const resources = obj(struct('ResourceRequirements', { limits: map(QUANTITY, 'v1.ResourceList'), requests: map(QUANTITY, 'v1.ResourceList'), claims: list(ANY) }));
const volumeMount = struct('VolumeMount', { name: string, readOnly: bool, recursiveReadOnly: string, mountPath: string, subPath: string, mountPropagation: string, subPathExpr: string });
const capabilities = obj(struct('Capabilities', { add: strings, drop: strings }));
const securityContext = obj(
  struct('SecurityContext', {
    capabilities,
    privileged: bool,
    seLinuxOptions: ANY,
    windowsOptions: ANY,
    runAsUser: int64,
    runAsGroup: int64,
    runAsNonRoot: bool,
    readOnlyRootFilesystem: bool,
    allowPrivilegeEscalation: bool,
    procMount: string,
    seccompProfile: ANY,
    appArmorProfile: ANY,
  }),
);

const containerFields: Record<string, FieldType> = {
  name: string,
  image: string,
  command: strings,
  args: strings,
  workingDir: string,
  ports: list(obj(containerPort)),
  envFrom: list(ANY),
  env: list(obj(envVar)),
  resources,
  resizePolicy: list(ANY),
  restartPolicy: string,
  volumeMounts: list(obj(volumeMount)),
  volumeDevices: list(ANY),
  livenessProbe: probe,
  readinessProbe: probe,
  startupProbe: probe,
  lifecycle,
  terminationMessagePath: string,
  terminationMessagePolicy: string,
  imagePullPolicy: string,
  securityContext,
  stdin: bool,
  stdinOnce: bool,
  tty: bool,
};
const container = struct('Container', containerFields);

const toleration = struct('Toleration', { key: string, operator: string, value: string, effect: string, tolerationSeconds: int64 });
const hostAlias = struct('HostAlias', { ip: string, hostnames: strings });
const dnsConfig = obj(struct('PodDNSConfig', { nameservers: strings, searches: strings, options: list(obj(struct('PodDNSConfigOption', { name: string, value: string }))) }));

export const POD_SPEC = struct('PodSpec', {
  volumes: list(ANY),
  initContainers: list(obj(container)),
  containers: list(obj(container)),
  ephemeralContainers: list(ANY),
  restartPolicy: string,
  terminationGracePeriodSeconds: int64,
  activeDeadlineSeconds: int64,
  dnsPolicy: string,
  nodeSelector: map(),
  serviceAccountName: string,
  serviceAccount: string,
  automountServiceAccountToken: bool,
  nodeName: string,
  hostNetwork: bool,
  hostPID: bool,
  hostIPC: bool,
  shareProcessNamespace: bool,
  securityContext: ANY,
  imagePullSecrets: list(ANY),
  hostname: string,
  subdomain: string,
  affinity: ANY,
  schedulerName: string,
  tolerations: list(obj(toleration)),
  hostAliases: list(obj(hostAlias)),
  priorityClassName: string,
  priority: int32,
  dnsConfig,
  readinessGates: list(obj(struct('PodReadinessGate', { conditionType: string }))),
  runtimeClassName: string,
  enableServiceLinks: bool,
  preemptionPolicy: string,
  overhead: map(QUANTITY, 'v1.ResourceList'),
  topologySpreadConstraints: list(ANY),
  setHostnameAsFQDN: bool,
  os: ANY,
  hostUsers: bool,
  schedulingGates: list(ANY),
  resourceClaims: list(ANY),
});

const objectMeta = obj(OBJECT_META);
const podTemplate = obj(struct('PodTemplateSpec', { metadata: objectMeta, spec: obj(POD_SPEC) }));

/** TypeMeta's and ObjectMeta's fields with a kind's spec and status. */
const top = (name: string, fields: Record<string, FieldType>, pkg = 'v1'): Struct => struct(name, { kind: string, apiVersion: string, metadata: objectMeta, ...fields }, pkg);

// ---- services and endpoints -------------------------------------------------------------

const servicePort = struct('ServicePort', { name: string, protocol: string, appProtocol: string, port: int32, targetPort: INT_OR_STRING, nodePort: int32 });
const serviceSpec = struct('ServiceSpec', {
  ports: list(obj(servicePort)),
  selector: map(),
  clusterIP: string,
  clusterIPs: strings,
  type: string,
  externalIPs: strings,
  sessionAffinity: string,
  loadBalancerIP: string,
  loadBalancerSourceRanges: strings,
  externalName: string,
  externalTrafficPolicy: string,
  healthCheckNodePort: int32,
  publishNotReadyAddresses: bool,
  sessionAffinityConfig: obj(struct('SessionAffinityConfig', { clientIP: obj(struct('ClientIPConfig', { timeoutSeconds: int32 })) })),
  ipFamilies: strings,
  ipFamilyPolicy: string,
  allocateLoadBalancerNodePorts: bool,
  loadBalancerClass: string,
  internalTrafficPolicy: string,
  trafficDistribution: string,
});

const objectReference = obj(struct('ObjectReference', { kind: string, namespace: string, name: string, uid: string, apiVersion: string, resourceVersion: string, fieldPath: string }));
const endpointAddress = obj(struct('EndpointAddress', { ip: string, hostname: string, nodeName: string, targetRef: objectReference }));
const coreEndpointPort = struct('EndpointPort', { name: string, port: int32, protocol: string, appProtocol: string });
const subset = struct('EndpointSubset', { addresses: list(endpointAddress), notReadyAddresses: list(endpointAddress), ports: list(obj(coreEndpointPort)) });

const conditions = obj(struct('EndpointConditions', { ready: bool, serving: bool, terminating: bool }));
const endpoint = struct('Endpoint', { addresses: strings, conditions, hostname: string, targetRef: objectReference, deprecatedTopology: map(), nodeName: string, zone: string, hints: ANY });
const slicePort = struct('EndpointPort', { name: string, protocol: string, port: int32, appProtocol: string });

// ---- workloads ----------------------------------------------------------------------------

const rollingUpdate = obj(struct('RollingUpdateDeployment', { maxUnavailable: INT_OR_STRING, maxSurge: INT_OR_STRING }));
const deploymentSpec = struct(
  'DeploymentSpec',
  {
    replicas: int32,
    selector: LABEL_SELECTOR,
    template: podTemplate,
    strategy: obj(struct('DeploymentStrategy', { type: string, rollingUpdate })),
    minReadySeconds: int32,
    revisionHistoryLimit: int32,
    paused: bool,
    progressDeadlineSeconds: int32,
  },
  'v1',
);
const replicaSetSpec = struct('ReplicaSetSpec', { replicas: int32, minReadySeconds: int32, selector: LABEL_SELECTOR, template: podTemplate });

// ---- networking ---------------------------------------------------------------------------

const ipBlock = obj(struct('IPBlock', { cidr: string, except: strings }));
const peer = list(obj(struct('NetworkPolicyPeer', { podSelector: LABEL_SELECTOR, namespaceSelector: LABEL_SELECTOR, ipBlock })));
const netpolPorts = list(obj(struct('NetworkPolicyPort', { protocol: string, port: INT_OR_STRING, endPort: int32 })));
const netpolSpec = struct('NetworkPolicySpec', {
  podSelector: LABEL_SELECTOR,
  ingress: list(obj(struct('NetworkPolicyIngressRule', { ports: netpolPorts, from: peer }))),
  egress: list(obj(struct('NetworkPolicyEgressRule', { ports: netpolPorts, to: peer }))),
  policyTypes: strings,
});

const serviceBackendPort = obj(struct('ServiceBackendPort', { name: string, number: int32 }));
const backend = obj(struct('IngressBackend', { service: obj(struct('IngressServiceBackend', { name: string, port: serviceBackendPort })), resource: ANY }));
const httpPath = struct('HTTPIngressPath', { path: string, pathType: string, backend });
const ingressRule = struct('IngressRule', { host: string, http: obj(struct('HTTPIngressRuleValue', { paths: list(obj(httpPath)) })) });
const ingressSpec = struct('IngressSpec', {
  ingressClassName: string,
  defaultBackend: backend,
  tls: list(obj(struct('IngressTLS', { hosts: strings, secretName: string }))),
  rules: list(obj(ingressRule)),
});

const taint = struct('Taint', { key: string, value: string, effect: string, timeAdded: time });
const nodeSpec = struct('NodeSpec', { podCIDR: string, podCIDRs: strings, providerID: string, unschedulable: bool, taints: list(obj(taint)), configSource: ANY, externalID: string });

/** The top-level struct each kind decodes into. */
export const KIND_STRUCTS: Record<string, Struct> = {
  Pod: top('Pod', { spec: obj(POD_SPEC), status: ANY }),
  Service: top('Service', { spec: obj(serviceSpec), status: ANY }),
  Endpoints: top('Endpoints', { subsets: list(obj(subset)) }),
  EndpointSlice: top('EndpointSlice', { addressType: string, endpoints: list(obj(endpoint)), ports: list(obj(slicePort)) }),
  ConfigMap: top('ConfigMap', { immutable: bool, data: map(), binaryData: map(ANY, 'map[string][]uint8') }),
  Namespace: top('Namespace', { spec: obj(struct('NamespaceSpec', { finalizers: strings })), status: ANY }),
  Node: top('Node', { spec: obj(nodeSpec), status: ANY }),
  Deployment: top('Deployment', { spec: obj(deploymentSpec), status: ANY }),
  ReplicaSet: top('ReplicaSet', { spec: obj(replicaSetSpec), status: ANY }),
  NetworkPolicy: top('NetworkPolicy', { spec: obj(netpolSpec), status: ANY }),
  Ingress: top('Ingress', { spec: obj(ingressSpec), status: ANY }),
  Event: top('Event', {
    involvedObject: objectReference,
    reason: string,
    message: string,
    source: ANY,
    firstTimestamp: time,
    lastTimestamp: time,
    count: int32,
    type: string,
    eventTime: ANY,
    series: ANY,
    action: string,
    related: ANY,
    reportingComponent: string,
    reportingInstance: string,
  }),
};
