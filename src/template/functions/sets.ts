/**
 * Set functions. Sets are arrays here; results are distinct and, for primitive elements, sorted
 * as cty orders sets, so setunion(["b"], ["a"]) is ["a", "b"].
 */
import { distinctValues, valueEquals } from '../eval/equality.js';
import { compareSetElements } from '../eval/ordering.js';
import { ANY, setOf } from '../eval/types.js';
import type { Value } from '../value.js';
import type { FunctionDef } from './function.js';

function setArgs(args: Value[]): Value[][] {
  return args.map((a) => distinctValues(a as Value[]));
}

function setResult(values: Value[]): Value[] {
  return distinctValues(values).sort(compareSetElements);
}

export const setFunctions: Record<string, FunctionDef> = {
  setunion: {
    params: [{ name: 'first_set', type: setOf(ANY) }],
    variadic: { name: 'other_sets', type: setOf(ANY) },
    description: 'The set of elements in any of the given sets.',
    impl: (args) => setResult(setArgs(args).flat()),
  },
  setintersection: {
    params: [{ name: 'first_set', type: setOf(ANY) }],
    variadic: { name: 'other_sets', type: setOf(ANY) },
    description: 'The set of elements in all of the given sets.',
    impl: (args) => {
      const [first, ...others] = setArgs(args);
      return setResult(first!.filter((v) => others.every((o) => o.some((x) => valueEquals(x, v)))));
    },
  },
  setsubtract: {
    params: [{ name: 'a', type: setOf(ANY) }, { name: 'b', type: setOf(ANY) }],
    description: 'The elements of the first set that are not in the second.',
    impl: ([a, b]) => setResult((a as Value[]).filter((v) => !(b as Value[]).some((x) => valueEquals(x, v)))),
  },
};
