import { describe, expect, it } from 'vitest';
import { at, only, value } from './_eval.js';

const vars = { var: { name: 'web', n: 3, on: true, list: ['a', 'b'], tags: { env: 'prod', team: 'infra' }, nothing: null } };

describe('interpolation', () => {
  it('converts numbers and bools to strings', () => {
    expect(value('"${var.name}-${var.n}-${var.on}"', vars)).toBe('web-3-true');
  });

  it('yields the value itself when the template is one interpolation', () => {
    expect(value('"${var.list}"', vars)).toEqual(['a', 'b']);
    expect(value('"${var.n}"', vars)).toBe(3);
  });

  it('keeps escapes literal', () => {
    expect(value('"$${var.name} %%{if}"', vars)).toBe('${var.name} %{if}');
  });

  it('refuses null, at the interpolated expression', () => {
    const text = '"x-${var.nothing}"';
    const d = only(text, vars);
    expect(d).toMatchObject({ summary: 'Invalid template interpolation value', detail: 'The expression result is null. Cannot include a null value in a string template.' });
    expect(at(text, d)).toBe('var.nothing');
  });

  it('refuses a list and suggests join() or jsonencode()', () => {
    const d = only('"x-${var.list}"', vars);
    expect(d.detail).toBe('Cannot include the given value in a string template: string required, got tuple.');
    expect(d.hint).toMatch(/jsonencode\(\) or join\(\)/);
  });
});

describe('directives', () => {
  it('renders %{if} with %{else}', () => {
    expect(value('"%{if var.on}yes%{else}no%{endif}"', vars)).toBe('yes');
    expect(value('"%{if !var.on}yes%{else}no%{endif}"', vars)).toBe('no');
  });

  it('renders %{for} over a list and over a map in key order', () => {
    expect(value('"%{for x in var.list}[${x}]%{endfor}"', vars)).toBe('[a][b]');
    expect(value('"%{for k, v in var.tags}${k}=${v};%{endfor}"', vars)).toBe('env=prod;team=infra;');
    expect(value('"%{for i, x in var.list}${i}:${x} %{endfor}"', vars)).toBe('0:a 1:b ');
  });

  it('requires a bool %{if} condition', () => {
    expect(only('"%{if var.name}x%{endif}"', vars)).toMatchObject({ summary: 'Invalid template if condition' });
  });
});

describe('whitespace control', () => {
  it('strips whitespace around ~ markers', () => {
    expect(value('"a  ${~ var.name ~}  b"', vars)).toBe('awebb');
  });

  it('keeps "${x~} " a string even though the literal was stripped to nothing', () => {
    expect(value('"${var.n~} "', vars)).toBe('3');
  });

  it('lays out a heredoc with directives and strip markers', () => {
    const text = '<<EOT\n%{ for x in var.list ~}\nitem ${x}\n%{ endfor ~}\nEOT\n';
    expect(value(text, vars)).toBe('item a\nitem b\n');
  });

  it('removes the common indentation of a <<- heredoc', () => {
    const text = '<<-EOT\n    hello\n      ${var.name}\n    EOT\n';
    expect(value(text, vars)).toBe('hello\n  web\n');
  });
});
