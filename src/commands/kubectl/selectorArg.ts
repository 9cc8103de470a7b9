/**
 * Label selectors as `-l` takes them (labels.Parse): `a=b`, `a==b`, `a!=b`, `a in (x,y)`,
 * `a notin (x)`, `a`, `!a`, comma-separated and ANDed.
 */
import { KubectlError } from './errors';

export type LabelMatch = (labels: Record<string, string>) => boolean;

export function parseSelector(text: string): LabelMatch {
  const reqs: LabelMatch[] = [];
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  for (const raw of parts) {
    const s = raw.trim();
    if (s === '') continue;
    let m: RegExpExecArray | null;
    if ((m = /^([^\s!=()]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(s))) {
      const [, key, op, list] = m;
      const vals = list.split(',').map((v) => v.trim());
      reqs.push(op === 'in' ? (l) => key in l && vals.includes(l[key]) : (l) => !(key in l) || !vals.includes(l[key]));
    } else if ((m = /^([^\s!=()]+)\s*(==|=|!=)\s*([^\s!=()]*)$/.exec(s))) {
      const [, key, op, val] = m;
      reqs.push(op === '!=' ? (l) => !(key in l) || l[key] !== val : (l) => key in l && l[key] === val);
    } else if ((m = /^!\s*([^\s!=()]+)$/.exec(s))) {
      const key = m[1];
      reqs.push((l) => !(key in l));
    } else if ((m = /^([^\s!=()]+)$/.exec(s))) {
      const key = m[1];
      reqs.push((l) => key in l);
    } else throw new KubectlError(`error: unable to parse requirement: found '${s}', expected: identifier\n`);
  }
  return (l) => reqs.every((r) => r(l));
}
