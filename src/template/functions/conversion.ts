/**
 * tostring(), tonumber(), tobool(), tolist(), toset(), tomap(): explicit conversions with
 * Terraform's messages. Collections go through type unification, so tolist(["a", 1]) is
 * ["a", "1"] and tolist(["a", {}]) fails.
 */
import { formatNumber } from '../eval/numbers.js';
import { ANY, convert, listOf, mapOf, setOf, type Type } from '../eval/types.js';
import { isObject, typeName, type Value } from '../value.js';
import { FunctionError, type FunctionDef } from './function.js';

const v = { name: 'v', type: ANY, allowNull: true };

function toCollection(value: Value, target: Type, what: string): Value {
  if (value === null) return null;
  const wantsArray = target.kind !== 'map';
  if ((wantsArray && !Array.isArray(value)) || (!wantsArray && !isObject(value))) {
    throw new FunctionError(`cannot convert ${typeName(value)} to ${what} of any single type`, 0);
  }
  const c = convert(value, target);
  if (!c.ok) throw new FunctionError(`cannot convert ${typeName(value)} to ${what} of any single type`, 0);
  return c.value;
}

export const conversionFunctions: Record<string, FunctionDef> = {
  tostring: {
    params: [v],
    description: 'Converts a number or bool to a string; strings and null pass through.',
    impl: ([x]) => {
      if (x === null || typeof x === 'string') return x!;
      if (typeof x === 'number') return formatNumber(x);
      if (typeof x === 'boolean') return x ? 'true' : 'false';
      throw new FunctionError(`cannot convert ${typeName(x!)} to string`, 0);
    },
  },
  tonumber: {
    params: [v],
    description: 'Converts a string holding a decimal number to a number.',
    impl: ([x]) => {
      if (x === null || typeof x === 'number') return x!;
      if (typeof x === 'string') {
        const c = convert(x, { kind: 'number' });
        if (c.ok) return c.value;
        throw new FunctionError(`cannot convert ${JSON.stringify(x)} to number; given string must be a decimal representation of a number`, 0);
      }
      throw new FunctionError(`cannot convert ${typeName(x!)} to number`, 0);
    },
  },
  tobool: {
    params: [v],
    description: 'Converts the string "true" or "false" to a bool.',
    impl: ([x]) => {
      if (x === null || typeof x === 'boolean') return x!;
      if (typeof x === 'string') {
        const c = convert(x, { kind: 'bool' });
        if (c.ok) return c.value;
        throw new FunctionError(`cannot convert ${JSON.stringify(x)} to bool; only the strings "true" or "false" are allowed`, 0);
      }
      throw new FunctionError(`cannot convert ${typeName(x!)} to bool`, 0);
    },
  },
  tolist: {
    params: [v],
    description: 'Converts a tuple or set to a list whose elements all have one type.',
    impl: ([x]) => toCollection(x!, listOf(ANY), 'list'),
  },
  toset: {
    params: [v],
    description: 'Converts a list or tuple to a set: duplicates removed, primitives sorted.',
    impl: ([x]) => toCollection(x!, setOf(ANY), 'set'),
  },
  tomap: {
    params: [v],
    description: 'Converts an object to a map whose values all have one type.',
    impl: ([x]) => toCollection(x!, mapOf(ANY), 'map'),
  },
};
