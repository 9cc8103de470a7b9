/**
 * API errors as the API server builds them (k8s.io/apimachinery pkg/util/validation/field and
 * pkg/api/errors), so kubectl's messages can be printed from them byte for byte.
 */

export type FieldErrorType = 'Required value' | 'Invalid value' | 'Unsupported value' | 'Duplicate value' | 'Forbidden' | 'Too long' | 'Too many' | 'Not found';

/** field.Error: a path such as `spec.ports[0].port`, a type, the bad value and a detail. */
export interface FieldError {
  field: string;
  type: FieldErrorType;
  /** undefined for types that print no value (Required, Forbidden, Too long) */
  value?: unknown;
  detail?: string;
}

/** A bad value already spelled as Go's %#v prints it (a struct, a map). */
export class GoLiteral {
  constructor(readonly text: string) {}
}

/** Go's %v / %q rendering of a bad value, as field.Error.ErrorBody prints it. */
export function goValue(v: unknown): string {
  if (v instanceof GoLiteral) return v.text;
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[]string{${v.map((x) => JSON.stringify(x)).join(', ')}}`;
  return JSON.stringify(v);
}

/** field.Error.ErrorBody(): `Invalid value: 0: must be between 1 and 65535, inclusive` */
export function errorBody(e: FieldError): string {
  const valueless = e.type === 'Required value' || e.type === 'Forbidden' || e.type === 'Too long' || e.value === OMIT;
  let s = valueless ? e.type : `${e.type}: ${goValue(e.value)}`;
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

/** A value that is not printed (field.OmitValueType). */
export const OMIT = Symbol('omit');

export const formatFieldError = (e: FieldError): string => `${e.field}: ${errorBody(e)}`;

export const required = (field: string, detail?: string): FieldError => ({ field, type: 'Required value', detail });
export const invalid = (field: string, value: unknown, detail?: string): FieldError => ({ field, type: 'Invalid value', value, detail });
export const forbidden = (field: string, detail: string): FieldError => ({ field, type: 'Forbidden', detail });
export const duplicate = (field: string, value: unknown): FieldError => ({ field, type: 'Duplicate value', value });
export const notFound = (field: string, value: unknown): FieldError => ({ field, type: 'Not found', value });
export const notSupported = (field: string, value: unknown, allowed: string[]): FieldError => ({
  field,
  type: 'Unsupported value',
  value,
  detail: allowed.length ? `supported values: ${allowed.map((a) => JSON.stringify(a)).join(', ')}` : undefined,
});

/** '' is StatusReasonUnknown (an admission webhook's refusal carries no reason) */
export type StatusReason = 'NotFound' | 'AlreadyExists' | 'Invalid' | 'Conflict' | 'BadRequest' | 'Forbidden' | 'MethodNotAllowed' | '';

/**
 * An apierrors.StatusError: a reason, a message and, for Invalid, the kind, name and causes
 * (kubectl prints Invalid errors from the details, the others from the message).
 */
export class StatusError extends Error {
  constructor(
    readonly reason: StatusReason,
    message: string,
    readonly details?: { kind: string; name: string; causes: FieldError[] },
  ) {
    super(message);
  }
}

/** `Service "web" is invalid: ...` (qualifiedKind is `Service`, `Deployment.apps`, ...) */
export function invalidError(qualifiedKind: string, kind: string, name: string, errs: FieldError[]): StatusError {
  const texts = [...new Set(errs.map(formatFieldError))];
  const agg = texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
  return new StatusError('Invalid', `${qualifiedKind} ${JSON.stringify(name)} is invalid: ${agg}`, { kind, name, causes: errs });
}

/** `pods "x" not found` (resource is the plural, with its group: `deployments.apps`) */
export const notFoundError = (qualifiedResource: string, name: string): StatusError => new StatusError('NotFound', `${qualifiedResource} ${JSON.stringify(name)} not found`);

export const alreadyExistsError = (qualifiedResource: string, name: string): StatusError =>
  new StatusError('AlreadyExists', `${qualifiedResource} ${JSON.stringify(name)} already exists`);

export const conflictError = (qualifiedResource: string, name: string, detail: string): StatusError =>
  new StatusError('Conflict', `Operation cannot be fulfilled on ${qualifiedResource} ${JSON.stringify(name)}: ${detail}`);
