import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Value } from '../../../src/template/value.js';
import { call, callError } from './_context.js';

describe('jsonencode', () => {
  it('sorts object keys and writes numbers in plain decimal', () => {
    expect(call('jsonencode', { b: 1, a: [true, null, 1e21, 0.5] })).toBe('{"a":[true,null,1000000000000000000000,0.5],"b":1}');
  });

  it('escapes <, > and & as Go does', () => {
    expect(call('jsonencode', '<b>&')).toBe('"\\u003cb\\u003e\\u0026"');
  });

  it('encodes null', () => {
    expect(call('jsonencode', null)).toBe('null');
  });
});

describe('jsondecode', () => {
  it('decodes objects, lists and scalars', () => {
    expect(call('jsondecode', '{"hello": "world", "n": [1, 2.5]}')).toEqual({ hello: 'world', n: [1, 2.5] });
    expect(call('jsondecode', 'true')).toBe(true);
  });

  it('reports invalid JSON on the argument', () => {
    expect(callError('jsondecode', '{')).toMatch(/^Invalid value for "str" parameter: invalid JSON: /);
  });

  it('round-trips any JSON-representable value through jsonencode', () => {
    const value: fc.Arbitrary<Value> = fc.jsonValue().map((v) => v as Value);
    fc.assert(
      fc.property(value, (v) => {
        expect(call('jsondecode', call('jsonencode', v))).toEqual(JSON.parse(JSON.stringify(v)));
      }),
    );
  });
});

describe('base64', () => {
  it('encodes and decodes UTF-8 text', () => {
    expect(call('base64encode', 'Hello World')).toBe('SGVsbG8gV29ybGQ=');
    expect(call('base64decode', 'SGVsbG8gV29ybGQ=')).toBe('Hello World');
    expect(call('base64decode', call('base64encode', 'héllo ☃'))).toBe('héllo ☃');
  });

  it('is strict about padding and alphabet, like Go', () => {
    expect(callError('base64decode', 'SGVsbG8')).toMatch(/failed to decode base64 data "SGVsbG8"/);
    expect(callError('base64decode', 'SGVs bG8=')).toMatch(/failed to decode base64 data/);
  });

  it('refuses data that is not UTF-8', () => {
    expect(callError('base64decode', '/w==')).toBe('Invalid value for "str" parameter: the result of decoding the provided string is not valid UTF-8.');
  });

  it('round-trips any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(call('base64decode', call('base64encode', s))).toBe(s);
      }),
    );
  });
});

describe('urlencode', () => {
  it('escapes like Go url.QueryEscape', () => {
    expect(call('urlencode', 'Hello World!')).toBe('Hello+World%21');
    expect(call('urlencode', '☃')).toBe('%E2%98%83');
    expect(call('urlencode', 'foo:bar@localhost?foo=bar&bar=baz')).toBe('foo%3Abar%40localhost%3Ffoo%3Dbar%26bar%3Dbaz');
  });
});
