import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validate } from '../../src/cli/commands/validate.js';
import { BakeError } from '../../src/errors.js';
import { error, warning } from '../../src/template/diagnostics.js';
import { fakeEngine } from '../_helpers/fake-engine.js';
import { testdir } from '../_helpers/cli.js';
import { memoryHost } from '../_helpers/memory-host.js';
import { range, template } from '../_helpers/template.js';

const noInputs = { vars: [], varFiles: [] };

describe('validate', () => {
  it('says a valid template is valid and passes the flags to the engine', async () => {
    const cwd = testdir({ 'app.pkr.hcl': '' });
    const io = memoryHost({ cwd, env: { PKR_VAR_x: '1' } });
    const engine = fakeEngine({ load: { template: template(), diagnostics: [], sources: new Map(), sensitive: [] } });
    const code = await validate({ files: ['app.pkr.hcl'], vars: [{ name: 'a', value: '1' }], varFiles: ['dev.pkrvars.hcl'], only: ['qemu.a'] }, io.host, engine);
    expect(code).toBe(0);
    expect(io.stdout()).toBe('app.pkr.hcl: the configuration is valid.\n');
    expect(engine.loads).toEqual([
      { path: path.join(cwd, 'app.pkr.hcl'), cwd, env: { PKR_VAR_x: '1' }, vars: [{ name: 'a', value: '1' }], varFiles: ['dev.pkrvars.hcl'], only: ['qemu.a'] },
    ]);
  });

  it('finds a template under templates/ of the working directory', async () => {
    const cwd = testdir({ 'templates/tomcat7-fluentd.hcl': '' });
    const io = memoryHost({ cwd });
    const engine = fakeEngine({ load: { template: template(), diagnostics: [], sources: new Map(), sensitive: [] } });
    expect(await validate({ files: ['tomcat7-fluentd.hcl'], ...noInputs }, io.host, engine)).toBe(0);
    expect(engine.loads[0]!.path).toBe(path.join(cwd, 'templates', 'tomcat7-fluentd.hcl'));
    expect(io.stdout()).toBe('templates/tomcat7-fluentd.hcl: the configuration is valid.\n');
  });

  it('passes a directory on to the engine', async () => {
    const cwd = testdir({ 'layers/a.pkr.hcl': '' });
    const engine = fakeEngine({ load: { template: template(), diagnostics: [], sources: new Map(), sensitive: [] } });
    await validate({ files: ['layers'], ...noInputs }, memoryHost({ cwd }).host, engine);
    expect(engine.loads[0]!.path).toBe(path.join(cwd, 'layers'));
  });

  it('names where it looked for a missing template and suggests a close name', async () => {
    const cwd = testdir({ 'templates/tomcat7-fluentd.hcl': '' });
    const err = await validate({ files: ['tomcat7-fluentd.hlc'], ...noInputs }, memoryHost({ cwd }).host, fakeEngine()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BakeError);
    expect(err).toMatchObject({
      code: 'ERR_BAKE_TEMPLATE_NOT_FOUND',
      message: 'template tomcat7-fluentd.hlc not found: looked for tomcat7-fluentd.hlc, templates/tomcat7-fluentd.hlc and pipelines/tomcat7-fluentd.hlc',
      hint: 'Did you mean "tomcat7-fluentd.hcl"?',
    });
  });

  it('finds a pipeline by its bare name in pipelines/, and suggests pipeline names too', async () => {
    const cwd = testdir({ 'pipelines/web.hcl': 'pipeline "web" {\n  template = "webapp.hcl"\n}\n' });
    const err = await validate({ files: ['wbe.hcl'], ...noInputs }, memoryHost({ cwd }).host, fakeEngine()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_BAKE_TEMPLATE_NOT_FOUND', hint: 'Did you mean "web.hcl"?' });
    const io = memoryHost({ cwd });
    await validate({ files: ['web.hcl'], ...noInputs }, io.host, fakeEngine());
    expect(io.stdout() + io.stderr()).toContain('pipelines/web.hcl');
  });

  it('prints every diagnostic with its source line, then a count, and exits 1', async () => {
    const cwd = testdir({ 'app.pkr.hcl': '' });
    const file = path.join(cwd, 'app.pkr.hcl');
    const text = 'source "qemu" "a" {\n  mem_size = 1\n  cpu = 2\n}\n';
    const engine = fakeEngine({
      load: {
        diagnostics: [
          error('unknown-attribute', 'Unsupported argument "cpu"', range(file, 3, 3, 6), { hint: 'Did you mean "cpus"?' }),
          error('unknown-attribute', 'Unsupported argument "mem_size"', range(file, 2, 3, 11)),
        ],
        sources: new Map([[file, text]]),
        sensitive: [],
      },
    });
    const io = memoryHost({ cwd });
    expect(await validate({ files: ['app.pkr.hcl'], ...noInputs }, io.host, engine)).toBe(1);
    expect(io.stdout()).toBe('');
    expect(io.stderr()).toBe(
      [
        'app.pkr.hcl:2:3: error: Unsupported argument "mem_size"',
        '  2 |   mem_size = 1',
        '    |   ^~~~~~~~',
        'app.pkr.hcl:3:3: error: Unsupported argument "cpu"',
        '  3 |   cpu = 2',
        '    |   ^~~',
        '  hint: Did you mean "cpus"?',
        '2 errors in app.pkr.hcl',
        '',
      ].join('\n'),
    );
  });

  it('never prints the value of a sensitive variable, even inside a diagnostic', async () => {
    const cwd = testdir({ 'app.pkr.hcl': '' });
    const file = path.join(cwd, 'app.pkr.hcl');
    const engine = fakeEngine({
      load: {
        diagnostics: [error('variable-validation', 'Invalid value for variable "db_password"', range(file, 1, 1), { detail: 'got "hunter2"' })],
        sources: new Map([[file, 'db_password = "hunter2"\n']]),
        sensitive: ['hunter2'],
      },
    });
    const io = memoryHost({ cwd });
    await validate({ files: ['app.pkr.hcl'], ...noInputs }, io.host, engine);
    expect(io.stderr()).toContain('db_password = "<sensitive>"');
    expect(io.stderr()).toContain('got "<sensitive>"');
    expect(io.stderr()).not.toContain('hunter2');
  });

  it('validates every file given and fails if any is invalid', async () => {
    const cwd = testdir({ 'good.hcl': '', 'bad.hcl': '' });
    const engine = fakeEngine({
      load: (opts) =>
        opts.path.endsWith('bad.hcl')
          ? { diagnostics: [error('syntax', 'Broken', undefined)], sources: new Map(), sensitive: [] }
          : { template: template(), diagnostics: [], sources: new Map(), sensitive: [] },
    });
    const io = memoryHost({ cwd });
    expect(await validate({ files: ['good.hcl', 'bad.hcl'], ...noInputs }, io.host, engine)).toBe(1);
    expect(io.stdout()).toBe('good.hcl: the configuration is valid.\n');
    expect(io.stderr()).toBe('error: Broken\n1 error in bad.hcl\n');
  });

  it('reports warnings on a valid template and still exits 0', async () => {
    const cwd = testdir({ 'app.hcl': '' });
    const engine = fakeEngine({
      load: { template: template(), diagnostics: [warning('not-supported-yet', 'Ignored: headless', undefined)], sources: new Map(), sensitive: [] },
    });
    const io = memoryHost({ cwd });
    expect(await validate({ files: ['app.hcl'], ...noInputs }, io.host, engine)).toBe(0);
    expect(io.stderr()).toBe('warning: Ignored: headless\n1 warning in app.hcl\n');
  });
});
