/**
 * The API server's two ways of turning JSON into a typed object, with their own errors:
 *
 * - `decodeBody`: a request body through sigs.k8s.io/json (encoding/json's decoder, case-sensitive,
 *   strict): keys in the order kubectl marshals them (sorted), the first type error as
 *   `json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type
 *   int32`, unknown fields as `unknown field "spec.template.spec.containers[0].requests"` in the
 *   order met.
 * - `convertUnstructured`: a strategic-merge-patched map through runtime.DefaultUnstructuredConverter
 *   (FromUnstructuredWithValidation): the struct's fields in declaration order, its own type
 *   errors (`cannot restore struct from: string`), unknown fields sorted.
 *
 * Both give the object with the unknown fields dropped, as a Go struct would hold it.
 */
import { goTypeOf, type FieldType, type Struct } from './types';
import { parseQuantity } from '../quantity';

export interface Decoded {
  /** the error that stops decoding (a type error, a bad quantity); undefined when it decoded */
  error?: string;
  /** `unknown field "spec.foo"`, one per key no struct field takes */
  unknown: string[];
  /** the value as the struct holds it: unknown keys dropped */
  value: unknown;
}

const QUANTITY_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** How encoding/json names a JSON value in `cannot unmarshal X`. */
const jsonKind = (v: unknown): string => (typeof v === 'string' ? 'string' : typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'bool' : Array.isArray(v) ? 'array' : 'object');

const INT_RANGE = { int32: [-(2 ** 31), 2 ** 31 - 1], int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] } as const;

class BodyDecoder {
  error: string | undefined;
  readonly unknown: string[] = [];

  /** encoding/json's saveError: the first error is the one reported */
  private fail(value: string, goType: string, ctx: Ctx): void {
    const where = ctx.struct ? `Go struct field ${ctx.struct}.${ctx.fields.join('.')}` : 'Go value';
    this.error ??= `json: cannot unmarshal ${value} into ${where} of type ${goType}`;
  }

  value(t: FieldType, v: unknown, ctx: Ctx): unknown {
    if (v === null || v === undefined) return v;
    switch (t.k) {
      case 'any':
        return v;
      case 'string':
        if (typeof v !== 'string') this.fail(jsonKind(v), 'string', ctx);
        return v;
      case 'time':
        // metav1.Time unmarshals a JSON string first (its own Unmarshal call: the context is the field)
        if (typeof v !== 'string') this.fail(jsonKind(v), 'string', ctx);
        return v;
      case 'bool':
        if (typeof v !== 'boolean') this.fail(jsonKind(v), 'bool', ctx);
        return v;
      case 'int32':
      case 'int64':
        return this.integer(t.k, v, ctx);
      case 'intOrString':
        // IntOrString.UnmarshalJSON: a quoted value is the string, anything else an int32
        return typeof v === 'string' ? v : this.integer('int32', v, ctx);
      case 'quantity':
        if ((typeof v !== 'string' && typeof v !== 'number') || parseQuantity(String(v).trim()) === undefined) this.error ??= QUANTITY_ERROR;
        return v;
      case 'list':
        if (!Array.isArray(v)) {
          this.fail(jsonKind(v), t.goType, ctx);
          return undefined;
        }
        return v.map((x, i) => this.value(t.of, x, { ...ctx, path: `${ctx.path}[${i}]` }));
      case 'map': {
        if (!isObject(v)) {
          this.fail(jsonKind(v), t.goType, ctx);
          return undefined;
        }
        const out = new Map<string, unknown>();
        for (const key of Object.keys(v).sort()) out.set(key, this.value(t.of, v[key], { ...ctx, path: `${ctx.path}.${key}` }));
        return inOrder(v, out);
      }
      case 'struct':
        if (!isObject(v)) {
          this.fail(jsonKind(v), goTypeOf(t), ctx);
          return undefined;
        }
        return this.struct(t.struct, v, ctx);
    }
  }

  private integer(kind: 'int32' | 'int64', v: unknown, ctx: Ctx): unknown {
    if (typeof v !== 'number') {
      this.fail(jsonKind(v), kind, ctx);
      return v;
    }
    const [lo, hi] = INT_RANGE[kind];
    if (!Number.isInteger(v) || v < lo || v > hi) this.fail(`number ${String(v)}`, kind, ctx);
    return v;
  }

  struct(s: Struct, v: Record<string, unknown>, ctx: Ctx): Record<string, unknown> {
    const out = new Map<string, unknown>();
    for (const key of Object.keys(v).sort()) {
      const path = ctx.path ? `${ctx.path}.${key}` : key;
      const t = s.fields[key];
      if (!t) {
        this.unknown.push(`unknown field ${JSON.stringify(path)}`);
        continue;
      }
      out.set(key, this.value(t, v[key], { struct: s.name, fields: [...ctx.fields, key], path }));
    }
    return inOrder(v, out);
  }
}

/** The decoded keys in the order the object had them (so a stored object reads as it was written). */
function inOrder(v: Record<string, unknown>, decoded: Map<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(v)) if (decoded.has(key)) out[key] = decoded.get(key);
  return out;
}

interface Ctx {
  /** the innermost Go struct (encoding/json's errorContext.Struct) */
  struct?: string;
  /** the field names from the root, without indexes (errorContext.FieldStack) */
  fields: string[];
  /** the strict decoder's path, with indexes */
  path: string;
}

