import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fmt } from '../../src/cli/commands/fmt.js';
import { error } from '../../src/template/diagnostics.js';
import { fakeEngine } from '../_helpers/fake-engine.js';
import { testdir } from '../_helpers/cli.js';
import { memoryHost } from '../_helpers/memory-host.js';
import { range } from '../_helpers/template.js';

/** A formatter that only puts spaces around "=", enough to tell formatted from not. */
const engine = fakeEngine({
  format: (text, filename) =>
    text.includes('{{')
      ? { output: text, diagnostics: [error('syntax', 'Unexpected "{"', range(filename, 1, 1, 3))] }
      : { output: text.replace(/\s*=\s*/g, ' = '), diagnostics: [] },
});

const defaults = { check: false, diff: false, write: true, recursive: false };

describe('fmt', () => {
  it('rewrites files that need it and names them', async () => {
    const cwd = testdir({ 'a.hcl': 'x=1\n', 'b.hcl': 'y = 2\n' });
    const io = memoryHost({ cwd });
    expect(await fmt({ ...defaults, paths: ['a.hcl', 'b.hcl'] }, io.host, engine)).toBe(0);
    expect(io.stdout()).toBe('a.hcl\n');
    expect(readFileSync(path.join(cwd, 'a.hcl'), 'utf8')).toBe('x = 1\n');
  });

  it('with --check writes nothing and exits 3 when a file needs formatting, like packer fmt -check', async () => {
    const cwd = testdir({ 'a.hcl': 'x=1\n' });
    const io = memoryHost({ cwd });
    expect(await fmt({ ...defaults, check: true, paths: ['a.hcl'] }, io.host, engine)).toBe(3);
    expect(io.stdout()).toBe('a.hcl\n');
    expect(readFileSync(path.join(cwd, 'a.hcl'), 'utf8')).toBe('x=1\n');
  });

  it('with --check exits 0 when everything is formatted', async () => {
    const cwd = testdir({ 'a.hcl': 'x = 1\n' });
    const io = memoryHost({ cwd });
    expect(await fmt({ ...defaults, check: true, paths: ['.'] }, io.host, engine)).toBe(0);
    expect(io.stdout()).toBe('');
  });

  it('with --write=false only lists the files', async () => {
    const cwd = testdir({ 'a.hcl': 'x=1\n' });
    expect(await fmt({ ...defaults, write: false, paths: ['a.hcl'] }, memoryHost({ cwd }).host, engine)).toBe(0);
    expect(readFileSync(path.join(cwd, 'a.hcl'), 'utf8')).toBe('x=1\n');
  });

  it('prints a unified diff with --diff', async () => {
    const cwd = testdir({ 'a.hcl': 'x=1\n' });
    const io = memoryHost({ cwd });
    await fmt({ ...defaults, check: true, diff: true, paths: ['a.hcl'] }, io.host, engine);
    expect(io.stdout()).toBe('a.hcl\n--- a/a.hcl\n+++ b/a.hcl\n@@ -1,1 +1,1 @@\n-x=1\n+x = 1\n');
  });

  it('formats the *.hcl files of a directory, and of its subdirectories with --recursive', async () => {
    const cwd = testdir({ 'd/a.hcl': 'a=1\n', 'd/notes.txt': 'n=1\n', 'd/sub/b.pkr.hcl': 'b=1\n' });
    const flat = memoryHost({ cwd });
    await fmt({ ...defaults, check: true, paths: ['d'] }, flat.host, engine);
    expect(flat.stdout()).toBe('d/a.hcl\n');
    const deep = memoryHost({ cwd });
    await fmt({ ...defaults, check: true, recursive: true, paths: ['d'] }, deep.host, engine);
    expect(deep.stdout()).toBe('d/a.hcl\nd/sub/b.pkr.hcl\n');
  });

  it('reports a file that does not parse, leaves it alone, and exits 1', async () => {
    const cwd = testdir({ 'bad.hcl': '{{ x=1\n', 'ok.hcl': 'y=1\n' });
    const io = memoryHost({ cwd });
    expect(await fmt({ ...defaults, check: true, paths: ['bad.hcl', 'ok.hcl'] }, io.host, engine)).toBe(1);
    expect(io.stderr()).toBe('bad.hcl:1:1: error: Unexpected "{"\n  1 | {{ x=1\n    | ^~\n1 error in bad.hcl\n');
    expect(io.stdout()).toBe('ok.hcl\n');
    expect(readFileSync(path.join(cwd, 'bad.hcl'), 'utf8')).toBe('{{ x=1\n');
  });
});
