/**
 * The Debian 12 base image the integration tests boot, made with rootfs.ts.
 *
 * Making one takes a minute or two (mmdebstrap downloads and installs ~400 MB). Set
 * BAKE_TEST_BASE_IMAGE to a directory to make it there once and reuse it across runs and test
 * files: images are kept in a subdirectory named after a hash of everything that shapes them (the
 * bootstrap block, bake's boot packages, the guest configuration), so a change to any of those
 * makes a new one. Tests never boot the cached image itself, only a copy in their own work
 * directory. Without the variable, the image is made in the test's work directory and goes with it.
 */
import { createHash } from 'node:crypto';
import { constants, existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bootstrapPackages, type BootstrapSpec } from '../../../src/builders/local/bootstrap.js';
import { guestConfig } from '../../../src/builders/local/guest-config.js';
import type { ProcessRunner } from '../../../src/builders/local/process.js';
import { BASE_IMAGE_FILES, makeBaseImage, type BaseImage } from '../../../src/builders/local/rootfs.js';
import type { Clock } from '../../../src/runtime/clock.js';

export const TEST_BOOTSTRAP: BootstrapSpec = { suite: 'bookworm', variant: 'minbase', packages: ['ca-certificates'] };
export const TEST_DISK_SIZE = '4G';
export const TEST_HOSTNAME = 'bake-test-base';

export interface TestBaseImage {
  disk: string;
  kernel: string;
  initrd: string;
  /** Present when the image was made by this call rather than copied from the cache. */
  made?: BaseImage;
}

const OUTPUTS = [BASE_IMAGE_FILES.disk, BASE_IMAGE_FILES.kernel, BASE_IMAGE_FILES.initrd];

export async function baseImageForTest(
  deps: { runner: ProcessRunner; clock: Clock },
  workDir: string,
  cacheDir: string | undefined,
): Promise<TestBaseImage> {
  const into = path.join(workDir, 'base');
  await mkdir(into, { recursive: true });
  const files = {
    disk: path.join(into, BASE_IMAGE_FILES.disk),
    kernel: path.join(into, BASE_IMAGE_FILES.kernel),
    initrd: path.join(into, BASE_IMAGE_FILES.initrd),
  };
  const make = (dir: string) =>
    makeBaseImage(deps, { bootstrap: TEST_BOOTSTRAP, diskSize: TEST_DISK_SIZE, hostname: TEST_HOSTNAME, workDir: dir });

  if (cacheDir === undefined || cacheDir === '') return { ...files, made: await make(into) };

  const cached = path.join(path.resolve(cacheDir), imageKey());
  let made: BaseImage | undefined;
  if (!existsSync(path.join(cached, 'complete'))) {
    await mkdir(path.dirname(cached), { recursive: true });
    const building = await mkdtemp(`${cached}.building-`);
    try {
      made = await make(building);
      await writeFile(path.join(building, 'complete'), `${JSON.stringify(made, null, 2)}\n`);
      // Another test file may have finished first; then keep theirs.
      await rename(building, cached).catch(() => undefined);
    } finally {
      await rm(building, { recursive: true, force: true });
    }
  }
  for (const name of OUTPUTS) await copyFile(path.join(cached, name), path.join(into, name), constants.COPYFILE_FICLONE);
  return made ? { ...files, made } : files;
}

function imageKey(): string {
  const shape = { bootstrap: TEST_BOOTSTRAP, packages: bootstrapPackages(TEST_BOOTSTRAP), guest: guestConfig({ hostname: TEST_HOSTNAME }), size: TEST_DISK_SIZE };
  const json = JSON.stringify(shape, (_k, v: unknown) => (v instanceof RegExp ? v.source : v));
  return `debian-${TEST_BOOTSTRAP.suite}-${createHash('sha256').update(json).digest('hex').slice(0, 16)}`;
}

/** Whether a cached image exists, for the test log. */
export async function describeCache(cacheDir: string | undefined): Promise<string> {
  if (!cacheDir) return 'BAKE_TEST_BASE_IMAGE not set: making a fresh base image';
  const marker = path.join(path.resolve(cacheDir), imageKey(), 'complete');
  return (await readFile(marker, 'utf8').then(() => true, () => false))
    ? `reusing the base image cached in ${path.dirname(marker)}`
    : `making the base image and caching it in ${path.dirname(marker)}`;
}
