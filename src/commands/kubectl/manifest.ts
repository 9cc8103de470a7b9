/**
 * Reading manifests as kubectl's resource builder does: YAML streams split on `---`, JSON
 * streams (objects one after another), `kind: List` expanded; each object mapped to a resource
 * the server knows.
 */
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../kube/api/types';
import { resourceForObject, type ResourceInfo } from '../../kube/api/resources';
import { KubectlError } from './errors';
import { decodeJsonStream } from './jsonStream';

export interface ManifestObject {
  obj: KubeObject;
  info: ResourceInfo | undefined;
  /** `STDIN` or the file name, as errors name the source */
  source: string;
}

/** Every object in a manifest text, in order. Throws a KubectlError when the text does not parse. */
export function readManifest(text: string, source: string): Record<string, unknown>[] {
  const trimmed = text.trim();
  const objs: unknown[] = [];
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    // a JSON stream: objects one after another, as Go's json.Decoder reads them
    const { values, error } = decodeJsonStream(trimmed);
    if (error) throw new KubectlError(`error: error parsing ${source}: ${error.message}\n`);
    objs.push(...values.filter((v) => v !== null));
  } else {
    // sigs.k8s.io/yaml decodes without go-yaml's strict mode: a repeated key silently wins over the earlier one
    const docs = parseAllDocuments(text, { uniqueKeys: false });
    for (const d of Array.isArray(docs) ? docs : [docs]) {
      if (d.errors.length) {
        const err = d.errors[0];
        const line = err.linePos?.[0]?.line ?? 1;
        throw new KubectlError(`error: error parsing ${source}: error converting YAML to JSON: yaml: line ${line}: ${yamlReason(err.message)}\n`);
      }
      const v = d.toJS({ maxAliasCount: 100 }) as unknown;
      if (v !== null && v !== undefined) objs.push(v);
    }
  }
  const out: Record<string, unknown>[] = [];
  for (const o of objs) {
    if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new KubectlError(`error: error validating "${source}": error validating data: invalid object to validate; if you choose to ignore these errors, turn validation off with --validate=false\n`);
    const rec = o as Record<string, unknown>;
    if (typeof rec.kind === 'string' && rec.kind.endsWith('List') && Array.isArray(rec.items)) out.push(...(rec.items as Record<string, unknown>[]));
    else out.push(rec);
  }
  return out;
}

/** go-yaml's wording for the commonest mistakes. */
function yamlReason(message: string): string {
  if (/Implicit map keys|mapping values/i.test(message)) return 'mapping values are not allowed in this context';
  if (/indent/i.test(message)) return 'did not find expected key';
  if (/tab/i.test(message)) return 'found character that cannot start any token';
  return 'did not find expected node content';
}

/** Map each object to its resource; the builder's errors for unknown or unkinded objects. */
export function mapObjects(raw: Record<string, unknown>[], source: string): { ok: ManifestObject[]; errors: KubectlError[] } {
  const ok: ManifestObject[] = [];
  const errors: KubectlError[] = [];
  for (const r of raw) {
    const json = JSON.stringify(r);
    if (typeof r.kind !== 'string' || !r.kind) {
      errors.push(new KubectlError(`error: unable to decode ${JSON.stringify(source)}: Object 'Kind' is missing in '${json}'\n`));
      continue;
    }
    if (typeof r.apiVersion !== 'string' || !r.apiVersion) {
      errors.push(new KubectlError(`error: unable to decode ${JSON.stringify(source)}: Object 'apiVersion' is missing in '${json}'\n`));
      continue;
    }
    const info = resourceForObject(r.apiVersion, r.kind);
    const meta = (r.metadata ?? {}) as Record<string, unknown>;
    if (!info) {
      errors.push(
        new KubectlError(
          `error: resource mapping not found for name: ${JSON.stringify(meta.name ?? '')} namespace: ${JSON.stringify(meta.namespace ?? '')} from ${JSON.stringify(source)}: no matches for kind ${JSON.stringify(r.kind)} in version ${JSON.stringify(r.apiVersion)}\nensure CRDs are installed first\n`,
        ),
      );
      continue;
    }
    ok.push({ obj: r as unknown as KubeObject, info, source });
  }
  return { ok, errors };
}
