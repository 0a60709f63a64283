import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { realEngine } from '../../src/cli/engine.js';
import { at, errors, loaded, loadInline, loadOne, only, show } from '../_helpers/load.js';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('which files make up a template', () => {
  it('merges the blocks of every *.pkr.hcl and *.hcl of a directory, ignoring other files', () => {
    const r = loadInline({
      'vars.pkr.hcl': `variable "parent" {\n  default = "os"\n}\n`,
      'main.hcl': `source "qemu" "app" {\n  parent = local.parent\n}\nbuild {\n  sources = ["source.qemu.app"]\n}\n`,
      'locals.pkr.hcl': `locals {\n  parent = var.parent\n}\n`,
      'notes.md': 'not HCL {',
      'dev.pkrvars.hcl': 'parent = "ignored"\n',
    });
    const t = loaded(r);
    expect(t.files).toEqual(['locals.pkr.hcl', 'main.hcl', 'vars.pkr.hcl']);
    expect(t.root).toBe('.');
    expect(t.builds[0]!.sources[0]!.config).toEqual({ parent: 'os' });
  });

  it('uses the directory of a single-file template as path.root', () => {
    const t = loaded(loadInline({ 'tpl/one.pkr.hcl': `locals {\n  root = path.root\n}\n` }, { path: 'tpl/one.pkr.hcl' }));
    expect([t.root, t.locals.root]).toEqual(['tpl', 'tpl']);
  });

  it('reports a missing template, an empty directory, a JSON template and an unreadable --var-file', () => {
    expect(only(loadOne('', { path: 'nope.pkr.hcl' }), 'file-not-found').summary).toBe('No template at "nope.pkr.hcl"');
    expect(only(loadInline({ 'dir/readme.md': '' }, { path: 'dir' }), 'file-not-found').summary).toBe('No *.pkr.hcl or *.hcl files in directory "dir"');
    expect(only(loadInline({ 't.pkr.json': '{}' }, { path: 't.pkr.json' }), 'not-supported-yet').summary).toBe('JSON templates are not supported yet: "t.pkr.json"');
    expect(only(loadOne(`variable "a" {\n  default = 1\n}\n`, { varFiles: ['missing.pkrvars.hcl'] }), 'file-read').summary).toBe('Cannot read "missing.pkrvars.hcl"');
  });

  it('loads a directory from disk with the real engine, auto var files included', async () => {
    const dir = path.join(here, 'load-fixtures', 'layered');
    const r = await realEngine().load({ path: '.', cwd: dir, env: {}, vars: [], varFiles: [] });
    expect(r.diagnostics).toEqual([]);
    const t = r.template!;
    expect(t.files).toEqual(['build.pkr.hcl', 'sources.pkr.hcl', 'variables.pkr.hcl']);
    expect(t.variables[0]).toMatchObject({ name: 'parent', value: 'tomcat', from: 'auto-var-file' });
    expect(t.builds[0]!.sources[0]!.provisioners[0]!.config.inline).toEqual(['echo building app on tomcat']);
    expect([...r.sources.keys()]).toEqual(['build.pkr.hcl', 'sources.pkr.hcl', 'variables.pkr.hcl', 'site.auto.pkrvars.hcl']);
  });
});

describe('errors across files', () => {
  it('reports errors from every file of a directory in one run', () => {
    const r = loadInline({
      'a.pkr.hcl': `source "qemu" "x" {\n  parent      = "p"\n  accelerator = "kv"\n}\n`,
      'b.pkr.hcl': `locals {\n  n = 1\n}\nsource "qemu" "y" {\n  cpu = 2\n}\n`,
    });
    expect(errors(r).map(at)).toEqual(['a.pkr.hcl:3', 'b.pkr.hcl:5']);
  });

  it('reports a variable declared in two files at the second, naming the first file and line', () => {
    const r = loadInline({ 'a.pkr.hcl': `\nvariable "region" {\n  default = "a"\n}\n`, 'b.pkr.hcl': `variable "region" {\n  default = "b"\n}\n` });
    const d = only(r, 'duplicate-block');
    expect(at(d)).toBe('b.pkr.hcl:1');
    expect(d.detail).toBe('A variable named "region" was already declared at a.pkr.hcl:2.');
  });

  it('keeps evaluating the other files when one has a syntax error, without errors caused by it', () => {
    const r = loadInline({
      'a.pkr.hcl': `locals {\n  sum = 1 +\n  ok  = local.sum\n}\n`,
      'b.pkr.hcl': `source "qemu" "x" {\n  parent = "p"\n  cpus   = "two"\n}\n`,
    });
    expect(errors(r).map((d) => `${at(d)} ${d.code}`)).toEqual(['a.pkr.hcl:2 syntax', 'b.pkr.hcl:3 type-mismatch']);
  });
});

describe('top level', () => {
  it('rejects arguments at the top level, pointing to locals, and suggests names for misspelt blocks', () => {
    const d = only(loadOne(`region = "eu"\n`), 'unknown-attribute');
    expect(show(d)).toBe('t.pkr.hcl:1: error unknown-attribute: Unexpected argument "region" at the top level');
    expect(d.hint).toBe('Top-level values belong in a locals block: locals { ... }');
    expect(only(loadOne(`variabel "x" {\n}\n`), 'unknown-block').hint).toBe('Did you mean "variable"?');
  });

  it('returns no template, but every diagnostic and source text, when there are errors', () => {
    const r = loadOne(`source "qemu" "x" {\n}\n`);
    expect(r.template).toBeUndefined();
    expect(r.sources.get('t.pkr.hcl')).toBe(`source "qemu" "x" {\n}\n`);
  });

  it('returns the template when there are only warnings', () => {
    const r = loadInline({ 't.pkr.hcl': `variable "a" {\n  default = 1\n}\n`, 'v.pkrvars.hcl': 'b = 2\n' }, { varFiles: ['v.pkrvars.hcl'] });
    expect(r.diagnostics.map((d) => d.severity)).toEqual(['warning']);
    expect(r.template).toBeDefined();
  });
});

describe('diagnostics', () => {
  it('are sorted by file, then position, with file-less ones first', () => {
    const r = loadInline(
      {
        'b.pkr.hcl': `source "qemu" "y" {\n  cpu = 1\n}\nlocals {\n  x = local.nope\n}\n`,
        'a.pkr.hcl': `locals {\n  y = 1 + true\n}\n`,
      },
      { vars: [{ name: 'undeclared', value: '1' }] },
    );
    // Evaluated in stage order (variables, locals, sources), reported in source order.
    expect(r.diagnostics.map(at)).toEqual(['(no location)', 'a.pkr.hcl:2', 'b.pkr.hcl:2', 'b.pkr.hcl:5']);
  });

  it('are reported once when the same problem arises for several build sources', () => {
    const r = loadOne(`source "qemu" "a" {\n  parent = "p"\n  cpus   = "x"\n}\nbuild {\n  source "source.qemu.a" {\n    name = "one"\n  }\n  source "source.qemu.a" {\n    name = "two"\n  }\n  provisioner "file" {\n    destination = "/d"\n  }\n}\n`);
    expect(errors(r).map(at)).toEqual(['t.pkr.hcl:3', 't.pkr.hcl:12']);
  });
});
