/**
 * HCL types as targets: the type constraints of variables (`type = list(string)`) and of
 * function parameters. Values carry no type tags here, so a type only ever says what a value
 * must convert to (see convert.ts).
 */
import type { Value, ValueObject } from '../value.js';
import { sortedKeys } from './ordering.js';

export type Type =
  | { kind: 'string' }
  | { kind: 'number' }
  | { kind: 'bool' }
  | { kind: 'any' }
  | { kind: 'list'; element: Type }
  | { kind: 'set'; element: Type }
  | { kind: 'map'; element: Type }
  | { kind: 'tuple'; elements: Type[] }
  | { kind: 'object'; attributes: Record<string, ObjectAttribute> };

export interface ObjectAttribute {
  type: Type;
  /** `optional(T)`: may be absent; becomes `default` (or null) when absent or null. */
  optional: boolean;
  default?: Value;
}

export const STRING: Type = { kind: 'string' };
export const NUMBER: Type = { kind: 'number' };
export const BOOL: Type = { kind: 'bool' };
export const ANY: Type = { kind: 'any' };
export const listOf = (element: Type): Type => ({ kind: 'list', element });
export const setOf = (element: Type): Type => ({ kind: 'set', element });
export const mapOf = (element: Type): Type => ({ kind: 'map', element });


/** The type as written in HCL: `list(string)`, `object({name=string,port=optional(number)})`. */
export function typeString(t: Type): string {
  switch (t.kind) {
    case 'string':
    case 'number':
    case 'bool':
    case 'any':
      return t.kind;
    case 'list':
    case 'set':
    case 'map':
      return `${t.kind}(${typeString(t.element)})`;
    case 'tuple':
      return `tuple([${t.elements.map(typeString).join(',')}])`;
    case 'object':
      return `object({${sortedKeys(t.attributes as unknown as ValueObject)
        .map((k) => {
          const a = t.attributes[k]!;
          return `${k}=${a.optional ? `optional(${typeString(a.type)})` : typeString(a.type)}`;
        })
        .join(',')}})`;
  }
}

/** cty's FriendlyName, used in "list of string required". */
export function friendlyName(t: Type): string {
  switch (t.kind) {
    case 'list':
    case 'set':
    case 'map':
      return `${t.kind} of ${friendlyName(t.element)}`;
    default:
      return t.kind;
  }
}

