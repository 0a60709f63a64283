import { describe, expect, it } from 'vitest';
import { REDACTED } from '../../../src/template/model.js';
import { cliVars, errors, loaded, loadInline, loadOne, only, show } from '../../_helpers/load.js';

describe('variable declarations', () => {
  it('records type as written, description and sensitivity', () => {
    const t = loaded(loadOne(`variable "ports" {\n  type        = list(number)\n  default     = [22]\n  description = "Open ports"\n  sensitive   = false\n}\n`));
    expect(t.variables).toEqual([
      expect.objectContaining({ name: 'ports', type: 'list(number)', description: 'Open ports', sensitive: false, value: [22], from: 'default' }),
    ]);
    expect(t.variables[0]!.range).toMatchObject({ filename: 't.pkr.hcl', start: { line: 1 } });
  });

  it('accepts the legacy `variables {}` block, giving each entry a default', () => {
    const r = loadOne(`variables {\n  region = "eu"\n  size   = 2\n}\nlocals {\n  where = "\${var.region}-\${var.size}"\n}\n`, { vars: cliVars('size=3') });
    const t = loaded(r);
    expect(t.variables.map((v) => [v.name, v.value, v.from])).toEqual([
      ['region', 'eu', 'default'],
      ['size', 3, 'cli'],
    ]);
    expect(t.locals.where).toBe('eu-3');
    expect(show(only(loadOne(`variables {\n  validation {\n  }\n}\n`), 'unknown-block'))).toBe('t.pkr.hcl:2: error unknown-block: Unexpected block "validation" in variables');
  });

  it('reports a duplicate variable at the second declaration, naming the first', () => {
    const r = loadOne(`variable "a" {\n  default = 1\n}\nvariables {\n  a = 2\n}\n`);
    const d = only(r, 'duplicate-block');
    expect(show(d)).toBe('t.pkr.hcl:5: error duplicate-block: Duplicate variable "a"');
    expect(d.detail).toBe('A variable named "a" was already declared at line 1.');
  });

  it('rejects a variable name that is not an identifier', () => {
    expect(only(loadOne(`variable "1st" {\n  default = 1\n}\n`), 'invalid-value').summary).toBe('Invalid variable name "1st"');
  });

  it('rejects unknown arguments and a quoted type with hints', () => {
    const r = loadOne(`variable "a" {\n  typ     = string\n  default = "x"\n}\nvariable "b" {\n  type    = "string"\n  default = "x"\n}\n`);
    expect(errors(r).map((d) => [show(d), d.hint])).toEqual([
      ['t.pkr.hcl:2: error unknown-attribute: Unsupported argument "typ" in variable "a"', 'Did you mean "type"?'],
      ['t.pkr.hcl:6: error invalid-value: Invalid type specification', 'Remove the quotes: type = string'],
    ]);
  });

  it('requires sensitive to be a bool and description a string', () => {
    const r = loadOne(`variable "a" {\n  default     = "x"\n  sensitive   = "yes"\n  description = 5\n}\n`);
    expect(errors(r).map(show)).toEqual([
      't.pkr.hcl:3: error type-mismatch: Invalid value for "sensitive"',
      't.pkr.hcl:4: error type-mismatch: Invalid value for "description"',
    ]);
  });
});

describe('env() in variables', () => {
  it('is allowed in a default and reads the given environment', () => {
    const r = loadOne(`variable "home" {\n  default = env("HOME")\n}\n`, { env: { HOME: '/home/builder' } });
    expect(loaded(r).variables[0]!.value).toBe('/home/builder');
  });

  it('is an error in a local, with a hint to move it into a variable default', () => {
    const r = loadOne(`locals {\n  home = env("HOME")\n}\n`, { env: { HOME: '/home/builder' } });
    const d = only(r, 'function-call');
    expect(show(d)).toBe('t.pkr.hcl:2: error function-call: Error in function call');
    expect(d.detail).toContain('env() can only be used in the default value of a variable block');
  });

  it('is an error in a source block and in a var file', () => {
    expect(errors(loadOne(`source "qemu" "x" {\n  parent = env("PARENT")\n}\n`, { env: { PARENT: 'p' } })).map((d) => d.code)).toEqual(['function-call']);
    const r = loadInline({ 't.pkr.hcl': `variable "a" {\n  default = "x"\n}\n`, 'v.pkrvars.hcl': 'a = env("A")\n' }, { varFiles: ['v.pkrvars.hcl'], env: { A: 'y' } });
    expect(errors(r).map((d) => `${d.range?.filename} ${d.code}`)).toEqual(['v.pkrvars.hcl function-call']);
  });
});

describe('sensitive values', () => {
  const T = `variable "password" {
  default   = "hunter2"
  sensitive = true
}
variable "user" {
  default = "admin"
}
local "dsn" {
  expression = "\${var.user}:\${var.password}@db"
  sensitive  = true
}
locals {
  greeting = "hello \${var.user}"
}
`;

  it('lists the values of sensitive variables and locals in LoadResult.sensitive', () => {
    const r = loadOne(T);
    expect(r.sensitive).toEqual(['hunter2', 'admin:hunter2@db']);
  });

  it('redacts sensitive locals in Template.locals and leaves the others', () => {
    expect(loaded(loadOne(T)).locals).toEqual({ dsn: REDACTED, greeting: 'hello admin' });
  });

  it('lists every leaf of a sensitive collection, whatever set its value', () => {
    const r = loadOne(`variable "keys" {\n  type      = map(string)\n  sensitive = true\n}\n`, { vars: cliVars('keys={ a = "k1", b = "k2" }') });
    // The evaluated leaves, besides the raw text given on the command line.
    expect(r.sensitive).toEqual(expect.arrayContaining(['k1', 'k2', '{ a = "k1", b = "k2" }']));
  });

  it('treats a sensitive flag that is not true or false as sensitive, so a typo does not leak the value', () => {
    const r = loadOne(`variable "pw" {\n  default   = "hunter2"\n  sensitive = "yes"\n}\nlocal "token" {\n  expression = "t0ken"\n  sensitive  = ture\n}\n`);
    expect(errors(r).map((d) => d.code)).toEqual(['type-mismatch', 'unknown-variable']);
    expect(r.sensitive).toEqual(['hunter2', 't0ken']);
  });

  it('still lists sensitive values when the template has errors, so diagnostics can be redacted', () => {
    const r = loadOne(`${T}\nsource "nope" "x" {}\n`);
    expect(r.template).toBeUndefined();
    expect(r.sensitive).toContain('hunter2');
  });
});
