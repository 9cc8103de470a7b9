/**
 * Server-side field validation (KEP-2885), as the API server's handlers do it: a create decodes
 * the body strictly (create.go's transformDecodeError: `Deployment in version "v1" cannot be
 * handled as a Deployment: ...`); a patch checks the patched object (patch.go: an Invalid error on
 * the field `patch` whose value is the patch, `%+v`, for a strategic merge patch, or the patched
 * object's JSON for the others). `Strict` refuses unknown fields, `Warn` drops them with a
 * warning each, `Ignore` drops them; type errors are refused whatever the directive.
 */
import { invalid, invalidError, StatusError } from '../api/errors';
import { convertUnstructured, decodeBody, goMapString, strictDecodingError, type Decoded } from '../api/schema/decode';
import { KIND_STRUCTS } from '../api/schema/structs';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

type Obj = { kind: string; apiVersion?: string };

/** The object a create's body decodes into; throws the BadRequest the server answers. */
export function checkBody(input: Obj, directive: FieldValidation, warnings?: string[]): Obj {
  const s = KIND_STRUCTS[input.kind];
  if (!s) return structuredClone(input);
  const d = decodeBody(s, input as unknown as Record<string, unknown>);
  const version = (input.apiVersion ?? '').split('/').pop() ?? '';
  const refuse = (why: string) => new StatusError('BadRequest', `${input.kind} in version ${JSON.stringify(version)} cannot be handled as a ${input.kind}: ${why}`);
  if (d.error) throw refuse(d.error);
  settle(d, directive, warnings, (why) => refuse(why));
  return d.value as Obj;
}

/** The patched object as the server decodes it (unknown fields dropped); throws its Invalid error. */
export function checkPatched(next: Obj, type: 'strategic' | 'merge' | 'json', patch: unknown, directive: FieldValidation, warnings?: string[]): Obj {
  const s = KIND_STRUCTS[next.kind];
  if (!s) return next;
  const strategic = type === 'strategic';
  const d = strategic ? convertUnstructured(s, next as unknown as Record<string, unknown>) : decodeBody(s, next as unknown as Record<string, unknown>);
  const shown = strategic ? goMapString(patch) : goJson(next);
  const refuse = (why: string) => invalidError('', '', '', [invalid('patch', shown, why)]);
  if (d.error) throw refuse(d.error);
  settle(d, directive, warnings, refuse);
  return d.value as Obj;
}

function settle(d: Decoded, directive: FieldValidation, warnings: string[] | undefined, refuse: (why: string) => Error): void {
  if (!d.unknown.length) return;
  if (directive === 'Strict') throw refuse(strictDecodingError(d.unknown));
  if (directive === 'Warn') warnings?.push(...d.unknown);
}

/** encoding/json's Marshal of a map: sorted keys, HTML characters escaped. */
function goJson(v: unknown): string {
  const sorted = (x: unknown): unknown =>
    Array.isArray(x) ? x.map(sorted) : x && typeof x === 'object' ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, sorted((x as Record<string, unknown>)[k])])) : x;
  return JSON.stringify(sorted(v)).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}
