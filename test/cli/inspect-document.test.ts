import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { toInspectDocument } from '../../src/cli/inspect-document.js';
import { renderInspect } from '../../src/cli/render-inspect.js';
import { Redactor } from '../../src/cli/redactor.js';
import { build, provisioner, source, template, variable } from '../_helpers/template.js';

const cwd = path.resolve('/srv/bake');

const qemu = source('qemu', 'base', { memory: 1024, accelerator: 'tcg', ssh_password: 'hunter2' });
const tpl = template({
  files: [path.join(cwd, 'templates', 'app.pkr.hcl')],
  variables: [
    variable('app_version', { type: 'string', value: '7.0.109', description: 'Tomcat version' }),
    variable('db_password', { type: 'string', sensitive: true, value: 'hunter2', from: 'cli' }),
    variable('tags', { value: { b: '2', a: '1' } }),
  ],
  locals: { image: 'app-7.0.109' },
  sources: [qemu],
  builds: [
    build([qemu], {
      name: 'app',
      provisioners: [
        provisioner('shell', { config: { inline: ['apt-get update'] } }),
        provisioner('file', { name: 'config', config: { source: 'a', destination: '/b' } }),
        provisioner('shell', { only: ['qemu.base'], config: { script: 'x.sh' } }),
      ],
    }),
  ],
});

function redactor(...secrets: string[]): (s: string) => string {
  const r = new Redactor();
  r.add(secrets);
  return (s) => r.redact(s);
}

describe('toInspectDocument', () => {
  const doc = toInspectDocument(tpl, { cwd, redact: redactor('hunter2') });

  it('keeps provisioners in declared order with their type and name', () => {
    expect(doc.builds[0]!.provisioners.map((p) => [p.type, p.name])).toEqual([
      ['shell', null],
      ['file', 'config'],
      ['shell', null],
    ]);
    expect(doc.builds[0]!.provisioners[2]!.only).toEqual(['qemu.base']);
  });

  it('lists the sources of each build by ref', () => {
    expect(doc.sources.map((s) => s.ref)).toEqual(['qemu.base']);
    expect(doc.builds[0]!.sources.map((s) => s.ref)).toEqual(['qemu.base']);
  });

  it('replaces the value of a sensitive variable, and the secret wherever else it appears', () => {
    expect(doc.variables.find((v) => v.name === 'db_password')).toEqual({
      name: 'db_password',
      type: 'string',
      description: null,
      sensitive: true,
      value: '<sensitive>',
      from: 'cli',
    });
    expect(doc.sources[0]!.config.ssh_password).toBe('<sensitive>');
    expect(JSON.stringify(doc)).not.toContain('hunter2');
  });

  it('redacts a sensitive variable even when no redactor is given', () => {
    const bare = toInspectDocument(tpl, { cwd });
    expect(bare.variables[1]!.value).toBe('<sensitive>');
  });

  it('is stable: sorted object keys, null for what is absent, type any when none is given', () => {
    expect(Object.keys(doc.sources[0]!.config)).toEqual(['accelerator', 'memory', 'ssh_password']);
    expect(Object.keys(doc.variables[2]!.value as object)).toEqual(['a', 'b']);
    expect(doc.variables[2]!.type).toBe('any');
    expect(doc.builds[0]!.description).toBeNull();
    expect(doc.files).toEqual(['templates/app.pkr.hcl']);
    expect(Object.keys(doc)).toEqual(['formatVersion', 'files', 'variables', 'locals', 'sources', 'data', 'builds']);
  });
});

describe('renderInspect', () => {
  const text = renderInspect(toInspectDocument(tpl, { cwd, redact: redactor('hunter2') }));

  it('shows variables with type, value and description, sensitive ones as <sensitive>', () => {
    expect(text).toContain('  app_version (string) = "7.0.109"\n      Tomcat version\n');
    expect(text).toContain('  db_password (string, sensitive) = <sensitive>  from --var\n');
    expect(text).not.toContain('hunter2');
  });

  it('shows each build with its sources and numbered provisioners in order', () => {
    expect(text).toContain(
      [
        '  build "app"',
        '    sources:',
        '      qemu.base',
        '    provisioners:',
        '      1. shell',
        '      2. file  "config"',
        '      3. shell  only qemu.base',
        '    post-processors:',
        '      (none)',
      ].join('\n'),
    );
  });

  it('shows source settings aligned', () => {
    expect(text).toContain('  qemu.base\n    accelerator  = "tcg"\n    memory       = 1024\n');
  });
});
