/**
 * The two plain JSON patch types the API server takes: JSON merge patch (RFC 7386: objects merged,
 * `null` deletes, everything else replaced) and JSON patch (RFC 6902 operations on JSON pointers),
 * with the errors of the evanphx/json-patch library the server uses.
 */
import { PatchError, type Json } from './strategic';

type Obj = { [k: string]: Json };
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

export function applyMergePatch(target: Json, patch: Json): Json {
  if (!isObj(patch)) return structuredClone(patch);
  const out: Obj = isObj(target) ? structuredClone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k] ?? null, v);
  }
  return out;
}

/** RFC 6901: `/a/b~1c/0` → ['a', 'b/c', '0'] */
function pointer(path: unknown, op: string): string[] {
  if (typeof path !== 'string') throw new PatchError(`${op} operation does not apply: doc is missing path: "": missing value`);
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchError(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

interface Found {
  parent: Obj | Json[];
  key: string;
}

function locate(doc: Json, parts: string[]): Found | undefined {
  let cur: Json = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i];
    if (Array.isArray(cur)) cur = /^\d+$/.test(p) ? (cur[Number(p)] ?? null) : null;
    else if (isObj(cur)) cur = cur[p] ?? null;
    else return undefined;
    if (cur === null) return undefined;
  }
  return isObj(cur) || Array.isArray(cur) ? { parent: cur, key: parts[parts.length - 1] } : undefined;
}

function get(f: Found): Json | undefined {
  if (Array.isArray(f.parent)) return /^\d+$/.test(f.key) ? f.parent[Number(f.key)] : undefined;
  return Object.prototype.hasOwnProperty.call(f.parent, f.key) ? f.parent[f.key] : undefined;
}

function remove(f: Found, op: string, path: string): Json {
  const v = get(f);
  if (v === undefined) throw new PatchError(`${op} operation does not apply: doc is missing key: ${path}: missing value`);
  if (Array.isArray(f.parent)) f.parent.splice(Number(f.key), 1);
  else delete f.parent[f.key];
  return v;
}

function add(f: Found, value: Json, path: string): void {
  if (Array.isArray(f.parent)) {
    const i = f.key === '-' ? f.parent.length : /^\d+$/.test(f.key) ? Number(f.key) : NaN;
    if (!(i >= 0 && i <= f.parent.length)) throw new PatchError(`add operation does not apply: doc is missing path: "${path}": missing value`);
    f.parent.splice(i, 0, value);
  } else f.parent[f.key] = value;
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function applyJsonPatch(doc: Json, ops: Json): Json {
  if (!Array.isArray(ops)) throw new PatchError('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let out = structuredClone(doc);
  for (const raw of ops) {
    if (!isObj(raw)) throw new PatchError('json: cannot unmarshal array into Go value of type jsonpatch.Operation');
    const op = String(raw.op ?? '');
    const path = typeof raw.path === 'string' ? raw.path : '';
    const parts = pointer(raw.path, op);
    const at = (p: string[]) => (p.length === 0 ? undefined : locate(out, p));
    switch (op) {
      case 'add':
      case 'replace': {
        if (!('value' in raw)) throw new PatchError(`${op} operation does not apply: value is missing`);
        if (parts.length === 0) {
          out = structuredClone(raw.value);
          break;
        }
        const f = at(parts);
        if (!f) throw new PatchError(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
        if (op === 'replace') {
          if (get(f) === undefined) throw new PatchError(`replace operation does not apply: doc is missing key: ${path}: missing value`);
          if (Array.isArray(f.parent)) f.parent[Number(f.key)] = structuredClone(raw.value);
          else f.parent[f.key] = structuredClone(raw.value);
        } else add(f, structuredClone(raw.value), path);
        break;
      }
      case 'remove': {
        const f = at(parts);
        if (!f) throw new PatchError(`remove operation does not apply: doc is missing path: "${path}": missing value`);
        remove(f, 'remove', path);
        break;
      }
      case 'move':
      case 'copy': {
        const from = typeof raw.from === 'string' ? raw.from : '';
        const src = at(pointer(raw.from, op));
        if (!src) throw new PatchError(`${op} operation does not apply: doc is missing from path: ${from}: missing value`);
        const v = op === 'move' ? remove(src, op, from) : get(src);
        if (v === undefined) throw new PatchError(`${op} operation does not apply: doc is missing from path: ${from}: missing value`);
        const dst = at(parts);
        if (!dst) throw new PatchError(`${op} operation does not apply: doc is missing destination path: ${path}: missing value`);
        add(dst, structuredClone(v), path);
        break;
      }
      case 'test': {
        const f = at(parts);
        const v = parts.length === 0 ? out : f ? get(f) : undefined;
        if (!sameJson(v ?? null, raw.value ?? null)) throw new PatchError(`testing value ${path} failed: test failed`);
        break;
      }
      default:
        throw new PatchError(`Unexpected kind: ${op}`);
    }
  }
  return out;
}
