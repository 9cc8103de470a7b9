/**
 * Strategic merge patch metadata: the `patchStrategy` / `patchMergeKey` struct tags of the
 * k8s.io/api types Hoplab models, by kind and field path (field names from the object's root, no
 * list indices). A list not listed here is replaced whole by a patch; a listed one is merged
 * element by element (maps by their merge key, primitives as a set).
 */

export interface PatchMeta {
  strategy: 'merge' | 'retainKeys' | 'merge,retainKeys';
  /** the field identifying a list element; none for a list of primitives */
  mergeKey?: string;
}

const m = (mergeKey?: string, strategy: PatchMeta['strategy'] = 'merge'): PatchMeta => ({ strategy, mergeKey });

/** Field paths under a PodSpec. */
const POD_SPEC: Record<string, PatchMeta> = {
  volumes: m('name', 'merge,retainKeys'),
  initContainers: m('name'),
  containers: m('name'),
  ephemeralContainers: m('name'),
  imagePullSecrets: m('name'),
  hostAliases: m('ip'),
  topologySpreadConstraints: m('topologyKey'),
  schedulingGates: m('name'),
  resourceClaims: m('name', 'merge,retainKeys'),
  'containers.ports': m('containerPort'),
  'containers.env': m('name'),
  'containers.volumeMounts': m('mountPath'),
  'containers.volumeDevices': m('devicePath'),
  'initContainers.ports': m('containerPort'),
  'initContainers.env': m('name'),
  'initContainers.volumeMounts': m('mountPath'),
  'initContainers.volumeDevices': m('devicePath'),
};

const META: Record<string, PatchMeta> = {
  'metadata.finalizers': m(),
  'metadata.ownerReferences': m('uid'),
  'Pod:status.conditions': m('type'),
  'Pod:status.podIPs': m('ip'),
  'Pod:status.hostIPs': m('ip'),
  'Service:spec.ports': m('port'),
  'Service:status.conditions': m('type'),
  'Deployment:spec.strategy': m(undefined, 'retainKeys'),
  'Deployment:status.conditions': m('type'),
  'ReplicaSet:status.conditions': m('type'),
  'Node:spec.podCIDRs': m(),
  'Node:status.conditions': m('type'),
  'Node:status.addresses': m('type'),
  'Namespace:status.conditions': m('type'),
};
for (const [k, v] of Object.entries(POD_SPEC)) {
  META[`Pod:spec.${k}`] = v;
  META[`Deployment:spec.template.spec.${k}`] = v;
  META[`ReplicaSet:spec.template.spec.${k}`] = v;
}

/** The strategy of the field at `path` in an object of `kind` (undefined: replace). */
export function patchMetaOf(kind: string, path: readonly string[]): PatchMeta | undefined {
  const p = path.join('.');
  return META[`${kind}:${p}`] ?? META[p];
}