/** A request body decoded into a kind's struct (the object as the client sent it). */
export function decodeBody(s: Struct, body: Record<string, unknown>): Decoded {
  const d = new BodyDecoder();
  const value = d.struct(s, body, { fields: [], path: '' });
  return { error: d.error, unknown: d.error ? [] : d.unknown, value };
}

/** The kinds Go's reflect names an unstructured value by (the map holds int64, float64, string, bool, slices, maps). */
const reflectKind = (v: unknown): string =>
  typeof v === 'string' ? 'string' : typeof v === 'boolean' ? 'bool' : typeof v === 'number' ? (Number.isInteger(v) ? 'int64' : 'float64') : Array.isArray(v) ? 'slice' : 'map';

class ConvertError extends Error {}

class Converter {
  readonly unknown: string[] = [];

  value(t: FieldType, v: unknown, path: string): unknown {
    if (v === null || v === undefined) return v;
    const kind = reflectKind(v);
    switch (t.k) {
      case 'any':
        return v;
      case 'string':
        if (kind === 'string') return v;
        // int64 converts to string in Go's reflect, yet JSON does not allow it
        throw new ConvertError(kind === 'int64' ? 'cannot convert int64 to string' : 'unrecognized type: string');
      case 'bool':
        if (kind === 'bool') return v;
        throw new ConvertError('unrecognized type: bool');
      case 'int32':
      case 'int64':
        if (kind === 'int64') return v;
        if (kind === 'float64') throw new ConvertError(`cannot convert float64 to ${t.k}`);
        throw new ConvertError(`unrecognized type: ${t.k}`);
      case 'intOrString':
      case 'time':
      case 'quantity':
        // types with their own UnmarshalJSON get the value marshalled back to JSON
        return this.unmarshaler(t.k, v, kind);
      case 'list':
        if (!Array.isArray(v)) throw new ConvertError(`cannot restore slice from ${kind}`);
        return v.map((x, i) => this.value(t.of, x, `${path}[${i}]`));
      case 'map': {
        if (!isObject(v)) throw new ConvertError(`cannot restore map from ${kind}`);
        const out = new Map<string, unknown>();
        for (const [key, x] of Object.entries(v)) out.set(key, this.value(t.of, x, `${path}.${key}`));
        return inOrder(v, out);
      }
      case 'struct':
        if (!isObject(v)) throw new ConvertError(`cannot restore struct from: ${kind}`);
        return this.struct(t.struct, v, path);
    }
  }

  private unmarshaler(k: 'intOrString' | 'time' | 'quantity', v: unknown, kind: string): unknown {
    const json = jsonKind(v);
    if (k === 'quantity') {
      if ((kind !== 'string' && kind !== 'int64' && kind !== 'float64') || parseQuantity(String(v).trim()) === undefined) throw new ConvertError(QUANTITY_ERROR);
    } else if (k === 'time') {
      if (json !== 'string') throw new ConvertError(`json: cannot unmarshal ${json} into Go value of type string`);
    } else if (json !== 'string') {
      if (json !== 'number') throw new ConvertError(`json: cannot unmarshal ${json} into Go value of type int32`);
      const n = v as number;
      if (!Number.isInteger(n) || n < INT_RANGE.int32[0] || n > INT_RANGE.int32[1]) throw new ConvertError(`json: cannot unmarshal number ${String(n)} into Go value of type int32`);
    }
    return v;
  }

  struct(s: Struct, v: Record<string, unknown>, path: string): Record<string, unknown> {
    const out = new Map<string, unknown>();
    for (const [key, t] of Object.entries(s.fields)) if (key in v) out.set(key, this.value(t, v[key], path ? `${path}.${key}` : key));
    for (const key of Object.keys(v)) if (!(key in s.fields)) this.unknown.push(`unknown field ${JSON.stringify(path ? `${path}.${key}` : key)}`);
    return inOrder(v, out);
  }
}

/** A patched object converted into a kind's struct (what the server does after a strategic merge patch). */
export function convertUnstructured(s: Struct, obj: Record<string, unknown>): Decoded {
  const c = new Converter();
  try {
    const value = c.struct(s, obj, '');
    return { unknown: [...c.unknown].sort(), value };
  } catch (e) {
    if (e instanceof ConvertError) return { error: e.message, unknown: [], value: obj };
    throw e;
  }
}

/** runtime.NewStrictDecodingError(errs).Error() */
export const strictDecodingError = (unknown: string[]): string => `strict decoding error: ${unknown.join(', ')}`;

/** Go's `%+v` of a map[string]interface{} decoded from JSON (maps with sorted keys, int64 and float64 numbers). */
export function goMapString(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return goFloat(v);
  if (Array.isArray(v)) return `[${v.map(goMapString).join(' ')}]`;
  const o = v as Record<string, unknown>;
  return `map[${Object.keys(o)
    .sort()
    .map((k) => `${k}:${goMapString(o[k])}`)
    .join(' ')}]`;
}

/** %v of an int64 (integers) or a float64 (strconv 'g', shortest: an exponent from 1e6 on or below 1e-4). */
function goFloat(n: number): string {
  if (Number.isInteger(n)) return String(n);
  const exp = Math.floor(Math.log10(Math.abs(n)));
  if (exp < -4 || exp >= 6) {
    const [m, e] = n.toExponential().split('e');
    const sign = e.startsWith('-') ? '-' : '+';
    const digits = e.replace(/^[-+]/, '');
    return `${m}e${sign}${digits.padStart(2, '0')}`;
  }
  return String(n);
}
