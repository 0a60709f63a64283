import { describe, expect, it } from 'vitest';
import { call, callError } from './_context.js';

describe('numeric functions', () => {
  it('min and max take any number of numbers, converting numeric strings', () => {
    expect(call('max', 12, 54, 3)).toBe(54);
    expect(call('min', 12, '4', 3)).toBe(3);
    expect(callError('max')).toBe('Call to function "max" failed: must pass at least one number.');
  });

  it('reports a non-numeric argument on that argument', () => {
    expect(callError('max', 1, 'x')).toBe('Invalid value for "numbers" parameter: a number is required.');
    expect(callError('abs', true)).toBe('Invalid value for "num" parameter: number required, got bool.');
  });

  it('abs, ceil, floor, signum', () => {
    expect(call('abs', -12.4)).toBe(12.4);
    expect(call('ceil', 5.1)).toBe(6);
    expect(call('floor', 4.9)).toBe(4);
    expect(call('floor', -4.1)).toBe(-5);
    expect(call('signum', -13)).toBe(-1);
    expect(call('signum', 0)).toBe(0);
  });

  it('log and pow', () => {
    expect(call('log', 16, 2)).toBe(4);
    expect(call('pow', 3, 2)).toBe(9);
  });

  it('parseint reads bases 2 to 62', () => {
    expect(call('parseint', '100', 10)).toBe(100);
    expect(call('parseint', 'FF', 16)).toBe(255);
    expect(call('parseint', '-10', 2)).toBe(-2);
    expect(call('parseint', 'zz', 36)).toBe(1295);
    expect(callError('parseint', '12', 2)).toBe('Invalid value for "number" parameter: cannot parse "12" as a base 2 integer.');
    expect(callError('parseint', '1', 1)).toBe('Invalid value for "base" parameter: base must be a whole number between 2 and 62 inclusive.');
  });
});
