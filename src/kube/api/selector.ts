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
  // labels.Selector keeps its requirements sorted by key, matchLabels and matchExpressions alike
  const parts: [string, string][] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) parts.push([k, `${k}=${v}`]);
  for (const r of sel.matchExpressions ?? []) {
    const vals = [...(r.values ?? [])].sort().join(',');
    const text = r.operator === 'In' ? `${r.key} in (${vals})` : r.operator === 'NotIn' ? `${r.key} notin (${vals})` : r.operator === 'Exists' ? r.key : `!${r.key}`;
    parts.push([r.key, text]);
  }
  parts.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return parts.length ? parts.map((p) => p[1]).join(',') : '<none>';
}
