/**
 * Runtime values of the expression language: HCL's cty types mapped onto plain JSON-like data.
 * Lists, sets and tuples are arrays; maps and objects are plain objects with no prototype tricks.
 */
export type Value = null | boolean | number | string | Value[] | { [key: string]: Value };

export type ValueObject = { [key: string]: Value };

export function isObject(v: Value | undefined): v is ValueObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** HCL's type names, as used in messages ("a string is required, got number"). */
export function typeName(v: Value): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'tuple';
  if (typeof v === 'object') return 'object';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}
