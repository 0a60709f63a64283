import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdir } from '../../_helpers/cli.js';
import { isLocalBuilderError, LocalErrorCode } from '../../../src/builders/local/local-errors.js';
import { createNodeProcessRunner } from '../../../src/builders/local/process.js';
import { convertImage, createOverlay, imageInfo, parseImageInfo } from '../../../src/builders/local/qemu-img.js';
import { systemClock } from '../../../src/runtime/clock.js';
import { fakeProcessRunner } from './fake-process-runner.js';

const scratch = () => testdir();
const chainJson = readFileSync(new URL('./fixtures/qemu-img-info-chain.json', import.meta.url), 'utf8');

describe('createOverlay', () => {
  it('records the parent relative to the child, with the backing format qemu 7.2 requires', async () => {
    const dir = scratch();
    const runner = fakeProcessRunner();
    await createOverlay(runner, { parent: path.join(dir, 'base/disk.qcow2'), child: path.join(dir, 'layers/app.qcow2') });
    expect(runner.calls.map((c) => [c.command, ...c.args])).toEqual([
      ['qemu-img', 'create', '-q', '-f', 'qcow2', '-b', '../base/disk.qcow2', '-F', 'qcow2', path.join(dir, 'layers/app.qcow2')],
    ]);
  });

  it('records an absolute parent when asked', async () => {
    const dir = scratch();
    const runner = fakeProcessRunner();
    await createOverlay(runner, { parent: '/images/base.qcow2', child: path.join(dir, 'app.qcow2'), backingPath: 'absolute' });
    expect(runner.calls[0]!.args).toContain('/images/base.qcow2');
  });

  it('refuses to overwrite an existing image', async () => {
    const dir = scratch();
    writeFileSync(path.join(dir, 'app.qcow2'), 'a layer someone built');
    const runner = fakeProcessRunner();
    const err = await createOverlay(runner, { parent: '/images/base.qcow2', child: path.join(dir, 'app.qcow2') }).catch((e: unknown) => e);
    expect(isLocalBuilderError(err, LocalErrorCode.imageExists)).toBe(true);
    expect(runner.calls).toEqual([]);
    expect(readFileSync(path.join(dir, 'app.qcow2'), 'utf8')).toBe('a layer someone built');
  });

  it('removes a half-written child when qemu-img fails', async () => {
    const dir = scratch();
    const child = path.join(dir, 'app.qcow2');
    const runner = fakeProcessRunner(() => {
      writeFileSync(child, 'partial');
      return { exitCode: 1, stderr: "qemu-img: Could not open backing file: No such file or directory\n" };
    });
    const err = await createOverlay(runner, { parent: path.join(dir, 'missing.qcow2'), child }).catch((e: unknown) => e);
    expect(isLocalBuilderError(err, LocalErrorCode.processFailed)).toBe(true);
    expect((err as Error).message).toContain('Could not open backing file');
    expect(existsSync(child)).toBe(false);
  });
});

describe('convertImage', () => {
  it('converts raw to qcow2, and removes the target when aborted', async () => {
    const dir = scratch();
    const target = path.join(dir, 'disk.qcow2');
    const ok = fakeProcessRunner();
    await convertImage(ok, { source: path.join(dir, 'disk.raw'), sourceFormat: 'raw', target, targetFormat: 'qcow2' });
    expect(ok.calls[0]!.args).toEqual(['convert', '-q', '-f', 'raw', '-O', 'qcow2', path.join(dir, 'disk.raw'), target]);

    const ac = new AbortController();
    const aborted = fakeProcessRunner(() => {
      writeFileSync(target, 'partial');
      ac.abort(new Error('cancelled'));
      return { keepRunning: true };
    });
    await expect(convertImage(aborted, { source: 'x.raw', sourceFormat: 'raw', target, targetFormat: 'qcow2', signal: ac.signal })).rejects.toThrow('cancelled');
    expect(existsSync(target)).toBe(false);
  });
});

describe('imageInfo', () => {
  it('reads sizes and the whole backing chain, with backing paths resolved', () => {
    const info = parseImageInfo(chainJson, '/images/b/child.qcow2');
    expect(info).toMatchObject({
      filename: '/images/b/child.qcow2',
      format: 'qcow2',
      virtualSize: 67108864,
      actualSize: 200704,
      backingFile: '../a/base.qcow2',
      backingFilePath: '/images/a/base.qcow2',
      backingFormat: 'qcow2',
    });
    expect(info.chain.map((i) => i.filename)).toEqual(['/images/b/child.qcow2', '/images/a/base.qcow2']);
    expect(info.chain[1]!.backingFile).toBeUndefined();
  });

  it('asks for --force-share when reading an image a VM has open', async () => {
    const runner = fakeProcessRunner(() => ({ stdout: chainJson }));
    await imageInfo(runner, '/images/b/child.qcow2', { forceShare: true });
    expect(runner.calls[0]!.args).toEqual(['info', '--output=json', '--backing-chain', '-U', '/images/b/child.qcow2']);
  });

  it('says so when qemu-img prints something else', () => {
    const err = (() => {
      try {
        return parseImageInfo('{"virtual-size": "big"}', 'x.qcow2');
      } catch (e) {
        return e;
      }
    })();
    expect(isLocalBuilderError(err, LocalErrorCode.imageInfoUnreadable)).toBe(true);
  });
});

const hasQemuImg = spawnSync('qemu-img', ['--version']).status === 0;
describe.skipIf(!hasQemuImg)('with the real qemu-img', () => {
  it('makes overlays that still open after their directory tree is moved', async () => {
    const runner = createNodeProcessRunner({ clock: systemClock });
    const dir = scratch();
    mkdirSync(path.join(dir, 'tree/base'), { recursive: true });
    const base = path.join(dir, 'tree/base/disk.qcow2');
    expect(spawnSync('qemu-img', ['create', '-q', '-f', 'qcow2', base, '64M']).status).toBe(0);
    mkdirSync(path.join(dir, 'tree/app'));
    await createOverlay(runner, { parent: base, child: path.join(dir, 'tree/app/layer.qcow2') });
    renameSync(path.join(dir, 'tree'), path.join(dir, 'moved'));
    const info = await imageInfo(runner, path.join(dir, 'moved/app/layer.qcow2'));
    expect(info.backingFile).toBe('../base/disk.qcow2');
    expect(info.chain.map((i) => i.filename)).toEqual([path.join(dir, 'moved/app/layer.qcow2'), path.join(dir, 'moved/base/disk.qcow2')]);
    expect(info.virtualSize).toBe(64 * 2 ** 20);
    expect(info.actualSize).toBeLessThan(1 << 20);
  });
});
