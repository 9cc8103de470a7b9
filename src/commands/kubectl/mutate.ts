/** Commands that change objects in place: delete, scale, label, annotate, patch. */
import type { KubeObject } from '../../kube/api/types';
import { notFoundError, StatusError } from '../../kube/api/errors';
import { lookupResource, qualifiedResource } from '../../kube/api/resources';
import { KubectlError, standardMessage, aggregateText } from './errors';
import { flagBool, flagValue, type Parsed } from './flags';
import { parseResourceArgs } from './get';
import { parseSelector } from './selectorArg';
import { readFiles, resolveNamespaces } from './apply';
import { resourceName } from './format';
import { namespaceOf, usageError, type KubeCtx } from './context';

/** The objects named by `TYPE NAME...`, `TYPE/NAME...`, `-l` or `--all`. */
function targets(k: KubeCtx, p: Parsed, command: string): { objs: KubeObject[]; errors: unknown[] } {
  const ns = namespaceOf(p);
  const all = flagBool(p, 'all');
  const sel = flagValue(p, 'selector');
  const reqs = parseResourceArgs(p.args);
  const objs: KubeObject[] = [];
  const errors: unknown[] = [];
  for (const r of reqs) {
    const space = r.info.namespaced ? ns : undefined;
    if (r.names.length) {
      for (const n of r.names) {
        const o = k.cluster.store.get(r.info.kind, space, n);
        if (o) objs.push(o);
        else errors.push(notFoundError(qualifiedResource(r.info), n));
      }
    } else if (all || sel !== undefined) {
      const match = sel !== undefined ? parseSelector(sel) : () => true;
      objs.push(...k.cluster.store.list(r.info.kind, space).filter((o) => match(o.metadata.labels ?? {})));
    } else throw usageError(command, 'resource(s) were provided, but no name was specified');
  }
  return { objs, errors };
}

/** The delete verb as kubectl prints it: `pod "x" deleted`, `deployment.apps "web" deleted`. */
const deletedLine = (o: KubeObject) => {
  const info = lookupResource(o.kind)!;
  return `${info.singular}${info.group ? `.${info.group}` : ''} "${o.metadata.name}" deleted\n`;
};

export function del(k: KubeCtx, p: Parsed): number {
  let objs: KubeObject[];
  let errors: unknown[] = [];
  if (p.flags.has('filename')) {
    const m = readFiles(k, p, 'delete');
    resolveNamespaces(m, p);
    objs = [];
    for (const x of m) {
      const o = k.cluster.store.get(x.obj.kind, x.obj.metadata.namespace, x.obj.metadata.name);
      if (o) objs.push(o);
      else errors.push(notFoundError(qualifiedResource(x.info!), x.obj.metadata.name));
    }
  } else ({ objs, errors } = targets(k, p, 'delete'));
  const grace = flagValue(p, 'grace-period');
  const now = flagBool(p, 'now') || flagBool(p, 'force');
  const wait = flagValue(p, 'wait') !== 'false';
  const gracePeriodSeconds = now ? 0 : grace !== undefined && Number(grace) >= 0 ? Number(grace) : undefined;
  for (const o of objs) {
    try {
      k.cluster.store.delete(o.kind, o.metadata.namespace, o.metadata.name, { gracePeriodSeconds });
      k.out(deletedLine(o));
    } catch (e) {
      errors.push(e);
    }
  }
  k.cluster.sync();
  if (wait) waitGone(k, objs);
  if (objs.length === 0 && errors.length === 0) k.err('No resources found\n');
  for (const e of errors) k.err(`${standardMessage(e)}\n`);
  return errors.length ? 1 : 0;
}

/** kubectl delete waits for the objects to be gone (a pod's containers to stop), on the virtual clock. */
function waitGone(k: KubeCtx, objs: KubeObject[]): void {
  const store = k.cluster.store;
  const gone = () => objs.every((o) => store.get(o.kind, o.metadata.namespace, o.metadata.name)?.metadata.uid !== o.metadata.uid);
  const deadline = k.cluster.now() + 3600 * 1000;
  const world = k.cluster.world;
  while (!gone() && world.now < deadline && world.queue.peekTime() !== undefined) world.runUntil(Math.min(deadline, world.queue.peekTime()!), gone);
}

function setMap(k: KubeCtx, p: Parsed, field: 'labels' | 'annotations', verb: string): number {
  const pairs = p.args.filter((a) => a.includes('=') || a.endsWith('-'));
  const rest = p.args.filter((a) => !pairs.includes(a));
  const { objs, errors } = targets(k, { ...p, args: rest }, verb === 'labeled' ? 'label' : 'annotate');
  const overwrite = flagBool(p, 'overwrite');
  if (pairs.length === 0) throw usageError(verb === 'labeled' ? 'label' : 'annotate', `at least one ${field === 'labels' ? 'label' : 'annotation'} update is required`);
  for (const o of objs) {
    const next = structuredClone(o);
    const map: Record<string, string> = { ...(next.metadata[field] ?? {}) };
    for (const pair of pairs) {
      if (pair.endsWith('-') && !pair.includes('=')) {
        delete map[pair.slice(0, -1)];
        continue;
      }
      const [key, ...v] = pair.split('=');
      const value = v.join('=');
      if (key in map && map[key] !== value && !overwrite) {
        errors.push(new KubectlError(`error: '${key}' already has a value (${map[key]}), and --overwrite is false\n`));
        continue;
      }
      map[key] = value;
    }
    next.metadata[field] = map;
    try {
      const updated = k.cluster.store.update(next);
      k.out(`${resourceName(updated)} ${updated.metadata.resourceVersion === o.metadata.resourceVersion ? 'not ' + verb : verb}\n`);
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      errors.push(e);
    }
  }
  k.cluster.sync();
  if (errors.length) {
    k.err(aggregateText(errors));
    return 1;
  }
  return 0;
}

export const label = (k: KubeCtx, p: Parsed): number => setMap(k, p, 'labels', 'labeled');
export const annotate = (k: KubeCtx, p: Parsed): number => setMap(k, p, 'annotations', 'annotated');

export function scale(k: KubeCtx, p: Parsed): number {
  const replicas = flagValue(p, 'replicas');
  if (replicas === undefined || !/^\d+$/.test(replicas)) throw usageError('scale', 'The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0');
  const { objs, errors } = targets(k, p, 'scale');
  for (const o of objs) {
    if (o.kind !== 'Deployment' && o.kind !== 'ReplicaSet') {
      errors.push(new KubectlError(`error: no scaler has been implemented for {"" "${o.kind}"}\n`));
      continue;
    }
    const next = structuredClone(o);
    next.spec.replicas = Number(replicas);
    k.cluster.store.update(next);
    k.out(`${resourceName(o)} scaled\n`);
  }
  k.cluster.sync();
  if (errors.length) {
    k.err(aggregateText(errors));
    return 1;
  }
  return 0;
}
