import { describe, expect, it } from 'vitest';
import { at, cliVars, errors, loaded, loadInline, loadOne, only, show, warnings } from '../../_helpers/load.js';

const REGION = `variable "region" {\n  default = "from-default"\n}\n`;

/** The resolved value and origin of one variable. */
function valueOf(result: ReturnType<typeof loadInline>, name: string) {
  const v = loaded(result).variables.find((x) => x.name === name);
  if (!v) throw new Error(`no variable ${name}`);
  return { value: v.value, from: v.from };
}

describe('variable value precedence', () => {
  it('lets PKR_VAR_ in the environment override the default, and BAKE_VAR_ win over PKR_VAR_', () => {
    expect(valueOf(loadOne(REGION, { env: { PKR_VAR_region: 'pkr' } }), 'region')).toEqual({ value: 'pkr', from: 'env' });
    expect(valueOf(loadOne(REGION, { env: { BAKE_VAR_region: 'bake', PKR_VAR_region: 'pkr' } }), 'region')).toEqual({ value: 'bake', from: 'env' });
    // Names the template does not declare are someone else's business.
    expect(loadOne(REGION, { env: { PKR_VAR_other: 'x', BAKE_VAR_reigon: 'y' } }).diagnostics).toEqual([]);
  });

  it('lets *.auto.pkrvars.hcl override the environment when loading a directory, in name order', () => {
    const r = loadInline({ 'main.pkr.hcl': REGION, 'b.auto.pkrvars.hcl': 'region = "b"\n', 'a.auto.pkrvars.hcl': 'region = "a"\n' }, { env: { BAKE_VAR_region: 'bake' } });
    expect(valueOf(r, 'region')).toEqual({ value: 'b', from: 'auto-var-file' });
  });

  it('does not load *.auto.pkrvars.hcl when the template is a single file, as in Packer', () => {
    const r = loadInline({ 'main.pkr.hcl': REGION, 'site.auto.pkrvars.hcl': 'region = "auto"\n' }, { path: 'main.pkr.hcl' });
    expect(valueOf(r, 'region')).toEqual({ value: 'from-default', from: 'default' });
  });

  it('lets --var-file override auto var files, later files winning', () => {
    const r = loadInline(
      { 'main.pkr.hcl': REGION, 'site.auto.pkrvars.hcl': 'region = "auto"\n', 'one.pkrvars.hcl': 'region = "one"\n', 'two.pkrvars.hcl': 'region = "two"\n' },
      { varFiles: ['one.pkrvars.hcl', 'two.pkrvars.hcl'] },
    );
    expect(valueOf(r, 'region')).toEqual({ value: 'two', from: 'var-file' });
  });

  it('lets --var override var files, the last --var winning', () => {
    const r = loadInline({ 't.pkr.hcl': REGION, 'one.pkrvars.hcl': 'region = "one"\n' }, { varFiles: ['one.pkrvars.hcl'], vars: cliVars('region=first', 'region=second') });
    expect(valueOf(r, 'region')).toEqual({ value: 'second', from: 'cli' });
  });

  it('keeps each variable at its own highest-precedence origin', () => {
    const r = loadInline(
      {
        't.pkr.hcl': `variable "a" {\n  default = "d"\n}\nvariable "b" {\n  default = "d"\n}\nvariable "c" {\n  default = "d"\n}\nvariable "d" {\n  default = "d"\n}\n`,
        'v.pkrvars.hcl': 'b = "file"\n',
      },
      { varFiles: ['v.pkrvars.hcl'], env: { PKR_VAR_c: 'env' }, vars: cliVars('d=cli') },
    );
    const vars = loaded(r).variables.map((v) => [v.name, v.value, v.from]);
    expect(vars).toEqual([
      ['a', 'd', 'default'],
      ['b', 'file', 'var-file'],
      ['c', 'env', 'env'],
      ['d', 'cli', 'cli'],
    ]);
  });
});

