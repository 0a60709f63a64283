import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatNumber, parseNumber } from '../../../src/template/eval/numbers.js';
import { ANY, BOOL, convert, listOf, mapOf, NUMBER, setOf, STRING, typeString, unify, type Type } from '../../../src/template/eval/types.js';

const object = (attrs: Record<string, Type | { type: Type; optional: true; default?: unknown }>): Type => ({
  kind: 'object',
  attributes: Object.fromEntries(
    Object.entries(attrs).map(([k, v]) => [k, 'kind' in v ? { type: v, optional: false } : (v as { type: Type; optional: boolean })]),
  ),
});

describe('primitive conversions', () => {
  it('turns numeric strings into numbers and refuses other strings', () => {
    expect(convert('5', NUMBER)).toEqual({ ok: true, value: 5 });
    expect(convert('-1.5e2', NUMBER)).toEqual({ ok: true, value: -150 });
    expect(convert('five', NUMBER)).toMatchObject({ ok: false, message: 'a number is required' });
  });

  it('turns numbers and bools into strings, numbers in plain decimal', () => {
    expect(convert(true, STRING)).toEqual({ ok: true, value: 'true' });
    expect(convert(1e21, STRING)).toEqual({ ok: true, value: '1000000000000000000000' });
    expect(convert(1.5e-7, STRING)).toEqual({ ok: true, value: '0.00000015' });
  });

  it('turns "true"/"false"/"1"/"0" into bools and hints at lowercase for "True"', () => {
    expect(convert('false', BOOL)).toEqual({ ok: true, value: false });
    expect(convert('1', BOOL)).toEqual({ ok: true, value: true });
    expect(convert('True', BOOL)).toMatchObject({ ok: false, message: 'a bool is required; to convert from string, use lowercase "true"' });
  });

  it('never converts between number and bool', () => {
    expect(convert(1, BOOL)).toMatchObject({ ok: false, message: 'bool required, got number' });
    expect(convert(false, NUMBER)).toMatchObject({ ok: false, message: 'number required, got bool' });
  });

  it('lets null through for every type', () => {
    for (const t of [STRING, NUMBER, BOOL, listOf(STRING), object({ a: STRING })]) expect(convert(null, t)).toEqual({ ok: true, value: null });
  });

  it('refuses collections for primitives, naming what it got', () => {
    expect(convert([], STRING)).toMatchObject({ ok: false, message: 'string required, got tuple' });
  });
});

describe('collection conversions', () => {
  it('converts each element of a list and reports the failing one with its path', () => {
    expect(convert([1, '2'], listOf(NUMBER))).toEqual({ ok: true, value: [1, 2] });
    expect(convert([1, 'x'], listOf(NUMBER))).toEqual({ ok: false, message: '[1]: a number is required', reason: 'a number is required', path: '[1]' });
  });

  it('refuses a map where a list is required', () => {
    expect(convert({ a: 1 }, listOf(STRING))).toMatchObject({ ok: false, message: 'list of string required, got object' });
  });

  it('makes sets distinct and sorted', () => {
    expect(convert(['b', 'a', 'b'], setOf(STRING))).toEqual({ ok: true, value: ['a', 'b'] });
  });

  it('unifies list(any) and map(any) to one element type', () => {
    expect(convert(['a', 1, true], listOf(ANY))).toEqual({ ok: true, value: ['a', '1', 'true'] });
    expect(convert({ a: 1, b: 'x' }, mapOf(ANY))).toEqual({ ok: true, value: { a: '1', b: 'x' } });
    expect(convert(['a', ['b']], listOf(ANY))).toMatchObject({ ok: false, message: 'all list elements must have the same type' });
  });

  it('converts map values and names the failing key', () => {
    expect(convert({ a: '1', 'b c': 'x' }, mapOf(NUMBER))).toMatchObject({ ok: false, message: '["b c"]: a number is required' });
  });

  it('checks tuple lengths', () => {
    expect(convert(['a', '1'], { kind: 'tuple', elements: [STRING, NUMBER] })).toEqual({ ok: true, value: ['a', 1] });
    expect(convert(['a'], { kind: 'tuple', elements: [STRING, NUMBER] })).toMatchObject({ ok: false, message: 'a tuple of 2 elements is required, got 1' });
  });
});

describe('object conversions', () => {
  const server = object({
    name: STRING,
    port: NUMBER,
    tags: { type: mapOf(STRING), optional: true },
    size: { type: STRING, optional: true, default: 'small' },
  });

  it('converts attributes, drops undeclared ones and fills optional ones', () => {
    expect(convert({ name: 'web', port: '80', extra: true }, server)).toEqual({ ok: true, value: { name: 'web', port: 80, size: 'small', tags: null } });
  });

  it('applies an optional default when the attribute is null', () => {
    expect(convert({ name: 'web', port: 80, size: null }, server)).toMatchObject({ ok: true, value: { size: 'small' } });
  });

  it('requires the non-optional attributes', () => {
    expect(convert({ name: 'web' }, server)).toMatchObject({ ok: false, message: 'attribute "port" is required' });
  });

  it('shows the path to a nested failure', () => {
    const t = object({ servers: listOf(server) });
    expect(convert({ servers: [{ name: 'a', port: 1 }, { name: 'b', port: 'http' }] }, t)).toMatchObject({
      ok: false,
      message: '.servers[1].port: a number is required',
      path: '.servers[1].port',
    });
  });
});

describe('unify', () => {
  it('prefers string when strings are mixed with numbers or bools', () => {
    expect(unify(['a', 1])).toEqual(STRING);
    expect(unify([1, 2, null])).toEqual(NUMBER);
    expect(unify([1, true])).toBeUndefined();
  });

  it('keeps objects of one shape as objects and turns differing shapes into maps', () => {
    expect(unify([{ a: 1 }, { a: 2 }])).toEqual(object({ a: NUMBER }));
    expect(unify([{ a: 1 }, { b: 'x' }])).toEqual(mapOf(STRING));
  });
});

describe('typeString', () => {
  it('writes types as HCL does', () => {
    expect(typeString(listOf(mapOf(STRING)))).toBe('list(map(string))');
    expect(typeString(object({ b: NUMBER, a: { type: STRING, optional: true } }))).toBe('object({a=optional(string),b=number})');
    expect(typeString({ kind: 'tuple', elements: [STRING, ANY] })).toBe('tuple([string,any])');
  });
});

describe('numbers as text', () => {
  it('never uses exponent notation', () => {
    expect(formatNumber(1e21)).toBe('1000000000000000000000');
    expect(formatNumber(-2.5e-8)).toBe('-0.000000025');
    expect(formatNumber(-0)).toBe('0');
  });

  it('parses back every number it formats', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        expect(parseNumber(formatNumber(n))).toBe(n === 0 ? 0 : n);
      }),
    );
  });

  it('accepts only plain decimal text', () => {
    for (const bad of ['', ' 1', '1 ', '0x1f', '1_000', 'Infinity', 'NaN', '--1']) expect(parseNumber(bad), bad).toBeUndefined();
    for (const [text, n] of [['1.', 1], ['.5', 0.5], ['+3', 3], ['1E3', 1000]] as const) expect(parseNumber(text)).toBe(n);
  });
});
