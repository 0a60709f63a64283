import { describe, expect, it } from 'vitest';
import { call, callError } from './_context.js';

describe('length, element, contains, index', () => {
  it('length counts list elements, map keys and characters', () => {
    expect(call('length', [1, 2])).toBe(2);
    expect(call('length', { a: 1 })).toBe(1);
    expect(call('length', '👍🏽ab')).toBe(3);
  });

  it('length refuses numbers', () => {
    expect(callError('length', 5)).toBe('Invalid value for "value" parameter: argument must be a string, a collection type, or a structural type.');
  });

  it('element wraps around past the end', () => {
    expect(call('element', ['a', 'b', 'c'], 3)).toBe('a');
    expect(call('element', ['a', 'b', 'c'], '1')).toBe('b');
  });

  it('element refuses empty lists and negative indexes', () => {
    expect(callError('element', [], 0)).toBe('Invalid value for "list" parameter: cannot use element function with an empty list.');
    expect(callError('element', ['a'], -1)).toBe('Invalid value for "index" parameter: cannot use element function with a negative index.');
  });

  it('contains and index compare deeply and strictly (1 is not "1")', () => {
    expect(call('contains', ['a', { b: [1] }], { b: [1] })).toBe(true);
    expect(call('contains', [1], '1')).toBe(false);
    expect(call('index', ['a', 'b'], 'b')).toBe(1);
    expect(callError('index', ['a'], 'z')).toBe('Call to function "index" failed: item not found.');
  });
});

describe('building lists and maps', () => {
  it('concat joins lists', () => {
    expect(call('concat', ['a'], [], ['b', 'c'])).toEqual(['a', 'b', 'c']);
    expect(callError('concat', ['a'], 'b')).toBe('Invalid value for "seqs" parameter: all arguments must be lists or tuples; got string.');
  });

  it('merge lets later maps win and skips nulls', () => {
    expect(call('merge', { a: 'b', c: 'd' }, null, { e: 'f', c: 'z' })).toEqual({ a: 'b', c: 'z', e: 'f' });
    expect(callError('merge', { a: 1 }, ['x'])).toBe('Invalid value for "maps" parameter: arguments must be maps or objects, got tuple.');
  });

  it('merge keeps a key named __proto__ as data', () => {
    const r = call('merge', JSON.parse('{"__proto__": 1}'), { a: 2 }) as Record<string, unknown>;
    expect(Object.keys(r).sort()).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
  });

  it('lookup returns the default for a missing key and fails without one', () => {
    expect(call('lookup', { a: 'ay', b: 'bee' }, 'a', 'what?')).toBe('ay');
    expect(call('lookup', { a: 'ay' }, 'c', 'what?')).toBe('what?');
    expect(callError('lookup', { a: 'ay' }, 'c')).toBe('Invalid value for "key" parameter: lookup failed to find key "c".');
    expect(call('lookup', {}, 'constructor', 'none')).toBe('none');
  });

  it('keys are sorted and values follow key order', () => {
    expect(call('keys', { d: 3, a: 1, c: 2 })).toEqual(['a', 'c', 'd']);
    expect(call('values', { d: 3, a: 1, c: 2 })).toEqual([1, 2, 3]);
  });

  it('zipmap pairs keys with values and checks the lengths', () => {
    expect(call('zipmap', ['a', 'b'], [1, { c: 2 }])).toEqual({ a: 1, b: { c: 2 } });
    expect(callError('zipmap', ['a'], [1, 2])).toBe('Call to function "zipmap" failed: number of keys (1) does not match number of values (2).');
  });
});