describe('values given as text (--var, environment)', () => {
  const PORTS = `variable "ports" {\n  type    = list(number)\n  default = []\n}\n`;

  it('parses --var as HCL for list, map and bool variables (--var \'ports=[1,2]\')', () => {
    const r = loadOne(`${PORTS}variable "on" {\n  type = bool\n}\nvariable "tags" {\n  type = map(string)\n}\n`, { vars: cliVars('ports=[1,2]', 'on=true', 'tags={ role = "web" }') });
    expect(loaded(r).variables.map((v) => v.value)).toEqual([[1, 2], true, { role: 'web' }]);
  });

  it('parses environment values as HCL for a non-string variable and converts elements', () => {
    expect(valueOf(loadOne(PORTS, { env: { PKR_VAR_ports: '[22, "80"]' } }), 'ports').value).toEqual([22, 80]);
  });

  it('takes the text literally for string, number and any variables, then converts it, as Packer does', () => {
    const r = loadOne(`variable "s" {\n  type = string\n}\nvariable "a" {\n  type = any\n}\nvariable "n" {\n  type = number\n}\n`, { vars: cliVars('s="quoted" [1]', 'a=hello', 'n=42') });
    expect(loaded(r).variables.map((v) => v.value)).toEqual(['"quoted" [1]', 'hello', 42]);
  });

  it('gives an untyped variable the type of its primitive default, as Packer does', () => {
    const r = loadOne(`variable "count" {\n  default = 2\n}\nvariable "debug" {\n  default = false\n}\nlocals {\n  more = var.count == 3\n}\n`, {
      vars: cliVars('count=3', 'debug=true'),
    });
    const t = loaded(r);
    expect(t.variables.map((v) => v.value)).toEqual([3, true]);
    expect(t.locals.more).toBe(true);
  });

  it('parses text as HCL for an untyped variable with a list default, and keeps it text without a default', () => {
    const r = loadOne(`variable "names" {\n  default = ["a"]\n}\nvariable "raw" {}\nlocals {\n  n = length(var.names)\n}\n`, { vars: cliVars('names=["p", "q"]', 'raw=[1]') });
    const t = loaded(r);
    expect(t.locals.n).toBe(2);
    expect(t.variables[1]!.value).toBe('[1]');
  });
});

describe('type conversion errors', () => {
  const N = `variable "n" {\n  type = number\n}\n`;

  it('names --var or the environment variable as the origin of a value that does not convert', () => {
    const d = only(loadOne(N, { vars: cliVars('n=abc') }), 'type-mismatch');
    expect(show(d)).toBe('t.pkr.hcl:1: error type-mismatch: Invalid value for variable "n"');
    expect(d.detail).toBe('The value from --var n=... does not match the variable\'s type number: a number is required.');
    expect(only(loadOne(N, { env: { BAKE_VAR_n: 'x' } }), 'type-mismatch').detail).toContain('from BAKE_VAR_n');
  });

  it('points at the line of the var file that set the value', () => {
    const r = loadInline({ 't.pkr.hcl': N, 'prod.pkrvars.hcl': '# prod\nn = "many"\n' }, { varFiles: ['prod.pkrvars.hcl'] });
    const d = only(r, 'type-mismatch');
    expect(at(d)).toBe('prod.pkrvars.hcl:2');
    expect(d.detail).toContain('from prod.pkrvars.hcl:2');
  });

  it('reports a --var that is not valid HCL for a list variable once, naming the flag, with a quoting hint', () => {
    const r = loadOne(`variable "l" {\n  type = list(string)\n}\nlocals {\n  first = var.l[0]\n}\n`, { vars: cliVars('l=[a, b]') });
    expect(errors(r).map(show)).toEqual(['error invalid-value: Invalid value for variable "l" from --var l=...']);
    expect(errors(r)[0]!.detail).toMatch(/^A list\(string\) value is expected, written as in HCL: /);
    expect(errors(r)[0]!.hint).toContain(`--var 'l=["a", "b"]'`);
    expect(errors(r)[0]!.range).toBeUndefined();
  });

  it('checks a default against the type at the default, and converts it', () => {
    const d = only(loadOne(`variable "n" {\n  type    = number\n  default = "many"\n}\n`), 'type-mismatch');
    expect(show(d)).toBe('t.pkr.hcl:3: error type-mismatch: Invalid default value for variable "n"');
    expect(valueOf(loadOne(`variable "n" {\n  type    = number\n  default = "5"\n}\n`), 'n').value).toBe(5);
  });
});

