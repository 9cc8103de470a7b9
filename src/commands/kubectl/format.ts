/**
 * `-o json`, `-o yaml` and `-o name` as kubectl prints them: objects as the server sends them
 * (keys sorted, as kubectl's unstructured objects are), JSON indented four spaces with Go's HTML
 * escapes, YAML as sigs.k8s.io/yaml writes it (sequences not indented, timestamps quoted).
 */
import { Document, isScalar, Scalar, visit } from 'yaml';
import type { KubeObject } from '../../kube/api/types';
import { resourceByKind } from '../../kube/api/resources';

export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}

export const toJson = (v: unknown): string =>
  JSON.stringify(sortKeys(v), null, 4).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`) + '\n';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** go-yaml v2 quotes strings YAML 1.1 would read as something else */
const NEEDS_QUOTES = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|true|True|TRUE|false|False|FALSE|null|Null|NULL|~|[-+]?(\d[\d_]*)?\.?\d+([eE][-+]?\d+)?|0x[0-9a-fA-F]+|0o?[0-7]+|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$/;

export function toYaml(v: unknown): string {
  const doc = new Document(sortKeys(v));
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value !== 'string') return;
      if (RFC3339.test(node.value) || NEEDS_QUOTES.test(node.value) || node.value === '') node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  void isScalar;
  return doc.toString({ indentSeq: false, lineWidth: 0, minContentWidth: 0 });
}

/** `deployment.apps/web`, `pod/web-1` */
export function resourceName(o: KubeObject): string {
  const info = resourceByKind(o.kind)!;
  return `${info.singular}${info.group ? `.${info.group}` : ''}/${o.metadata.name}`;
}

/** A list as `kubectl get -o json|yaml` wraps several objects. */
export const listOf = (items: KubeObject[]) => ({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } });
