/**
 * Strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch), both halves: applying a
 * patch as the API server does (maps merged, `null` deletes, lists merged by their merge key with
 * `$patch: delete|replace|merge`, `$setElementOrder/`, `$deleteFromPrimitiveList/` and
 * `$retainKeys` directives), and the three-way patch `kubectl apply` sends (what the manifest
 * changed since the last apply, deletions of what it dropped, the live object's other fields
 * left alone).
 */
import { patchMetaOf, type PatchMeta } from './meta';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const clone = <T>(v: T): T => structuredClone(v);
const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export const DIRECTIVE = '$patch';
const ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';
const RETAIN = '$retainKeys';

/** A patch the server cannot apply (kubectl shows it as a BadRequest). */
export class PatchError extends Error {}

type Meta = (path: string[]) => PatchMeta | undefined;

export const metaFor =
  (kind: string): Meta =>
  (path) =>
    patchMetaOf(kind, path);

/** Drop `$...` directives from a value taken over as it is. */
function stripDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.filter((x) => !(isObj(x) && x[DIRECTIVE] === 'delete')).map(stripDirectives);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$')) out[k] = stripDirectives(x);
  return out;
}

/** StrategicMergePatch: the patched copy of `original`. */
export function applyStrategicPatch(original: Json, patch: Json, meta: Meta): Json {
  if (!isObj(patch)) throw new PatchError('json: cannot unmarshal array into Go value of type map[string]interface {}');
  return mergeMap(isObj(original) ? clone(original) : {}, patch, [], meta);
}

function mergeMap(original: Obj, patch: Obj, path: string[], meta: Meta): Obj {
  const directive = patch[DIRECTIVE];
  if (directive === 'replace') {
    const out = clone(patch);
    delete out[DIRECTIVE];
    return stripDirectives(out) as Obj;
  }
  if (directive === 'delete') return {};
  if (directive !== undefined && directive !== 'merge') throw new PatchError(`Unknown patch type: ${String(directive)}`);
  const retain = patch[RETAIN];
  if (Array.isArray(retain)) for (const k of Object.keys(original)) if (!retain.includes(k)) delete original[k];
  const orders = new Map<string, Json[]>();
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith(DELETE_PRIMITIVE)) {
      const field = k.slice(DELETE_PRIMITIVE.length);
      const cur = original[field];
      if (Array.isArray(cur) && Array.isArray(v)) original[field] = cur.filter((x) => !v.some((d) => sameJson(d, x)));
    } else if (k.startsWith(ORDER) && Array.isArray(v)) orders.set(k.slice(ORDER.length), v);
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    const sub = [...path, k];
    if (v === null) {
      delete original[k];
      continue;
    }
    const cur = original[k];
    if (cur === undefined || cur === null) {
      original[k] = stripDirectives(clone(v));
      continue;
    }
    if (isObj(cur) && isObj(v)) original[k] = mergeMap(cur, v, sub, meta);
    else if (Array.isArray(cur) && Array.isArray(v)) original[k] = mergeList(cur, v, sub, meta);
    else original[k] = stripDirectives(clone(v));
  }
  for (const [field, order] of orders) {
    const list = original[field];
    if (Array.isArray(list)) original[field] = reorder(list, order, meta([...path, field]));
  }
  return original;
}

function mergeList(original: Json[], patch: Json[], path: string[], meta: Meta): Json[] {
  const pm = meta(path);
  if (!pm || !pm.strategy.includes('merge')) return stripDirectives(clone(patch)) as Json[];
  // a `$patch: replace` element replaces the whole list with the other elements
  if (patch.some((x) => isObj(x) && x[DIRECTIVE] === 'replace')) return stripDirectives(patch.filter((x) => !(isObj(x) && x[DIRECTIVE] === 'replace'))) as Json[];
  const key = pm.mergeKey;
  if (!key) {
    const out = [...original];
    for (const x of patch) if (!out.some((y) => sameJson(x, y))) out.push(clone(x));
    return out;
  }
  const out = [...original];
  for (const item of patch) {
    if (!isObj(item)) throw new PatchError(`found non-map element in a list merged by key ${key}`);
    if (!(key in item)) throw new PatchError(`map: ${goMap(item)} does not contain declared merge key: ${key}`);
    const i = out.findIndex((x) => isObj(x) && sameJson(x[key], item[key]));
    if (item[DIRECTIVE] === 'delete') {
      if (i >= 0) out.splice(i, 1);
      continue;
    }
    if (i >= 0) out[i] = mergeMap(out[i] as Obj, item, path, meta);
    else out.push(stripDirectives(clone(item)));
  }
  return out;
}

/** $setElementOrder: the listed elements in the listed order, the others (the server's own) after them. */
function reorder(list: Json[], order: Json[], pm: PatchMeta | undefined): Json[] {
  const keyOf = (x: Json) => (pm?.mergeKey && isObj(x) ? JSON.stringify(x[pm.mergeKey]) : JSON.stringify(x));
  const wanted = order.map((o) => (pm?.mergeKey && isObj(o) ? JSON.stringify(o[pm.mergeKey]) : JSON.stringify(o)));
  const listed = wanted.flatMap((w) => list.filter((x) => keyOf(x) === w).slice(0, 1));
  const rest = list.filter((x) => !wanted.includes(keyOf(x)));
  return [...listed, ...rest];
}

/** Go's %v of a map (fmt prints map keys sorted): `map[a:1 b:[x y]]`. */
export function goMap(v: Json): string {
  if (v === null) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goMap).join(' ')}]`;
  if (isObj(v)) return `map[${Object.keys(v).sort().map((k) => `${k}:${goMap(v[k])}`).join(' ')}]`;
  return String(v);
}

interface DiffOptions {
  ignoreDeletions?: boolean;
  ignoreChangesAndAdditions?: boolean;
}

/** diffMaps: the patch that turns `from` into `to`, within the options' limits. */
function diffMaps(from: Obj, to: Obj, path: string[], meta: Meta, o: DiffOptions): Obj {
  const patch: Obj = {};
  for (const [k, v] of Object.entries(to)) {
    const sub = [...path, k];
    const cur = from[k];
    if (cur === undefined) {
      if (!o.ignoreChangesAndAdditions) patch[k] = clone(v);
      continue;
    }
    if (sameJson(cur, v)) continue;
    if (isObj(cur) && isObj(v)) {
      const d = diffMaps(cur, v, sub, meta, o);
      if (Object.keys(d).length) patch[k] = d;
    } else if (Array.isArray(cur) && Array.isArray(v)) diffLists(patch, k, cur, v, sub, meta, o);
    else if (!o.ignoreChangesAndAdditions) patch[k] = clone(v);
  }
  if (!o.ignoreDeletions) for (const k of Object.keys(from)) if (!(k in to)) patch[k] = null;
  return patch;
}

function diffLists(patch: Obj, field: string, from: Json[], to: Json[], path: string[], meta: Meta, o: DiffOptions): void {
  const pm = meta(path);
  if (!pm || !pm.strategy.includes('merge')) {
    if (!o.ignoreChangesAndAdditions) patch[field] = clone(to);
    return;
  }
  const key = pm.mergeKey;
  const same = (a: Json, b: Json) => (key && isObj(a) && isObj(b) ? sameJson(a[key], b[key]) : sameJson(a, b));
  const changed: Json[] = [];
  for (const x of to) {
    const y = from.find((f) => same(f, x));
    if (y === undefined) {
      if (!o.ignoreChangesAndAdditions) changed.push(clone(x));
    } else if (key && isObj(x) && isObj(y)) {
      // an element in both: what changed inside it (or, for deletions, what it lost)
      const d = diffMaps(y, x, path, meta, o);
      if (Object.keys(d).length) changed.push({ [key]: x[key], ...d });
    }
  }
  const deleted = o.ignoreDeletions ? [] : from.filter((f) => !to.some((x) => same(f, x)));
  if (key) {
    const items = [...changed, ...deleted.map((d) => ({ [key]: (d as Obj)[key], [DIRECTIVE]: 'delete' }))];
    if (items.length) {
      patch[field] = items;
      if (!o.ignoreChangesAndAdditions) patch[`${ORDER}${field}`] = to.map((x) => (isObj(x) ? { [key]: x[key] } : x));
    }
  } else {
    if (changed.length) {
      patch[field] = changed;
      patch[`${ORDER}${field}`] = clone(to);
    }
    if (deleted.length) patch[`${DELETE_PRIMITIVE}${field}`] = deleted;
  }
}

/**
 * CreateThreeWayMergePatch(original = the last applied configuration, modified = the manifest,
 * current = the live object): additions and changes from current to modified, plus deletions of
 * what original had and modified dropped.
 */
export function threeWayMergePatch(original: Json | undefined, modified: Json, current: Json, meta: Meta): Obj {
  const mod = isObj(modified) ? modified : {};
  const delta = diffMaps(isObj(current) ? current : {}, mod, [], meta, { ignoreDeletions: true });
  const deletions = diffMaps(isObj(original) ? original : {}, mod, [], meta, { ignoreChangesAndAdditions: true });
  return mergePatches(deletions, delta);
}

/** Combine two patches: deletions first, the changes merged over them. */
function mergePatches(a: Obj, b: Obj): Obj {
  const out = clone(a);
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    if (isObj(cur) && isObj(v)) out[k] = mergePatches(cur, v);
    else if (Array.isArray(cur) && Array.isArray(v) && !k.startsWith(ORDER)) out[k] = [...v, ...cur.filter((x) => !v.some((y) => sameJson(x, y)))];
    else out[k] = clone(v);
  }
  return out;
}
