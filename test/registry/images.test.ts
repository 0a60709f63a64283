import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ImageStore, newImageId, type ImageRecord } from '../../src/registry/images.js';
import { processStartTime } from '../../src/runtime/lock.js';

const homes: string[] = [];
function store() {
  const home = mkdtempSync(join(tmpdir(), 'bake-store-'));
  homes.push(home);
  return new ImageStore(home);
}
afterEach(() => homes.splice(0).forEach((h) => rmSync(h, { recursive: true, force: true })));

function record(over: Partial<ImageRecord> & { name: string }): ImageRecord {
  return {
    id: newImageId(),
    hash: 'h-' + over.name,
    template: `templates/${over.name}.hcl`,
    variables: {},
    createdAt: new Date().toISOString(),
    size: 1,
    virtualSize: 1,
    files: { disk: 'disk.qcow2', kernel: 'vmlinuz', initrd: 'initrd.img', log: 'build.log' },
    builder: 'qemu',
    ...over,
  };
}

function build(s: ImageStore, over: Partial<ImageRecord> & { name: string }): ImageRecord {
  const st = s.stage();
  writeFileSync(join(st.dir, 'disk.qcow2'), 'x');
  return s.commit(st, record(over));
}

describe('ImageStore', () => {
  it('commits a staged build as an image found by id, name and hash', () => {
    const s = store();
    const base = build(s, { name: 'os-base', hash: 'abc' });
    expect(s.get(base.id)?.name).toBe('os-base');
    expect(s.resolve('os-base')?.id).toBe(base.id);
    expect(s.byHash('abc')?.id).toBe(base.id);
    expect(existsSync(join(s.imageDir(base.id), 'disk.qcow2'))).toBe(true);
    expect(readdirSync(s.dir).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('resolves a name to its newest image', () => {
    const s = store();
    build(s, { name: 'app', createdAt: '2026-01-01T00:00:00.000Z' });
    const newer = build(s, { name: 'app', createdAt: '2026-02-01T00:00:00.000Z' });
    expect(s.resolve('app')?.id).toBe(newer.id);
  });

  it('refuses to remove an image that another image is built on', () => {
    const s = store();
    const base = build(s, { name: 'os-base' });
    const app = build(s, { name: 'app', parent: base.id });
    const r = s.remove(base.id);
    expect(r).toMatchObject({ kind: 'refused' });
    if (r.kind === 'refused') expect(r.reason).toContain(app.id);
    expect(s.remove(app.id)).toEqual({ kind: 'removed' });
    expect(s.remove(base.id)).toEqual({ kind: 'removed' });
    expect(s.list()).toEqual([]);
  });

  it('refuses to remove an image a deployment uses', () => {
    const s = store();
    const img = build(s, { name: 'app' });
    expect(s.remove(img.id, () => 'environment staging (web-staging-v003)')).toEqual({
      kind: 'refused',
      reason: `image ${img.id} (app) is used by environment staging (web-staging-v003)`,
    });
  });

  it('finds staging left by a dead build and leaves a live one alone', async () => {
    const s = store();
    const live = s.stage();
    const dead = s.stage();
    const child = spawn(process.execPath, ['-e', '0']);
    const pid = child.pid!;
    const start = processStartTime(pid) ?? '1';
    await new Promise((r) => child.on('exit', r));
    writeFileSync(join(dead.dir, 'owner.json'), JSON.stringify({ pid, processStart: start }));
    expect(s.abandonedStaging()).toEqual([dead.dir]);
    s.discard(live);
  });

  it('never lists a staged build as an image', () => {
    const s = store();
    s.stage();
    expect(s.list()).toEqual([]);
  });
});
