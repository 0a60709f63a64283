/**
 * Collection functions (go-cty stdlib and Terraform's lang/funcs). Lists, sets and tuples are
 * all arrays here and maps and objects plain objects; where cty declares a parameter as
 * list(any) the argument goes through the same unification as a variable of that type would,
 * so distinct(["a", 1]) is ["a", "1"] as in Packer.
 */
import { distinctValues, valueEquals } from '../eval/equality.js';
import { compareStrings, getOwn, objectFrom, sortedKeys } from '../eval/ordering.js';
import { ANY, convert, listOf, NUMBER, STRING, unify } from '../eval/types.js';
import { isObject, typeName, type Value, type ValueObject } from '../value.js';
import { FunctionError, wholeNumber, type FunctionDef } from './function.js';
import { graphemes } from './graphemes.js';

const any = (name: string, allowNull = false) => ({ name, type: ANY, allowNull });

function arrayArg(v: Value, argIndex: number, fn: string): Value[] {
  if (!Array.isArray(v)) throw new FunctionError(`${fn} requires a list, tuple or set, got ${typeName(v)}`, argIndex);
  return v;
}

function objectArg(v: Value, argIndex: number): ValueObject {
  if (!isObject(v)) throw new FunctionError(`a map or object is required, got ${typeName(v)}`, argIndex);
  return v;
}

function length(v: Value): number {
  if (typeof v === 'string') return graphemes(v).length;
  if (Array.isArray(v)) return v.length;
  if (isObject(v)) return Object.keys(v).length;
  throw new FunctionError('argument must be a string, a collection type, or a structural type', 0);
}

function flatten(list: readonly Value[]): Value[] {
  return list.flatMap((v) => (Array.isArray(v) ? flatten(v) : [v]));
}

function range(args: Value[]): Value {
  const nums = args as number[];
  let start: number;
  let end: number;
  let step: number;
  if (nums.length === 1) [start, end, step] = [0, nums[0]!, nums[0]! < 0 ? -1 : 1];
  else if (nums.length === 2) [start, end, step] = [nums[0]!, nums[1]!, nums[1]! < nums[0]! ? -1 : 1];
  else if (nums.length === 3) [start, end, step] = nums as [number, number, number];
  else throw new FunctionError('must have one, two, or three arguments');
  if (step === 0) throw new FunctionError('step must not be zero', 2);
  if (step < 0 && end > start) throw new FunctionError('end must be less than start when step is negative', 1);
  if (step > 0 && end < start) throw new FunctionError('end must be greater than start when step is positive', 1);
  const out: number[] = [];
  for (let i = 0; ; i++) {
    // Computing from the start avoids accumulating rounding error with fractional steps.
    const n = start + i * step;
    if (step < 0 ? n <= end : n >= end) break;
    if (out.length >= 1024) {
      throw new FunctionError('more than 1024 values were generated; either decrease the difference between start and end or use a smaller step');
    }
    out.push(n);
  }
  return out;
}

function coalesce(args: Value[]): Value {
  const unified = unify(args);
  if (!unified) throw new FunctionError('all arguments must have the same type');
  for (const a of args) {
    if (a === null || a === '') continue;
    const c = convert(a, unified);
    if (c.ok && c.value !== '') return c.value;
  }
  throw new FunctionError('no non-null, non-empty-string arguments');
}

