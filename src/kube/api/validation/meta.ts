/** ObjectMeta, label and selector validation (apimachinery's ValidateObjectMeta, ValidateLabels, ValidateLabelSelector). */
import { forbidden, invalid, required, type FieldError } from '../errors';
import type { LabelSelector, Labels, ObjectMeta } from '../types';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from './names';

export type NameRule = (name: string) => string[];

/** Go's %#v of a map[string]string, as an Invalid value prints one. */
export const goStringMap = (m: Record<string, string> | undefined): string =>
  m === undefined ? 'map[string]string(nil)' : `map[string]string{${Object.keys(m).sort().map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`).join(', ')}}`;

export function validateLabels(labels: Labels | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const m of isQualifiedName(k)) errs.push(invalid(path, k, m));
    if (typeof v !== 'string') errs.push(invalid(path, v, 'must be a string'));
    else for (const m of isValidLabelValue(v)) errs.push(invalid(path, v, m));
  }
  return errs;
}

export function validateAnnotations(ann: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of Object.keys(ann ?? {})) for (const m of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, m));
  return errs;
}

/**
 * ValidateObjectMeta: the name (or generateName) by the kind's rule, the namespace when the kind
 * has one, labels and annotations.
 */
export function validateObjectMeta(meta: ObjectMeta | undefined, namespaced: boolean, nameRule: NameRule): FieldError[] {
  const errs: FieldError[] = [];
  if (!meta) return [required('metadata.name', 'name or generateName is required')];
  if (meta.generateName && !meta.name) {
    for (const m of nameRule(meta.generateName.replace(/-$/, 'a'))) errs.push(invalid('metadata.generateName', meta.generateName, m));
  }
  if (!meta.name) errs.push(required('metadata.name', 'name or generateName is required'));
  else for (const m of nameRule(meta.name)) errs.push(invalid('metadata.name', meta.name, m));
  if (namespaced) {
    if (!meta.namespace) errs.push(required('metadata.namespace', ''));
    else for (const m of isDNS1123Label(meta.namespace)) errs.push(invalid('metadata.namespace', meta.namespace, m));
  } else if (meta.namespace) errs.push(forbidden('metadata.namespace', 'not allowed on this type'));
  errs.push(...validateLabels(meta.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(meta.annotations, 'metadata.annotations'));
  return errs;
}

export const subdomainName: NameRule = isDNS1123Subdomain;

/** metav1validation.ValidateLabelSelector */
export function validateLabelSelector(sel: LabelSelector | undefined, path: string): FieldError[] {
  if (!sel) return [];
  const errs: FieldError[] = [...validateLabels(sel.matchLabels, `${path}.matchLabels`)];
  (sel.matchExpressions ?? []).forEach((req, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    switch (req.operator) {
      case 'In':
      case 'NotIn':
        if (!req.values || req.values.length === 0) errs.push(required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (req.values && req.values.length > 0) errs.push(forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(invalid(`${p}.operator`, req.operator, 'not a valid selector operator'));
    }
    for (const m of isQualifiedName(req.key ?? '')) errs.push(invalid(`${p}.key`, req.key ?? '', m));
    (req.values ?? []).forEach((v, j) => {
      for (const m of isValidLabelValue(v)) errs.push(invalid(`${p}.values[${j}]`, v, m));
    });
  });
  return errs;
}