describe('undeclared and unset variables', () => {
  it('rejects an undeclared --var with a did-you-mean, or the list of declared variables', () => {
    const d = only(loadOne(REGION, { vars: cliVars('regoin=x') }), 'undeclared-variable');
    expect([d.severity, d.summary, d.hint]).toEqual(['error', 'Undeclared variable "regoin" set with --var', 'Did you mean "region"?']);
    expect(only(loadOne(REGION, { vars: cliVars('zzz=x') }), 'undeclared-variable').hint).toBe('Declared variables: region.');
  });

  it('warns about an undeclared variable in a var file, at its line, and still loads; blocks there are errors', () => {
    const r = loadInline({ 't.pkr.hcl': REGION, 'v.pkrvars.hcl': 'region = "r"\nregoin = "x"\n' }, { varFiles: ['v.pkrvars.hcl'] });
    const withBlock = loadInline({ 't.pkr.hcl': REGION, 'v.pkrvars.hcl': 'variable "x" {}\n' }, { varFiles: ['v.pkrvars.hcl'] });
    expect(show(only(withBlock, 'unknown-block'))).toBe('v.pkrvars.hcl:1: error unknown-block: Unexpected block "variable" in a variables file');
    expect(warnings(r).map(show)).toEqual(['v.pkrvars.hcl:2: warning undeclared-variable: Undeclared variable "regoin"']);
    expect(warnings(r)[0]!.hint).toBe('Did you mean "region"?');
    expect(loaded(r).variables[0]!.value).toBe('r');
  });

  it('reports an unset required variable at its variable block', () => {
    const r = loadOne(`locals {\n  a = 1\n}\n\nvariable "ami" {\n  type = string\n}\n`);
    const d = only(r, 'unset-variable');
    expect(show(d)).toBe('t.pkr.hcl:5: error unset-variable: Unset variable "ami"');
    expect(d.range!.start.column).toBe(1);
    expect(d.hint).toContain('PKR_VAR_ami');
    // default = null is a default, not a missing one.
    expect(loadOne(`variable "x" {\n  type    = string\n  default = null\n}\n`).diagnostics).toEqual([]);
  });

});

describe('validation blocks', () => {
  const VERSIONED = `variable "version" {
  default = "1.2.3"
  validation {
    condition     = can(regex("^[0-9]+\\\\.[0-9]+\\\\.[0-9]+$", var.version))
    error_message = "\${var.version} is not a version like 1.2.3."
  }
}
`;

  it('accepts a passing value and reports a failing one with its error message, at the var file line that set it', () => {
    expect(loadOne(VERSIONED).diagnostics).toEqual([]);
    const r = loadInline({ 't.pkr.hcl': VERSIONED, 'v.pkrvars.hcl': 'version = "latest"\n' }, { varFiles: ['v.pkrvars.hcl'] });
    const d = only(r, 'variable-validation');
    expect(at(d)).toBe('v.pkrvars.hcl:1');
    expect(d.detail).toBe('latest is not a version like 1.2.3.\nThe value from v.pkrvars.hcl:1 failed the validation at t.pkr.hcl:4.');
  });

  it('reports a failing --var or default at the condition, naming where the value came from', () => {
    const d = only(loadOne(VERSIONED, { vars: cliVars('version=x') }), 'variable-validation');
    expect(at(d)).toBe('t.pkr.hcl:4');
    expect(d.detail).toContain('The value from --var version=... failed');
    expect(only(loadOne(VERSIONED.replace('1.2.3"', 'one"')), 'variable-validation').detail).toContain('The value (the default) failed');
  });

  it('requires a condition, and one that is true or false', () => {
    const r = loadOne(`variable "v" {\n  default = "x"\n  validation {\n    condition     = "yes"\n    error_message = "no"\n  }\n  validation {\n    error_message = "no"\n  }\n}\n`);
    expect(errors(r).map(show)).toEqual([
      't.pkr.hcl:4: error type-mismatch: Invalid validation condition',
      't.pkr.hcl:7: error missing-attribute: Missing required argument "condition" in validation of variable "v"',
    ]);
    expect(errors(r)[0]!.detail).toBe('The condition must be true or false, got "yes".');
  });

  it('does not run validations on a value that failed type conversion', () => {
    const r = loadOne(`variable "n" {\n  type = number\n  validation {\n    condition     = var.n > 0\n    error_message = "positive"\n  }\n}\n`, { vars: cliVars('n=x') });
    expect(errors(r).map((d) => d.code)).toEqual(['type-mismatch']);
  });
});

describe('a variable that fails', () => {
  it('is reported once, not again by each local and source that uses it', () => {
    const r = loadOne(`variable "n" {
  type = number
}
locals {
  a = var.n + 1
  b = "\${local.a}-\${var.n}"
}
source "qemu" "x" {
  parent = "p"
  cpus   = var.n
}
build {
  sources = ["source.qemu.x"]
}
`);
    expect(errors(r).map(show)).toEqual(['t.pkr.hcl:1: error unset-variable: Unset variable "n"']);
  });
});
