/**
 * kubectl's JSONPath templates (k8s.io/client-go/util/jsonpath): text with `{...}` actions —
 * fields (`.a.b`, `['a.b']`, escaped dots), `[n]`, `[*]`, `[a:b]`, `..name`, filters
 * `[?(@.type=="InternalIP")]`, `{range ...}{end}` and quoted literals such as `{"\n"}`. Several
 * results of one action print space-separated; maps and lists print as JSON.
 */
import { KubectlError } from './errors';

type Node = { text: string } | { path: string } | { range: string; body: Node[] };

function parseTemplate(t: string): Node[] {
  const stack: Node[][] = [[]];
  const ranges: string[] = [];
  let i = 0;
  while (i < t.length) {
    const open = t.indexOf('{', i);
    if (open < 0) {
      stack.at(-1)!.push({ text: t.slice(i) });
      break;
    }
    if (open > i) stack.at(-1)!.push({ text: t.slice(i, open) });
    let depth = 0;
    let j = open;
    let quote = '';
    for (; j < t.length; j++) {
      const c = t[j];
      if (quote) {
        if (c === '\\') j++;
        else if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '{') depth++;
      else if (c === '}' && --depth === 0) break;
    }
    if (j >= t.length) throw new KubectlError(`error: error parsing jsonpath ${t}, unclosed action\n`);
    const body = t.slice(open + 1, j).trim();
    i = j + 1;
    if (body.startsWith('range ')) {
      ranges.push(body.slice(6).trim());
      stack.push([]);
    } else if (body === 'end') {
      if (stack.length < 2) throw new KubectlError(`error: error parsing jsonpath ${t}, not in range, nothing to end\n`);
      const inner = stack.pop()!;
      stack.at(-1)!.push({ range: ranges.pop()!, body: inner });
    } else if (/^".*"$|^'.*'$/s.test(body)) stack.at(-1)!.push({ text: unquote(body) });
    else stack.at(-1)!.push({ path: body });
  }
  return stack[0];
}

const unquote = (s: string): string => s.slice(1, -1).replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r' })[c] ?? c);

/** Split `.a.b[0]['c.d']` into steps. */
function steps(path: string): string[] {
  const out: string[] = [];
  let i = path.startsWith('$') ? 1 : 0;
  while (i < path.length) {
    if (path.startsWith('..', i)) {
      out.push('..');
      i += 2;
    } else if (path[i] === '.') i++;
    else if (path[i] === '[') {
      let depth = 0;
      let j = i;
      for (; j < path.length; j++) {
        if (path[j] === '[') depth++;
        if (path[j] === ']' && --depth === 0) break;
      }
      out.push(path.slice(i, j + 1));
      i = j + 1;
    } else {
      let j = i;
      let name = '';
      while (j < path.length && path[j] !== '.' && path[j] !== '[') {
        if (path[j] === '\\' && j + 1 < path.length) {
          name += path[j + 1];
          j += 2;
        } else name += path[j++];
      }
      out.push(name);
      i = j;
    }
  }
  return out;
}

function evalPath(path: string, roots: unknown[]): unknown[] {
  let cur = roots;
  for (const s of steps(path.replace(/^@/, ''))) {
    const next: unknown[] = [];
    for (const v of cur) {
      if (s === '..') {
        const walk = (x: unknown) => {
          next.push(x);
          if (x && typeof x === 'object') for (const y of Object.values(x)) walk(y);
        };
        walk(v);
      } else if (s.startsWith('[')) {
        const inner = s.slice(1, -1).trim();
        if (inner === '*') {
          if (Array.isArray(v)) next.push(...v);
          else if (v && typeof v === 'object') next.push(...Object.values(v));
        } else if (inner.startsWith('?(')) {
          if (Array.isArray(v)) next.push(...v.filter((x) => filterMatches(inner.slice(2, -1), x)));
        } else if (/^['"].*['"]$/.test(inner)) {
          if (v && typeof v === 'object' && unquote(inner) in v) next.push((v as Record<string, unknown>)[unquote(inner)]);
        } else if (Array.isArray(v)) {
          const m = /^(-?\d*)(?::(-?\d*))?$/.exec(inner);
          if (!m) continue;
          if (inner.includes(':')) {
            const a = m[1] === '' ? 0 : Number(m[1]);
            const b = m[2] === '' || m[2] === undefined ? v.length : Number(m[2]);
            next.push(...v.slice(a < 0 ? v.length + a : a, b < 0 ? v.length + b : b));
          } else {
            const n = Number(m[1]);
            const idx = n < 0 ? v.length + n : n;
            if (idx >= 0 && idx < v.length) next.push(v[idx]);
            else throw new KubectlError(`error: error executing jsonpath "{${path}}": Error executing template: array index out of bounds: index ${n}, length ${v.length}. Printing more information for debugging the template:\n`);
          }
        }
      } else if (s === '*') {
        if (v && typeof v === 'object') next.push(...Object.values(v));
      } else if (v && typeof v === 'object' && !Array.isArray(v) && s in v) next.push((v as Record<string, unknown>)[s]);
    }
    cur = next;
  }
  return cur;
}

function filterMatches(expr: string, x: unknown): boolean {
  const m = /^(@[^\s=!<>]*)\s*(==|!=|<=|>=|<|>)\s*(.+)$/.exec(expr.trim());
  if (!m) return evalPath(expr.trim(), [x]).length > 0;
  const [, lhs, op, rhsText] = m;
  const left = evalPath(lhs, [x])[0];
  const rhs = /^['"].*['"]$/.test(rhsText.trim()) ? unquote(rhsText.trim()) : Number(rhsText);
  switch (op) {
    case '==':
      return left === rhs || String(left) === String(rhs);
    case '!=':
      return String(left) !== String(rhs);
    case '<':
      return Number(left) < Number(rhs);
    case '>':
      return Number(left) > Number(rhs);
    case '<=':
      return Number(left) <= Number(rhs);
    default:
      return Number(left) >= Number(rhs);
  }
}

const show = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

function run(nodes: Node[], data: unknown): string {
  let out = '';
  for (const n of nodes) {
    if ('text' in n) out += n.text;
    else if ('path' in n) out += evalPath(n.path, [data]).map(show).join(' ');
    else for (const item of evalPath(n.range, [data])) out += run(n.body, item);
  }
  return out;
}

export function jsonpath(template: string, data: unknown): string {
  return run(parseTemplate(template), data);
}
