import { describe, expect, it } from 'vitest';
import { at, diagnostics, only, run, value } from './_eval.js';
import { testContext } from '../functions/_context.js';

const vars = { var: { region: 'eu-west-1', obj: { name: 'web' }, nums: [3, 9, 4], words: ['a', 'b'] }, local: { x: 1 } };

describe('function calls', () => {
  it('calls functions with converted arguments', () => {
    expect(value('upper(var.region)', vars)).toBe('EU-WEST-1');
    expect(value('format("%s:%d", var.obj.name, "8080")', vars)).toBe('web:8080');
  });

  it('reports an unknown function at its name with a did-you-mean', () => {
    const text = 'uper(var.region)';
    const d = only(text, vars);
    expect(d).toMatchObject({ code: 'unknown-function', summary: 'Call to unknown function', detail: 'There is no function named "uper".', hint: 'Did you mean "upper"?' });
    expect(at(text, d)).toBe('uper');
  });

  it('places an argument error on that argument', () => {
    const text = 'substr(var.region, "x", 2)';
    const d = only(text, vars);
    expect(d).toMatchObject({ code: 'function-call', summary: 'Invalid function argument', detail: 'Invalid value for "offset" parameter: a number is required.' });
    expect(at(text, d)).toBe('"x"');
  });

  it('places an error the function raises about one argument on that argument', () => {
    const text = 'element([], 0)';
    expect(at(text, only(text))).toBe('[]');
  });

  it('places a general failure on the whole call', () => {
    const text = 'regex("z", "abc")';
    const d = only(text);
    expect(d).toMatchObject({ summary: 'Error in function call', detail: 'Call to function "regex" failed: pattern did not match any part of the given string.' });
    expect(at(text, d)).toBe(text);
  });

  it('reports missing and surplus arguments', () => {
    expect(only('upper()').summary).toBe('Not enough function arguments');
    const text = 'upper("a", "b")';
    const d = only(text);
    expect(d.summary).toBe('Too many function arguments');
    expect(at(text, d)).toBe('"b"');
  });

  it('expands a final list argument with ...', () => {
    expect(value('max(var.nums...)', vars)).toBe(9);
    expect(value('join("-", [var.words, ["c"]]...)', { var: { words: ['a'] } })).toBe('a-c');
  });

  it('refuses to expand a value that is not a list, at that argument', () => {
    const text = 'max(var.region...)';
    const d = only(text, vars);
    expect(d.summary).toBe('Invalid expanding argument value');
    expect(at(text, d)).toBe('var.region');
  });

  it('places an error about an expanded element on the expanded argument', () => {
    const text = 'max(1, ["x"]...)';
    expect(at(text, only(text))).toBe('["x"]');
  });
});

describe('can and try', () => {
  it('can() tells whether an expression evaluates', () => {
    expect(value('can(var.obj.name)', vars)).toBe(true);
    expect(value('can(var.obj.missing)', vars)).toBe(false);
    expect(value('can(regex("^ami-", "ami-123"))', vars)).toBe(true);
  });

  it('try() returns the first argument that evaluates', () => {
    expect(value('try(var.obj.missing, var.obj.name, "default")', vars)).toBe('web');
    expect(value('try(tonumber("x"), 0)', vars)).toBe(0);
  });

  it('try() evaluates lazily: later arguments are not evaluated once one succeeds', () => {
    expect(value('try("first", 0 / 0)', vars)).toBe('first');
  });

  it('try() lists every failure when nothing succeeds', () => {
    const d = only('try(var.obj.a, var.obj.b)', vars);
    expect(d.summary).toBe('Error in function call');
    expect(d.detail).toMatch(/^Call to function "try" failed: no expression succeeded:\n- Unsupported attribute \(at test\.pkr\.hcl:1,13\)/);
    expect(d.detail).toMatch(/At least one expression must produce a successful result\.$/);
  });

  it('does not hide a misspelt variable, local or function', () => {
    expect(only('try(var.regoin, "x")', vars).code).toBe('unknown-variable');
    expect(only('can(local.y)', vars).code).toBe('unknown-local');
    expect(only('try(uper("a"), "x")', vars).code).toBe('unknown-function');
  });
});

describe('env', () => {
  it('works where the context provides an environment (variable defaults)', () => {
    expect(value('env("REGION")', {}, { env: (n) => (n === 'REGION' ? 'us-east-1' : undefined) })).toBe('us-east-1');
  });

  it('fails elsewhere with a hint to use a variable', () => {
    const d = only('env("REGION")');
    expect(d.code).toBe('function-call');
    expect(d.detail).toMatch(/only be used in the default value of a variable block/);
  });
});

describe('templatefile', () => {
  const files = {
    '/tpl/user-data.tpl': '#!/bin/sh\n%{ for p in packages ~}\napt-get install -y ${p}\n%{ endfor ~}\necho ${upper(name)}\n',
    '/tpl/bad.tpl': 'hello ${nope}\n',
    '/tpl/broken.tpl': 'hello ${\n',
    '/tpl/recursive.tpl': '${templatefile("user-data.tpl", {})}',
  };
  const ctx = (() => {
    const c = testContext(files);
    return { fs: c.fs };
  })();

  it('renders a file with only the given variables in scope', () => {
    expect(value('templatefile("user-data.tpl", { packages = ["curl", "jq"], name = "web" })', vars, ctx)).toBe(
      '#!/bin/sh\napt-get install -y curl\napt-get install -y jq\necho WEB\n',
    );
  });

  it('reports an unknown template variable inside the template file, and the call', () => {
    const ds = diagnostics('templatefile("bad.tpl", { nop = "x" })', vars, ctx);
    expect(ds.map((d) => [d.code, d.range?.filename])).toEqual([
      ['unknown-variable', '/tpl/bad.tpl'],
      ['function-call', 'test.pkr.hcl'],
    ]);
    expect(ds[0]!.hint).toBe('Did you mean "nop"?');
    expect(ds[0]!.range?.start).toMatchObject({ line: 1, column: 9 });
  });

  it('does not let the template see var, local or other roots', () => {
    const ds = diagnostics('templatefile("bad.tpl", {})', vars, ctx);
    expect(ds[0]!.detail).toBe('There is no variable named "nope".');
  });

  it('reports syntax errors of the template file in that file', () => {
    const ds = diagnostics('templatefile("broken.tpl", {})', vars, ctx);
    expect(ds[0]!.range?.filename).toBe('/tpl/broken.tpl');
    expect(ds[ds.length - 1]!.detail).toMatch(/has syntax errors/);
  });

  it('refuses recursion and bad variable names', () => {
    expect(diagnostics('templatefile("recursive.tpl", {})', vars, ctx).some((d) => /cannot recursively call templatefile/.test(d.detail ?? ''))).toBe(true);
    expect(only('templatefile("user-data.tpl", { "no way" = 1 })', vars, ctx).detail).toMatch(/invalid template variable name "no way"/);
  });

  it('reports a missing file on the path argument', () => {
    const text = 'templatefile("nope.tpl", {})';
    const d = only(text, vars, ctx);
    expect(d.detail).toBe('Invalid value for "path" parameter: no file exists at "nope.tpl".');
    expect(at(text, d)).toBe('"nope.tpl"');
  });

  it('is unavailable without a template parser in the context', () => {
    const r = run('templatefile("user-data.tpl", {})', vars, { ...ctx, parseTemplate: undefined });
    expect(r.diagnostics[0]!.detail).toMatch(/no template parser was provided/);
  });
});
