import { describe, expect, it } from 'vitest';
import { call, callError } from './_context.js';

describe('format', () => {
  it('substitutes %s and %d', () => {
    expect(call('format', 'Hello, %s!', 'Ander')).toBe('Hello, Ander!');
    expect(call('format', 'There are %d lights', 4)).toBe('There are 4 lights');
  });

  it('converts arguments to the verb type: a number for %s, a numeric string for %d', () => {
    expect(call('format', '%s-%d', 1.5, '7')).toBe('1.5-7');
  });

  it('pads with width, left-aligns with -, zero-pads numbers with 0', () => {
    expect(call('format', '[%5s][%-5s][%05d][%+d]', 'a', 'b', -42, 3)).toBe('[    a][b    ][-0042][+3]');
  });

  it('formats floats with %f, %e and %g like Go', () => {
    expect(call('format', '%.2f', 3.14159)).toBe('3.14');
    expect(call('format', '%f', 1)).toBe('1.000000');
    expect(call('format', '%e', 1500000)).toBe('1.500000e+06');
    expect(call('format', '%g %g %g', 1000000, 123456, 0.00001)).toBe('1e+06 123456 1e-05');
    expect(call('format', '%.3g', 3.14159)).toBe('3.14');
  });

  it('formats integers in other bases with %b %o %x %X and # prefixes', () => {
    expect(call('format', '%b %o %x %X %#x', 5, 8, 255, 255, 255)).toBe('101 10 ff FF 0xff');
  });

  it('%v prints strings bare, numbers in decimal, collections as JSON; %#v is always JSON', () => {
    expect(call('format', '%v|%v|%v|%v', 'a', 1e21, true, ['x', 1])).toBe('a|1000000000000000000000|true|["x",1]');
    expect(call('format', '%#v|%#v', 'a', { b: 1 })).toBe('"a"|{"b":1}');
    expect(call('format', '%v', null)).toBe('null');
  });

  it('%q quotes like Go strconv.Quote', () => {
    expect(call('format', '%q', 'say "hi"\n\u0001')).toBe('"say \\"hi\\"\\n\\x01"');
  });

  it('%t accepts bools and the strings "true"/"false"', () => {
    expect(call('format', '%t %t', true, 'false')).toBe('true false');
  });

  it('supports explicit argument indexes and %%', () => {
    expect(call('format', '%[2]s %[1]s 100%%', 'a', 'b')).toBe('b a 100%');
  });

  it('reports missing and surplus arguments', () => {
    expect(callError('format', '%s %s', 'a')).toBe('Call to function "format" failed: not enough arguments for "%s" at 3: need index 2 but have 1 total.');
    expect(callError('format', '%s', 'a', 'b')).toBe('Call to function "format" failed: too many arguments; only 1 used by format string.');
  });

  it('rejects values the verb cannot show', () => {
    expect(callError('format', '%d', 1.5)).toMatch(/unsupported value for "%d" at 0: an integer is required/);
    expect(callError('format', '%s', null)).toMatch(/null value cannot be formatted/);
    expect(callError('format', '%s', [1])).toMatch(/unsupported value for "%s" at 0: string required/);
    expect(callError('format', '%z', 1)).toMatch(/unrecognized format character "z"/);
  });
});

describe('formatlist', () => {
  it('formats each element of a list', () => {
    expect(call('formatlist', 'Hello, %s!', ['Valentina', 'Ander'])).toEqual(['Hello, Valentina!', 'Hello, Ander!']);
  });

  it('repeats scalar arguments for every element', () => {
    expect(call('formatlist', '%s, %s%s', ['Salutations', 'Valediction'], 'Ander', ['!', '?'])).toEqual(['Salutations, Ander!', 'Valediction, Ander?']);
  });

  it('fails when the lists have different lengths, naming the argument', () => {
    expect(callError('formatlist', '%s%s', ['a', 'b'], ['c'])).toBe(
      'Invalid value for "args" parameter: argument 2 has length 1, which is inconsistent with argument 1 of length 2.',
    );
  });
});
