import { describe, expect, it } from 'vitest';
import { at, only, value } from './_eval.js';

describe('arithmetic', () => {
  it('follows precedence and converts numeric strings, as HCL does', () => {
    expect(value('1 + 2 * 3 - 4 / 2')).toBe(5);
    expect(value('"5" + 1')).toBe(6);
    expect(value('-"2" * 3')).toBe(-6);
    expect(value('7 % 3')).toBe(1);
  });

  it('gives infinity for x/0 like cty, but fails for 0/0', () => {
    expect(value('1 / 0')).toBe(Infinity);
    const d = only('0 / 0');
    expect(d).toMatchObject({ code: 'invalid-value', summary: 'Error during operation' });
  });

  it('locates a non-numeric operand on that operand', () => {
    const text = '1 + "five"';
    const d = only(text);
    expect(d).toMatchObject({ code: 'type-mismatch', summary: 'Invalid operand', detail: 'Unsuitable value for right operand: a number is required.' });
    expect(at(text, d)).toBe('"five"');
  });

  it('rejects a null operand', () => {
    const text = 'var.x * 2';
    const d = only(text, { var: { x: null } });
    expect(d.detail).toBe('Unsuitable value for left operand: argument must not be null.');
    expect(at(text, d)).toBe('var.x');
  });
});

describe('comparison and equality', () => {
  it('compares numbers, converting strings', () => {
    expect(value('2 < 10')).toBe(true);
    expect(value('"2" < "10"')).toBe(true);
    expect(value('3 >= 3')).toBe(true);
  });

  it('compares equality strictly and deeply', () => {
    expect(value('1 == "1"')).toBe(false);
    expect(value('[1, {a = "x"}] == [1, {a = "x"}]')).toBe(true);
    expect(value('null == null')).toBe(true);
    expect(value('"a" != "b"')).toBe(true);
  });
});

describe('logic', () => {
  it('combines bools and converts "true"/"false" strings', () => {
    expect(value('true && !false')).toBe(true);
    expect(value('"false" || false')).toBe(false);
  });

  it('short-circuits, so a guard protects the right-hand side', () => {
    expect(value('var.x != null && var.x.enabled', { var: { x: null } })).toBe(false);
    expect(value('var.x == null || var.x.enabled', { var: { x: null } })).toBe(true);
  });

  it('rejects a non-bool operand', () => {
    const d = only('1 && true');
    expect(d.detail).toBe('Unsuitable value for left operand: bool required, got number.');
  });
});

describe('conditionals', () => {
  it('evaluates only the branch taken, so the other may be invalid for this input', () => {
    expect(value('var.x == null ? "none" : var.x.name', { var: { x: null } })).toBe('none');
  });

  it('allows branches of different types', () => {
    expect(value('true ? 1 : "one"')).toBe(1);
    expect(value('false ? 1 : ["one"]')).toEqual(['one']);
  });

  it('requires a bool condition and says when it is null', () => {
    expect(only('var.x ? 1 : 2', { var: { x: null } })).toMatchObject({ summary: 'Null condition' });
    expect(only('"yes" ? 1 : 2')).toMatchObject({ summary: 'Incorrect condition type', detail: 'The condition value is invalid: a bool is required.' });
  });
});
