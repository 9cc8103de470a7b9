/**
 * The admission plugins a kubeadm API server runs on a new pod, as far as they change it:
 * ServiceAccount (the `default` account and its projected token volume `kube-api-access-xxxxx`
 * mounted read-only in every container), Priority (priority 0, or the system classes'),
 * DefaultTolerationSeconds (not-ready / unreachable for 300 s), and the QoS class the registry
 * computes from requests and limits.
 */
import type { Container, Pod } from '../api/types';
import { fnv32a, safeEncodeString } from '../controllers/hash';
import { parseQuantity } from '../api/quantity';

const TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const SYSTEM_PRIORITIES: Record<string, number> = { 'system-cluster-critical': 2000000000, 'system-node-critical': 2000001000 };

type Loose = Record<string, unknown>;
interface Resources {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

/** The projected volume the ServiceAccount admission plugin adds. */
function tokenVolume(name: string): Loose {
  return {
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
        { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
      ],
    },
  };
}

export function admitPod(pod: Pod): void {
  const spec = pod.spec as Pod['spec'] & Loose;
  if (!spec) return;
  spec.serviceAccountName ||= 'default';
  spec.serviceAccount = spec.serviceAccountName;
  const containers: Container[] = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  const mounted = containers.some((c) => c.volumeMounts?.some((m) => m.mountPath === TOKEN_PATH));
  if (spec.automountServiceAccountToken !== false && !mounted && containers.length) {
    // utilrand.String(5) in the real plugin; a fixed function of the pod's name here, so labs replay
    const name = `kube-api-access-${safeEncodeString(String(fnv32a(`${pod.metadata.namespace}/${pod.metadata.name || pod.metadata.generateName}`))).slice(0, 5).padEnd(5, 'b')}`;
    spec.volumes = [...((spec.volumes as Loose[] | undefined) ?? []), tokenVolume(name)];
    for (const c of containers) c.volumeMounts = [...(c.volumeMounts ?? []), { mountPath: TOKEN_PATH, name, readOnly: true }];
  }
  if (spec.priority === undefined) spec.priority = SYSTEM_PRIORITIES[String(spec.priorityClassName ?? '')] ?? 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  const tolerations = ((spec.tolerations as Loose[] | undefined) ?? []).slice();
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'])
    if (!tolerations.some((t) => (t.key === key || (t.key === undefined && t.operator === 'Exists')) && (t.effect === undefined || t.effect === 'NoExecute')))
      tolerations.push({ effect: 'NoExecute', key, operator: 'Exists', tolerationSeconds: 300 });
  spec.tolerations = tolerations;
}

/** qos.GetPodQOS */
export function podQOS(pod: Pod): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  const res = (c: Container): Resources => c.resources ?? {};
  const nonZero = (list: Record<string, string> | undefined, name: string) => {
    const v = list?.[name];
    const q = v === undefined ? undefined : parseQuantity(v);
    return q !== undefined && q.milli !== 0n;
  };
  const any = containers.some((c) => ['cpu', 'memory'].some((r) => nonZero(res(c).requests, r) || nonZero(res(c).limits, r)));
  if (!any) return 'BestEffort';
  const guaranteed = containers.every((c) =>
    ['cpu', 'memory'].every((r) => {
      const limit = res(c).limits?.[r];
      const request = res(c).requests?.[r] ?? limit;
      return limit !== undefined && request !== undefined && parseQuantity(limit)?.milli === parseQuantity(request)?.milli;
    }),
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
