import { describe, expect, it } from 'vitest';
import { at, errors, loaded, loadInline, loadOne, only, show } from '../../_helpers/load.js';

describe('locals', () => {
  it('evaluates locals in dependency order whatever order they are written in', () => {
    const r = loadOne(`locals {\n  c = local.b * 10\n}\nlocals {\n  b = local.a + 1\n  a = 1\n}\n`);
    expect(loaded(r).locals).toEqual({ c: 20, b: 2, a: 1 });
  });

  it('accepts the `local "NAME" { expression = ... }` form alongside locals blocks', () => {
    const r = loadOne(`local "image" {\n  expression = "\${local.prefix}-app"\n}\nlocals {\n  prefix = "bake"\n}\n`);
    expect(loaded(r).locals).toEqual({ image: 'bake-app', prefix: 'bake' });
  });

  it('requires expression in a local block, and sensitive to be true or false', () => {
    const r = loadOne(`local "x" {\n  sensitive = true\n}\nlocal "y" {\n  expression = "a"\n  sensitive  = "yes"\n}\n`);
    expect(errors(r).map(show)).toEqual([
      't.pkr.hcl:1: error missing-attribute: Missing required argument "expression" in local "x"',
      't.pkr.hcl:6: error type-mismatch: Invalid value for "sensitive"',
    ]);
  });

  it('reports a local defined twice across blocks and forms, naming the first definition', () => {
    const r = loadOne(`locals {\n  a = 1\n}\nlocals {\n  a = 2\n}\nlocal "a" {\n  expression = 3\n}\n`);
    expect(errors(r).map((d) => `${show(d)} | ${d.detail}`)).toEqual([
      't.pkr.hcl:5: error duplicate-attribute: Duplicate local "a" | local.a was already defined at line 2.',
      't.pkr.hcl:7: error duplicate-attribute: Duplicate local "a" | local.a was already defined at line 2.',
    ]);
    const across = loadInline({ 'a.pkr.hcl': `locals {\n  x = 1\n}\n`, 'b.pkr.hcl': `locals {\n  x = 2\n}\n` });
    expect(only(across, 'duplicate-attribute').detail).toBe('local.x was already defined at a.pkr.hcl:2.');
  });

  it('suggests the closest name for an unknown local', () => {
    const d = only(loadOne(`locals {\n  image = "x"\n  name  = local.imgae\n}\n`), 'unknown-local');
    expect(at(d)).toBe('t.pkr.hcl:3');
    expect(d.hint).toBe('Did you mean "image"?');
  });
});

describe('cycles between locals', () => {
  it('reports a cycle once, at its first member, naming every member with its line', () => {
    const r = loadOne(`locals {\n  a = local.b\n  b = local.c\n  c = local.a\n}\n`);
    const d = only(r, 'cycle');
    expect(show(d)).toBe('t.pkr.hcl:2: error cycle: Cycle between locals: local.a → local.b → local.c → local.a');
    expect(d.detail).toBe(
      ['local.a (line 2) refers to local.b', 'local.b (line 3) refers to local.c', 'local.c (line 4) refers to local.a'].join('\n'),
    );
  });

  it('reports a local that refers to itself', () => {
    expect(only(loadOne(`locals {\n  a = "\${local.a}x"\n}\n`), 'cycle').summary).toBe('Cycle between locals: local.a → local.a');
  });

  it('reports overlapping cycles as one cycle with all their members', () => {
    const r = loadOne(`locals {\n  a = [local.b, local.c]\n  b = local.a\n  c = local.a\n}\n`);
    const d = only(r, 'cycle');
    expect(d.summary).toBe('Cycle between locals: local.a → local.b → local.a');
    expect(d.detail!.split('\n').map((l) => l.split(' ')[0])).toEqual(['local.a', 'local.b', 'local.c']);
  });

  it('reports separate cycles separately', () => {
    const r = loadOne(`locals {\n  a = local.b\n  b = local.a\n  c = local.d\n  d = local.c\n}\n`);
    expect(errors(r).map(show)).toEqual([
      't.pkr.hcl:2: error cycle: Cycle between locals: local.a → local.b → local.a',
      't.pkr.hcl:4: error cycle: Cycle between locals: local.c → local.d → local.c',
    ]);
  });

  it('skips locals that depend on a cycle without further errors and evaluates the rest', () => {
    const r = loadOne(`locals {\n  a = local.b\n  b = local.a\n  uses_a  = upper(local.a)\n  uses_it = "\${local.uses_a}!"\n  fine    = 1\n}\n`);
    expect(errors(r).map((d) => d.code)).toEqual(['cycle']);
  });
});

describe('failed inputs of locals', () => {
  it('does not report a local that uses a failed variable, nor the locals that use that local', () => {
    const r = loadOne(`variable "size" {\n  type = number\n}\nlocals {\n  double = var.size * 2\n  label  = "\${local.double}GB"\n  other  = 1\n}\n`);
    expect(errors(r).map((d) => d.code)).toEqual(['unset-variable']);
  });

  it('does not cascade from a local whose own expression fails', () => {
    const r = loadOne(`locals {\n  bad  = 1 + "x"\n  uses = local.bad + 1\n}\n`);
    expect(errors(r).map(at)).toEqual(['t.pkr.hcl:2']);
  });
});