export const collectionFunctions: Record<string, FunctionDef> = {
  length: {
    params: [any('value')],
    description: 'The number of elements of a list or map, or of characters in a string.',
    impl: ([v]) => length(v!),
  },
  element: {
    params: [any('list'), { name: 'index', type: NUMBER }],
    description: 'A single element of a list; the index wraps around past the end.',
    impl: ([list, index]) => {
      const items = arrayArg(list!, 0, 'element');
      const i = wholeNumber(index!, 1);
      if (items.length === 0) throw new FunctionError('cannot use element function with an empty list', 0);
      if (i < 0) throw new FunctionError('cannot use element function with a negative index', 1);
      return items[i % items.length]!;
    },
  },
  contains: {
    params: [any('list'), any('value', true)],
    description: 'Whether the list or set contains the given value.',
    impl: ([list, value]) => arrayArg(list!, 0, 'contains').some((v) => valueEquals(v, value!)),
  },
  index: {
    params: [any('list'), any('value', true)],
    description: 'The index of the first element of the list equal to the value.',
    impl: ([list, value]) => {
      const i = arrayArg(list!, 0, 'index').findIndex((v) => valueEquals(v, value!));
      if (i < 0) throw new FunctionError('item not found');
      return i;
    },
  },
  concat: {
    params: [],
    variadic: any('seqs'),
    description: 'Joins lists into a single list.',
    impl: (args) => {
      if (args.length === 0) throw new FunctionError('at least one argument is required');
      return args.flatMap((a, i) => {
        if (!Array.isArray(a)) throw new FunctionError(`all arguments must be lists or tuples; got ${typeName(a)}`, i);
        return a;
      });
    },
  },
  merge: {
    params: [],
    variadic: any('maps', true),
    description: 'Merges maps or objects; later arguments win on duplicate keys.',
    impl: (args) => {
      const out: [string, Value][] = [];
      args.forEach((a, i) => {
        if (a === null) return;
        if (!isObject(a)) throw new FunctionError(`arguments must be maps or objects, got ${typeName(a)}`, i);
        for (const [k, v] of Object.entries(a)) out.push([k, v]);
      });
      return objectFrom(out);
    },
  },
  lookup: {
    params: [any('inputMap'), { name: 'key', type: STRING }],
    variadic: any('default', true),
    description: 'The value of a single key of a map, or the default when the key is absent.',
    impl: ([map, key, ...defaults]) => {
      const obj = objectArg(map!, 0);
      if (defaults.length > 1) throw new FunctionError('lookup() takes no more than three arguments', 3);
      const v = getOwn(obj, key as string);
      if (v !== undefined) return v;
      if (defaults.length === 1) return defaults[0]!;
      throw new FunctionError(`lookup failed to find key ${JSON.stringify(key)}`, 1);
    },
  },
  keys: {
    params: [any('inputMap')],
    description: 'The keys of a map, sorted.',
    impl: ([map]) => sortedKeys(objectArg(map!, 0)),
  },
  values: {
    params: [any('mapping')],
    description: 'The values of a map, in the order of its sorted keys.',
    impl: ([map]) => {
      const obj = objectArg(map!, 0);
      return sortedKeys(obj).map((k) => obj[k]!);
    },
  },
  distinct: {
    params: [{ name: 'list', type: listOf(ANY) }],
    description: 'The list without duplicate elements, keeping the first occurrence.',
    impl: ([list]) => distinctValues(list as Value[]),
  },
  flatten: {
    params: [any('list')],
    description: 'Replaces nested lists by their elements, recursively.',
    impl: ([list]) => {
      if (!Array.isArray(list)) throw new FunctionError('can only flatten lists, sets and tuples', 0);
      return flatten(list);
    },
  },
  reverse: {
    params: [any('list')],
    description: 'The list in reverse order.',
    impl: ([list]) => [...arrayArg(list!, 0, 'reverse')].reverse(),
  },
  slice: {
    params: [any('list'), { name: 'start_index', type: NUMBER }, { name: 'end_index', type: NUMBER }],
    description: 'The elements from start_index (inclusive) to end_index (exclusive).',
    impl: ([list, s, e]) => {
      const items = arrayArg(list!, 0, 'slice');
      const start = wholeNumber(s!, 1);
      const end = wholeNumber(e!, 2);
      if (start < 0) throw new FunctionError('start_index must be greater than or equal to 0', 1);
      if (end > items.length) throw new FunctionError('end_index must be less than or equal to the length of the input list', 2);
      if (start > end) throw new FunctionError('start_index must be less than or equal to end_index', 1);
      return items.slice(start, end);
    },
  },
  sort: {
    params: [{ name: 'list', type: listOf(STRING) }],
    description: 'The strings of the list in lexicographical order.',
    impl: ([list]) => {
      const items = list as Array<string | null>;
      const nul = items.indexOf(null);
      if (nul >= 0) throw new FunctionError(`given list element ${nul} is null; a null value cannot be sorted`, 0);
      return [...(items as string[])].sort(compareStrings);
    },
  },
  range: {
    params: [],
    variadic: { name: 'params', type: NUMBER },
    description: 'A list of numbers: range(limit), range(start, limit) or range(start, limit, step).',
    impl: range,
  },
  zipmap: {
    params: [{ name: 'keys', type: listOf(STRING) }, any('values')],
    description: 'A map built from a list of keys and a list of values.',
    impl: ([keys, values]) => {
      const ks = keys as Array<string | null>;
      const vs = arrayArg(values!, 1, 'zipmap');
      if (ks.length !== vs.length) throw new FunctionError(`number of keys (${ks.length}) does not match number of values (${vs.length})`);
      return objectFrom(
        ks.map((k, i) => {
          if (k === null) throw new FunctionError(`keys list has null value at index ${i}`, 0);
          return [k, vs[i]!] as const;
        }),
      );
    },
  },
  coalesce: {
    params: [],
    variadic: any('vals', true),
    description: 'The first argument that is neither null nor an empty string.',
    impl: coalesce,
  },
  coalescelist: {
    params: [],
    variadic: any('vals', true),
    description: 'The first argument that is a non-empty list.',
    impl: (args) => {
      args.forEach((a, i) => {
        if (a !== null && !Array.isArray(a)) throw new FunctionError(`coalescelist arguments must be lists or tuples, got ${typeName(a)}`, i);
      });
      const found = args.find((a) => Array.isArray(a) && a.length > 0);
      if (found === undefined) throw new FunctionError('no non-null arguments');
      return found;
    },
  },
  compact: {
    params: [{ name: 'list', type: listOf(STRING) }],
    description: 'The list without empty strings and nulls.',
    impl: ([list]) => (list as Value[]).filter((v) => v !== null && v !== ''),
  },
  chunklist: {
    params: [{ name: 'list', type: listOf(ANY) }, { name: 'size', type: NUMBER }],
    description: 'Splits a list into lists of at most size elements.',
    impl: ([list, size]) => {
      const items = list as Value[];
      const n = wholeNumber(size!, 1);
      if (n < 0) throw new FunctionError('the size argument must be positive', 1);
      if (n === 0) return [items];
      const out: Value[] = [];
      for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
      return out;
    },
  },
  alltrue: {
    params: [{ name: 'list', type: listOf({ kind: 'bool' }) }],
    description: 'Whether every element is true (true for an empty list).',
    impl: ([list]) => (list as Value[]).every((v) => v === true),
  },
  anytrue: {
    params: [{ name: 'list', type: listOf({ kind: 'bool' }) }],
    description: 'Whether any element is true (false for an empty list).',
    impl: ([list]) => (list as Value[]).some((v) => v === true),
  },
  sum: {
    params: [{ name: 'list', type: listOf(NUMBER) }],
    description: 'The sum of a list of numbers.',
    impl: ([list]) => {
      const items = list as Array<number | null>;
      if (items.length === 0) throw new FunctionError('cannot sum an empty list', 0);
      if (items.includes(null)) throw new FunctionError('argument must be list, set, or tuple of number values without nulls', 0);
      return (items as number[]).reduce((a, b) => a + b, 0);
    },
  },
};
