import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { issueMessage } from '../../../src/template/schema/issues.js';
import { bool, duration, int, map, oneOf, parseDuration, str, stringList } from '../../../src/template/schema/types.js';

/** The parsed value, or the issue messages as the engine words them. */
function check(schema: z.ZodType, input: unknown): unknown {
  const r = schema.safeParse(input);
  return r.success ? r.data : r.error.issues.map((i) => issueMessage(i, input));
}

describe('attribute value schemas', () => {
  it('apply HCL conversions: numbers and bools to strings, numeric strings to numbers, "true" to true', () => {
    expect([check(str(), 5), check(str(), false), check(int(), ' 3 '), check(bool(), 'false')]).toEqual(['5', 'false', 3, false]);
    // One string where a list of strings is expected, as Packer accepts.
    expect([check(stringList(), 'a'), check(stringList(), [1, true])]).toEqual([['a'], ['1', 'true']]);
  });

  it('explain failures in HCL terms', () => {
    expect([check(str(), ['a']), check(int(), 'three'), check(int(), '2.5'), check(bool(), 'yes'), check(map(str()), { a: [1] })]).toEqual([
      ['a string is required, got tuple'],
      ['a number is required, got string'],
      ['a whole number is required, got 2.5'],
      ['a bool is required, got string'],
      ['"a": a string is required, got tuple'],
    ]);
  });

  it('suggest the closest enum value', () => {
    expect(check(oneOf(['kvm', 'tcg']), 'tgc')).toEqual(['must be one of "kvm", "tcg". Did you mean "tcg"?']);
  });

  it('word size limits with singular and plural units', () => {
    expect([check(z.array(str()).min(1), []), check(z.array(str()).max(2), ['a', 'b', 'c']), check(int().pipe(z.number().min(1)), 0)]).toEqual([
      ['must be at least 1 element'],
      ['must be at most 2 elements'],
      ['must be at least 1'],
    ]);
  });

  it('read Go durations, taking a bare number as seconds', () => {
    expect([check(duration(), 30), check(duration(), '1h30m'), check(duration(), 'soon')]).toEqual(['30s', '1h30m', ['a duration like "30s", "5m" or "1h30m" is required']]);
    expect([parseDuration('1h30m'), parseDuration('250ms'), parseDuration('1.5s')]).toEqual([5_400_000, 250, 1500]);
  });
});
