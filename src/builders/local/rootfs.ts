/**
 * An OS base image made from nothing: mmdebstrap into a directory, configure it for qemu's direct
 * kernel boot (guest-config.ts), pack it into an ext4 filesystem that fills a raw disk
 * (`mkfs.ext4 -d`, no partition table: the kernel mounts /dev/vda), convert that to qcow2, and copy
 * the image's own kernel and initrd out next to it for `-kernel`/`-initrd`.
 *
 * Everything happens in the caller's work directory, under fixed names (BASE_IMAGE_FILES). What
 * this made is removed again if it fails or is aborted; on success only the three outputs remain.
 *
 * Runs as root: mmdebstrap needs root to create a rootfs with the right owners (we use its
 * unshare mode as root, see bootstrap.ts), and mkfs.ext4 -d copies owners as it finds them.
 */
import { chmod, copyFile, lstat, mkdir, open, readdir, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../runtime/clock.js';
import { bootstrapPackages, MMDEBSTRAP, mmdebstrapArgs, type BootstrapSpec } from './bootstrap.js';
import { parseDiskSize } from './disk-size.js';
import { guestConfig, type GuestConfig } from './guest-config.js';
import { LocalBuilderError, LocalErrorCode } from './local-errors.js';
import { checkSucceeded, ProcessFailedError, type ProcessRunner } from './process.js';
import { convertImage } from './qemu-img.js';
import { removeTree } from './safe-remove.js';

export const MKFS_EXT4 = 'mkfs.ext4';

/** Names inside the work directory. */
export const BASE_IMAGE_FILES = {
  disk: 'disk.qcow2',
  kernel: 'vmlinuz',
  initrd: 'initrd.img',
  /** Intermediate: removed when done. */
  rootfs: 'rootfs',
  raw: 'disk.raw',
} as const;

export interface BaseImageRequest {
  bootstrap: BootstrapSpec;
  /** The template's disk_size ("4G"); the filesystem fills it. */
  diskSize: string;
  hostname: string;
  /** Must exist; must not already hold the files above. */
  workDir: string;
  signal?: AbortSignal;
  /** mmdebstrap's and mkfs's progress as it arrives. */
  onOutput?: (tool: string, chunk: string) => void;
}

export interface BaseImage {
  disk: string;
  kernel: string;
  initrd: string;
  /** From the kernel's file name, e.g. "6.1.0-28-cloud-amd64". */
  kernelVersion: string;
  packages: string[];
  diskBytes: number;
  rootfsBytes: number;
  timings: { bootstrapMs: number; configureMs: number; mkfsMs: number; convertMs: number; totalMs: number };
}

export interface BaseImageDeps {
  runner: ProcessRunner;
  clock: Clock;
}

export async function makeBaseImage(deps: BaseImageDeps, req: BaseImageRequest): Promise<BaseImage> {
  const { runner, clock } = deps;
  const diskBytes = parseDiskSize(req.diskSize);
  const at = (name: keyof typeof BASE_IMAGE_FILES) => path.resolve(req.workDir, BASE_IMAGE_FILES[name]);
  const run = (tool: string, args: string[]) =>
    runner.run(tool, args, {
      ...(req.signal ? { signal: req.signal } : {}),
      ...(req.onOutput ? { onOutput: (_s: 'stdout' | 'stderr', chunk: string) => req.onOutput!(tool, chunk) } : {}),
    });

  // Each undo is recorded before the thing it removes is made; they run in reverse on failure.
  const undo: { name: keyof typeof BASE_IMAGE_FILES; run: () => Promise<void> }[] = [];
  const removeFile = (file: string) => () => rm(file, { force: true });
  const started = clock.now();
  const lap = (() => {
    let last = started;
    return () => {
      const now = clock.now();
      const ms = now - last;
      last = now;
      return ms;
    };
  })();

  // Undo is only safe for what this call made: refuse to start over anything already there.
  for (const name of Object.keys(BASE_IMAGE_FILES) as (keyof typeof BASE_IMAGE_FILES)[]) {
    if (await exists(at(name))) {
      throw new LocalBuilderError(LocalErrorCode.imageExists, `${at(name)} already exists`, {
        hint: 'Give makeBaseImage an empty work directory.',
      });
    }
  }

  try {
    const rootfs = at('rootfs');
    undo.push({ name: 'rootfs', run: () => removeTree(rootfs) });
    await mkdir(rootfs);
    const mm = await run(MMDEBSTRAP, mmdebstrapArgs(req.bootstrap, rootfs));
    try {
      checkSucceeded(mm);
    } catch (e) {
      if (!(e instanceof ProcessFailedError)) throw e;
      throw new LocalBuilderError(LocalErrorCode.bootstrapFailed, `mmdebstrap could not make the ${req.bootstrap.suite} rootfs: ${e.message}`, {
        hint: 'Check the suite, mirror and package names in the bootstrap block, and that the mirror is reachable.',
        source: 'user',
        cause: e,
      });
    }
    const bootstrapMs = lap();

    await applyGuestConfig(rootfs, guestConfig({ hostname: req.hostname }));
    const boot = await findKernel(rootfs);
    for (const [name, from] of [['kernel', boot.kernel], ['initrd', boot.initrd]] as const) {
      undo.push({ name, run: removeFile(at(name)) });
      await copyFile(from, at(name));
    }
    const rootfsBytes = await treeBytes(runner, rootfs, req.signal);
    const configureMs = lap();

    const raw = at('raw');
    undo.push({ name: 'raw', run: removeFile(raw) });
    const handle = await open(raw, 'wx');
    try {
      await handle.truncate(diskBytes); // sparse: mkfs writes only what the filesystem uses
    } finally {
      await handle.close();
    }
    const mkfs = await run(MKFS_EXT4, mkfsArgs(rootfs, raw));
    if (!(mkfs.outcome.kind === 'exited' && mkfs.outcome.exitCode === 0) && /could not allocate|no space left|not enough space/i.test(mkfs.stderr)) {
      throw new LocalBuilderError(
        LocalErrorCode.diskTooSmall,
        `The ${req.bootstrap.suite} rootfs (${mib(rootfsBytes)} MiB) does not fit in disk_size "${req.diskSize}"`,
        { hint: `Set disk_size to at least "${Math.ceil((mib(rootfsBytes) * 1.3) / 256) * 256}M".`, source: 'user' },
      );
    }
    checkSucceeded(mkfs);
    const mkfsMs = lap();

    undo.push({ name: 'disk', run: removeFile(at('disk')) });
    await convertImage(runner, {
      source: raw,
      sourceFormat: 'raw',
      target: at('disk'),
      targetFormat: 'qcow2',
      ...(req.signal ? { signal: req.signal } : {}),
    });
    const convertMs = lap();

    // Done: drop the intermediates, keep the outputs (unless dropping fails: then undo it all).
    for (const step of [...undo].reverse()) {
      if (step.name === 'rootfs' || step.name === 'raw') await step.run();
    }
    undo.length = 0;
    return {
      disk: at('disk'),
      kernel: at('kernel'),
      initrd: at('initrd'),
      kernelVersion: boot.version,
      packages: bootstrapPackages(req.bootstrap),
      diskBytes,
      rootfsBytes,
      timings: { bootstrapMs, configureMs, mkfsMs, convertMs, totalMs: clock.now() - started },
    };
  } catch (e) {
    for (const step of undo.reverse()) {
      // Keep going: the first error is the one worth reporting, and every undo deserves its chance.
      await step.run().catch(() => undefined);
    }
    throw e;
  }
}

export function mkfsArgs(rootfs: string, raw: string): string[] {
  // -F: the target is a regular file, not a block device. -L lets the guest mount by label too.
  return ['-q', '-F', '-L', 'bake-root', '-d', rootfs, raw];
}

export async function applyGuestConfig(rootfs: string, config: GuestConfig): Promise<void> {
  const inside = (p: string) => path.join(rootfs, p);
  for (const file of config.files) {
    await mkdir(path.dirname(inside(file.path)), { recursive: true });
    await rm(inside(file.path), { force: true }); // it may be a symlink (resolv.conf often is)
    await writeFile(inside(file.path), file.content, { mode: file.mode });
    await chmod(inside(file.path), file.mode); // writeFile's mode is subject to umask
  }
  for (const [link, target] of config.links) {
    await mkdir(path.dirname(inside(link)), { recursive: true });
    await rm(inside(link), { force: true });
    await symlink(target, inside(link));
  }
  for (const [dir, pattern] of config.remove) {
    const names = await readdir(inside(dir)).catch(() => [] as string[]);
    for (const name of names.filter((n) => pattern.test(n))) await unlink(path.join(inside(dir), name));
  }
}

/** The newest /boot/vmlinuz-VERSION that has a matching initrd.img-VERSION. */
export async function findKernel(rootfs: string): Promise<{ kernel: string; initrd: string; version: string }> {
  const boot = path.join(rootfs, 'boot');
  const names = await readdir(boot).catch(() => [] as string[]);
  const versions = names
    .filter((n) => n.startsWith('vmlinuz-') && names.includes(`initrd.img-${n.slice('vmlinuz-'.length)}`))
    .map((n) => n.slice('vmlinuz-'.length))
    .sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
  const version = versions[0];
  if (version === undefined) {
    throw new LocalBuilderError(LocalErrorCode.noKernel, `The bootstrapped rootfs has no kernel with an initrd in /boot`, {
      hint: 'Keep a linux-image-* package (and initramfs-tools) in the bootstrap block, or leave the kernel to bake.',
      source: 'user',
    });
  }
  return { kernel: path.join(boot, `vmlinuz-${version}`), initrd: path.join(boot, `initrd.img-${version}`), version };
}

/** Disk usage of a tree in bytes (`du -sx`), for the build log and the disk-too-small hint. */
async function treeBytes(runner: ProcessRunner, dir: string, signal?: AbortSignal): Promise<number> {
  const result = checkSucceeded(await runner.run('du', ['-sx', '--block-size=1', dir], signal ? { signal } : {}));
  return Number(result.stdout.split(/\s/)[0]) || 0;
}

const exists = (p: string) =>
  lstat(p).then(
    () => true,
    () => false,
  );

const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
