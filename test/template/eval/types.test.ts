import { describe, expect, it } from 'vitest';
import { convert, parseType, typeString } from '../../../src/template/eval/types.js';
import { parse } from './_eval.js';

function typeOf(text: string): string {
  const { type, diagnostics } = parseType(parse(text));
  if (diagnostics.length > 0) throw new Error(diagnostics.map((d) => d.detail).join('; '));
  return typeString(type);
}

function typeError(text: string) {
  const { type, diagnostics } = parseType(parse(text));
  expect(typeString(type)).toBe('any');
  expect(diagnostics).toHaveLength(1);
  return diagnostics[0]!;
}

describe('parseType', () => {
  it('parses primitives and collection constructors', () => {
    expect(typeOf('string')).toBe('string');
    expect(typeOf('any')).toBe('any');
    expect(typeOf('list(map(number))')).toBe('list(map(number))');
    expect(typeOf('set(bool)')).toBe('set(bool)');
    expect(typeOf('tuple([string, number])')).toBe('tuple([string,number])');
  });

  it('parses objects with optional attributes', () => {
    expect(typeOf('object({ name = string, port = optional(number), tags = map(string) })')).toBe('object({name=string,port=optional(number),tags=map(string)})');
  });

  it('applies optional defaults during conversion', () => {
    const { type } = parseType(parse('object({ size = optional(string, "small"), disks = optional(list(number), [10]) })'));
    expect(convert({}, type)).toEqual({ ok: true, value: { disks: [10], size: 'small' } });
  });

  it('requires an element type for list, set and map', () => {
    const d = typeError('list');
    expect(d).toMatchObject({ code: 'invalid-value', summary: 'Invalid type specification', detail: 'The list type constructor requires one argument specifying the element type.' });
  });

  it('suggests a keyword for a misspelt type', () => {
    expect(typeError('strng').hint).toBe('Did you mean "string"?');
    expect(typeError('lsit(string)').hint).toBe('Did you mean "list"?');
  });

  it('explains quoted legacy types', () => {
    expect(typeError('"string"').hint).toBe('Remove the quotes: type = string');
  });

  it('allows optional only inside object types', () => {
    expect(typeError('list(optional(string))').detail).toBe('Keyword "optional" is valid only as a modifier for object type attributes.');
  });

  it('refuses a default that does not match the attribute type or is not constant', () => {
    expect(typeError('object({ n = optional(number, "x") })').detail).toMatch(/does not match the attribute type number/);
    expect(typeError('object({ n = optional(number, var.x) })').detail).toMatch(/must be a constant/);
  });
});
