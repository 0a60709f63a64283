import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheKey, type HashFs } from '../../src/build/cache-key.js';
import type { BuildSource, Provisioner } from '../../src/template/model.js';

let dir: string;
let fs: HashFs;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bake-hash-'));
  fs = {
    kind: (p) => {
      try {
        return statSync(p).isDirectory() ? 'dir' : 'file';
      } catch {
        return undefined;
      }
    },
    readFile: (p) => readFileSync(p),
    readDir: (p) => readdirSync(p),
    mode: (p) => statSync(p).mode,
    resolve: (p) => resolve(dir, p),
  };
  writeFileSync(join(dir, 'app.sh'), 'echo app\n');
  mkdirSync(join(dir, 'site'));
  writeFileSync(join(dir, 'site', 'index.html'), '<h1>v1</h1>');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const range = { filename: 't.hcl', start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } };
function source(provisioners: Provisioner[], config: Record<string, unknown> = { parent: 'os-base' }): BuildSource {
  const c = config as BuildSource['config'];
  return { ref: 'qemu.app', name: 'app', source: { type: 'qemu', name: 'app', ref: 'qemu.app', config: c, range }, config: c, provisioners, postProcessors: [], range };
}
const shell = (config: Provisioner['config']): Provisioner => ({ type: 'shell', config, range });
const file = (config: Provisioner['config']): Provisioner => ({ type: 'file', config, range });

const key = (s: BuildSource, parentId = 'img-1', variables = {}) => cacheKey({ parentId, source: s, variables }, fs);
const base = () => source([shell({ script: 'app.sh' }), file({ source: 'site/', destination: '/srv' })]);

describe('cacheKey', () => {
  it('is stable for the same inputs', () => {
    expect(key(base())).toBe(key(base()));
  });

  it('changes when a script the layer runs changes', () => {
    const before = key(base());
    writeFileSync(join(dir, 'app.sh'), 'echo app v2\n');
    expect(key(base())).not.toBe(before);
  });

  it('changes when a file inside an uploaded directory changes, or is added', () => {
    const before = key(base());
    writeFileSync(join(dir, 'site', 'index.html'), '<h1>v2</h1>');
    const edited = key(base());
    expect(edited).not.toBe(before);
    writeFileSync(join(dir, 'site', 'new.css'), '');
    expect(key(base())).not.toBe(edited);
  });

  it('changes when a script becomes executable', () => {
    const before = key(base());
    chmodSync(join(dir, 'app.sh'), 0o755);
    expect(key(base())).not.toBe(before);
  });

  it('changes with the parent image, the provisioner order, settings and variables', () => {
    const k = key(base());
    expect(key(base(), 'img-2')).not.toBe(k);
    expect(key(source([file({ source: 'site/', destination: '/srv' }), shell({ script: 'app.sh' })]))).not.toBe(k);
    expect(key(source(base().provisioners, { parent: 'os-base', memory: 2048 }))).not.toBe(k);
    expect(key(base(), 'img-1', { app_version: '2' })).not.toBe(key(base(), 'img-1', { app_version: '1' }));
  });

  it('ignores max_age, a rebuild policy rather than content, and key order', () => {
    expect(key(source(base().provisioners, { max_age: '24h', parent: 'os-base' }))).toBe(key(source(base().provisioners, { parent: 'os-base' })));
  });

  it('ignores files a download writes', () => {
    const dl = () => source([file({ source: '/var/log/x', destination: 'out/x', direction: 'download' })]);
    const before = key(dl());
    mkdirSync(join(dir, 'out'));
    writeFileSync(join(dir, 'out', 'x'), 'data');
    expect(key(dl())).toBe(before);
  });
});