describe('reshaping lists', () => {
  it('distinct keeps the first of each value, unifying element types like list(any)', () => {
    expect(call('distinct', ['a', 'b', 'a', 'c', 'b'])).toEqual(['a', 'b', 'c']);
    expect(call('distinct', ['1', 1])).toEqual(['1']);
  });

  it('flatten flattens nested lists recursively but not maps', () => {
    expect(call('flatten', [['a', 'b'], [], ['c']])).toEqual(['a', 'b', 'c']);
    expect(call('flatten', [[['a', 'b'], []], ['c', { d: [1] }]])).toEqual(['a', 'b', 'c', { d: [1] }]);
  });

  it('reverse, slice, chunklist, compact', () => {
    expect(call('reverse', [1, 2, 3])).toEqual([3, 2, 1]);
    expect(call('slice', ['a', 'b', 'c', 'd'], 1, 3)).toEqual(['b', 'c']);
    expect(call('chunklist', ['a', 'b', 'c'], 2)).toEqual([['a', 'b'], ['c']]);
    expect(call('compact', ['a', '', null, 'b'])).toEqual(['a', 'b']);
  });

  it('slice checks its bounds', () => {
    expect(callError('slice', [1, 2], 0, 3)).toBe('Invalid value for "end_index" parameter: end_index must be less than or equal to the length of the input list.');
    expect(callError('slice', [1, 2], 2, 1)).toBe('Invalid value for "start_index" parameter: start_index must be less than or equal to end_index.');
  });

  it('sort orders strings lexicographically and converts numbers to strings first', () => {
    expect(call('sort', ['e', 'd', 'a', 'x'])).toEqual(['a', 'd', 'e', 'x']);
    expect(call('sort', [10, 9, 1])).toEqual(['1', '10', '9']);
    expect(callError('sort', ['a', null])).toBe('Invalid value for "list" parameter: given list element 1 is null; a null value cannot be sorted.');
  });
});

describe('range', () => {
  it('counts up to a limit, from a start, by a step', () => {
    expect(call('range', 3)).toEqual([0, 1, 2]);
    expect(call('range', 1, 4)).toEqual([1, 2, 3]);
    expect(call('range', 1, 8, 2)).toEqual([1, 3, 5, 7]);
    expect(call('range', 1, 4, 0.5)).toEqual([1, 1.5, 2, 2.5, 3, 3.5]);
  });

  it('counts down when the limit is below the start', () => {
    expect(call('range', 4, 1)).toEqual([4, 3, 2]);
    expect(call('range', -3)).toEqual([0, -1, -2]);
    expect(call('range', 10, 5, -2)).toEqual([10, 8, 6]);
  });

  it('refuses a zero step, a step in the wrong direction and more than 1024 values', () => {
    expect(callError('range', 1, 2, 0)).toBe('Invalid value for "params" parameter: step must not be zero.');
    expect(callError('range', 1, 4, -1)).toBe('Invalid value for "params" parameter: end must be less than start when step is negative.');
    expect(callError('range', 2000)).toMatch(/more than 1024 values were generated/);
    expect(callError('range')).toBe('Call to function "range" failed: must have one, two, or three arguments.');
  });
});

describe('coalesce and coalescelist', () => {
  it('coalesce skips nulls and empty strings', () => {
    expect(call('coalesce', null, '', 'b')).toBe('b');
    expect(call('coalesce', 1, 2)).toBe(1);
  });

  it('coalesce converts the result to the arguments\' common type', () => {
    expect(call('coalesce', 1, 'a')).toBe('1');
  });

  it('coalesce fails when nothing qualifies', () => {
    expect(callError('coalesce', null, '')).toBe('Call to function "coalesce" failed: no non-null, non-empty-string arguments.');
  });

  it('coalescelist returns the first non-empty list', () => {
    expect(call('coalescelist', [], null, ['c', 'd'])).toEqual(['c', 'd']);
    expect(callError('coalescelist', [], null)).toBe('Call to function "coalescelist" failed: no non-null arguments.');
  });
});

describe('sets and aggregates', () => {
  it('setunion, setintersection and setsubtract give sorted sets', () => {
    expect(call('setunion', ['b', 'a'], ['c', 'a'])).toEqual(['a', 'b', 'c']);
    expect(call('setintersection', ['a', 'b', 'c'], ['b', 'c', 'd'], ['c', 'b'])).toEqual(['b', 'c']);
    expect(call('setsubtract', ['a', 'b', 'c'], ['a'])).toEqual(['b', 'c']);
  });

  it('alltrue, anytrue and sum', () => {
    expect(call('alltrue', [true, 'true'])).toBe(true);
    expect(call('alltrue', [])).toBe(true);
    expect(call('anytrue', [false, true])).toBe(true);
    expect(call('sum', [1, 2.5, '3'])).toBe(6.5);
    expect(callError('sum', [])).toBe('Invalid value for "list" parameter: cannot sum an empty list.');
  });
});
