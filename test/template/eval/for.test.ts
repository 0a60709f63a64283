import { describe, expect, it } from 'vitest';
import { at, only, value } from './_eval.js';

const vars = {
  var: {
    list: ['a', 'bb', 'ccc'],
    tags: { team: 'infra', env: 'prod' },
    users: [
      { name: 'ann', role: 'admin' },
      { name: 'bob', role: 'dev' },
      { name: 'cy', role: 'admin' },
    ],
    nothing: null,
  },
};

describe('for expressions', () => {
  it('maps a list to a tuple, with the index as the key variable', () => {
    expect(value('[for s in var.list : upper(s)]', vars)).toEqual(['A', 'BB', 'CCC']);
    expect(value('[for i, s in var.list : "${i}${s}"]', vars)).toEqual(['0a', '1bb', '2ccc']);
  });

  it('iterates a map in key order', () => {
    expect(value('[for k, v in var.tags : "${k}=${v}"]', vars)).toEqual(['env=prod', 'team=infra']);
  });

  it('filters with if', () => {
    expect(value('[for s in var.list : s if length(s) > 1]', vars)).toEqual(['bb', 'ccc']);
  });

  it('builds objects', () => {
    expect(value('{for u in var.users : u.name => u.role}', vars)).toEqual({ ann: 'admin', bob: 'dev', cy: 'admin' });
  });

  it('evaluates a bare iterator name as the key, not as a literal name', () => {
    expect(value('{for k, v in var.tags : k => upper(v)}', vars)).toEqual({ env: 'PROD', team: 'INFRA' });
    expect(value('{for s in var.list : s => length(s)}', vars)).toEqual({ a: 1, bb: 2, ccc: 3 });
  });

  it('groups values by key with ...', () => {
    expect(value('{for u in var.users : u.role => u.name...}', vars)).toEqual({ admin: ['ann', 'cy'], dev: ['bob'] });
  });

  it('reports a duplicate key at the key expression and suggests grouping', () => {
    const text = '{for u in var.users : u.role => u.name}';
    const d = only(text, vars);
    expect(d).toMatchObject({ summary: 'Duplicate object key', detail: 'Two different items produced the key "admin" in this \'for\' expression.' });
    expect(d.hint).toMatch(/ellipsis \(\.\.\.\)/);
    expect(at(text, d)).toBe('u.role');
  });

  it('lets iterator names shadow roots only inside the expression', () => {
    expect(value('[for var in var.list : var]', vars)).toEqual(['a', 'bb', 'ccc']);
  });

  it('refuses to iterate null or a string', () => {
    expect(only('[for x in var.nothing : x]', vars).summary).toBe('Iteration over null value');
    expect(only('[for x in "abc" : x]', vars).detail).toBe("A value of type string cannot be used as the collection in a 'for' expression.");
  });

  it('requires a bool if-clause', () => {
    expect(only('[for s in var.list : s if s]', vars)).toMatchObject({ summary: "Invalid 'for' condition" });
  });

  it('reports the same mistake once, not once per element', () => {
    expect(only('[for u in var.users : u.nmae]', vars).hint).toBe('Did you mean "name"?');
  });
});
