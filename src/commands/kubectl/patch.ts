/**
 * `kubectl patch TYPE NAME -p PATCH [--type strategic|merge|json] [--subresource=status]`: the
 * patch read as JSON or YAML, sent to the server, which applies it (a status patch changes only
 * the status, and nothing overwrites it afterwards unless its owner's view changes).
 */
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../../kube/api/types';
import { applyPatch, type PatchType } from '../../kube/apiserver/store';
import { KubectlError } from './errors';
import { flagValue, type Parsed } from './flags';
import { parseResourceArgs } from './get';
import { resourceName, toJson, toYaml } from './format';
import { hostFile, namespaceOf, usageError, type KubeCtx } from './context';
import { printWarnings } from './apply';

const TYPES: Record<string, PatchType> = { json: 'json', merge: 'merge', strategic: 'strategic' };
const SUBRESOURCES = ['status', 'scale'];

/** yaml.ToJSON: a patch may be written in YAML as well. */
function readPatch(text: string): unknown {
  try {
    return parseYaml(text, { strict: true, uniqueKeys: true }) as unknown;
  } catch (e) {
    const line = /line (\d+)/.exec((e as Error).message)?.[1] ?? '1';
    throw new KubectlError(`error: unable to parse ${JSON.stringify(text)}: yaml: line ${line}: did not find expected node content\n`);
  }
}

export function patch(k: KubeCtx, p: Parsed): number {
  const text = flagValue(p, 'patch') ?? (p.flags.has('patch-file') ? readPatchFile(k, flagValue(p, 'patch-file')!) : undefined);
  if (text === undefined || text === '') throw new KubectlError('error: must specify --patch or --patch-file containing the contents of the patch\n');
  const typeArg = flagValue(p, 'type') ?? 'strategic';
  const type = TYPES[typeArg.toLowerCase()];
  if (!type) throw new KubectlError(`error: --type must be one of [json merge strategic], not ${JSON.stringify(typeArg)}\n`);
  const sub = flagValue(p, 'subresource');
  if (sub !== undefined && !SUBRESOURCES.includes(sub)) throw new KubectlError(`error: invalid subresource value: ${JSON.stringify(sub)}. Must be one of [${SUBRESOURCES.join(' ')}]\n`);
  const body = readPatch(text);
  const reqs = parseResourceArgs(p.args);
  const ns = namespaceOf(p);
  const dry = flagValue(p, 'dry-run');
  const dryRun = dry !== undefined && dry !== 'none';
  const output = flagValue(p, 'output');
  // kubectl patch sends no fieldValidation: the server's default, Warn
  const warnings: string[] = [];
  for (const r of reqs) {
    if (r.names.length === 0) throw usageError('patch', 'resource(s) were provided, but no name was specified');
    for (const name of r.names) {
      const space = r.info.namespaced ? ns : undefined;
      const target = k.cluster.store.mustGet(r.info.kind, space, name);
      if (sub === 'scale' && r.info.kind !== 'Deployment' && r.info.kind !== 'ReplicaSet') throw new KubectlError('Error from server (NotFound): the server could not find the requested resource\n');
      if (sub === 'status' && !('status' in target) && r.info.kind === 'ConfigMap') throw new KubectlError('Error from server (NotFound): the server could not find the requested resource\n');
      const { object, changed } =
        sub === 'scale'
          ? scalePatch(k, target, type, body, dryRun)
          : k.cluster.store.patch(r.info.kind, space, name, type, body, { dryRun, subresource: sub === 'status' ? 'status' : undefined, fieldValidation: 'Warn', warnings });
      printWarnings(k, warnings);
      if (output === 'yaml' || output === 'json') k.out(output === 'yaml' ? toYaml(object) : toJson(object));
      else if (output === 'name') k.out(`${resourceName(object)}\n`);
      else k.out(`${resourceName(object)} patched${changed ? '' : ' (no change)'}${dryRun ? ` (${dry === 'server' ? 'server dry run' : 'dry run'})` : ''}\n`);
    }
  }
  k.cluster.sync();
  return 0;
}

/** The scale subresource: a Scale object whose spec.replicas is the workload's. */
function scalePatch(k: KubeCtx, target: KubeObject, type: PatchType, body: unknown, dryRun: boolean): { object: KubeObject; changed: boolean } {
  const replicas = (target as { spec: { replicas?: number } }).spec.replicas ?? 1;
  const scale = { spec: { replicas } };
  const patched = applyPatch(scale, type, body, 'Scale') as { spec?: { replicas?: number } };
  const want = patched.spec?.replicas;
  if (typeof want !== 'number') return { object: target, changed: false };
  return k.cluster.store.patch(target.kind, target.metadata.namespace, target.metadata.name, 'merge', { spec: { replicas: want } }, { dryRun });
}

function readPatchFile(k: KubeCtx, path: string): string {
  const text = hostFile(k, path);
  if (text === undefined) throw new KubectlError(`error: unable to read patch file: open ${path}: no such file or directory\n`);
  return text;
}
