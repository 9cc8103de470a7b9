/**
 * `kubectl apply -f` and `kubectl create -f`: each object of the manifest created, or (apply)
 * patched with the three-way strategic merge patch kubectl computes from the last-applied
 * configuration, the manifest and the live object (fields the manifest dropped since the last
 * apply removed, lists such as containers and ports merged by their keys, server-set fields kept).
 * Every object is tried; the ones the server refuses change nothing and their errors come last.
 */
import type { KubeObject } from '../../kube/api/types';
import { StatusError } from '../../kube/api/errors';
import { aggregateText, KubectlError, withSource } from './errors';
import { flagBool, flagValue, flagValues, type Parsed } from './flags';
import { mapObjects, readManifest, type ManifestObject } from './manifest';
import { resourceName } from './format';
import { hostFile, namespaceOf, type KubeCtx } from './context';
import { sortKeys } from './format';
import { metaFor, threeWayMergePatch, type Json } from '../../kube/api/patch/strategic';
import type { FieldValidation } from '../../kube/apiserver/fieldValidation';

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
      const read = hostFile(k, f);
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

function lastAppliedOf(obj: KubeObject): string {
  const copy = structuredClone(obj);
  copy.metadata.annotations = { ...(copy.metadata.annotations ?? {}) };
  delete copy.metadata.annotations[LAST_APPLIED];
  return JSON.stringify(sortKeys(copy)) + '\n';
}

/** --validate (GetValidationDirective): strict (or true, the default), warn, ignore (or false). */
export function validationDirective(p: Parsed): FieldValidation {
  const v = flagValue(p, 'validate') ?? 'strict';
  if (['1', 't', 'T', 'TRUE', 'true', 'True', 'strict'].includes(v)) return 'Strict';
  if (['0', 'f', 'F', 'FALSE', 'false', 'False', 'ignore'].includes(v)) return 'Ignore';
  if (v === 'warn') return 'Warn';
  throw new KubectlError(`error: invalid - validate option ${JSON.stringify(v)}; must be one of: strict (or true), warn, ignore (or false)\n`);
}

/** The request's warnings, as kubectl's warning handler prints them. */
export function printWarnings(k: KubeCtx, warnings: string[]): void {
  for (const w of warnings.splice(0)) k.err(`Warning: ${w}\n`);
}

export function apply(k: KubeCtx, p: Parsed): number {
  const fieldValidation = validationDirective(p);
  const warnings: string[] = [];
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
        const created = store.create(toCreate, { dryRun, fieldValidation, warnings });
        printWarnings(k, warnings);
        k.out(`${resourceName(created)} created${suffix}\n`);
        continue;
      }
      const prev = live.metadata.annotations?.[LAST_APPLIED];
      if (prev === undefined)
        k.err(
          `Warning: resource ${m.info!.plural}/${live.metadata.name} is missing the ${LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n`,
        );
      const original = prev ? (JSON.parse(prev) as Json) : undefined;
      const modified = structuredClone(obj) as KubeObject;
      modified.metadata.annotations = { ...(modified.metadata.annotations ?? {}), [LAST_APPLIED]: last };
      const patch = threeWayMergePatch(original, modified as unknown as Json, live as unknown as Json, metaFor(obj.kind));
      if (Object.keys(patch).length === 0) {
        k.out(`${resourceName(live)} unchanged${suffix}\n`);
        continue;
      }
      const { object } = store.patch(obj.kind, obj.metadata.namespace, obj.metadata.name, 'strategic', patch, { dryRun, fieldValidation, warnings });
      printWarnings(k, warnings);
      k.out(`${resourceName(object)} configured${suffix}\n`);
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      printWarnings(k, warnings);
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
  const fieldValidation = validationDirective(p);
  const warnings: string[] = [];
  const objs = readFiles(k, p, 'create');
  resolveNamespaces(objs, p);
  const dryRun = (flagValue(p, 'dry-run') ?? 'none') !== 'none';
  const save = flagBool(p, 'save-config');
  const errors: unknown[] = [];
  for (const m of objs) {
    try {
      const obj = structuredClone(m.obj);
      if (save) obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), [LAST_APPLIED]: lastAppliedOf(m.obj) };
      const created = k.cluster.store.create(obj, { dryRun, fieldValidation, warnings });
      printWarnings(k, warnings);
      k.out(`${resourceName(created)} created${dryRun ? ' (dry run)' : ''}\n`);
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      printWarnings(k, warnings);
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
