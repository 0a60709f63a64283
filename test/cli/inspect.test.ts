import { describe, expect, it } from 'vitest';
import { inspect } from '../../src/cli/commands/inspect.js';
import { error } from '../../src/template/diagnostics.js';
import { fakeEngine } from '../_helpers/fake-engine.js';
import { testdir } from '../_helpers/cli.js';
import { memoryHost } from '../_helpers/memory-host.js';
import { build, provisioner, source, template, variable } from '../_helpers/template.js';

const qemu = source('qemu', 'base', { ssh_password: 'hunter2' });
const loaded = {
  template: template({
    variables: [variable('password', { sensitive: true, value: 'hunter2' })],
    sources: [qemu],
    builds: [build([qemu], { provisioners: [provisioner('shell'), provisioner('file'), provisioner('shell')] })],
  }),
  diagnostics: [],
  sources: new Map<string, string>(),
  sensitive: ['hunter2'],
};

describe('inspect', () => {
  it('prints the JSON document with --json, redacted', async () => {
    const cwd = testdir({ 'app.hcl': '' });
    const io = memoryHost({ cwd });
    expect(await inspect({ file: 'app.hcl', json: true, vars: [], varFiles: [] }, io.host, fakeEngine({ load: loaded }))).toBe(0);
    const doc = JSON.parse(io.stdout());
    expect(doc.builds[0].provisioners.map((p: { type: string }) => p.type)).toEqual(['shell', 'file', 'shell']);
    expect(doc.variables[0].value).toBe('<sensitive>');
    expect(io.stdout()).not.toContain('hunter2');
  });

  it('prints the human view without --json', async () => {
    const cwd = testdir({ 'app.hcl': '' });
    const io = memoryHost({ cwd });
    await inspect({ file: 'app.hcl', json: false, vars: [], varFiles: [] }, io.host, fakeEngine({ load: loaded }));
    expect(io.stdout()).toContain('Builds:\n  build #1\n');
    expect(io.stdout()).toContain('ssh_password = "<sensitive>"');
    expect(io.stdout()).not.toContain('hunter2');
  });

  it('prints diagnostics and nothing on stdout for an invalid template', async () => {
    const cwd = testdir({ 'app.hcl': '' });
    const io = memoryHost({ cwd });
    const engine = fakeEngine({ load: { diagnostics: [error('syntax', 'Broken', undefined)], sources: new Map(), sensitive: [] } });
    expect(await inspect({ file: 'app.hcl', json: true, vars: [], varFiles: [] }, io.host, engine)).toBe(1);
    expect(io.stdout()).toBe('');
    expect(io.stderr()).toBe('error: Broken\n1 error in app.hcl\n');
  });
});
