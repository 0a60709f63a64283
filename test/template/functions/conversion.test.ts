import { describe, expect, it } from 'vitest';
import { call, callError } from './_context.js';

describe('primitive conversions', () => {
  it('tostring converts numbers and bools, and passes null through', () => {
    expect(call('tostring', 1.5)).toBe('1.5');
    expect(call('tostring', true)).toBe('true');
    expect(call('tostring', null)).toBe(null);
    expect(callError('tostring', [])).toBe('Invalid value for "v" parameter: cannot convert tuple to string.');
  });

  it('tonumber parses decimal strings only', () => {
    expect(call('tonumber', '1')).toBe(1);
    expect(call('tonumber', '-2.5e3')).toBe(-2500);
    expect(callError('tonumber', 'no')).toBe('Invalid value for "v" parameter: cannot convert "no" to number; given string must be a decimal representation of a number.');
    expect(callError('tonumber', ' 1')).toMatch(/cannot convert " 1" to number/);
    expect(callError('tonumber', '0x10')).toMatch(/cannot convert/);
  });

  it('tobool accepts "true" and "false" (and cty\'s "1" and "0")', () => {
    expect(call('tobool', 'true')).toBe(true);
    expect(call('tobool', '0')).toBe(false);
    expect(callError('tobool', 'yes')).toBe('Invalid value for "v" parameter: cannot convert "yes" to bool; only the strings "true" or "false" are allowed.');
    expect(callError('tobool', 1)).toBe('Invalid value for "v" parameter: cannot convert number to bool.');
  });
});

describe('collection conversions', () => {
  it('tolist unifies element types: strings absorb numbers and bools', () => {
    expect(call('tolist', ['a', 'b', 3, true])).toEqual(['a', 'b', '3', 'true']);
  });

  it('tolist fails when the elements have no common type', () => {
    expect(callError('tolist', ['a', { b: 1 }])).toBe('Invalid value for "v" parameter: cannot convert tuple to list of any single type.');
    expect(callError('tolist', [1, true])).toMatch(/any single type/);
  });

  it('toset removes duplicates and sorts primitives', () => {
    expect(call('toset', ['c', 'b', 'b'])).toEqual(['b', 'c']);
    expect(call('toset', [3, 1, 3])).toEqual([1, 3]);
  });

  it('tomap unifies the value types and refuses lists', () => {
    expect(call('tomap', { a: 1, b: 'c' })).toEqual({ a: '1', b: 'c' });
    expect(callError('tomap', ['a'])).toBe('Invalid value for "v" parameter: cannot convert tuple to map of any single type.');
  });
});
