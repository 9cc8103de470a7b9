/**
 * `kubectl describe TYPE [NAME | NAME_PREFIX]`, `TYPE/NAME`, `-l`, `-A`, `--show-events`: each
 * object as its describer prints it, two blank lines apart; a name that matches nothing exactly
 * describes every object whose name starts with it (DescribeMatchingResources).
 */
import type { ConfigMap, Deployment, Endpoints, EndpointSlice, KubeEvent, KubeObject, Namespace, Node, Pod, ReplicaSet } from '../../../kube/api/types';
import { notFoundError } from '../../../kube/api/errors';
import { qualifiedResource, type ResourceInfo } from '../../../kube/api/resources';
import { KubectlError, standardMessage } from '../errors';
import { flagBool, flagValue, type Parsed } from '../flags';
import { parseResourceArgs } from '../get';
import { parseSelector } from '../selectorArg';
import { namespaceOf, type KubeCtx } from '../context';
import { describePod } from './pod';
import { describeNode } from './node';
import { describeNetworkPolicy } from './netpol';
import { describeConfigMap, describeDeployment, describeEndpoints, describeEndpointSlice, describeNamespace, describeReplicaSet, describeService } from './objects';

function describeObject(k: KubeCtx, o: KubeObject, showEvents: boolean): string {
  const store = k.cluster.store;
  const now = k.cluster.now();
  const events: KubeEvent[] | undefined = showEvents ? k.cluster.events.eventsFor(o) : undefined;
  switch (o.kind) {
    case 'Pod':
      return describePod(o, events, now);
    case 'Service':
      return describeService(o, store.get<Endpoints>('Endpoints', o.metadata.namespace, o.metadata.name), events, now);
    case 'Endpoints':
      return describeEndpoints(o, events, now);
    case 'EndpointSlice':
      return describeEndpointSlice(o as EndpointSlice, events, now);
    case 'Deployment': {
      const d = o as Deployment;
      const owned = store.list<ReplicaSet>('ReplicaSet', d.metadata.namespace).filter((rs) => rs.metadata.ownerReferences?.some((r) => r.controller && r.uid === d.metadata.uid));
      const newRS = owned.find((rs) => JSON.stringify(stripHash(rs.spec.template)) === JSON.stringify(d.spec.template));
      return describeDeployment(d, owned, newRS, events, now);
    }
    case 'ReplicaSet': {
      const rs = o as ReplicaSet;
      const pods = store.list<Pod>('Pod', rs.metadata.namespace).filter((p) => p.metadata.ownerReferences?.some((r) => r.controller && r.uid === rs.metadata.uid));
      return describeReplicaSet(rs, pods, events, now);
    }
    case 'Node':
      return describeNode(o as Node, store.list<Pod>('Pod').filter((p) => p.spec.nodeName === o.metadata.name && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed'), events, now);
    case 'Namespace':
      return describeNamespace(o as Namespace);
    case 'ConfigMap':
      return describeConfigMap(o as ConfigMap, events, now);
    case 'NetworkPolicy':
      return describeNetworkPolicy(o);
    default:
      throw new KubectlError(`error: no description has been implemented for ${o.kind}\n`);
  }
}

/** A ReplicaSet's template as its Deployment wrote it: without the pod-template-hash label. */
function stripHash(t: ReplicaSet['spec']['template']): ReplicaSet['spec']['template'] {
  const c = structuredClone(t);
  if (c.metadata?.labels) delete c.metadata.labels['pod-template-hash'];
  return c;
}

export function describe(k: KubeCtx, p: Parsed): number {
  if (p.args.length === 0)
    throw new KubectlError(
      `You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl describe -h' for help and examples\n`,
    );
  const all = flagBool(p, 'all-namespaces');
  const ns = namespaceOf(p);
  const showEvents = flagValue(p, 'show-events') !== 'false';
  const sel = flagValue(p, 'selector');
  const match = sel !== undefined ? parseSelector(sel) : undefined;
  const reqs = parseResourceArgs(p.args);
  const store = k.cluster.store;
  const found: KubeObject[] = [];
  const errors: unknown[] = [];
  const space = (info: ResourceInfo) => (info.namespaced && !all ? ns : undefined);
  // `describe TYPE NAME` with no such name: every object whose name starts with it
  if (reqs.length === 1 && reqs[0].names.length === 1 && !p.args[0].includes('/')) {
    const { info, names } = reqs[0];
    if (!store.get(info.kind, space(info), names[0])) {
      const matching = store.list(info.kind, space(info)).filter((o) => o.metadata.name.startsWith(names[0]));
      if (!matching.length) throw notFoundError(qualifiedResource(info), names[0]);
      for (const o of matching) k.out(`${describeObject(k, o, showEvents)}\n`);
      return 0;
    }
  }
  for (const r of reqs) {
    if (r.names.length) {
      for (const n of r.names) {
        const o = store.get(r.info.kind, space(r.info), n);
        if (o) found.push(o);
        else errors.push(notFoundError(qualifiedResource(r.info), n));
      }
    } else found.push(...store.list(r.info.kind, space(r.info)).filter((o) => !match || match(o.metadata.labels ?? {})));
  }
  k.out(found.map((o) => describeObject(k, o, showEvents)).join('\n\n'));
  if (found.length === 0 && errors.length === 0) k.err(all ? 'No resources found\n' : `No resources found in ${ns} namespace.\n`);
  for (const e of errors) k.err(`${standardMessage(e)}\n`);
  return errors.length ? 1 : 0;
}
