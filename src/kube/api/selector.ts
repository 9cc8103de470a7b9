import type { LabelSelector, Labels } from './types';

/**
 * Label selectors as k8s.io/apimachinery/pkg/labels evaluates them (LabelSelectorAsSelector):
 * matchLabels and matchExpressions are ANDed; an empty selector matches everything; a missing
 * (undefined) selector is for the caller to interpret (a NetworkPolicy peer without one, a Service
 * without a selector), so it is not accepted here.
 */
export function matchesSelector(sel: LabelSelector, labels: Labels | undefined): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const req of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, req.key);
    switch (req.operator) {
      case 'In':
        if (!has || !(req.values ?? []).includes(l[req.key])) return false;
        break;
      case 'NotIn':
        // a missing key satisfies NotIn (labels.Requirement.Matches)
        if (has && (req.values ?? []).includes(l[req.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** A Service's `spec.selector` (a plain map): every pair must match; an empty map matches nothing (no endpoints are managed). */
export function matchesServiceSelector(selector: Labels | undefined, labels: Labels | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector)) if (l[k] !== v) return false;
  return true;
}

/** Is the selector empty (matches everything)? */
export const isEmptySelector = (sel: LabelSelector): boolean => Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;

/** The selector as kubectl prints it (metav1.FormatLabelSelector): `app=web,tier in (a,b),!x`, `<none>` when empty. */
export function formatLabelSelector(sel: LabelSelector | undefined): string {
  if (!sel) return '<none>';
  const parts: string[] = [];
  for (const k of Object.keys(sel.matchLabels ?? {}).sort()) parts.push(`${k}=${sel.matchLabels![k]}`);
  for (const r of sel.matchExpressions ?? []) {
    const vals = [...(r.values ?? [])].sort().join(',');
    switch (r.operator) {
      case 'In':
        parts.push(`${r.key} in (${vals})`);
        break;
      case 'NotIn':
        parts.push(`${r.key} notin (${vals})`);
        break;
      case 'Exists':
        parts.push(r.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${r.key}`);
        break;
    }
  }
  return parts.length ? parts.join(',') : '<none>';
}
