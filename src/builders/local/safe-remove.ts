/**
 * Removing a directory tree that a chroot tool worked in. A recursive delete follows no symlinks
 * but does descend into mount points: if a killed tool ever left /dev, /proc or /sys bind-mounted
 * inside its target, `rm -r` would delete the host's device nodes through it. So look at the mount
 * table first and refuse while anything is mounted inside.
 *
 * mmdebstrap runs with --mode=unshare (bootstrap.ts), so its mounts live in a private mount
 * namespace and vanish with it; this check is the second line of defence.
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { LocalBuilderError, LocalErrorCode } from './local-errors.js';

export async function removeTree(dir: string, mountinfo = '/proc/self/mountinfo'): Promise<void> {
  const root = path.resolve(dir);
  const inside = mountPointsUnder(await readFile(mountinfo, 'utf8'), root);
  if (inside.length > 0) {
    throw new LocalBuilderError(LocalErrorCode.mountedInside, `Not removing ${root}: ${inside.join(', ')} is mounted inside it`, {
      hint: `Unmount it first (umount -R ${inside[0]}), then remove the directory.`,
    });
  }
  await rm(root, { recursive: true, force: true });
}

/** Mount points (field 5 of /proc/self/mountinfo, octal-escaped) at or below root. */
export function mountPointsUnder(mountinfo: string, root: string): string[] {
  return mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => p !== undefined)
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8))))
    .filter((p) => p === root || p.startsWith(`${root}/`));
}
