/**
 * The shapes the API server decodes objects into, field by field, as Go structs: enough to give
 * the decoder's own errors (a value of the wrong JSON type, a field the struct does not have).
 * `goType` is how Go spells the type in `json: cannot unmarshal … of type T`.
 */

export type FieldType =
  | { k: 'string' | 'bool' | 'int32' | 'int64' | 'time' }
  /** intstr.IntOrString (its own UnmarshalJSON) */
  | { k: 'intOrString' }
  /** resource.Quantity: a string or a number */
  | { k: 'quantity' }
  | { k: 'map'; of: FieldType; goType: string }
  | { k: 'list'; of: FieldType; goType: string }
  | { k: 'struct'; struct: Struct }
  /** anything (a part Hoplab does not model: decoded without checks) */
  | { k: 'any' };

export interface Struct {
  /** the Go type's name: `ServicePort` */
  name: string;
  /** the package it lives in, as Go prints a qualified type: `v1` */
  pkg: string;
  fields: Record<string, FieldType>;
}

export const S: Record<'string' | 'bool' | 'int32' | 'int64' | 'time', FieldType> = {
  string: { k: 'string' },
  bool: { k: 'bool' },
  int32: { k: 'int32' },
  int64: { k: 'int64' },
  time: { k: 'time' },
};
export const INT_OR_STRING: FieldType = { k: 'intOrString' };
export const QUANTITY: FieldType = { k: 'quantity' };
export const ANY: FieldType = { k: 'any' };

export const goTypeOf = (t: FieldType): string => {
  switch (t.k) {
    case 'string':
    case 'bool':
    case 'int32':
    case 'int64':
      return t.k;
    case 'time':
      return 'v1.Time';
    case 'intOrString':
      return 'intstr.IntOrString';
    case 'quantity':
      return 'resource.Quantity';
    case 'map':
    case 'list':
      return t.goType;
    case 'struct':
      return `${t.struct.pkg}.${t.struct.name}`;
    case 'any':
      return 'interface {}';
  }
};

export function struct(name: string, fields: Record<string, FieldType>, pkg = 'v1'): Struct {
  return { name, pkg, fields };
}

export const obj = (s: Struct): FieldType => ({ k: 'struct', struct: s });
export const list = (of: FieldType): FieldType => ({ k: 'list', of, goType: `[]${of.k === 'struct' ? `${of.struct.pkg}.${of.struct.name}` : goTypeOf(of)}` });
export const strings = list(S.string);
export const map = (of: FieldType = S.string, goType = `map[string]${goTypeOf(of)}`): FieldType => ({ k: 'map', of, goType });
