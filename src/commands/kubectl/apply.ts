/**
 * `kubectl apply -f` and `kubectl create -f`: each object of the manifest created, or (apply)
 * merged into the live object with the last-applied configuration (a three-way merge: fields the
 * manifest dropped since the last apply are removed, lists replaced, server-set fields kept).
 * Every object is tried; the ones the server refuses change nothing and their errors come last.
 */
import type { KubeObject } from '../../kube/api/types';
import { StatusError } from '../../kube/api/errors';
import { aggregateText, KubectlError, withSource } from './errors';
import { flagBool, flagValue, flagValues, type Parsed } from './flags';
import { mapObjects, readManifest, type ManifestObject } from './manifest';
import { resourceName } from './format';
import { namespaceOf, type KubeCtx } from './context';
import { sortKeys } from './format';
import { cwdOf, view } from '../fs/common';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** The objects named by -f (files from the host's file system, `-` for standard input). */
export function readFiles(k: KubeCtx, p: Parsed, verb: string): ManifestObject[] {
  const files = flagValues(p, 'filename');
  if (files.length === 0) throw new KubectlError(`error: must specify one of -f and -k\n\n`);
  const objects: ManifestObject[] = [];
  const errors: KubectlError[] = [];
  for (const f of files) {
    let text: string;
    let source = f;
    if (f === '-') {
      text = k.ctx.stdin ?? '';
      source = 'STDIN';
    } else if (/^https?:\/\//.test(f)) {
      const host = f.replace(/^https?:\/\//, '').split('/')[0];
      throw new KubectlError(`error: unable to read URL "${f}", server reported dial tcp: lookup ${host.split(':')[0]}: Temporary failure in name resolution, status code=0\n`);
    } else {
      const read = readHostFile(k, f);
      if (read === undefined) throw new KubectlError(`error: the path "${f}" does not exist\n`);
      text = read;
    }
    const { ok, errors: errs } = mapObjects(readManifest(text, source), source);
    objects.push(...ok);
    errors.push(...errs);
  }
  if (errors.length) throw new KubectlError(aggregateText(errors));
  if (objects.length === 0) throw new KubectlError(`error: no objects passed to ${verb}\n`);
  return objects;
}

/** A file on the host running kubectl; the host file system arrives with the shell package. */
/** A manifest file on the host's file system (written with `cat > pod.yaml`, say). */
function readHostFile(k: KubeCtx, path: string): string | undefined {
  const r = view(k.ctx).readFile(path, cwdOf(k.ctx));
  return r.ok ? r.value : undefined;
}

/** Namespaces filled in as the builder does (-n or default), refusing a manifest that names another. */
export function resolveNamespaces(objs: ManifestObject[], p: Parsed): void {
  const flagNs = flagValue(p, 'namespace');
  const ns = flagNs ?? 'default';
  for (const m of objs) {
    if (!m.info?.namespaced) continue;
    const meta = (m.obj.metadata ??= { name: '' });
    if (meta.namespace && flagNs && meta.namespace !== flagNs)
      throw new KubectlError(`error: the namespace from the provided object "${meta.namespace}" does not match the namespace "${flagNs}". You must pass '--namespace=${meta.namespace}' to perform this operation.\n`);
    meta.namespace ??= ns;
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Apply `manifest` onto `live`, removing what `last` had and `manifest` no longer has. */
export function threeWayMerge(live: unknown, manifest: unknown, last: unknown): unknown {
  if (!isObj(manifest) || !isObj(live)) return structuredClone(manifest);
  const out: Record<string, unknown> = { ...live };
  if (isObj(last)) for (const k of Object.keys(last)) if (!(k in manifest)) delete out[k];
  for (const [k, v] of Object.entries(manifest)) {
    if (v === null) delete out[k];
    else out[k] = isObj(v) && isObj(live[k]) ? threeWayMerge(live[k], v, isObj(last) ? last[k] : undefined) : structuredClone(v);
  }
  return out;
}

function lastAppliedOf(obj: KubeObject): string {
  const copy = structuredClone(obj);
  copy.metadata.annotations = { ...(copy.metadata.annotations ?? {}) };
  delete copy.metadata.annotations[LAST_APPLIED];
  return JSON.stringify(sortKeys(copy)) + '\n';
}

export function apply(k: KubeCtx, p: Parsed): number {
  const objs = readFiles(k, p, 'apply');
  resolveNamespaces(objs, p);
  const dryRun = (flagValue(p, 'dry-run') ?? 'none') !== 'none';
  const suffix = dryRun ? ` (${flagValue(p, 'dry-run') === 'server' ? 'server dry run' : 'dry run'})` : '';
  const errors: unknown[] = [];
  const store = k.cluster.store;
  for (const m of objs) {
    const obj = m.obj;
    try {
      const last = lastAppliedOf(obj);
      const live = store.get(obj.kind, obj.metadata.namespace, obj.metadata.name ?? '');
      if (!live) {
        const toCreate = structuredClone(obj);
        toCreate.metadata.annotations = { ...(toCreate.metadata.annotations ?? {}), [LAST_APPLIED]: last };
        const created = store.create(toCreate, { dryRun });
        k.out(`${resourceName(created)} created${suffix}\n`);
        continue;
      }
      const prev = live.metadata.annotations?.[LAST_APPLIED];
      if (prev === undefined)
        k.err(
          `Warning: resource ${m.info!.plural}/${live.metadata.name} is missing the ${LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n`,
        );
      const lastObj = prev ? (JSON.parse(prev) as unknown) : undefined;
      const merged = threeWayMerge(live, obj, lastObj) as KubeObject;
      merged.metadata = threeWayMerge(live.metadata, obj.metadata, isObj(lastObj) ? lastObj.metadata : undefined) as KubeObject['metadata'];
      merged.metadata.annotations = { ...(merged.metadata.annotations ?? {}), [LAST_APPLIED]: last };
      merged.metadata.resourceVersion = live.metadata.resourceVersion;
      if ('status' in live) (merged as { status?: unknown }).status = (live as { status?: unknown }).status;
      const updated = store.update(merged, { dryRun });
      const changed = updated.metadata.resourceVersion !== live.metadata.resourceVersion || dryRun;
      k.out(`${resourceName(updated)} ${changed ? 'configured' : 'unchanged'}${suffix}\n`);
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      errors.push(withSource(e, store.get(obj.kind, obj.metadata.namespace, obj.metadata.name ?? '') ? 'applying patch' : 'creating', m.source));
    }
  }
  k.cluster.sync();
  if (errors.length) {
    k.err(aggregateText(errors));
    return 1;
  }
  return 0;
}

export function createFromFiles(k: KubeCtx, p: Parsed): number {
  const objs = readFiles(k, p, 'create');
  resolveNamespaces(objs, p);
  const dryRun = (flagValue(p, 'dry-run') ?? 'none') !== 'none';
  const save = flagBool(p, 'save-config');
  const errors: unknown[] = [];
  for (const m of objs) {
    try {
      const obj = structuredClone(m.obj);
      if (save) obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), [LAST_APPLIED]: lastAppliedOf(m.obj) };
      const created = k.cluster.store.create(obj, { dryRun });
      k.out(`${resourceName(created)} created${dryRun ? ' (dry run)' : ''}\n`);
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      errors.push(withSource(e, 'creating', m.source));
    }
  }
  k.cluster.sync();
  if (errors.length) {
    k.err(aggregateText(errors));
    return 1;
  }
  return 0;
}

export { namespaceOf };
