/**
 * Istio installed in a cluster, as `istioctl install --set profile=minimal` leaves a lab cluster:
 * the istio-system namespace with istiod (Deployment and Service), the CRDs (the resources are in
 * api/resources.ts), the validating webhook `validation.istio.io` and the sidecar injector. The
 * webhooks are the API server's admission chain for those kinds: a pod is injected on creation,
 * an Istio object is checked after its schema.
 */
import type { Deployment, Namespace, Pod, Service } from '../api/types';
import type { Cluster } from '../cluster';
import type { Strategy } from '../apiserver/store';
import { injectRequired, injectSidecar, PILOT_IMAGE } from './inject';
import { admitIstioObject, ISTIO_KINDS } from './validation';
import type { IstioObject } from './types';
import { startSidecar } from './mesh';

export const ISTIO_NAMESPACE = 'istio-system';

/** The admission webhooks: the sidecar injector after the built-in pod admission, the validator for Istio's kinds. */
export function registerIstioWebhooks(cluster: Cluster): void {
  const store = cluster.store;
  const pod = store.strategies.get('Pod') ?? {};
  store.strategies.set('Pod', {
    ...pod,
    prepareForCreate: (o) => {
      pod.prepareForCreate?.(o);
      const p = o as Pod;
      if (injectRequired(p, store.get<Namespace>('Namespace', undefined, p.metadata.namespace ?? ''))) injectSidecar(p);
    },
  });
  for (const kind of ISTIO_KINDS) {
    const validating: Strategy = {
      // validating admission runs after the schema: allocate() is the last check before storage
      allocate: (o) => {
        admitIstioObject(o as IstioObject);
        return () => {};
      },
    };
    store.strategies.set(kind, validating);
  }
}

function istiod(): [Namespace, Deployment, Service] {
  const labels = { app: 'istiod', istio: 'pilot' };
  const ns: Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ISTIO_NAMESPACE } };
  const deploy: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'istiod', namespace: ISTIO_NAMESPACE, labels: { ...labels, 'istio.io/rev': 'default', 'operator.istio.io/component': 'Pilot' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { istio: 'pilot' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '100%' } },
      template: {
        metadata: { labels: { ...labels, 'istio.io/rev': 'default', 'sidecar.istio.io/inject': 'false' } },
        spec: {
          serviceAccountName: 'istiod',
          containers: [
            {
              name: 'discovery',
              image: PILOT_IMAGE,
              args: ['discovery', '--monitoringAddr=:15014', '--log_output_level=default:info', '--domain', 'cluster.local', '--keepaliveMaxServerConnectionAge', '30m'],
              ports: [
                { containerPort: 8080, protocol: 'TCP' },
                { containerPort: 15010, protocol: 'TCP' },
                { containerPort: 15017, protocol: 'TCP' },
              ],
              readinessProbe: { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 3, timeoutSeconds: 5 },
              resources: { requests: { cpu: '500m', memory: '2Gi' } },
            },
          ],
        },
      },
    },
  } as Deployment;
  const svc: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'istiod', namespace: ISTIO_NAMESPACE, labels: { ...labels, 'istio.io/rev': 'default' } },
    spec: {
      selector: { app: 'istiod', istio: 'pilot' },
      ports: [
        { name: 'grpc-xds', port: 15010, protocol: 'TCP', targetPort: 15010 },
        { name: 'https-dns', port: 15012, protocol: 'TCP', targetPort: 15012 },
        { name: 'https-webhook', port: 443, protocol: 'TCP', targetPort: 15017 },
        { name: 'http-monitoring', port: 15014, protocol: 'TCP', targetPort: 15014 },
      ],
    },
  };
  return [ns, deploy, svc];
}

/**
 * Install Istio: the webhooks always (the CRDs are always served), istiod's objects when the
 * cluster asks for the control plane (`"istio": true`), so a plain cluster stays as kubeadm left it.
 */
export function installIstio(cluster: Cluster): void {
  if (cluster.config.istio) for (const o of istiod()) cluster.store.create(o);
  registerIstioWebhooks(cluster);
  cluster.sidecars.hooks = { start: (sb, pod) => startSidecar(cluster, sb, pod) };
}
