/**
 * qcow2 layers with qemu-img: a layer is an overlay whose backing file is its parent, so it holds
 * only the clusters the layer's build wrote (a delta, not a copy).
 *
 * Backing paths. qemu resolves a relative backing file name against the directory of the image
 * that names it, never against the current directory. `createOverlay` stores the parent as a path
 * relative to the child by default, so a directory of layers can be moved or copied as a whole
 * and still opens; pass `backingPath: 'absolute'` when parent and child live in unrelated places.
 *
 * `-F qcow2` (the backing format) is always given: qemu 7.2 refuses to create an overlay without
 * it (the probing it used to do was a security problem), which is what breaks Packer 1.6.6's
 * `use_backing_file`.
 */
import { lstat, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { LocalBuilderError, LocalErrorCode } from './local-errors.js';
import { checkSucceeded, type ProcessRunner } from './process.js';

export const QEMU_IMG = 'qemu-img';

export interface ImageInfo {
  /** As qemu-img names it; for backing files, the resolved absolute path. */
  readonly filename: string;
  readonly format: string;
  /** The disk size the guest sees, in bytes. */
  readonly virtualSize: number;
  /** The bytes the file takes on the host (allocated blocks), which is what a layer costs. */
  readonly actualSize: number;
  /** The backing file name exactly as stored in the image (possibly relative). */
  readonly backingFile?: string;
  /** The backing file resolved to an absolute path. */
  readonly backingFilePath?: string;
  readonly backingFormat?: string;
}

export interface ImageChain extends ImageInfo {
  /** This image first, then its parent, and so on down to the base. */
  readonly chain: readonly ImageInfo[];
}

export interface CreateOverlayOptions {
  parent: string;
  child: string;
  /** How the parent is recorded in the child; default 'relative' (see the top of this file). */
  backingPath?: 'relative' | 'absolute';
  signal?: AbortSignal;
}

/** Creates an empty qcow2 overlay on parent, in an existing directory. Refuses to overwrite an existing child. */
export async function createOverlay(runner: ProcessRunner, opts: CreateOverlayOptions): Promise<void> {
  const child = path.resolve(opts.child);
  const parent = path.resolve(opts.parent);
  const backing = opts.backingPath === 'absolute' ? parent : path.relative(path.dirname(child), parent);
  await refuseExisting(child);
  await createThenCleanUp(child, async () => {
    const result = await runner.run(QEMU_IMG, overlayArgs(backing, child), opts.signal ? { signal: opts.signal } : {});
    checkSucceeded(result, `Check that ${parent} is a readable qcow2 image.`);
  });
}

export function overlayArgs(backing: string, child: string): string[] {
  return ['create', '-q', '-f', 'qcow2', '-b', backing, '-F', 'qcow2', child];
}

export interface ConvertOptions {
  source: string;
  sourceFormat: 'raw' | 'qcow2';
  target: string;
  targetFormat: 'qcow2' | 'raw';
  signal?: AbortSignal;
}

/** Converts an image (raw to qcow2 for a new base). Zero blocks stay unallocated in the target. */
export async function convertImage(runner: ProcessRunner, opts: ConvertOptions): Promise<void> {
  const target = path.resolve(opts.target);
  await refuseExisting(target);
  await createThenCleanUp(target, async () => {
    const args = ['convert', '-q', '-f', opts.sourceFormat, '-O', opts.targetFormat, path.resolve(opts.source), target];
    checkSucceeded(await runner.run(QEMU_IMG, args, opts.signal ? { signal: opts.signal } : {}));
  });
}

export interface InfoOptions {
  /**
   * Read an image a running qemu has open (`-U`, --force-share). Without it qemu-img fails on the
   * image lock. The numbers may then be a moment stale, which is fine for reporting.
   */
  forceShare?: boolean;
  signal?: AbortSignal;
}

/** Reads an image and its whole backing chain (`qemu-img info --output=json --backing-chain`). */
export async function imageInfo(runner: ProcessRunner, image: string, opts: InfoOptions = {}): Promise<ImageChain> {
  const args = ['info', '--output=json', '--backing-chain', ...(opts.forceShare ? ['-U'] : []), path.resolve(image)];
  const result = checkSucceeded(await runner.run(QEMU_IMG, args, opts.signal ? { signal: opts.signal } : {}));
  return parseImageInfo(result.stdout, image);
}

const infoEntry = z.object({
  filename: z.string(),
  format: z.string(),
  'virtual-size': z.number(),
  'actual-size': z.number().optional(),
  'backing-filename': z.string().optional(),
  'full-backing-filename': z.string().optional(),
  'backing-filename-format': z.string().optional(),
});

export function parseImageInfo(json: string, image: string): ImageChain {
  let parsed: z.infer<typeof infoEntry>[];
  try {
    const raw: unknown = JSON.parse(json);
    parsed = z.array(infoEntry).min(1).parse(Array.isArray(raw) ? raw : [raw]);
  } catch (e) {
    throw new LocalBuilderError(LocalErrorCode.imageInfoUnreadable, `qemu-img info printed something unexpected for ${image}`, {
      cause: e,
      hint: 'Is this qemu-img older than 5.0? bake needs qemu 7.2 or later.',
    });
  }
  const chain = parsed.map((e): ImageInfo => ({
    filename: path.resolve(e.filename),
    format: e.format,
    virtualSize: e['virtual-size'],
    actualSize: e['actual-size'] ?? 0,
    ...(e['backing-filename'] === undefined ? {} : { backingFile: e['backing-filename'] }),
    ...(e['full-backing-filename'] === undefined ? {} : { backingFilePath: path.resolve(e['full-backing-filename']) }),
    ...(e['backing-filename-format'] === undefined ? {} : { backingFormat: e['backing-filename-format'] }),
  }));
  return { ...chain[0]!, chain };
}

async function refuseExisting(file: string): Promise<void> {
  const exists = await lstat(file).then(
    () => true,
    () => false,
  );
  if (exists) {
    throw new LocalBuilderError(LocalErrorCode.imageExists, `${file} already exists; bake does not overwrite images`, {
      hint: 'Remove it, or give the new image another name.',
    });
  }
}

/** Runs create(); if it fails, removes whatever part of `file` it left behind. */
async function createThenCleanUp(file: string, create: () => Promise<void>): Promise<void> {
  try {
    await create();
  } catch (e) {
    await rm(file, { force: true });
    throw e;
  }
}
