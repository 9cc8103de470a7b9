/** Each kind's registry hooks: what the server sets on create and keeps on update. */
import type { KubeObject, Namespace, Pod } from '../api/types';
import type { ApiStore } from './store';
import { dropStatusStrategy, type ServiceAllocators } from './services';
import { invalid, forbidden, GoLiteral, type FieldError } from '../api/errors';
import { goStringMap } from '../api/validation/meta';
import { admitPod, podQOS } from './admission';

export function registerStrategies(store: ApiStore, services: ServiceAllocators): void {
  store.strategies.set('Service', services.strategy());
  const podStatus = dropStatusStrategy((o) => ({ phase: 'Pending', qosClass: podQOS(o as Pod) }));
  store.strategies.set('Pod', {
    prepareForCreate: (o) => {
      admitPod(o as Pod);
      podStatus.prepareForCreate!(o);
    },
    validateUpdate: (o, old) => podUpdateErrors(o as Pod, old as Pod),
  });
  const workload = {
    ...dropStatusStrategy(() => ({}), true),
    validateUpdate: (o: KubeObject, old: KubeObject): FieldError[] => {
      const a = (o as { spec: { selector?: unknown } }).spec.selector;
      const b = (old as { spec: { selector?: unknown } }).spec.selector;
      if (JSON.stringify(a) === JSON.stringify(b)) return [];
      const sel = a as { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } | undefined;
      return [
        invalid(
          'spec.selector',
          new GoLiteral(`v1.LabelSelector{MatchLabels:${goStringMap(sel?.matchLabels)}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}`),
          'field is immutable',
        ),
      ];
    },
  };
  store.strategies.set('Deployment', workload);
  store.strategies.set('ReplicaSet', workload);
  store.strategies.set('Ingress', dropStatusStrategy(() => ({ loadBalancer: {} })));
  store.strategies.set(
    'Namespace',
    dropStatusStrategy((o) => {
      const ns = o as Namespace;
      // the namespace controller's immutable label
      ns.metadata.labels = { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns.metadata.name };
      return { phase: 'Active' };
    }),
  );
}

/** ValidatePodUpdate: a pod's spec is fixed once created, except images and a few fields. */
function podUpdateErrors(pod: Pod, old: Pod): FieldError[] {
  const strip = (p: Pod) => {
    const s = structuredClone(p.spec) as Pod['spec'] & Record<string, unknown>;
    for (const c of s.containers ?? []) delete c.image;
    for (const c of s.initContainers ?? []) delete c.image;
    delete s.activeDeadlineSeconds;
    delete s.tolerations;
    delete s.terminationGracePeriodSeconds;
    return JSON.stringify(s);
  };
  if (strip(pod) === strip(old)) return [];
  return [
    forbidden(
      'spec',
      'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    ),
  ];
}
