import { describe, expect, it } from 'vitest';
import { at, only, value } from './_eval.js';

const vars = {
  var: { region: 'eu-west-1', obj: { name: 'web', size: 2 }, servers: [{ name: 'a', port: 80 }, { name: 'b', port: 443 }], nothing: null, tags: { env: 'prod' } },
  local: { prefix: 'bake' },
  path: { root: '/tpl' },
};

describe('attributes', () => {
  it('reads nested attributes', () => {
    expect(value('var.obj.name', vars)).toBe('web');
    expect(value('path.root', vars)).toBe('/tpl');
  });

  it('suggests the closest attribute and points at the attribute name', () => {
    const text = 'var.obj.nmae';
    const d = only(text, vars);
    expect(d).toMatchObject({
      code: 'invalid-reference',
      summary: 'Unsupported attribute',
      detail: 'This object does not have an attribute named "nmae".',
      hint: 'Did you mean "name"?',
    });
    expect(at(text, d)).toBe('nmae');
  });

  it('reports a misspelt variable as unknown-variable with a did-you-mean', () => {
    const text = 'var.regoin';
    const d = only(text, vars);
    expect(d).toMatchObject({ code: 'unknown-variable', summary: 'Unsupported attribute; there is no variable named "regoin"', hint: 'Did you mean "region"?' });
    expect(at(text, d)).toBe('regoin');
  });

  it('reports a misspelt local as unknown-local', () => {
    expect(only('local.prefx', vars)).toMatchObject({ code: 'unknown-local', summary: 'Unsupported attribute; there is no local named "prefx"', hint: 'Did you mean "prefix"?' });
  });

  it('tells how to declare a variable when nothing is close', () => {
    expect(only('var.zzzzzz', vars).hint).toBe('Declare it with a variable "zzzzzz" block.');
  });

  it('reports an unknown root name with a did-you-mean over the roots', () => {
    const d = only('vra.region', vars);
    expect(d).toMatchObject({ code: 'unknown-variable', summary: 'Unknown variable', detail: 'There is no variable named "vra".', hint: 'Did you mean "var"?' });
  });

  it('does not find inherited properties such as constructor', () => {
    expect(only('var.obj.constructor', vars).summary).toBe('Unsupported attribute');
  });

  it('explains attribute access on a list and suggests a splat', () => {
    const d = only('var.servers.name', vars);
    expect(d.detail).toMatch(/^Can't access attributes on a list of objects/);
    expect(d.hint).toBe('Use [*].name for every element, or [0].name for the first one.');
  });

  it('explains attribute access on null and on a string', () => {
    expect(only('var.nothing.x', vars).summary).toBe('Attempt to get attribute from null value');
    expect(only('var.region.x', vars).detail).toBe("Can't access attributes on a primitive-typed value (string).");
  });
});

describe('indexes', () => {
  it('indexes lists by number (also a numeric string) and maps by key', () => {
    expect(value('var.servers[1].port', vars)).toBe(443);
    expect(value('var.servers["0"].name', vars)).toBe('a');
    expect(value('var.tags["env"]', vars)).toBe('prod');
    expect(value('var.servers.0.name', vars)).toBe('a');
  });

  it('reports an index past the end at the key', () => {
    const text = 'var.servers[2]';
    const d = only(text, vars);
    expect(d).toMatchObject({ summary: 'Invalid index', detail: 'The given key does not identify an element in this collection value: the collection has 2 elements.' });
    expect(at(text, d)).toBe('2');
  });

  it('reports negative and fractional indexes', () => {
    expect(only('var.servers[-1]', vars).detail).toMatch(/a negative number is not a valid index/);
    expect(only('var.servers[0.5]', vars).detail).toMatch(/whole numbers/);
  });

  it('reports a missing map key with a did-you-mean', () => {
    expect(only('var.tags["evn"]', vars)).toMatchObject({ summary: 'Invalid index', hint: 'Did you mean "env"?' });
  });

  it('reports a misspelt variable in index form as unknown-variable', () => {
    expect(only('var["regoin"]', vars).code).toBe('unknown-variable');
  });

  it('refuses to index null and primitives', () => {
    expect(only('var.nothing[0]', vars).summary).toBe('Attempt to index null value');
    expect(only('var.region[0]', vars).detail).toBe('This value does not have any indices: it is a string.');
  });
});

describe('splats', () => {
  it('maps an attribute over a list with [*] and .*', () => {
    expect(value('var.servers[*].name', vars)).toEqual(['a', 'b']);
    expect(value('var.servers.*.port', vars)).toEqual([80, 443]);
  });

  it('wraps a single value and turns null into an empty list', () => {
    expect(value('var.obj[*].name', vars)).toEqual(['web']);
    expect(value('var.nothing[*].name', vars)).toEqual([]);
  });

  it('applies following index steps per element for a full splat only', () => {
    const v = { var: { xs: [{ p: ['a', 'b'] }, { p: ['c', 'd'] }] } };
    expect(value('var.xs[*].p[0]', v)).toEqual(['a', 'c']);
    expect(value('var.xs.*.p[0]', v)).toEqual(['a', 'b']);
  });

  it('reports an error inside the splat once', () => {
    expect(only('var.servers[*].nmae', vars).hint).toBe('Did you mean "name"?');
  });
});

describe('collections', () => {
  it('builds tuples and objects; bare keys are names, parenthesised keys are evaluated', () => {
    expect(value('[1, "a", [true]]')).toEqual([1, 'a', [true]]);
    expect(value('{ region = var.region, (var.region) = 1, "quoted key" = 2 }', vars)).toEqual({ region: 'eu-west-1', 'eu-west-1': 1, 'quoted key': 2 });
  });

  it('refuses a null key', () => {
    expect(only('{ (var.nothing) = 1 }', vars).summary).toBe('Null value as key');
  });
});
