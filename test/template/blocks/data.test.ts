import { describe, expect, it } from 'vitest';
import { errors, loaded, loadInline, loadOne, only, show } from '../../_helpers/load.js';

describe('data sources', () => {
  it('evaluates data "null": its input becomes data.null.NAME.output', () => {
    const t = loaded(loadOne(`variable "v" {\n  default = "x"\n}\ndata "null" "greeting" {\n  input = "hello \${var.v}"\n}\nlocals {\n  said = data.null.greeting.output\n}\n`));
    expect(t.locals.said).toBe('hello x');
    expect(t.data).toEqual([expect.objectContaining({ type: 'null', name: 'greeting', config: { input: 'hello x' } })]);
  });

  it('requires input in data "null"', () => {
    expect(show(only(loadOne(`data "null" "x" {\n}\n`), 'missing-attribute'))).toBe('t.pkr.hcl:1: error missing-attribute: Missing required argument "input" in data "null" "x"');
  });

  it('says a Packer data source type is not supported yet, without errors in the locals that use it', () => {
    const r = loadOne(`data "amazon-ami" "ubuntu" {\n  most_recent = true\n}\nlocals {\n  ami = data.amazon-ami.ubuntu.id\n}\n`);
    const d = only(r, 'not-supported-yet');
    expect(show(d)).toBe('t.pkr.hcl:1: error not-supported-yet: Data source type "amazon-ami" is not supported yet');
    expect(errors(r)).toHaveLength(1);
  });

  it('suggests a known type for a misspelt data source type', () => {
    expect(only(loadOne(`data "nul" "x" {\n  input = 1\n}\n`), 'unknown-block').hint).toBe('Did you mean "null"?');
  });

  it('reports a duplicate data source naming the first file and line', () => {
    const r = loadInline({ 'a.pkr.hcl': `data "null" "x" {\n  input = 1\n}\n`, 'b.pkr.hcl': `data "null" "x" {\n  input = 2\n}\n` });
    const d = only(r, 'duplicate-block');
    expect(show(d)).toBe('b.pkr.hcl:1: error duplicate-block: Duplicate data source data.null.x');
    expect(d.detail).toBe('data.null.x was already declared at a.pkr.hcl:1.');
  });
});
